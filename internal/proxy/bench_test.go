package proxy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The large-body benchmarks move 64 MiB through an in-process upstream
// that serves and swallows bodies from memory, once direct and once
// through the proxy, in the same run: the difference is the proxy's cost.
// The client and the upstream read and write 1 MiB at a time so that
// their own syscalls weigh little. Run with -benchmem; the e2e test
// TestOverhead measures the same against a real MinIO.
const benchSize = 64 << 20

// benchBody is the 64 MiB the upstream serves and the client uploads,
// made on first use: not in every test binary's start.
var benchBody = sync.OnceValue(func() []byte { return bytes.Repeat([]byte("0123456789abcdef"), benchSize/16) })

// reportCPU reports the process's CPU time per operation (user and
// system, all goroutines: client, proxy and upstream) when the function
// it returns is called at the benchmark's end. Wall time on a shared
// machine varies with the neighbours' load; CPU time much less.
func reportCPU(b *testing.B) func() {
	began := processCPU()
	return func() {
		if cpu := processCPU() - began; cpu > 0 {
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
		}
	}
}

var smallBody = bytes.Repeat([]byte("s"), 1<<10)

// benchUpstream serves benchBody (smallBody at /b/small) to GETs and reads PUT bodies to the end.
func benchUpstream(b testing.TB) *httptest.Server {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			n, err := drain(r.Body)
			if err != nil || n != r.ContentLength {
				http.Error(w, fmt.Sprintf("read %d of %d bytes: %v", n, r.ContentLength, err), http.StatusBadRequest)
				return
			}
			io.WriteString(w, "ok")
			return
		}
		body := smallBody
		if r.URL.Path != "/b/small" {
			body = benchBody()
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body)
	}))
	b.Cleanup(up.Close)
	return up
}

var drainBufs = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// drain reads r to its end 1 MiB at a time (io.Discard's ReadFrom reads
// 8 KiB at a time) into a pooled buffer, so that allocs/op are the
// proxy's.
func drain(r io.Reader) (int64, error) {
	bp := drainBufs.Get().(*[]byte)
	defer drainBufs.Put(bp)
	buf := *bp
	var n int64
	for {
		m, err := r.Read(buf)
		n += int64(m)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// benchTargets returns the upstream's URL and the proxy's in front of it,
// and a client.
func benchTargets(b testing.TB) (direct, proxied string, client *http.Client) {
	up := benchUpstream(b)
	u := mustURL(b, up.URL)
	log := &entries{}
	p, err := New(Config{Upstream: u, Credentials: testCreds, Log: func(e *Entry) {
		if e.Status != 200 || e.Error != "" || e.Signature != SigOK {
			log.log(e)
		}
	}})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(p)
	b.Cleanup(func() {
		srv.Close()
		p.Wait()
		if es := log.all(); len(es) > 0 {
			b.Errorf("%d requests not forwarded and verified cleanly, first: %+v", len(es), es[0])
		}
	})
	client = &http.Client{Transport: &http.Transport{DisableCompression: true, WriteBufferSize: 1 << 20, ReadBufferSize: 1 << 20}}
	b.Cleanup(client.CloseIdleConnections)
	return up.URL, srv.URL, client
}

func BenchmarkProxyGET64M(b *testing.B) {
	benchBody() // made outside the timed loops
	direct, proxied, client := benchTargets(b)
	for _, tc := range []struct{ name, base string }{{"direct", direct}, {"proxied", proxied}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(benchSize)
			defer reportCPU(b)()
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, tc.base+"/b/big", nil)
				sign(b, req, "UNSIGNED-PAYLOAD", testSecret)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				n, err := drain(resp.Body)
				resp.Body.Close()
				if err != nil || n != benchSize || resp.StatusCode != 200 {
					b.Fatalf("status %d, %d bytes: %v", resp.StatusCode, n, err)
				}
			}
		})
	}
}

func BenchmarkProxyPUT64M(b *testing.B) {
	benchBody()
	direct, proxied, client := benchTargets(b)
	for _, tc := range []struct{ name, base string }{{"direct", direct}, {"proxied", proxied}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(benchSize)
			defer reportCPU(b)()
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodPut, tc.base+"/b/big", bytes.NewReader(benchBody()))
				sign(b, req, "UNSIGNED-PAYLOAD", testSecret)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(got) != "ok" {
					b.Fatalf("status %d: %s", resp.StatusCode, strings.TrimSpace(string(got)))
				}
			}
		})
	}
}

// BenchmarkProxyGETSmall is the per-request cost: presigned GETs of 1 KiB
// on a kept-alive connection, each verified (SigV4 query signing).
func BenchmarkProxyGETSmall(b *testing.B) {
	direct, proxied, client := benchTargets(b)
	for _, tc := range []struct{ name, base string }{{"direct", direct}, {"proxied", proxied}} {
		b.Run(tc.name, func(b *testing.B) {
			req, _ := http.NewRequest(http.MethodGet, tc.base+"/b/small?X-Amz-Expires=900", nil)
			u, _, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret}, req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", time.Now())
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(1 << 10)
			defer reportCPU(b)()
			for b.Loop() {
				resp, err := client.Get(u)
				if err != nil {
					b.Fatal(err)
				}
				n, err := drain(resp.Body)
				resp.Body.Close()
				if err != nil || n != 1<<10 || resp.StatusCode != 200 {
					b.Fatalf("status %d, %d bytes: %v", resp.StatusCode, n, err)
				}
			}
		})
	}
}
