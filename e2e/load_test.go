package e2e

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/sigdiff/sigdiff/internal/chunked"
	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/proxy"
	"github.com/sigdiff/sigdiff/internal/recompute"
)

// seeded is a payload generated on demand from a seed (ChaCha8): the same
// seed gives the same bytes, none of which are kept.
type seeded struct {
	r    *rand.ChaCha8
	left int64
}

func newSeeded(i int, size int64) *seeded {
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[:], uint64(i)+0x5eed)
	return &seeded{r: rand.NewChaCha8(seed), left: size}
}

func (s *seeded) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	s.r.Read(p)
	s.left -= int64(len(p))
	return len(p), nil
}

func seededSHA256(i int, size int64) string {
	h := sha256.New()
	io.Copy(h, newSeeded(i, size))
	return hex.EncodeToString(h.Sum(nil))
}

// loadSize spreads the sizes: three uploads of 64 MiB, a tenth of a few
// MiB, the rest under 256 KiB; about 300 MiB in all.
func loadSize(i int) int64 {
	switch {
	case i < 3:
		return 64 << 20
	case i%10 == 0:
		return int64(1+i%7) << 20
	default:
		return int64(1 + (i*7919)%(256<<10))
	}
}

// Upload kinds: how the body travels.
const (
	kindPlain      = "plain"       // Content-Length, x-amz-content-sha256 the payload's hash
	kindChunkedTE  = "chunked"     // Transfer-Encoding: chunked, aws-chunked inside (what MinIO accepts without a length)
	kindAWSChunked = "aws-chunked" // Content-Length, aws-chunked with signed chunks
)

