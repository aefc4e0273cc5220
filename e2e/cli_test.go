package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
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

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// sigdiffBinary builds cmd/sigdiff once per run and returns its path.
func sigdiffBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sigdiff-e2e-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "sigdiff")
		build := exec.Command("go", "build", "-o", builtBin, "./cmd/sigdiff")
		build.Dir = testenv.RepoRoot(t)
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// proxyProcess is `sigdiff proxy` run as a user runs it.
type proxyProcess struct {
	cmd      *exec.Cmd
	base     string // http://127.0.0.1:PORT it listens on
	mu       sync.Mutex
	errLines []string
	outLines []string
	outDone  chan struct{}
}

// startProxyProcess runs the built sigdiff proxy --listen 127.0.0.1:0 with
// args and env, and waits until it says where it listens.
func startProxyProcess(t *testing.T, env []string, args ...string) *proxyProcess {
	t.Helper()
	p := &proxyProcess{outDone: make(chan struct{})}
	p.cmd = exec.Command(sigdiffBinary(t), append([]string{"proxy", "--listen", "127.0.0.1:0"}, args...)...)
	p.cmd.Env = env
	stdout, _ := p.cmd.StdoutPipe()
	stderr, _ := p.cmd.StderrPipe()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.errLines = append(p.errLines, sc.Text())
			p.mu.Unlock()
			if m := regexp.MustCompile(`listening on (http://\S+),`).FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	go func() {
		defer close(p.outDone)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.outLines = append(p.outLines, sc.Text())
			p.mu.Unlock()
		}
	}()
	select {
	case p.base = <-addr:
	case <-time.After(20 * time.Second):
		p.mu.Lock()
		defer p.mu.Unlock()
		t.Fatalf("the proxy did not say where it listens: %v", p.errLines)
	}
	return p
}

// stop sends SIGINT (Ctrl-C), waits for a clean exit and returns what
// the proxy printed on stdout and stderr, a line each.
func (p *proxyProcess) stop(t *testing.T) (stdout, stderr []string) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { <-p.outDone; done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the proxy exited with %v after SIGINT", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the proxy did not stop after SIGINT")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !strings.Contains(strings.Join(p.errLines, "\n"), "stopped") {
		t.Errorf("no clean stop on stderr: %v", p.errLines)
	}
	return p.outLines, p.errLines
}

// entries reads --json lines.
func entries(t *testing.T, lines []string) []proxy.Entry {
	t.Helper()
	var es []proxy.Entry
	for _, l := range lines {
		var e proxy.Entry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("stdout line is not JSON: %q", l)
		}
		es = append(es, e)
	}
	return es
}

// TestProxyCommand runs the built `sigdiff proxy` as a user would: key
// from the environment, --json lines on stdout, Ctrl-C (SIGINT) to stop.
func TestProxyCommand(t *testing.T) {
	st := needSuite(t)
	const token = "e2e-session-token-sentinel-4711"
	p := startProxyProcess(t, append(cleanEnv(), "AWS_ACCESS_KEY_ID="+rootUser, "AWS_SECRET_ACCESS_KEY="+rootPassword, "HOME="+t.TempDir()),
		"--upstream", st.minioURL, "--json")
	base := p.base

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
	outLines, errLines := p.stop(t)
	es := entries(t, outLines)
	if len(es) != 3 {
		t.Fatalf("%d JSON lines, want 3:\n%s", len(es), strings.Join(outLines, "\n"))
	}
	for i, want := range []struct{ method, sig, cause string }{{"PUT", "ok", ""}, {"PUT", "ok", ""}, {"GET", "mismatch", "secret-key-mismatch"}} {
		if e := es[i]; e.Method != want.method || e.Signature != want.sig || e.FirstCause() != want.cause {
			t.Errorf("line %d: %s %s %s %s, want %+v", i+1, e.Method, e.Path, e.Signature, e.FirstCause(), want)
		}
	}
	all := strings.Join(outLines, "\n") + strings.Join(errLines, "\n")
	if strings.Contains(all, rootPassword) {
		t.Error("the secret key appears in the proxy's output")
	}
}
