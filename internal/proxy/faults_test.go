package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// faultUpstream is an upstream whose handler misbehaves on paths under
// /fault/ and answers everything else normally, so that a normal request
// can follow each fault on the same proxy.
func faultUpstream(t *testing.T, fault http.HandlerFunc) *httptest.Server {
	t.Helper()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/fault/") {
			fault(w, r)
			return
		}
		n, _ := io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "ok %d", n)
	}))
	t.Cleanup(up.Close)
	return up
}

// hijackClose takes the connection from net/http and closes it: the
// client sees a reset or an early EOF.
func hijackClose(w http.ResponseWriter) {
	c, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // an RST, not a FIN
		}
		c.Close()
	}
}

// stillServes sends a normal upload through the proxy and checks it is
// answered whole and logged without an error.
func stillServes(t *testing.T, base string, log *entries, n int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, base+"/b/after", strings.NewReader(strings.Repeat("z", 1000)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("normal request after the fault: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok 1000" {
		t.Fatalf("normal request after the fault: %d %q", resp.StatusCode, b)
	}
	es := log.wait(t, n)
	last := es[len(es)-1]
	if last.Path != "/b/after" || last.Status != 200 || last.Error != "" || last.BytesIn != 1000 {
		t.Fatalf("normal request after the fault logged %+v", last)
	}
}

// faultEntry returns the one entry logged for the fault and checks it
// reads as one line carrying the error.
func faultEntry(t *testing.T, log *entries, wantStatus int, wantErr string) *Entry {
	t.Helper()
	es := log.wait(t, 1)
	if len(es) != 1 {
		t.Fatalf("%d entries for one faulty request", len(es))
	}
	e := es[0]
	var line strings.Builder
	e.WriteText(&line)
	if e.Status != wantStatus || !strings.Contains(e.Error, wantErr) {
		t.Errorf("status %d error %q, want %d and %q", e.Status, e.Error, wantStatus, wantErr)
	}
	if strings.Count(line.String(), "\n") != 1 || !strings.Contains(line.String(), "error=") {
		t.Errorf("not one line with the error: %q", line.String())
	}
	t.Logf("logged: %s", strings.TrimSpace(line.String()))
	return e
}

func TestFaults_upstreamRefusesConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base, _, log := start(t, "http://"+addr, nil)
	for i := range 3 { // the proxy does not wedge after the first one
		resp, err := http.Post(base+"/b/k", "text/plain", strings.NewReader("data"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadGateway {
			t.Fatalf("attempt %d: status %d", i, resp.StatusCode)
		}
	}
	for _, e := range log.wait(t, 3) {
		if e.Status != 502 || !strings.Contains(e.Error, "refused") {
			t.Errorf("%d %q", e.Status, e.Error)
		}
	}
}

func TestFaults_upstreamResetsMidResponse(t *testing.T) {
	up := faultUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.WriteHeader(200)
		w.Write(make([]byte, 100000))
		http.NewResponseController(w).Flush()
		hijackClose(w)
	})
	base, _, log := start(t, up.URL, nil)
	resp, err := http.Get(base + "/fault/get")
	if err == nil {
		n, rerr := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if rerr == nil || n >= 1000000 {
			t.Fatalf("the client got %d bytes and no error: a cut response passed for whole", n)
		}
	}
	faultEntry(t, log, 200, "upstream response cut")
	stillServes(t, base, log, 2)
}

func TestFaults_upstreamResetsMidRequestBody(t *testing.T) {
	up := faultUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		io.CopyN(io.Discard, r.Body, 64<<10)
		hijackClose(w)
	})
	base, _, log := start(t, up.URL, nil)
	req, _ := http.NewRequest(http.MethodPut, base+"/fault/put", &pattern{left: 8 << 20})
	req.ContentLength = 8 << 20
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadGateway {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	faultEntry(t, log, 502, "dropped the connection")
	stillServes(t, base, log, 2)
}

func TestFaults_upstreamStallsPastTimeout(t *testing.T) {
	release := make(chan struct{})
	up := faultUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-time.After(10 * time.Second):
		}
	})
	defer close(release) // before up.Close, which waits for handlers
	base, _, log := start(t, up.URL, func(c *Config) { c.UpstreamTimeout = 300 * time.Millisecond })
	began := time.Now()
	resp, err := http.Get(base + "/fault/stall")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusGatewayTimeout || !strings.Contains(string(b), "<Code>GatewayTimeout</Code>") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Fatalf("answered after %s, the timeout is 300ms", d)
	}
	faultEntry(t, log, 504, "no response headers within 300ms")
	stillServes(t, base, log, 2)
}

func TestFaults_upstreamTimeoutDefault(t *testing.T) {
	p, err := New(Config{Upstream: mustURL(t, "http://127.0.0.1:1")})
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := p.transport.(*http.Transport)
	if !ok || tr.ResponseHeaderTimeout != DefaultUpstreamTimeout {
		t.Fatalf("response header timeout not set to the default: %T", p.transport)
	}
}

func TestFaults_upstream5xx(t *testing.T) {
	up := faultUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`)
	})
	base, _, log := start(t, up.URL, nil)
	req, _ := http.NewRequest(http.MethodPut, base+"/fault/5xx", strings.NewReader("data"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || !strings.Contains(string(b), "SlowDown") {
		t.Fatalf("the 503 was not passed through: %d %s", resp.StatusCode, b)
	}
	es := log.wait(t, 1)
	if len(es) != 1 || es[0].Status != 503 || es[0].BytesIn != 4 {
		t.Fatalf("%+v", es)
	}
	var line strings.Builder
	es[0].WriteText(&line)
	if strings.Count(line.String(), "\n") != 1 || !strings.Contains(line.String(), " 503 ") {
		t.Errorf("not one line with the status: %q", line.String())
	}
	stillServes(t, base, log, 2)
}

func TestFaults_clientDisconnectsMidUpload(t *testing.T) {
	var upstreamGot atomic.Int64
	arrived := make(chan struct{}, 1)
	up := faultUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		n, _ := io.Copy(io.Discard, r.Body)
		upstreamGot.Store(n)
	})
	base, _, log := start(t, up.URL, nil)
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "PUT /fault/upload HTTP/1.1\r\nHost: b.example\r\nContent-Length: %d\r\n\r\n", 10<<20)
	c.Write(make([]byte, 256<<10))
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the upload never reached the upstream")
	}
	c.Close()
	e := faultEntry(t, log, 499, "client")
	if e.BytesIn >= 10<<20 {
		t.Errorf("bytes in %d", e.BytesIn)
	}
	if upstreamGot.Load() >= 10<<20 {
		t.Errorf("the upstream got a whole body from a client that went away")
	}
	stillServes(t, base, log, 2)
}

// TestFaults_clientDisconnectsMidDownload: the client reads the head of
// a large response and hangs up.
func TestFaults_clientDisconnectsMidDownload(t *testing.T) {
	up := faultUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(64<<20))
		io.Copy(w, &pattern{left: 64 << 20})
	})
	base, _, log := start(t, up.URL, nil)
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "GET /fault/big HTTP/1.1\r\nHost: b.example\r\n\r\n")
	br := bufio.NewReader(c)
	if _, err := io.CopyN(io.Discard, br, 1<<20); err != nil {
		t.Fatal(err)
	}
	c.Close()
	e := faultEntry(t, log, 200, "client went away")
	if e.BytesOut >= 64<<20 {
		t.Errorf("bytes out %d", e.BytesOut)
	}
	stillServes(t, base, log, 2)
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