// TestLoad pushes 200 concurrent uploads of mixed sizes and encodings
// through a proxy of its own in front of MinIO, downloads every object
// and compares its SHA-256 with the payload's; every signature must
// verify, the heap must stay flat and no goroutine may outlive the run.
func TestLoad(t *testing.T) {
	st := needSuite(t)
	const n = 200
	const bucket = "e2e-load"

	// A proxy of this test's own, so that its idle upstream connections
	// are closed when it stops and the goroutine count can be compared.
	up, _ := url.Parse(st.minioURL)
	log := &entryLog{}
	p, err := proxy.New(proxy.Config{
		Upstream:    up,
		Credentials: credentials.Credentials{AccessKeyID: rootUser, Secret: credentials.NewSecret(rootPassword), Source: "e2e"},
		Log:         log.add,
	})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	goroutinesBefore := runtime.NumGoroutine()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- p.Serve(ctx, ctx, ln) }()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, DisableCompression: true}}

	var peak atomic.Uint64
	sampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-sampling:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()

	creds := aws.Credentials{AccessKeyID: rootUser, SecretAccessKey: rootPassword}
	signer := v4.NewSigner()
	send := func(req *http.Request) (int, string, error) {
		resp, err := client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		h := sha256.New()
		io.Copy(h, resp.Body)
		return resp.StatusCode, hex.EncodeToString(h.Sum(nil)), nil
	}
	{
		req, _ := http.NewRequest(http.MethodPut, base+"/"+bucket, nil)
		req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
		signer.SignHTTP(context.Background(), creds, req, emptySHA256, "s3", region, time.Now())
		if code, _, err := send(req); err != nil || code != 200 {
			t.Fatalf("create bucket: %d %v", code, err)
		}
	}

	kinds := []string{kindPlain, kindChunkedTE, kindAWSChunked}
	upload := func(i int) error {
		size, kind := loadSize(i), kinds[i%3]
		u := fmt.Sprintf("%s/%s/%s/%d", base, bucket, kind, i)
		var req *http.Request
		switch kind {
		case kindPlain:
			sum := seededSHA256(i, size)
			req, _ = http.NewRequest(http.MethodPut, u, newSeeded(i, size))
			req.ContentLength = size
			req.Header.Set("X-Amz-Content-Sha256", sum)
			if err := signer.SignHTTP(context.Background(), creds, req, sum, "s3", region, time.Now()); err != nil {
				return err
			}
		default:
			o := chunked.BuildOptions{PayloadHash: recompute.StreamingPayload}
			enc, err := chunked.EncodedLength(size, o)
			if err != nil {
				return err
			}
			pr, pw := io.Pipe()
			req, _ = http.NewRequest(http.MethodPut, u, pr)
			req.Header.Set("Content-Encoding", "aws-chunked")
			req.Header.Set("X-Amz-Decoded-Content-Length", fmt.Sprint(size))
			req.Header.Set("X-Amz-Content-Sha256", recompute.StreamingPayload)
			if kind == kindAWSChunked {
				req.ContentLength = enc
			} else {
				req.ContentLength = -1 // Transfer-Encoding: chunked
			}
			now := time.Now().UTC()
			if err := signer.SignHTTP(context.Background(), creds, req, recompute.StreamingPayload, "s3", region, now); err != nil {
				return err
			}
			cs, err := chunkSigner(req, now)
			if err != nil {
				return err
			}
			go func() {
				_, err := chunked.Build(pw, newSeeded(i, size), cs, o)
				pw.CloseWithError(err)
			}()
		}
		code, body, err := send(req)
		if err != nil {
			return err
		}
		if code != 200 {
			return fmt.Errorf("status %d", code)
		}
		_ = body
		return nil
	}
	download := func(i int) error {
		size, kind := loadSize(i), kinds[i%3]
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/%s/%s/%d", base, bucket, kind, i), nil)
		req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
		if err := signer.SignHTTP(context.Background(), creds, req, emptySHA256, "s3", region, time.Now()); err != nil {
			return err
		}
		code, sum, err := send(req)
		if err != nil {
			return err
		}
		if want := seededSHA256(i, size); code != 200 || sum != want {
			return fmt.Errorf("status %d, sha256 %s, want %s (%d bytes)", code, sum, want, size)
		}
		return nil
	}

	began := time.Now()
	var total int64
	for i := range n {
		total += loadSize(i)
	}
	for _, phase := range []struct {
		name string
		do   func(int) error
	}{{"upload", upload}, {"download", download}} {
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := phase.do(i); err != nil {
					t.Errorf("%s %d (%s, %d bytes): %v", phase.name, i, kinds[i%3], loadSize(i), err)
				}
			}()
		}
		wg.Wait()
	}
	elapsed := time.Since(began)
	close(sampling)
	<-sampled

	client.CloseIdleConnections()
	stop()
	if err := <-served; err != nil {
		t.Fatal(err)
	}

	es := log.settle("/" + bucket)
	counts := map[string]int{}
	for _, e := range es {
		if e.Signature != proxy.SigOK || e.Status != 200 || e.Error != "" {
			t.Errorf("%s %s: status %d signature %s error %q notes %v", e.Method, e.Path, e.Status, e.Signature, e.Error, e.Notes)
		}
		if e.Method == http.MethodPut {
			for _, k := range kinds {
				if strings.HasPrefix(e.Path, "/"+bucket+"/"+k+"/") {
					counts[k]++
					if k != kindPlain && !strings.Contains(strings.Join(e.Notes, "\n"), "chunks verified") {
						t.Errorf("%s: chunks not verified: %v", e.Path, e.Notes)
					}
				}
			}
		}
	}
	if len(es) != 2*n+1 {
		t.Errorf("%d entries, want %d", len(es), 2*n+1)
	}

	// No goroutine outlives the run: the count returns to where it was
	// once connections wind down.
	var goroutinesAfter int
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		goroutinesAfter = runtime.NumGoroutine()
		if goroutinesAfter <= goroutinesBefore || time.Now().After(deadline) {
			break
		}
	}
	if goroutinesAfter > goroutinesBefore {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before the run, %d after:\n%s", goroutinesBefore, goroutinesAfter, buf[:runtime.Stack(buf, true)])
	}

	// Flat memory: what 200 requests in flight need (copy buffers,
	// connection buffers, one chunk each), not what they carry. 300 MiB
	// went up and down; one object held whole would be 64 MiB.
	grew := int64(peak.Load()) - int64(before.HeapInuse)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	alloc := int64(after.TotalAlloc - before.TotalAlloc)
	report := fmt.Sprintf("%d uploads (%d plain, %d chunked, %d aws-chunked; %d MiB) and %d downloads in %s; peak heap in use %d MiB (%+d MiB over the %d MiB before); %d MiB allocated in all; goroutines %d before, %d after",
		n, counts[kindPlain], counts[kindChunkedTE], counts[kindAWSChunked], total>>20, n, elapsed.Round(time.Millisecond),
		peak.Load()>>20, grew>>20, before.HeapInuse>>20, alloc>>20, goroutinesBefore, goroutinesAfter)
	t.Log(report)
	fmt.Println("e2e: load: " + report)
	if grew > 160<<20 {
		t.Errorf("heap grew by %d MiB under load", grew>>20)
	}
	// Bodies stream: everything allocated while 2×292 MiB went through
	// client and proxy stays well under the bytes moved.
	if alloc > total {
		t.Errorf("%d MiB allocated to move %d MiB each way", alloc>>20, total>>20)
	}
}

// chunkSigner starts the chunk signature chain of a request the v4
// signer signed at now: kSigning derived here from the secret (SigV4's
// HMAC chain), the seed signature read off the Authorization header.
func chunkSigner(req *http.Request, now time.Time) (*recompute.ChunkSigner, error) {
	auth := req.Header.Get("Authorization")
	_, seed, ok := strings.Cut(auth, "Signature=")
	if !ok {
		return nil, fmt.Errorf("no signature in %q", auth)
	}
	mac := func(key []byte, s string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(s))
		return m.Sum(nil)
	}
	day := now.Format("20060102")
	k := mac(mac(mac(mac([]byte("AWS4"+rootPassword), day), region), "s3"), "aws4_request")
	return recompute.NewChunkSigner(k, now.Format("20060102T150405Z"), day+"/"+region+"/s3/aws4_request", seed)
}
