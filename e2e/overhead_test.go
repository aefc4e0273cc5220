package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// overheadRounds is how many times each workload runs direct and through
// the proxy. The order within a pair alternates from round to round, so
// that neither path always runs first (warmer caches, a neighbour's
// burst), and the figures are medians.
const overheadRounds = 7

// TestOverhead measures requests per second and MB/s through sigdiff proxy
// against MinIO directly, in the same run, alternating the two so that a
// busy machine weighs on both alike. It also measures the CPU time spent
// per workload by this process (the client, and the proxy, which runs
// in-process) and by MinIO, so that the figures say where the time goes.
// It logs the figures and asserts nothing about them: CI machines are
// shared.
func TestOverhead(t *testing.T) {
	st := needSuite(t)
	const bucket = "e2e-overhead"
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: rootUser, SecretAccessKey: rootPassword}
	ctx := context.Background()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	defer client.CloseIdleConnections()
	do := func(method, url string, body []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, url, bytes.NewReader(body))
		if body == nil {
			req.Body = nil
		}
		req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		if err := signer.SignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", region, time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		drain(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d", method, url, resp.StatusCode)
		}
	}
	do(http.MethodPut, st.minioURL+"/"+bucket, nil)
	small := bytes.Repeat([]byte("s"), 1024)
	do(http.MethodPut, st.minioURL+"/"+bucket+"/small", small)

	// Small requests: one presigned GET URL per endpoint, fetched by 8
	// workers; the proxy verifies each request's signature.
	presign := func(base string) string {
		// The signer leaves X-Amz-Expires to the caller (the S3 presign
		// client adds it); S3 requires it.
		req, _ := http.NewRequest(http.MethodGet, base+"/"+bucket+"/small?X-Amz-Expires=900", nil)
		u, _, err := signer.PresignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", region, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	const smallN = 600
	rps := func(url string, n int) float64 {
		var next atomic.Int64
		var wg sync.WaitGroup
		began := time.Now()
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(n) {
					resp, err := client.Get(url)
					if err != nil {
						t.Error(err)
						return
					}
					drain(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						t.Errorf("presigned GET: %d", resp.StatusCode)
						return
					}
				}
			}()
		}
		wg.Wait()
		return float64(n) / time.Since(began).Seconds()
	}
	// Large bodies: a PUT, and two GETs (one takes a tenth of a second),
	// of 64 MiB, header-signed with UNSIGNED-PAYLOAD so that the client
	// does not hash.
	const bigGets = 2
	big := bytes.Repeat([]byte("0123456789abcdef"), 4<<20)
	put := func(base string) float64 {
		began := time.Now()
		do(http.MethodPut, base+"/"+bucket+"/big", big)
		return float64(len(big)) / (1 << 20) / time.Since(began).Seconds()
	}
	get := func(base string) float64 {
		began := time.Now()
		for range bigGets {
			do(http.MethodGet, base+"/"+bucket+"/big", nil)
		}
		return bigGets * float64(len(big)) / (1 << 20) / time.Since(began).Seconds()
	}

	minio := minioProcess(t, st.minioURL)
	directURL, proxyURL := presign(st.minioURL), presign(st.proxyURL)
	rps(directURL, 100) // warm up both paths
	rps(proxyURL, 100)
	put(st.proxyURL)
	workloads := []*workload{
		{name: "small GETs (1 KiB, presigned, 8 workers)", unit: "req/s", per: "request", amount: smallN,
			run: func(base string) float64 {
				if base == st.proxyURL {
					return rps(proxyURL, smallN)
				}
				return rps(directURL, smallN)
			}},
		{name: "PUT 64 MiB (UNSIGNED-PAYLOAD)", unit: "MB/s", per: "GiB", amount: float64(len(big)) / (1 << 30), run: put},
		{name: "GET 64 MiB", unit: "MB/s", per: "GiB", amount: bigGets * float64(len(big)) / (1 << 30), run: get},
	}
	began := time.Now()
	for round := range overheadRounds {
		for _, w := range workloads {
			w.measure(round, st.minioURL, st.proxyURL, minio)
		}
	}
	for _, w := range workloads {
		for _, r := range w.report() {
			t.Log(r)
			fmt.Println("e2e: overhead: " + r)
		}
	}
	t.Logf("%d rounds in %s", overheadRounds, time.Since(began).Round(time.Millisecond))
	es := s.log.settle("/" + bucket)
	for _, e := range es {
		if e.Signature != "ok" || e.Status != 200 {
			t.Fatalf("%s %s: %d, signature %s %v", e.Method, e.Path, e.Status, e.Signature, e.Notes)
		}
	}
	if want := 100 + 1 + overheadRounds*(smallN+1+bigGets); len(es) != want {
		t.Errorf("%d requests went through the proxy, want %d", len(es), want)
	}
}

// workload is one kind of traffic, run direct and through the proxy.
type workload struct {
	name, unit string
	per        string  // what CPU time is counted per: "request", "GiB"
	amount     float64 // how many of per one run moves
	run        func(base string) float64

	direct, proxied sample
}

