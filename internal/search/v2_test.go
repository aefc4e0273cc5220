package search

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// v2Base is the object-put vector as input, signed as the client's
// signature sig.
func v2Base(t testing.TB, sig string) V2Input {
	v := loadV2Vector(t, v2Put)
	if sig == "" {
		sig = v.Expected.Signature
	}
	return V2Input{Scheme: v.Scheme, StringToSign: v.Expected.StringToSign, Credentials: v.creds(), Signature: sig, Request: v.request()}
}

// A random signature: every tier runs to its end and nothing is claimed.
func TestRunV2_miss(t *testing.T) {
	v := loadV2Vector(t, v2Meta)
	in := V2Input{Scheme: v.Scheme, StringToSign: v.Expected.StringToSign, Credentials: v.creds(), Signature: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", Request: v.request()}
	for _, b := range []Budget{Quick, Deep} {
		res, err := RunV2(context.Background(), in, Options{Budget: b})
		if err != nil {
			t.Fatal(err)
		}
		want := "singles pairs"
		if b == Deep {
			want += " triples"
		}
		if res.Hit != nil || res.BudgetExhausted || res.Cancelled || strings.Join(res.Tiers, " ") != want {
			t.Fatalf("%s: hit %+v, tiers %v, exhausted %v", b, res.Hit, res.Tiers, res.BudgetExhausted)
		}
		if res.Tried < 1000 || res.Tried > res.Planned || res.Algorithm != "AWS" {
			t.Errorf("%s: tried %d of %d, algorithm %q", b, res.Tried, res.Planned, res.Algorithm)
		}
		for _, g := range []string{"content-md5", "date", "headers", "method", "resource", "secret"} {
			if !strings.Contains(strings.Join(res.Groups, " "), g) {
				t.Errorf("%s: groups %v lack %s", b, res.Groups, g)
			}
		}
	}
}

// The server's own string to sign with the key as given: a key mismatch
// when the server computed it, no cause when sigdiff did.
func TestRunV2_serverSignature(t *testing.T) {
	in := v2Base(t, "")
	for _, recomputed := range []bool{false, true} {
		in.Recomputed = recomputed
		res, err := RunV2(context.Background(), in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		h := res.Hit
		if h == nil || len(h.Ops) != 0 || h.StringToSign != in.StringToSign || res.Tried != 1 || h.Tier != "singles" || h.Key.Secret != "as given" {
			t.Fatalf("%+v %+v", res, h)
		}
		want := "secret-key-mismatch"
		if recomputed {
			want = ""
		}
		if got := strings.Join(h.Causes(), " "); got != want {
			t.Errorf("recomputed %v: causes %q", recomputed, got)
		}
	}
}

func TestRunV2_errors(t *testing.T) {
	good := v2Base(t, "")
	for _, tc := range []struct {
		name  string
		f     func(*V2Input)
		want  error
		field string
	}{
		{"v4 scheme", func(in *V2Input) { in.Scheme = "sigv4-header" }, nil, "scheme"},
		{"no secret", func(in *V2Input) { in.Credentials.Secret = credentials.Secret{} }, ErrNoSecret, ""},
		{"no signature", func(in *V2Input) { in.Signature = " " }, ErrNoSignature, ""},
		{"no string to sign", func(in *V2Input) { in.StringToSign = "" }, ErrNoInput, ""},
		{"four lines", func(in *V2Input) { in.StringToSign = "GET\n\n\n/b/k" }, nil, "string to sign"},
		{"too large", func(in *V2Input) { in.StringToSign = strings.Repeat("x", maxInput+1) }, ErrTooLarge, ""},
		{"too many headers", func(in *V2Input) {
			in.StringToSign = "GET\n\n\nd\n" + strings.Repeat("x-amz-a:b\n", maxHeaders+1) + "/b"
		}, ErrTooLarge, ""},
		{"v4 signature", func(in *V2Input) { in.Signature = strings.Repeat("ab", 32) }, nil, "signature"},
		{"not base64", func(in *V2Input) { in.Signature = "not a signature!" }, nil, "signature"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			tc.f(&in)
			res, err := RunV2(context.Background(), in, Options{})
			var ie *InputError
			switch {
			case res != nil:
				t.Fatalf("result %+v", res)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Fatalf("error %v, want %v", err, tc.want)
			case tc.want == nil && (!errors.As(err, &ie) || ie.Field != tc.field):
				t.Fatalf("error %v, want a bad %s", err, tc.field)
			}
			if msg := err.Error(); msg != strings.ToLower(msg[:1])+msg[1:] || strings.Contains(msg, "\n") {
				t.Errorf("message %q", msg)
			}
		})
	}
	if res, err := RunV2(context.Background(), V2Input{}, Options{Budget: Off}); err != nil || res.Hit != nil || res.Tried != 0 {
		t.Errorf("off: %+v %v", res, err)
	}
}

// TestRunV2_deterministic: the hit is the same whatever the number of
// workers, and the first in search order (a single before a pair).
func TestRunV2_deterministic(t *testing.T) {
	v := loadV2Vector(t, v2Meta)
	client := strings.Replace(v.Expected.StringToSign, "x-amz-acl:public-read\n", "", 1)
	in := V2Input{Scheme: v.Scheme, StringToSign: v.Expected.StringToSign, Credentials: v.creds(), Signature: v2SignForTest(v.Credentials.Secret, client), Request: v.request()}
	var first string
	for _, w := range []int{1, 2, 3, 8} {
		res, err := RunV2(context.Background(), in, Options{Budget: Deep, Workers: w})
		if err != nil || res.Hit == nil {
			t.Fatalf("%d workers: %v %+v", w, err, res)
		}
		got := opString(res.Hit.Ops) + " " + res.Hit.Tier
		if first == "" {
			first = got
		} else if got != first {
			t.Errorf("%d workers: %s, want %s", w, got, first)
		}
	}
	if first != "v2-header-dropped:x-amz-acl singles" {
		t.Errorf("hit %s", first)
	}
}

func TestRunV2_budget(t *testing.T) {
	in := v2Base(t, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	res, err := RunV2(context.Background(), in, Options{Budget: Deep, MaxCandidates: 500, Workers: 1})
	if err != nil || !res.BudgetExhausted || res.Tried < 500 || res.Tried > 500+4096 {
		t.Fatalf("max candidates: %v %+v", err, res)
	}
	res, err = RunV2(context.Background(), in, Options{Budget: Quick, QuickTime: time.Nanosecond, Workers: 1})
	if err != nil || !res.BudgetExhausted || len(res.Tiers) == 2 {
		t.Fatalf("quick time: %v %+v", err, res)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var calls int
	res, err = RunV2(ctx, in, Options{Budget: Deep, Progress: func(p Progress) { calls++ }})
	if err != nil || !res.Cancelled || res.Hit != nil || calls == 0 {
		t.Fatalf("cancelled: %v %+v, %d progress calls", err, res, calls)
	}
}

// TestV2HotLoop_noAllocation: trying a candidate allocates nothing.
func TestV2HotLoop_noAllocation(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	v := loadV2Vector(t, v2Meta)
	e, err := newV2Engine(&V2Input{Scheme: v.Scheme, StringToSign: v.Expected.StringToSign, Credentials: v.creds(), Signature: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", Request: v.request()})
	if err != nil {
		t.Fatal(err)
	}
	w := e.newWorker()
	stages := append(e.stages("singles"), e.stages("pairs")...)
	allocs := testing.AllocsPerRun(3, func() {
		for _, st := range stages {
			for r := 0; r < min(st.rows(len(e.singles)), 30); r++ {
				w.row(st, r)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per sweep", allocs)
	}
}

// TestV2Hit_rebuilt: the hot loop's message (built from a block boundary)
// is the message the hit reports, for every single and a sample of pairs
// and triples.
func TestV2Hit_rebuilt(t *testing.T) {
	v := loadV2Vector(t, v2Meta)
	e, err := newV2Engine(&V2Input{Scheme: v.Scheme, StringToSign: v.Expected.StringToSign, Credentials: v.creds(), Signature: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", Request: v.request()})
	if err != nil {
		t.Fatal(err)
	}
	w := e.newWorker()
	rows := 0
	check := func(a, b, c *msgOp) {
		w.build(a, b, c)
		var ops []*msgOp
		for _, o := range []*msgOp{a, b, c} {
			if o != noOp {
				ops = append(ops, o)
			}
		}
		want := e.m.v2Message(ops)
		if got := string(e.orig[:w.blk*64]) + string(w.buf); got != want {
			t.Fatalf("%v: built\n%q\nwant\n%q", opString(opsOf(ops)), got, want)
		}
	}
	// The same from a row's message, as the signer-0 stages build it.
	checkRow := func(a, b, c *msgOp) {
		if w.rowOp != a {
			w.prepareRow(a)
		}
		if !w.buildFromRow(b, c) {
			return
		}
		want := e.m.v2Message([]*msgOp{a, b, c})
		if got := string(w.rowMsg[:w.blk*64]) + string(w.buf); got != want {
			t.Fatalf("%v from the row: built\n%q\nwant\n%q", opString(opsOf([]*msgOp{a, b, c})), got, want)
		}
		rows++
	}
	n := len(e.singles)
	for i, a := range e.singles {
		check(a, noOp, noOp)
		for j := i + 1; j < n; j += 7 {
			if b := e.singles[j]; combine(a, b) {
				check(a, b, noOp)
				checkRow(a, b, noOp)
				ab := a.touch.union(&b.touch)
				for k := j + 1; k < n; k += 13 {
					if c := e.singles[k]; !ab.overlaps(&c.touch) {
						check(a, b, c)
						checkRow(a, b, c)
					}
				}
			}
		}
	}
	if n < 60 || rows < 100 {
		t.Errorf("only %d operators for a request with four x-amz-* headers, %d combinations built from a row", n, rows)
	}
}

func opsOf(ms []*msgOp) []Op {
	var out []Op
	for _, m := range ms {
		out = append(out, m.op)
	}
	return out
}

func TestIsV2(t *testing.T) {
	for s, want := range map[string]bool{"sigv2-header": true, "sigv2-query": true, "oss-v1-header": true, "oss-v1-query": true, "gcs-v2-hmac-header": true,
		"sigv4-header": false, "gcs-v2": false, "sigv2-post": false, "": false} {
		if IsV2(s) != want {
			t.Errorf("IsV2(%q) = %v", s, !want)
		}
	}
}
