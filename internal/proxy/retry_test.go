package proxy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// dropUpstream answers every request whole ("ok LENGTH SHA256" of the
// body), except request dropAt on its first connection: there, once
// net/http has read the request headers, it reads readBody bytes of the
// body (all of it when -1) and closes the connection, with a reset when
// rst is set. It is the keep-alive race made repeatable: the upstream
// drops a connection the proxy took from its pool just as the request
// arrives.
type dropUpstream struct {
	*httptest.Server
	conns atomic.Int32 // connections accepted
}

type connCount struct {
	id int32
	n  int // requests on the connection so far (one at a time)
}

type connCountKey struct{}

func newDropUpstream(t *testing.T, dropAt, readBody int, rst bool) *dropUpstream {
	t.Helper()
	up := &dropUpstream{}
	up.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := r.Context().Value(connCountKey{}).(*connCount)
		c.n++
		if c.id == 1 && c.n == dropAt {
			if readBody < 0 {
				io.Copy(io.Discard, r.Body)
			} else {
				io.CopyN(io.Discard, r.Body, int64(readBody))
			}
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			if tc, ok := conn.(*net.TCPConn); ok && rst {
				tc.SetLinger(0)
			}
			conn.Close()
			return
		}
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "ok %d %x", n, h.Sum(nil))
	}))
	up.Config.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
		return context.WithValue(ctx, connCountKey{}, &connCount{id: up.conns.Add(1)})
	}
	up.Start()
	t.Cleanup(up.Close)
	return up
}

// hashedPUT is an upload signed the way services other than S3 sign
// (no x-amz-content-sha256: the payload hash is the body's SHA-256), so
// that the proxy hashes the body as it streams: a byte hashed twice on a
// retry, or missed, turns the signature into a mismatch.
func hashedPUT(t *testing.T, method, url string, body []byte) *http.Request {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	sum := sha256.Sum256(body)
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret}, req, hex.EncodeToString(sum[:]), "s3", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// send sends req with a client of its own and returns the status and body.
func send(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// lateNoticeConn holds back a read error until the connection is next
// written to or closed. The transport's read loop, which watches an idle
// connection, thus learns that the upstream closed it only after the
// proxy has taken it from its pool and written a request into it: the
// keep-alive race, every time instead of once in a while.
type lateNoticeConn struct {
	net.Conn
	mu      sync.Mutex
	waiting chan struct{}
}

func (c *lateNoticeConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil {
		ch := make(chan struct{})
		c.mu.Lock()
		c.waiting = ch
		c.mu.Unlock()
		<-ch
	}
	return n, err
}

func (c *lateNoticeConn) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.waiting != nil {
		close(c.waiting)
		c.waiting = nil
	}
}

func (c *lateNoticeConn) Write(p []byte) (int, error) {
	defer c.release()
	return c.Conn.Write(p)
}

// ReadFrom keeps the proxy's own body copy (upstreamConn.ReadFrom).
func (c *lateNoticeConn) ReadFrom(r io.Reader) (int64, error) {
	defer c.release()
	return c.Conn.(io.ReaderFrom).ReadFrom(r)
}

func (c *lateNoticeConn) Close() error {
	c.release()
	return c.Conn.Close()
}

// lateNoticeTransport is NewTransport's, dialling lateNoticeConns.
func lateNoticeTransport() *http.Transport {
	tr := NewTransport(nil)
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &lateNoticeConn{Conn: c}, nil
	}
	return tr
}

// idleCloseUpstream answers every request whole ("ok LENGTH SHA256" of
// the body), keeps the connection alive, and closes it once idle (with a
// reset when rst is set), as MinIO and S3 do after their idle timeouts.
// closed receives each connection it closed.
func idleCloseUpstream(t *testing.T, rst bool) (up *httptest.Server, conns *atomic.Int32, closed chan struct{}) {
	t.Helper()
	conns = new(atomic.Int32)
	closed = make(chan struct{}, 10)
	up = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "ok %d %x", n, h.Sum(nil))
	}))
	up.Config.ConnState = func(c net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			conns.Add(1)
		case http.StateIdle:
			go func() {
				time.Sleep(20 * time.Millisecond)
				if tc, ok := c.(*net.TCPConn); ok && rst {
					tc.SetLinger(0)
				}
				c.Close()
				closed <- struct{}{}
			}()
		}
	}
	up.Start()
	t.Cleanup(up.Close)
	return up, conns, closed
}

