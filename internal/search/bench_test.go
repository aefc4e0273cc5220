package search

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// putObject12 is the 12-signed-header S3 PUT of
// testdata/search/put-object-12-headers.http signed with the example keys
// in eu-west-1.
func putObject12(tb testing.TB) (*request.Request, *recompute.V4) {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(tb), "testdata", "search", "put-object-12-headers.http"))
	if err != nil {
		tb.Fatal(err)
	}
	req, err := request.ParseHTTP(raw)
	if err != nil {
		tb.Fatal(err)
	}
	var signed []string
	for _, f := range req.Header {
		signed = append(signed, strings.ToLower(f.Name))
	}
	v, err := recompute.SigV4(req, exampleCreds, recompute.Options{Region: "eu-west-1", Service: "s3", SignedHeaders: signed})
	if err != nil {
		tb.Fatal(err)
	}
	if n := strings.Count(v.SignedHeaders, ";") + 1; n != 12 {
		tb.Fatalf("fixture signs %d headers, want 12", n)
	}
	return req, v
}

// BenchmarkSearch runs a deep search that finds nothing (the signature is
// no candidate's) over the 12-header canonical request on one worker, and
// reports per core: candidates/s, the search's rate; bound/s, SHA-256 of
// the same canonical request plus HMAC of its string to sign with
// crypto/sha256 and crypto/hmac back to back (the naive cost of one
// candidate), measured in the same run; and their ratio.
func BenchmarkSearch(b *testing.B) {
	_, v := putObject12(b)
	in := Input{CanonicalRequest: v.CanonicalRequest, StringToSign: v.StringToSign, Credentials: exampleCreds,
		Signature: strings.Repeat("ab", 32)}
	benchMiss(b, func() (*Result, error) { return Run(context.Background(), in, Options{Budget: Deep, Workers: 1}) },
		func() float64 { return boundRate(v.CanonicalRequest, v.StringToSign, v.KSigning) })
}

// benchMiss times run, a search that must find nothing, in CPU time and
// reports candidates/s, bound/s (what bound measures: the naive cost of a
// candidate), their ratio and candidates/op.
func benchMiss(b *testing.B, run func() (*Result, error), bound func() float64) {
	var tried int64
	var cpu time.Duration
	for b.Loop() {
		c0 := cpuTime()
		res, err := run()
		cpu += cpuTime() - c0
		if err != nil || res.Hit != nil {
			b.Fatal(err, res.Hit)
		}
		tried += res.Tried
	}
	b.StopTimer()
	cps := float64(tried) / cpu.Seconds()
	bps := bound()
	b.ReportMetric(cps, "candidates/s")
	b.ReportMetric(bps, "bound/s")
	b.ReportMetric(cps/bps, "ratio")
	b.ReportMetric(float64(tried)/float64(b.N), "candidates/op")
}

// boundRate measures SHA-256 of cr plus HMAC-SHA256 of sts with a cached
// key, back to back, nothing else, for about 300 ms of CPU time.
func boundRate(cr, sts string, key []byte) float64 {
	crb, stsb := []byte(cr), []byte(sts)
	m := hmac.New(sha256.New, key)
	var out [32]byte
	var sink byte
	n := 0
	start := cpuTime()
	for cpuTime()-start < 300*time.Millisecond {
		for range 1000 {
			sum := sha256.Sum256(crb)
			m.Reset()
			m.Write(stsb)
			m.Sum(out[:0])
			sink ^= sum[0] ^ out[0]
		}
		n += 1000
	}
	_ = sink
	return float64(n) / (cpuTime() - start).Seconds()
}

// BenchmarkSearchDeep is the wall time of a whole deep search (triples
// included) over the 12-header canonical request on all cores.
func BenchmarkSearchDeep(b *testing.B) {
	_, v := putObject12(b)
	in := Input{CanonicalRequest: v.CanonicalRequest, StringToSign: v.StringToSign, Credentials: exampleCreds,
		Signature: strings.Repeat("ab", 32)}
	var tried int64
	for b.Loop() {
		res, err := Run(context.Background(), in, Options{Budget: Deep})
		if err != nil || res.Hit != nil {
			b.Fatal(err, res.Hit)
		}
		tried += res.Tried
	}
	b.ReportMetric(float64(tried)/float64(b.N), "candidates/op")
}

// BenchmarkSearchDeepPairs is the wall time of the singles and pairs tiers
// (Quick's content without its time bound) over the 12-header canonical
// request on all cores: the "deep search of pairs" figure.
func BenchmarkSearchDeepPairs(b *testing.B) {
	_, v := putObject12(b)
	in := Input{CanonicalRequest: v.CanonicalRequest, StringToSign: v.StringToSign, Credentials: exampleCreds,
		Signature: strings.Repeat("ab", 32)}
	var tried int64
	for b.Loop() {
		res, err := Run(context.Background(), in, Options{Budget: Quick, QuickTime: time.Hour})
		if err != nil || res.Hit != nil {
			b.Fatal(err, res.Hit)
		}
		tried += res.Tried
	}
	b.ReportMetric(float64(tried)/float64(b.N), "candidates/op")
}

// BenchmarkSearchMessages isolates the candidates that change the
// canonical request (every pair of message operators, each against the
// server's signing), which cannot reuse a message hash: per core, against
// the same bound.
func BenchmarkSearchMessages(b *testing.B) {
	_, v := putObject12(b)
	e, err := newEngine(&Input{CanonicalRequest: v.CanonicalRequest, StringToSign: v.StringToSign, Credentials: exampleCreds,
		Signature: strings.Repeat("ab", 32)})
	if err != nil {
		b.Fatal(err)
	}
	st := &stage{tier: "pairs", kind: stPairs, a: e.pairList, sigLo: 0, sigHi: 1}
	st.planned = st.count()
	opts := &Options{Budget: Deep}
	var cpu time.Duration
	for b.Loop() {
		e.tried.Store(0)
		c0 := cpuTime()
		if h := e.runStage(context.Background(), st, 0, opts, 1, time.Now(), nil, st.planned); h != nil {
			b.Fatal("hit")
		}
		cpu += cpuTime() - c0
	}
	b.StopTimer()
	cps := float64(st.planned) * float64(b.N) / cpu.Seconds()
	bound := boundRate(v.CanonicalRequest, v.StringToSign, v.KSigning)
	b.ReportMetric(cps, "candidates/s")
	b.ReportMetric(bound, "bound/s")
	b.ReportMetric(cps/bound, "ratio")
}
