package e2e

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pythonClient finds a program from Debian's packages: the absolute
// Debian path first (a pyenv or virtualenv earlier in PATH may hold
// another version, or none), then PATH.
func pythonClient(t *testing.T, debPath, name string) string {
	t.Helper()
	if fi, err := os.Stat(debPath); err == nil && !fi.IsDir() {
		return debPath
	}
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name)
	}
	return p
}

// tree writes the test keys under a fresh folder, for the recursive
// commands of the CLIs, and returns it.
func tree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, k := range keys {
		p := filepath.Join(dir, filepath.FromSlash(k))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// checkTree asserts that dir holds every test key with its content.
func checkTree(t *testing.T, dir string) {
	t.Helper()
	for _, k := range keys {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(k)))
		if err != nil || string(b) != content {
			t.Errorf("%s: %q, %v", k, b, err)
		}
	}
}

// run runs a client command, its debug output appended to logPath, and
// returns its standard output.
func run(t *testing.T, env []string, logPath, bin string, args ...string) string {
	t.Helper()
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = &out, f
	if err := cmd.Run(); err != nil {
		for _, e := range s.log.settle("/") {
			if e.Status >= 400 && e.Verdict != "" {
				var b strings.Builder
				e.WriteText(&b)
				t.Logf("sigdiff proxy said:\n%s  sigdiff canonical request / string to sign:\n%s\n%s", b.String(), indent(e.CanonicalRequest), indent(e.StringToSign))
			}
		}
		t.Fatalf("%s %s: %v\n%s\nlast lines of the debug log %s:\n%s", filepath.Base(bin), strings.Join(args, " "), err, out.String(), logPath, tail(logPath, 15))
	}
	return out.String()
}

func TestAWSCLI(t *testing.T) {
	st := needSuite(t)
	aws := pythonClient(t, "/usr/bin/aws", "aws")
	dir := t.TempDir()
	conf := filepath.Join(dir, "config")
	os.WriteFile(conf, []byte("[default]\nregion = "+region+"\ns3 =\n  addressing_style = path\n  multipart_threshold = 8MB\n  multipart_chunksize = 5MB\n"), 0o600)
	env := append(cleanEnv(), "AWS_CONFIG_FILE="+conf, "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "none"),
		"AWS_ACCESS_KEY_ID="+rootUser, "AWS_SECRET_ACCESS_KEY="+rootPassword, "AWS_PAGER=", "HOME="+dir)
	version := strings.TrimSpace(run(t, env, filepath.Join(dir, "version.log"), aws, "--version"))
	if version == "" { // aws v1 prints its version on stderr
		b, _ := os.ReadFile(filepath.Join(dir, "version.log"))
		version = strings.TrimSpace(string(b))
	}
	version, _, _ = strings.Cut(version, " ")
	logPath := filepath.Join(dir, "awscli-debug.log")
	bucket := "e2e-awscli"
	aw := func(args ...string) string {
		t.Helper()
		return run(t, env, logPath, aws, append([]string{"--debug", "--endpoint-url", st.proxyURL}, args...)...)
	}
	s3url := "s3://" + bucket + "/"
	aw("s3api", "create-bucket", "--bucket", bucket)
	aw("s3", "cp", tree(t), s3url, "--recursive", "--content-type", "text/plain", "--metadata", "color=blue,note=e2e")
	back := filepath.Join(dir, "back")
	aw("s3", "cp", s3url, back, "--recursive")
	checkTree(t, back)
	k := keys[2]
	out := filepath.Join(dir, "range.out")
	aw("s3api", "get-object", "--bucket", bucket, "--key", k, "--range", "bytes=6-9", out)
	if b, _ := os.ReadFile(out); string(b) != content[6:10] {
		t.Errorf("range: %q", b)
	}
	for _, k := range []string{keys[1], keys[3]} {
		head := aw("s3api", "head-object", "--bucket", bucket, "--key", k)
		// MinIO (net/http) sends X-Amz-Meta-Color: botocore keeps the case it
		// receives, so the key reads "Color" here and "color" from AWS.
		if !strings.Contains(strings.ToLower(head), `"color": "blue"`) || !strings.Contains(head, `"ContentType": "text/plain"`) {
			t.Errorf("head %s:\n%s", k, head)
		}
	}
	list := aw("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "dir/with space/")
	if !strings.Contains(list, keys[1]) || strings.Contains(list, keys[0]) {
		t.Errorf("list with prefix:\n%s", list)
	}
	big, data := randomFile(t, multipartSize)
	aw("s3", "cp", big, s3url+"multi/big file+1.bin")
	bigBack := filepath.Join(dir, "big.back")
	aw("s3", "cp", s3url+"multi/big file+1.bin", bigBack)
	if b, _ := os.ReadFile(bigBack); !bytes.Equal(b, data) {
		t.Errorf("multipart object: %d bytes back of %d", len(b), len(data))
	}
	url := strings.TrimSpace(aw("s3", "presign", s3url+keys[3], "--expires-in", "600"))
	curlLog := filepath.Join(dir, "curl.log")
	if body, status := curl(t, curlLog, url); status != "200" || body != content {
		t.Errorf("presigned GET %s: %s %q", url, status, body)
	}
	aw("s3", "rm", s3url, "--recursive")
	es := checkEntries(t, "/"+bucket, "sigv4-query", http.MethodPut, http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete)
	compareSigned(t, logPath, es)
	noted("aws-cli", strings.TrimPrefix(version, "aws-cli/"))
	keepLog(t, "awscli-"+strings.TrimPrefix(version, "aws-cli/")+"-debug.log", logPath)
}

// cleanEnv is the environment without the AWS variables of whoever runs
// the tests, so that no profile, region or endpoint of theirs leaks in.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "BOTO_") || k == "HOME" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
