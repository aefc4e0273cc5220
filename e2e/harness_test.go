package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/proxy"
)

// The MinIO root key: what every client signs with, and the proxy's key.
const (
	rootUser     = "e2eroot"
	rootPassword = "e2e-root-secret-Zq9"
	region       = "us-east-1"
)

// suite is what TestMain started for every test.
type suite struct {
	minioURL string // http://127.0.0.1:PORT, MinIO itself
	proxyURL string // http://127.0.0.1:PORT, sigdiff proxy in front of it
	log      *entryLog
	p        *proxy.Proxy
	tmp      string
}

var (
	s        *suite
	startErr error // why the suite could not start (minio missing, …)

	exercisedMu sync.Mutex
	exercised   = map[string]string{} // client → version, printed at the end
)

func TestMain(m *testing.M) {
	code := func() int {
		stop, err := startSuite()
		if err != nil {
			startErr = err
			fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		}
		defer stop()
		return m.Run()
	}()
	exercisedMu.Lock()
	var names []string
	for k, v := range exercised {
		names = append(names, k+" "+v)
	}
	exercisedMu.Unlock()
	sort.Strings(names)
	if len(names) > 0 {
		fmt.Printf("e2e: clients exercised through sigdiff proxy against MinIO %s: %s\n", minioVersion, strings.Join(names, "; "))
	}
	os.Exit(code)
}

// noted records a client and its version for the closing summary.
func noted(client, version string) {
	exercisedMu.Lock()
	defer exercisedMu.Unlock()
	exercised[client] = version
}

// minioVersion is the module version e2e/setup.sh builds.
const minioVersion = "v0.0.0-20260212201848-7aac2a2c5b7c"

// missing skips the test, or fails it under CI=true, for a component that
// is not installed.
func missing(t *testing.T, what string) {
	t.Helper()
	msg := what + " is not installed: run `bash e2e/setup.sh` (as root) to build and install the e2e components"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// needSuite returns the running suite, or skips/fails as missing does.
func needSuite(t *testing.T) *suite {
	t.Helper()
	if s == nil {
		if startErr == nil {
			startErr = errors.New("the suite did not start")
		}
		if errors.Is(startErr, errNoMinio) {
			missing(t, "minio")
		}
		t.Fatal(startErr)
	}
	return s
}

var errNoMinio = errors.New("minio binary not found")

// minioBinary finds the server setup.sh builds: GOBIN, GOPATH/bin, PATH.
func minioBinary() (string, error) {
	var dirs []string
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) == 2 {
			if lines[0] != "" {
				dirs = append(dirs, lines[0])
			}
			for _, p := range filepath.SplitList(lines[1]) {
				dirs = append(dirs, filepath.Join(p, "bin"))
			}
		}
	}
	for _, d := range dirs {
		p := filepath.Join(d, "minio")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p, nil
	}
	return "", errNoMinio
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startMinio starts a MinIO server on loopback with its data under dir
// and waits until it is ready. With certsDir (public.crt, private.key and
// CAs/) it serves TLS, and ready is asked through client.
func startMinio(dir, certsDir string, client *http.Client) (baseURL string, stop func(), err error) {
	stop = func() {}
	bin, err := minioBinary()
	if err != nil {
		return "", stop, err
	}
	port, err := freePort()
	if err != nil {
		return "", stop, err
	}
	console, err := freePort()
	if err != nil {
		return "", stop, err
	}
	scheme := "http"
	args := []string{"server", "--quiet", "--address", fmt.Sprintf("127.0.0.1:%d", port), "--console-address", fmt.Sprintf("127.0.0.1:%d", console)}
	if certsDir != "" {
		scheme = "https"
		args = append(args, "--certs-dir", certsDir)
	}
	baseURL = fmt.Sprintf("%s://127.0.0.1:%d", scheme, port)
	minioLog, err := os.Create(filepath.Join(dir, "minio.log"))
	if err != nil {
		return "", stop, err
	}
	cmd := exec.Command(bin, append(args, filepath.Join(dir, "data"))...)
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+rootUser, "MINIO_ROOT_PASSWORD="+rootPassword,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off", "MINIO_REGION="+region)
	cmd.Stdout, cmd.Stderr = minioLog, minioLog
	if err := cmd.Start(); err != nil {
		minioLog.Close()
		return "", stop, fmt.Errorf("starting minio: %w", err)
	}
	stop = func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		minioLog.Close()
	}
	if client == nil {
		client = http.DefaultClient
	}
	if err := waitReady(client, baseURL+"/minio/health/cluster", 60*time.Second); err != nil {
		stop()
		return "", func() {}, fmt.Errorf("minio did not start: %w (log: %s)", err, tail(minioLog.Name(), 5))
	}
	return baseURL, stop, nil
}

// startSuite starts MinIO on loopback with its data in a temporary
// folder, and the proxy in front of it.
func startSuite() (stop func(), err error) {
	stop = func() {}
	tmp, err := os.MkdirTemp("", "sigdiff-e2e-")
	if err != nil {
		return stop, err
	}
	minioURL, stopServer, err := startMinio(tmp, "", nil)
	if err != nil {
		os.RemoveAll(tmp)
		return stop, err
	}
	stopMinio := func() { stopServer(); os.RemoveAll(tmp) }

	up, _ := url.Parse(minioURL)
	log := &entryLog{}
	p, err := proxy.New(proxy.Config{
		Upstream:    up,
		Credentials: credentials.Credentials{AccessKeyID: rootUser, Secret: credentials.NewSecret(rootPassword), Source: "e2e"},
		Canonical:   true,
		Log:         log.add,
	})
	if err != nil {
		stopMinio()
		return stop, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		stopMinio()
		return stop, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- p.Serve(ctx, ctx, ln) }()
	s = &suite{minioURL: minioURL, proxyURL: "http://" + ln.Addr().String(), log: log, p: p, tmp: tmp}
	return func() {
		cancel()
		<-served
		stopMinio()
	}, nil
}

func waitReady(client *http.Client, u string, d time.Duration) error {
	deadline := time.Now().Add(d)
	var last error
	for time.Now().Before(deadline) {
		resp, err := client.Get(u)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	return last
}

// entryLog keeps every entry the proxy logs.
type entryLog struct {
	mu sync.Mutex
	es []*proxy.Entry
}

func (l *entryLog) add(e *proxy.Entry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.es = append(l.es, e)
}

// settle waits until no entry has arrived for a moment (diagnoses are
// logged after the client has its answer) and returns the entries whose
// path is prefix or below it ("/" for all).
func (l *entryLog) settle(prefix string) []*proxy.Entry {
	n := -1
	for quiet := 0; quiet < 3; time.Sleep(100 * time.Millisecond) {
		l.mu.Lock()
		cur := len(l.es)
		l.mu.Unlock()
		if cur == n {
			quiet++
		} else {
			n, quiet = cur, 0
		}
	}
	s.p.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*proxy.Entry
	for _, e := range l.es {
		if prefix == "/" || e.Path == prefix || strings.HasPrefix(e.Path, prefix+"/") {
			out = append(out, e)
		}
	}
	return out
}

// keepLog copies a client's debug log to SIGDIFF_E2E_LOGS, when set.
func keepLog(t *testing.T, name, path string) {
	dir := os.Getenv("SIGDIFF_E2E_LOGS")
	if dir == "" {
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("keeping %s: %v", name, err)
		return
	}
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Errorf("keeping %s: %v", name, err)
	}
}
