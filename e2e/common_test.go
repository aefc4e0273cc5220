package e2e

import (
	"bytes"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sigdiff/sigdiff/internal/proxy"
)

// keys exercise the path encodings clients get wrong: a blank, unicode,
// the characters S3 treats specially in a path (+ = ~), nested folders.
var keys = []string{
	"plain.txt",
	"dir/with space/file name.txt",
	"unicode/żółw-€-日本.txt",
	"chars/a+b=c~d.txt",
	"deep/a/b/c/d/e.txt",
}

const content = "hello from sigdiff e2e\n"

// multipartSize is above every client's multipart threshold used here,
// and splits into parts of 5 MiB, S3's smallest.
const multipartSize = 11 << 20

func randomFile(t *testing.T, size int) (string, []byte) {
	t.Helper()
	b := make([]byte, size)
	rand.Read(b)
	p := filepath.Join(t.TempDir(), "random.bin")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, b
}

// checkEntries asserts that the proxy saw the client's traffic under
// prefix, verified every signature as ok in the scheme want, and saw
// each of the methods.
func checkEntries(t *testing.T, prefix, scheme string, methods ...string) []*proxy.Entry {
	t.Helper()
	return checkVerified(t, prefix, s.log.settle(prefix), scheme, methods...)
}

// checkVerified is checkEntries over given entries.
func checkVerified(t *testing.T, prefix string, es []*proxy.Entry, scheme string, methods ...string) []*proxy.Entry {
	t.Helper()
	if len(es) == 0 {
		t.Fatalf("the proxy saw no request under %s", prefix)
	}
	seen := map[string]int{}
	schemes := map[string]int{}
	for _, e := range es {
		seen[e.Method]++
		schemes[e.Scheme]++
		if e.Signature != proxy.SigOK {
			t.Errorf("%s %s %d: signature %s (%s %v)\n  sigdiff's canonical request:\n%s", e.Method, e.Path, e.Status, e.Signature, e.FirstCause(), e.Notes, indent(e.CanonicalRequest))
		}
		if e.Status >= 500 || e.Error != "" {
			t.Errorf("%s %s: status %d, error %q", e.Method, e.Path, e.Status, e.Error)
		}
	}
	for _, m := range methods {
		if seen[m] == 0 {
			t.Errorf("no %s request went through the proxy (saw %v)", m, seen)
		}
	}
	if scheme != "" && schemes[scheme] == 0 {
		t.Errorf("no request signed with %s (saw %v)", scheme, schemes)
	}
	t.Logf("%d requests through the proxy, all verified: methods %v, schemes %v", len(es), seen, schemes)
	return es
}

func indent(s string) string { return "    " + strings.ReplaceAll(s, "\n", "\n    ") }

// curlBinary finds curl, skipping or failing when it is missing.
func curlBinary(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("curl")
	if err != nil {
		missing(t, "curl")
	}
	return p
}

// curl runs curl -v with args, appending its trace to logPath, and
// returns the body and the status.
func curl(t *testing.T, logPath string, args ...string) (string, string) {
	t.Helper()
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	cmd := exec.Command(curlBinary(t), append([]string{"-sS", "-v", "-w", "\n%{http_code}"}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, f
	if err := cmd.Run(); err != nil {
		t.Fatalf("curl %v: %v", args, err)
	}
	body := out.String()
	i := strings.LastIndexByte(body, '\n')
	return body[:i], body[i+1:]
}

// curlVersion is curl's first version line.
func curlVersion(t *testing.T) string {
	out, err := exec.Command(curlBinary(t), "--version").Output()
	if err != nil {
		return "unknown"
	}
	first, _, _ := strings.Cut(string(out), "\n")
	f := strings.Fields(first)
	if len(f) >= 2 {
		return f[1]
	}
	return first
}

// moduleVersion is the version go.mod selects for a module (test
// binaries carry no dependency list in their build information).
func moduleVersion(path string) string {
	versionsMu.Lock()
	defer versionsMu.Unlock()
	if v, ok := versions[path]; ok {
		return v
	}
	v := "unknown"
	if out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", path).Output(); err == nil {
		v = strings.TrimSpace(string(out))
	}
	versions[path] = v
	return v
}

var (
	versionsMu sync.Mutex
	versions   = map[string]string{}
)

type proxyEntry = proxy.Entry
