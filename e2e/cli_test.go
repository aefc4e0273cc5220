package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sigdiff/sigdiff/internal/proxy"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// TestProxyCommand runs the built `sigdiff proxy` as a user would: key
// from the environment, --json lines on stdout, Ctrl-C (SIGINT) to stop.
func TestProxyCommand(t *testing.T) {
	st := needSuite(t)
	bin := filepath.Join(t.TempDir(), "sigdiff")
	build := exec.Command("go", "build", "-o", bin, "./cmd/sigdiff")
	build.Dir = testenv.RepoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if out, _ := exec.Command(bin, "proxy", "--help").CombinedOutput(); !strings.Contains(string(out), "--upstream") {
		// newProxyCmd exists in cmd/sigdiff/proxy.go; app.go must add it.
		if os.Getenv("CI") == "true" {
			t.Fatalf("sigdiff has no proxy command: register newProxyCmd in cmd/sigdiff/app.go\n%s", out)
		}
		t.Skipf("sigdiff has no proxy command yet: register newProxyCmd in cmd/sigdiff/app.go")
	}

	const token = "e2e-session-token-sentinel-4711"
	cmd := exec.Command(bin, "proxy", "--listen", "127.0.0.1:0", "--upstream", st.minioURL, "--json")
	cmd.Env = append(cleanEnv(), "AWS_ACCESS_KEY_ID="+rootUser, "AWS_SECRET_ACCESS_KEY="+rootPassword, "HOME="+t.TempDir())
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var errLines []string
	var mu sync.Mutex
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			errLines = append(errLines, sc.Text())
			mu.Unlock()
			if m := regexp.MustCompile(`listening on (http://\S+),`).FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	var outLines []string
	outDone := make(chan struct{})
	go func() {
		defer close(outDone)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			outLines = append(outLines, sc.Text())
		}
	}()
	var base string
	select {
	case base = <-addr:
	case <-time.After(20 * time.Second):
		t.Fatalf("the proxy did not say where it listens: %v", errLines)
	}

	ctx := context.Background()
	bucket := "e2e-cli"
	logDir := t.TempDir()
	good := newGoSDK(t, base, rootPassword, filepath.Join(logDir, "good.log"))
	if _, err := good.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := good.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("a b.txt"), Body: strings.NewReader(content),
		Metadata: map[string]string{"token": token}}); err != nil {
		t.Fatal(err)
	}
	bad := newGoSDK(t, base, "wrong-"+rootPassword, filepath.Join(logDir, "bad.log"))
	if _, err := bad.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("a b.txt")}); err == nil {
		t.Fatal("a wrong secret was accepted")
	}
	time.Sleep(500 * time.Millisecond) // the refusal's diagnosis is printed after the answer
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { <-outDone; done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the proxy exited with %v after SIGINT", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the proxy did not stop after SIGINT")
	}

	var es []proxy.Entry
	for _, l := range outLines {
		var e proxy.Entry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("stdout line is not JSON: %q", l)
		}
		es = append(es, e)
	}
	if len(es) != 3 {
		t.Fatalf("%d JSON lines, want 3:\n%s", len(es), strings.Join(outLines, "\n"))
	}
	for i, want := range []struct{ method, sig, cause string }{{"PUT", "ok", ""}, {"PUT", "ok", ""}, {"GET", "mismatch", "secret-key-mismatch"}} {
		if e := es[i]; e.Method != want.method || e.Signature != want.sig || e.FirstCause() != want.cause {
			t.Errorf("line %d: %s %s %s %s, want %+v", i+1, e.Method, e.Path, e.Signature, e.FirstCause(), want)
		}
	}
	mu.Lock()
	all := strings.Join(outLines, "\n") + strings.Join(errLines, "\n")
	mu.Unlock()
	if strings.Contains(all, rootPassword) {
		t.Error("the secret key appears in the proxy's output")
	}
	if !strings.Contains(all, "stopped") {
		t.Errorf("no clean stop on stderr: %v", errLines)
	}
}