func TestRetry_keptAliveConnectionClosedByUpstream(t *testing.T) {
	body := bytes.Repeat([]byte("retry-body-0123456789abcdef\n"), (1<<20)/28)
	sum := sha256.Sum256(body)
	wantUp := fmt.Sprintf("ok %d %x", len(body), sum)
	for _, tc := range []struct {
		name   string
		method string
		rst    bool
	}{
		{"PUT, the idle connection closed", http.MethodPut, false},
		{"PUT, the idle connection reset", http.MethodPut, true},
		{"POST, the idle connection closed", http.MethodPost, false},
		{"GET, the idle connection closed", http.MethodGet, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			up, conns, closed := idleCloseUpstream(t, tc.rst)
			tr := lateNoticeTransport()
			t.Cleanup(tr.CloseIdleConnections) // lets held read loops go
			base, _, log := start(t, up.URL, func(c *Config) { c.Transport = tr })
			// The first request leaves a kept-alive connection in the
			// proxy's pool; its entry is logged once the response was read
			// to its end, which is when net/http pooled the connection.
			if status, got := send(t, hashedPUT(t, http.MethodPut, base+"/b/first", body)); status != 200 || got != wantUp {
				t.Fatalf("first request: %d %q", status, got)
			}
			log.wait(t, 1)
			select {
			case <-closed:
			case <-time.After(10 * time.Second):
				t.Fatal("the upstream did not close the idle connection")
			}

			var req *http.Request
			want := wantUp
			if tc.method == http.MethodGet {
				req, _ = http.NewRequest(http.MethodGet, base+"/b/second", nil)
				sign(t, req, emptySHA, testSecret)
				want = fmt.Sprintf("ok 0 %s", emptySHA)
			} else {
				req = hashedPUT(t, tc.method, base+"/b/second", body)
			}
			status, got := send(t, req)
			if status != 200 || got != want {
				t.Fatalf("second request: %d %q, want 200 %q", status, got, want)
			}
			if n := conns.Load(); n != 2 {
				t.Errorf("the upstream accepted %d connections, want 2 (the kept-alive one, then a new one)", n)
			}
			es := log.wait(t, 2)
			e := es[1]
			wantIn := int64(len(body))
			if tc.method == http.MethodGet {
				wantIn = 0
			}
			if len(es) != 2 || e.Status != 200 || e.Error != "" || e.Signature != SigOK || len(e.Notes) != 0 || e.BytesIn != wantIn {
				t.Errorf("%d entries; the retried request's: status %d, error %q, signature %s, notes %q, %d bytes in", len(es), e.Status, e.Error, e.Signature, e.Notes, e.BytesIn)
			}
		})
	}
}

func TestRetry_notWhenUnsafe(t *testing.T) {
	body := bytes.Repeat([]byte("no-retry-body-0123456789abcdef\n"), (1<<20)/31)
	for _, tc := range []struct {
		name     string
		method   string
		size     int
		dropAt   int // which request on the first connection is dropped
		readBody int
	}{
		// More than replayLimit was taken from the client: it cannot be
		// sent again whole.
		{"PUT whose body was taken beyond what is kept", http.MethodPut, len(body), 2, 200 << 10},
		// The whole request arrived: the upstream may have acted on it.
		{"POST sent whole", http.MethodPost, 1000, 2, -1},
		// A new connection that fails is the upstream's answer.
		{"PUT on a new connection", http.MethodPut, len(body), 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			up := newDropUpstream(t, tc.dropAt, tc.readBody, true)
			base, _, log := start(t, up.URL, nil)
			entries := 0
			if tc.dropAt == 2 {
				if status, _ := send(t, hashedPUT(t, http.MethodPut, base+"/b/first", body[:1000])); status != 200 {
					t.Fatalf("first request: %d", status)
				}
				log.wait(t, 1)
				entries = 1
			}
			status, got := send(t, hashedPUT(t, tc.method, base+"/b/dropped", body[:tc.size]))
			if status != http.StatusBadGateway || !strings.Contains(got, "<Code>BadGateway</Code>") {
				t.Fatalf("status %d %q, want 502", status, got)
			}
			if n := up.conns.Load(); n != 1 {
				t.Errorf("the upstream accepted %d connections: the request was sent again", n)
			}
			es := log.wait(t, entries+1)
			if len(es) != entries+1 {
				t.Fatalf("%d entries, want %d", len(es), entries+1)
			}
			e := es[entries]
			var line strings.Builder
			e.WriteText(&line)
			if e.Status != 502 || !strings.Contains(e.Error, "dropped the connection") || strings.Contains(e.Error, "second attempt") || strings.Count(line.String(), "\n") != 1 {
				t.Errorf("logged %q", line.String())
			}
		})
	}
}

// TestRetry_secondFailureReported: the retry's new connection fails too;
// the client gets one 502, and the line says a retry was made.
func TestRetry_secondFailureReported(t *testing.T) {
	var conns atomic.Int32
	up := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := r.Context().Value(connCountKey{}).(*connCount)
		c.n++
		if c.id == 1 && c.n == 1 {
			io.Copy(io.Discard, r.Body)
			io.WriteString(w, "ok")
			return
		}
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	up.Config.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
		return context.WithValue(ctx, connCountKey{}, &connCount{id: conns.Add(1)})
	}
	up.Start()
	defer up.Close()
	base, _, log := start(t, up.URL, nil)
	if status, _ := send(t, hashedPUT(t, http.MethodPut, base+"/b/first", []byte("first"))); status != 200 {
		t.Fatalf("first request: %d", status)
	}
	log.wait(t, 1)
	if status, _ := send(t, hashedPUT(t, http.MethodPut, base+"/b/second", []byte("second"))); status != http.StatusBadGateway {
		t.Fatalf("status %d, want 502", status)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2: one retry, on a new connection", n)
	}
	es := log.wait(t, 2)
	if len(es) != 2 || es[1].Status != 502 || !strings.Contains(es[1].Error, "second attempt") {
		t.Fatalf("%d entries, last %+v", len(es), es[len(es)-1])
	}
}