// sample is what the runs of one path measured: each run's rate, and the
// CPU time all of them took in this process and in MinIO.
type sample struct {
	rates      []float64
	self, srv  time.Duration
	cpuUnknown bool
}

// measure runs w once direct and once through the proxy, the proxy first
// in odd rounds.
func (w *workload) measure(round int, directBase, proxyBase string, minio int) {
	one := func(base string, into *sample) {
		self0, srv0, ok0 := processCPU(0), processCPU(minio), minio > 0
		into.rates = append(into.rates, w.run(base))
		self1, srv1 := processCPU(0), processCPU(minio)
		if !ok0 || self0 < 0 || self1 < 0 || srv0 < 0 || srv1 < 0 {
			into.cpuUnknown = true
		}
		into.self += self1 - self0
		into.srv += srv1 - srv0
	}
	if round%2 == 0 {
		one(directBase, &w.direct)
		one(proxyBase, &w.proxied)
	} else {
		one(proxyBase, &w.proxied)
		one(directBase, &w.direct)
	}
}

// report is the workload's lines: the median rates and the change, the
// spread of the change over the rounds, and the CPU time per request or
// GiB (this process's share through the proxy less its share direct is
// the proxy's).
func (w *workload) report() []string {
	d, p := median(w.direct.rates), median(w.proxied.rates)
	var changes []float64
	for i := range w.direct.rates {
		changes = append(changes, (w.proxied.rates[i]-w.direct.rates[i])/w.direct.rates[i]*100)
	}
	slices.Sort(changes)
	lines := []string{fmt.Sprintf("%s: direct %.0f %s, through the proxy %.0f %s (%+.1f%%; rounds %+.0f%% to %+.0f%%, median %+.1f%%, %d rounds)",
		w.name, d, w.unit, p, w.unit, (p-d)/d*100, changes[0], changes[len(changes)-1], median(changes), len(changes))}
	if w.direct.cpuUnknown || w.proxied.cpuUnknown {
		return lines
	}
	n := w.amount * float64(len(w.direct.rates))
	unit, scale := "s", 1.0
	if w.per == "request" {
		unit, scale = "ms", 1000
	}
	per := func(d time.Duration) float64 { return d.Seconds() * scale / n }
	// With every core busy (two, shared by MinIO, the client and the
	// proxy), throughput goes as the inverse of the CPU time all of them
	// spend: the change in the total is the overhead to expect then.
	dAll, pAll := w.direct.self+w.direct.srv, w.proxied.self+w.proxied.srv
	lines = append(lines, fmt.Sprintf("%s: CPU %s per %s: this process (client, proxy) %.3f direct, %.3f proxied (proxy %.3f); MinIO %.3f direct, %.3f proxied; both %.3f direct, %.3f proxied (%+.0f%%)",
		w.name, unit, w.per, per(w.direct.self), per(w.proxied.self), per(w.proxied.self-w.direct.self), per(w.direct.srv), per(w.proxied.srv),
		per(dAll), per(pAll), (pAll.Seconds()-dAll.Seconds())/dAll.Seconds()*100))
	return lines
}

// drainBuf is the client's read buffer: 1 MiB, as large as the
// proxy's (io.Discard's ReadFrom reads 8 KiB at a time, a cost this
// process would pay besides the proxy's on both paths).
var drainBuf = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

func drain(r io.Reader) {
	bp := drainBuf.Get().(*[]byte)
	defer drainBuf.Put(bp)
	for {
		if _, err := r.Read(*bp); err != nil {
			return
		}
	}
}

// minioProcess finds the MinIO server the suite started by the address
// it listens on, from /proc; 0 where there is no /proc (the CPU lines
// are then left out).
func minioProcess(t *testing.T, minioURL string) int {
	u, err := url.Parse(minioURL)
	if err != nil {
		return 0
	}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(string(b), "\x00")
		if i := slices.Index(args, "--address"); i >= 0 && i+1 < len(args) && args[i+1] == u.Host && slices.Contains(args, "server") {
			pid, _ := strconv.Atoi(filepath.Base(d))
			return pid
		}
	}
	t.Logf("the MinIO process listening on %s was not found in /proc: no CPU figures", u.Host)
	return 0
}

// processCPU is the user and system CPU time of process pid (0: this
// one) so far, all threads, from /proc/PID/stat (in clock ticks, 100 a
// second on Linux); -1 when it cannot be read.
func processCPU(pid int) time.Duration {
	path := "/proc/self/stat"
	if pid > 0 {
		path = fmt.Sprintf("/proc/%d/stat", pid)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return -1
	}
	// The command name, field 2, is in parentheses and may hold blanks.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(b[i+1:]))
	// Fields 14 and 15 (utime, stime) are the 12th and 13th after it.
	if len(f) < 13 {
		return -1
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// median of one or more figures.
func median(xs []float64) float64 {
	c := slices.Clone(xs)
	slices.Sort(c)
	return c[len(c)/2]
}
