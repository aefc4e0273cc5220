package proxy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/sigdiff/sigdiff/internal/credentials"
)

const (
	testAccessKey = "AKIDPROXYTEST"
	testSecret    = "proxy-test-secret-0123456789abcdef"
)

var testCreds = credentials.Credentials{AccessKeyID: testAccessKey, Secret: credentials.NewSecret(testSecret)}

// entries collects what the proxy logs.
type entries struct {
	mu sync.Mutex
	es []*Entry
}

func (c *entries) log(e *Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.es = append(c.es, e)
}

// wait returns the entries once there are n of them: a diagnosis is
// logged after the client has its answer.
func (c *entries) wait(t *testing.T, n int) []*Entry {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if es := c.all(); len(es) >= n {
			return es
		}
	}
	t.Fatalf("%d entries logged, want %d", len(c.all()), n)
	return nil
}

func (c *entries) all() []*Entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*Entry(nil), c.es...)
}

// start runs a proxy in front of upstream and returns its base URL.
func start(t *testing.T, upstream string, mod func(*Config)) (string, *Proxy, *entries) {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	log := &entries{}
	cfg := Config{Upstream: u, Credentials: testCreds, Log: log.log}
	if mod != nil {
		mod(&cfg)
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(func() { srv.Close(); p.Wait() })
	return srv.URL, p, log
}

// sign signs req with aws-sdk-go-v2's signer, an oracle independent of
// sigdiff's, as a client would.
func sign(t testing.TB, req *http.Request, payloadHash string, secret string) {
	t.Helper()
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: secret}, req, payloadHash, "s3", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
}

const emptySHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// minioRefusal answers like MinIO: SignatureDoesNotMatch with no detail.
func minioRefusal(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Error><Code>%s</Code><Message>%s</Message><Key>k</Key><BucketName>b</BucketName><Resource>/b/k</Resource><RequestId>1</RequestId><HostId>h</HostId></Error>`, code, msg)
}

func TestProxy_rawTargetAndHeadersPreserved(t *testing.T) {
	var gotURI, gotHost, gotMeta, gotXFF string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotURI, gotHost, gotMeta, gotXFF = r.RequestURI, r.Host, r.Header.Get("X-Amz-Meta-A"), r.Header.Get("X-Forwarded-For")
		w.Header().Set("X-Up", "1")
		io.WriteString(w, "ok")
	}))
	defer up.Close()
	base, _, log := start(t, up.URL, nil)
	for _, target := range []string{
		"//a/%2F+b?x=%20",
		"/b/k%7e%2fz?list-type=2&prefix=a%2Fb&x",
		"/b/%E2%82%AC%20+=~?uploads",
		"/b/k?",
		"/",
	} {
		t.Run(target, func(t *testing.T) {
			resp := rawRequest(t, base, "GET "+target+" HTTP/1.1\r\nHost: bucket.example:9000\r\nX-Amz-Meta-A:  spaced  value \r\nConnection: close\r\n\r\n")
			if !strings.Contains(resp, "200 OK") || !strings.Contains(resp, "X-Up: 1") {
				t.Fatalf("response:\n%s", resp)
			}
			if gotURI != target {
				t.Errorf("upstream saw request target %q, want %q", gotURI, target)
			}
			if gotHost != "bucket.example:9000" {
				t.Errorf("upstream saw Host %q", gotHost)
			}
			if gotMeta != "spaced  value" { // net/http trims the ends only
				t.Errorf("upstream saw x-amz-meta-a %q", gotMeta)
			}
			if gotXFF != "" {
				t.Errorf("the proxy added X-Forwarded-For %q", gotXFF)
			}
		})
	}
	es := log.wait(t, 5)
	if len(es) != 5 || es[0].Path != "//a/%2F+b" || es[0].Signature != SigUnsigned || es[0].Status != 200 {
		t.Fatalf("entries: %+v", es[0])
	}
}

// rawRequest writes raw bytes to the proxy and returns the response head.
func rawRequest(t *testing.T, base, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, _ := io.ReadAll(c)
	return string(b)
}

func do(t *testing.T, req *http.Request, want int) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("status %d, want %d", resp.StatusCode, want)
	}
}

// pattern is an endless deterministic body that never sits in memory.
type pattern struct{ n, left int64 }

func (p *pattern) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > p.left {
		b = b[:p.left]
	}
	for i := range b {
		b[i] = byte((p.n + int64(i)) * 31 >> 3)
	}
	p.n += int64(len(b))
	p.left -= int64(len(b))
	return len(b), nil
}

func TestProxy_streamsInBoundedMemory(t *testing.T) {
	const size = 64 << 20
	var got atomic.Int64
	var upSum []byte
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			h := sha256.New()
			n, _ := io.Copy(h, r.Body)
			got.Store(n)
			upSum = h.Sum(nil)
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(size))
		io.Copy(w, &pattern{left: size})
	}))
	defer up.Close()
	base, _, log := start(t, up.URL, nil)
	want := sha256.New()
	io.Copy(want, &pattern{left: size})

	for _, chunkedUpload := range []bool{false, true} {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var body io.Reader = &pattern{left: size}
		if chunkedUpload {
			body = io.MultiReader(body) // hides the length: Transfer-Encoding: chunked
		}
		req, _ := http.NewRequest(http.MethodPut, base+"/b/big", body)
		if !chunkedUpload {
			req.ContentLength = size
		}
		do(t, req, 200)
		if got.Load() != size || hex.EncodeToString(upSum) != hex.EncodeToString(want.Sum(nil)) {
			t.Fatalf("upstream got %d bytes, sha256 %x", got.Load(), upSum)
		}
		resp, err := http.Get(base + "/b/big")
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		n, _ := io.Copy(h, resp.Body)
		resp.Body.Close()
		if n != size || hex.EncodeToString(h.Sum(nil)) != hex.EncodeToString(want.Sum(nil)) {
			t.Fatalf("download: %d bytes", n)
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		// 128 MiB went through both ways; everything this process
		// allocated meanwhile (client, proxy, upstream) stays far below.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
			t.Errorf("chunked=%v: %d MiB allocated to move 128 MiB", chunkedUpload, alloc>>20)
		}
	}
	for _, e := range log.wait(t, 4) {
		if e.Method == http.MethodPut && e.BytesIn != size || e.Method == http.MethodGet && e.BytesOut != size {
			t.Errorf("entry counts %+v", e)
		}
	}
}

func TestProxy_expectContinue(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/refuse") {
			minioRefusal(w, "AccessDenied", "Access Denied.")
			return // without reading: net/http sends no 100 Continue
		}
		io.Copy(io.Discard, r.Body)
	}))
	defer up.Close()
	base, _, _ := start(t, up.URL, nil)
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: 20 * time.Second}}
	defer client.CloseIdleConnections()

	t.Run("accepted", func(t *testing.T) {
		var read atomic.Int64
		req, _ := http.NewRequest(http.MethodPut, base+"/b/accept", &countReader{r: strings.NewReader(strings.Repeat("x", 1<<20)), n: &read})
		req.ContentLength = 1 << 20
		req.Header.Set("Expect", "100-continue")
		began := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		// Without a 100 Continue relayed, the client would wait out its
		// 20 s timeout before sending the body.
		if resp.StatusCode != 200 || read.Load() != 1<<20 || time.Since(began) > 10*time.Second {
			t.Fatalf("status %d, %d bytes read, %s", resp.StatusCode, read.Load(), time.Since(began))
		}
	})
	t.Run("refused before the body", func(t *testing.T) {
		var read atomic.Int64
		req, _ := http.NewRequest(http.MethodPut, base+"/b/refuse", &countReader{r: strings.NewReader(strings.Repeat("x", 1<<20)), n: &read})
		req.ContentLength = 1 << 20
		req.Header.Set("Expect", "100-continue")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 || read.Load() != 0 {
			t.Fatalf("status %d, %d body bytes sent", resp.StatusCode, read.Load())
		}
	})
}

type countReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func TestProxy_unreachableUpstream(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	base, _, log := start(t, "http://"+addr, nil)
	resp, err := http.Get(base + "/b/k")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(b), "<Code>BadGateway</Code>") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	es := log.wait(t, 1)
	if len(es) != 1 || es[0].Status != 502 || !strings.Contains(es[0].Error, "unreachable") || !strings.Contains(es[0].Error, addr) {
		t.Fatalf("%+v", es)
	}
	var line strings.Builder
	es[0].WriteText(&line)
	if strings.Count(line.String(), "\n") != 1 {
		t.Errorf("more than one line: %q", line.String())
	}
}

func TestProxy_shutdownWaitsForInFlight(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
		io.WriteString(w, "late but whole")
	}))
	defer up.Close()
	u, _ := url.Parse(up.URL)
	log := &entries{}
	p, err := New(Config{Upstream: u, Log: log.log})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- p.Serve(ctx, context.Background(), ln) }()

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/b/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-arrived
	stop()
	select {
	case err := <-served:
		t.Fatalf("Serve returned with a request in flight: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting connections after shutdown began")
	}
	close(release)
	if b := <-got; b != "late but whole" {
		t.Fatalf("in-flight response: %q", b)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if es := log.all(); len(es) != 1 || es[0].Status != 200 {
		t.Fatalf("%+v", es)
	}
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		remote bool
		ok     bool
	}{
		{"127.0.0.1:8080", false, true},
		{"127.0.0.2:0", false, true},
		{"[::1]:8080", false, true},
		{"localhost:8080", false, true},
		{":8080", false, false},
		{"0.0.0.0:8080", false, false},
		{"192.0.2.1:8080", false, false},
		{"example.com:8080", false, false},
		{"0.0.0.0:8080", true, true},
		{"127.0.0.1", false, false},
		{"127.0.0.1:", false, false},
	} {
		err := CheckListen(tc.addr, tc.remote)
		if (err == nil) != tc.ok {
			t.Errorf("CheckListen(%q, %v) = %v", tc.addr, tc.remote, err)
		}
	}
}
