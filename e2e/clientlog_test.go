package e2e

import (
	"os"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/clientlog"
	"github.com/sigdiff/sigdiff/internal/proxy"
)

// compareSigned reads a client's debug log with internal/clientlog and
// checks that every canonical request it logged (SigV2: every string to
// sign) is, byte for byte, one that sigdiff recomputed from a request as
// it came off the wire (the proxy's entries, Config.Canonical). Exchanges
// the server refused are left out: what the client signed there is what
// differs. It returns how many strings were compared.
func compareSigned(t *testing.T, logPath string, es []*proxy.Entry) int {
	t.Helper()
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	l, err := clientlog.Parse(b)
	if err != nil {
		t.Errorf("clientlog cannot read %s: %v", logPath, err)
		return 0
	}
	crs, stss := map[string]bool{}, map[string]bool{}
	for _, e := range es {
		crs[e.CanonicalRequest] = true
		stss[e.StringToSign] = true
	}
	compared := 0
	for _, x := range l.Exchanges {
		if x.Status >= 400 {
			continue
		}
		var logged string
		var seen map[string]bool
		switch {
		case len(x.CanonicalRequest) > 0:
			logged, seen = string(x.CanonicalRequest), crs
		case len(x.StringToSign) > 0 && !strings.HasPrefix(string(x.StringToSign), "AWS4-"):
			logged, seen = string(x.StringToSign), stss
		default:
			continue
		}
		compared++
		if seen[logged] {
			continue
		}
		t.Errorf("%s log line %d: the client signed a string sigdiff did not recompute from any request on the wire:\n%s\n  sigdiff's for the same method and path:\n%s",
			l.Format, x.Line, indent(logged), indent(closest(logged, es)))
	}
	if compared == 0 {
		t.Errorf("no canonical request or string to sign in the %s log %s", l.Format, logPath)
	}
	t.Logf("%s log: %d signed strings equal sigdiff's recomputation from the wire byte for byte", l.Format, compared)
	return compared
}

// closest is the recomputed string of the entry with the same first two
// lines (method and path; SigV2: method and Content-MD5) as s.
func closest(s string, es []*proxy.Entry) string {
	head := func(x string) string {
		a := strings.SplitN(x, "\n", 3)
		if len(a) < 2 {
			return x
		}
		return a[0] + "\n" + a[1]
	}
	for _, e := range es {
		for _, r := range []string{e.CanonicalRequest, e.StringToSign} {
			if r != "" && head(r) == head(s) {
				return r
			}
		}
	}
	return "(none)"
}
