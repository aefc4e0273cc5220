package search

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"testing"
	"time"
)

// v2MissInput is the metadata vector (four x-amz-* headers, Content-MD5,
// a repeated header) with a signature no candidate gives.
func v2MissInput(tb testing.TB) V2Input {
	v := loadV2Vector(tb, v2Meta)
	return V2Input{Scheme: v.Scheme, StringToSign: v.Expected.StringToSign, Credentials: v.creds(), Signature: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", Request: v.request()}
}

// BenchmarkRunV2 runs a deep V2 search that finds nothing on one worker
// and reports per core: candidates/s; bound/s, one HMAC-SHA1 of the whole
// string to sign with crypto/hmac (Reset, Write, Sum: the naive cost of a
// candidate); and their ratio.
func BenchmarkRunV2(b *testing.B) {
	in := v2MissInput(b)
	benchMiss(b, func() (*Result, error) { return RunV2(context.Background(), in, Options{Budget: Deep, Workers: 1}) },
		func() float64 { return v2BoundRate(in.StringToSign, in.Credentials.Secret.Reveal()) })
}

// BenchmarkRunV2Quick is the wall time of a quick search that finds
// nothing, on all cores: what a V2 refusal without a hit costs.
func BenchmarkRunV2Quick(b *testing.B) {
	in := v2MissInput(b)
	var tried int64
	for b.Loop() {
		res, err := RunV2(context.Background(), in, Options{Budget: Quick})
		if err != nil || res.Hit != nil || res.BudgetExhausted {
			b.Fatal(err, res)
		}
		tried += res.Tried
	}
	b.ReportMetric(float64(tried)/float64(b.N), "candidates/op")
}

func v2BoundRate(sts, secret string) float64 {
	msg := []byte(sts)
	m := hmac.New(sha1.New, []byte(secret))
	var out [20]byte
	var sink byte
	n := 0
	start := cpuTime()
	for cpuTime()-start < 300*time.Millisecond {
		for range 1000 {
			m.Reset()
			m.Write(msg)
			m.Sum(out[:0])
			sink ^= out[0]
		}
		n += 1000
	}
	_ = sink
	return float64(n) / (cpuTime() - start).Seconds()
}
