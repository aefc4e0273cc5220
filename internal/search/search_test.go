package search

import (
	"bufio"
	"context"
	"errors"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// TestRun_serverSignature: the docs' own signature is the server's string
// to sign signed with the example key, so the hit has no operator and
// names secret-key-mismatch (the server would hold another key).
func TestRun_serverSignature(t *testing.T) {
	cr, sts, sig := getObject(t)
	res, err := Run(context.Background(), Input{CanonicalRequest: cr, StringToSign: sts, Credentials: exampleCreds, Signature: sig}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hit == nil || len(res.Hit.Ops) != 0 {
		t.Fatalf("hit %+v, want the server's own string to sign", res.Hit)
	}
	if got := res.Hit.Causes(); len(got) != 1 || got[0] != "secret-key-mismatch" {
		t.Errorf("causes %v", got)
	}
	if res.Hit.StringToSign != sts || res.Hit.CanonicalRequest != cr || res.Hit.Key.Chain != "hmac" || res.Hit.Key.Secret != "as given" {
		t.Errorf("hit %+v", res.Hit)
	}
	// Recomputed from the request, the same hit only says the client signed
	// correctly: no cause.
	res, err = Run(context.Background(), Input{CanonicalRequest: cr, AmzDate: exampleAmzDate, Scope: exampleDate + "/us-east-1/s3/aws4_request",
		Recomputed: true, Credentials: exampleCreds, Signature: sig}, Options{})
	if err != nil || res.Hit == nil {
		t.Fatal(err, res)
	}
	if got := res.Hit.Causes(); got != nil {
		t.Errorf("recomputed causes %v", got)
	}
}

// TestRun_noHit: a signature no candidate gives ends with no hit, the
// number of candidates tried, and the groups and tiers that ran.
func TestRun_noHit(t *testing.T) {
	cr, sts, _ := getObject(t)
	res, err := Run(context.Background(), Input{CanonicalRequest: cr, StringToSign: sts, Credentials: exampleCreds, Signature: strings.Repeat("0", 64)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hit != nil {
		t.Fatalf("hit %+v", res.Hit)
	}
	if res.Tried < 10000 || res.Tried > res.Planned || res.Tried < res.Planned*9/10 {
		t.Errorf("tried %d of %d", res.Tried, res.Planned)
	}
	if strings.Join(res.Tiers, " ") != "singles pairs subsets" || res.BudgetExhausted || res.Cancelled {
		t.Errorf("tiers %v exhausted %v cancelled %v", res.Tiers, res.BudgetExhausted, res.Cancelled)
	}
	want := "framing headers key method payload query scope secret string-to-sign uri"
	if got := strings.Join(res.Groups, " "); got != want {
		t.Errorf("groups %q, want %q", got, want)
	}
	if res.Algorithm != "AWS4-HMAC-SHA256" || res.Workers < 1 {
		t.Errorf("%+v", res)
	}
}

// TestRun_maxCandidates: the candidate cap stops the search and says so.
func TestRun_maxCandidates(t *testing.T) {
	cr, sts, _ := getObject(t)
	res, err := Run(context.Background(), Input{CanonicalRequest: cr, StringToSign: sts, Credentials: exampleCreds, Signature: strings.Repeat("0", 64)},
		Options{Budget: Deep, MaxCandidates: 5000, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !res.BudgetExhausted || res.Hit != nil || res.Tried < 5000 || res.Tried > 20000 {
		t.Errorf("exhausted %v tried %d", res.BudgetExhausted, res.Tried)
	}
}

// TestRun_quickTime: the quick budget's wall-time bound stops a search
// that would run longer.
func TestRun_quickTime(t *testing.T) {
	_, v := putObject12(t)
	start := time.Now()
	res, err := Run(context.Background(), Input{CanonicalRequest: v.CanonicalRequest, StringToSign: v.StringToSign, Credentials: exampleCreds,
		Signature: strings.Repeat("0", 64)}, Options{Budget: Quick, QuickTime: time.Millisecond, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !res.BudgetExhausted || res.Cancelled || time.Since(start) > 5*time.Second {
		t.Errorf("exhausted %v cancelled %v after %v", res.BudgetExhausted, res.Cancelled, time.Since(start))
	}
}

// TestRun_cancel: cancelling the context stops a deep search and returns
// what it has, with Cancelled set; progress is reported on the way.
func TestRun_cancel(t *testing.T) {
	_, v := putObject12(t)
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	progress := func(p Progress) {
		if calls.Add(1) == 2 {
			cancel()
		}
		if p.Tried < 0 || p.Planned <= 0 || p.Tier == "" {
			t.Errorf("progress %+v", p)
		}
	}
	start := time.Now()
	res, err := Run(ctx, Input{CanonicalRequest: v.CanonicalRequest, StringToSign: v.StringToSign, Credentials: exampleCreds,
		Signature: strings.Repeat("0", 64)}, Options{Budget: Deep, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Cancelled || res.BudgetExhausted || res.Hit != nil || res.Tried == 0 {
		t.Errorf("cancelled %v exhausted %v tried %d", res.Cancelled, res.BudgetExhausted, res.Tried)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to stop", d)
	}
	if calls.Load() < 2 {
		t.Errorf("progress called %d times", calls.Load())
	}
}

// TestRun_deterministic: the hit does not depend on the number of workers
// even when several candidates reproduce the signature.
func TestRun_deterministic(t *testing.T) {
	cr, _, _ := getObject(t)
	// "%20" → "+" and the client's raw '+' give the same bytes; the search
	// names the first in its order every time.
	server := line(cr, 1, "/my%20photo.txt")
	_, sig := client{cr: line(server, 1, "/my+photo.txt"), kRegion: "eu-west-1"}.sign(t)
	in := Input{CanonicalRequest: server, StringToSign: serverSTS(server), Credentials: exampleCreds, Signature: sig}
	var first string
	for _, w := range []int{1, 2, 3, 8} {
		res, err := Run(context.Background(), in, Options{Workers: w})
		if err != nil || res.Hit == nil {
			t.Fatal(err, res)
		}
		got := opString(res.Hit.Ops)
		if first == "" {
			first = got
		} else if got != first {
			t.Errorf("%d workers: %s, 1 worker: %s", w, got, first)
		}
	}
	if first != "uri-space-as-plus key-region:eu-west-1" {
		t.Errorf("hit %s", first)
	}
}

func opString(ops []Op) string {
	var s []string
	for _, o := range ops {
		if o.Arg != "" {
			s = append(s, o.ID+":"+o.Arg)
		} else {
			s = append(s, o.ID)
		}
	}
	return strings.Join(s, " ")
}

// TestRun_stringToSignOnly: without a canonical request only the
// operators after it run, from the string to sign's hash line.
func TestRun_stringToSignOnly(t *testing.T) {
	cr, sts, _ := getObject(t)
	_, sig := client{cr: cr, kRegion: "eu-west-1", encode: "upper"}.sign(t)
	res, err := Run(context.Background(), Input{StringToSign: sts, Credentials: exampleCreds, Signature: sig}, Options{})
	if err != nil || res.Hit == nil {
		t.Fatal(err, res)
	}
	if got := opString(res.Hit.Ops); got != "key-region:eu-west-1 signature-upper-hex" {
		t.Errorf("hit %s", got)
	}
	if res.Hit.CanonicalRequest != "" || res.Hit.StringToSign != sts {
		t.Errorf("hit %+v", res.Hit)
	}
	for _, g := range res.Groups {
		if g == "uri" || g == "headers" {
			t.Errorf("group %s tried without a canonical request", g)
		}
	}
}

// TestRun_damagedPaste: when the canonical request given does not hash to
// the string to sign's last line, the search says so and still checks the
// server's string to sign as given.
func TestRun_damagedPaste(t *testing.T) {
	cr, sts, sig := getObject(t)
	damaged := strings.Replace(cr, "range:bytes=0-9", "range: bytes=0-9", 1)
	res, err := Run(context.Background(), Input{CanonicalRequest: damaged, StringToSign: sts, Credentials: exampleCreds, Signature: sig}, Options{})
	if err != nil || res.Hit == nil {
		t.Fatal(err, res)
	}
	if len(res.Hit.Ops) != 0 || res.Hit.StringToSign != sts || len(res.Notes) != 1 {
		t.Errorf("hit %+v notes %q", res.Hit, res.Notes)
	}
}

// TestRun_goog4: the family comes from the algorithm line, and the key
// prefix with it.
func TestRun_goog4(t *testing.T) {
	cr := "GET\n/bucket/object\n\nhost:storage.googleapis.com\n\nhost\nUNSIGNED-PAYLOAD"
	head := "GOOG4-HMAC-SHA256\n20240101T000000Z\n20240101/auto/storage/goog4_request\n"
	sts := head + recompute.HashHex(cr)
	secret := "bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ"
	creds := credentials.Credentials{AccessKeyID: "GOOG1EXAMPLE", Secret: credentials.NewSecret(secret)}
	client := strings.Replace(cr, "GET\n", "HEAD\n", 1)
	key := []byte("GOOG4" + secret)
	for _, m := range []string{"20240101", "us", "storage", "goog4_request"} {
		key = hmacSum(key, m)
	}
	mac := hmacSum(key, head+recompute.HashHex(client))
	res, err := Run(context.Background(), Input{CanonicalRequest: cr, StringToSign: sts, Credentials: creds, Signature: hexString(mac)}, Options{})
	if err != nil || res.Hit == nil {
		t.Fatal(err, res)
	}
	if got := opString(res.Hit.Ops); got != "method-swapped:HEAD key-region:us" {
		t.Errorf("hit %s", got)
	}
	if res.Hit.Key.Prefix != "GOOG4" || res.Hit.Key.Terminator != "goog4_request" {
		t.Errorf("key %+v", res.Hit.Key)
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// TestRun_errors: input the search cannot start from.
func TestRun_errors(t *testing.T) {
	cr, sts, sig := getObject(t)
	inputErr := errors.New("an *InputError")
	for _, c := range []struct {
		name string
		in   Input
		want error
	}{
		{"no secret", Input{CanonicalRequest: cr, StringToSign: sts, Signature: sig}, ErrNoSecret},
		{"no signature", Input{CanonicalRequest: cr, StringToSign: sts, Credentials: exampleCreds}, ErrNoSignature},
		{"nothing from the server", Input{Credentials: exampleCreds, Signature: sig}, ErrNoInput},
		{"too large", Input{CanonicalRequest: strings.Repeat("a", maxInput+1), StringToSign: sts, Credentials: exampleCreds, Signature: sig}, ErrTooLarge},
		{"signature not hex", Input{CanonicalRequest: cr, StringToSign: sts, Credentials: exampleCreds, Signature: "xyz"}, inputErr},
		{"three-line string to sign", Input{CanonicalRequest: cr, StringToSign: "a\nb\nc", Credentials: exampleCreds, Signature: sig}, inputErr},
		{"bad scope", Input{CanonicalRequest: cr, StringToSign: "a\nb\nc/d\ne", Credentials: exampleCreds, Signature: sig}, inputErr},
		{"no amz date", Input{CanonicalRequest: cr, Scope: "20130524/us-east-1/s3/aws4_request", Credentials: exampleCreds, Signature: sig}, inputErr},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Run(context.Background(), c.in, Options{})
			if c.want == inputErr {
				var ie *InputError
				if !errors.As(err, &ie) {
					t.Fatalf("error %v, want an InputError", err)
				}
			} else if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			if msg := err.Error(); msg != strings.ToLower(msg[:1])+msg[1:] || strings.Contains(msg, "\n") || strings.Contains(msg, exampleSecret) {
				t.Errorf("message %q", msg)
			}
		})
	}
}

func TestRun_off(t *testing.T) {
	res, err := Run(context.Background(), Input{}, Options{Budget: Off})
	if err != nil || res.Hit != nil || res.Tried != 0 {
		t.Fatal(err, res)
	}
}

func TestParseBudget(t *testing.T) {
	for _, b := range []Budget{Quick, Deep, Off} {
		got, err := ParseBudget(b.String())
		if err != nil || got != b {
			t.Errorf("%v: %v %v", b, got, err)
		}
	}
	if _, err := ParseBudget("fast"); err == nil {
		t.Error("fast accepted")
	}
}

// TestHotLoop_noAllocation: trying a candidate allocates nothing, for
// message edits, transforms, slices, rows of pairs and every signer kind.
func TestHotLoop_noAllocation(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	_, v := putObject12(t)
	e, err := newEngine(&Input{CanonicalRequest: v.CanonicalRequest, StringToSign: v.StringToSign, Credentials: exampleCreds, Signature: strings.Repeat("0", 64)})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := e.ctxPairs()
	w := newWorker(e)
	allocs := testing.AllocsPerRun(3, func() {
		for i, a := range e.pairList {
			w.combo(a, noOp, 0, e.nSingle)
			w.prepareRow(a)
			for _, b := range e.pairList[i+1 : min(i+20, len(e.pairList))] {
				if combine(a, b) {
					w.combo(a, b, 0, 1)
				}
			}
		}
		w.combo(noOp, noOp, lo, hi)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per sweep", allocs)
	}
}

// TestCatalogue: sorted, unique, and every cause id is one of
// ../shared/CAUSES.md.
func TestCatalogue(t *testing.T) {
	if !sort.SliceIsSorted(catalogue, func(i, j int) bool { return catalogue[i].ID < catalogue[j].ID }) {
		t.Error("catalogue not sorted by id")
	}
	for i := 1; i < len(catalogue); i++ {
		if catalogue[i].ID == catalogue[i-1].ID {
			t.Errorf("duplicate %s", catalogue[i].ID)
		}
	}
	f, err := os.Open(testenv.Shared(t, "CAUSES.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	causes := map[string]bool{}
	id := regexp.MustCompile("^\\| `([a-z0-9-]+)` \\|")
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if m := id.FindStringSubmatch(sc.Text()); m != nil {
			causes[m[1]] = true
		}
	}
	if len(causes) < 30 {
		t.Fatalf("read %d causes from CAUSES.md", len(causes))
	}
	groups := map[string]bool{"method": true, "uri": true, "query": true, "headers": true, "payload": true, "framing": true,
		"string-to-sign": true, "scope": true, "key": true, "secret": true, "output": true,
		"content-md5": true, "date": true, "resource": true}
	for _, o := range catalogue {
		if !causes[o.Cause] {
			t.Errorf("%s: cause %q is not in CAUSES.md", o.ID, o.Cause)
		}
		if !groups[o.Group] || o.Summary == "" {
			t.Errorf("%s: group %q summary %q", o.ID, o.Group, o.Summary)
		}
	}
	if len(Operators()) != len(catalogue) {
		t.Error("Operators")
	}
}

// TestTables: the region and service tables are sorted and unique, and
// hostRegion reads the regional host forms.
func TestTables(t *testing.T) {
	for name, tab := range map[string][]string{"aws": awsRegions, "oss": ossRegions, "gcs": gcsLocations, "services": services} {
		for i := 1; i < len(tab); i++ {
			if tab[i] <= tab[i-1] {
				t.Errorf("%s: %q after %q", name, tab[i], tab[i-1])
			}
		}
	}
	for host, want := range map[string]string{
		"examplebucket.s3.eu-west-1.amazonaws.com":     "eu-west-1",
		"s3-ap-southeast-2.amazonaws.com":              "ap-southeast-2",
		"aobq.s3.cn-north-1.amazonaws.com.cn":          "cn-north-1",
		"s3.dualstack.us-west-2.amazonaws.com:443":     "us-west-2",
		"bucket.account.r2.cloudflarestorage.com":      "auto",
		"examplebucket.s3.amazonaws.com":               "",
		"bucket.oss-cn-hangzhou.aliyuncs.com":          "",
		"bucket.s3-website-eu-central-1.amazonaws.com": "eu-central-1",
		"storage.googleapis.com":                       "auto",
		"minio:9000":                                   "",
		"cn-north-1.example.com":                       "cn-north-1",
	} {
		if got := hostRegion(host, awsRegions); got != want {
			t.Errorf("%s: %q, want %q", host, got, want)
		}
	}
	if got := hostRegion("bucket.oss-cn-hangzhou.aliyuncs.com", ossRegions); got != "cn-hangzhou" {
		t.Errorf("oss: %q", got)
	}
}
