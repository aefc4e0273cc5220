package recompute

import (
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/request"
)

// isCanonicalComponent reports whether s holds only unreserved characters,
// the separators allowed, and %XX escapes with upper-case hex.
func isCanonicalComponent(s, separators string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case unreserved[c] || strings.IndexByte(separators, c) >= 0:
		case c == '%' && i+2 < len(s) && isUpperHex(s[i+1]) && isUpperHex(s[i+2]):
			i += 2
		default:
			return false
		}
	}
	return true
}

// FuzzSigV4 signs arbitrary requests. Nothing panics; what is signed is
// canonical (only unreserved characters and upper-case escapes in the path
// and query, trimmed header values); canonicalizing is idempotent; the
// fields agree with each other; and a run started from the canonical
// request gives the same signature. Seeds: testdata/fuzz/FuzzSigV4.
func FuzzSigV4(f *testing.F) {
	f.Add("GET", "/example space/", "Param1=value1&a+b=%7e", "My-Header1", "value1\n  value2", false, false)
	f.Add("PUT", "/test$file.text", "", "x-amz-content-sha256", "UNSIGNED-PAYLOAD", false, true)
	f.Add("GET", "/a%2fb/../c", "X-Amz-Expires=60&X-Amz-Signature=x", "Range", "  bytes=0-9 ", true, true)
	f.Fuzz(func(t *testing.T, method, path, query, name, value string, presign, s3 bool) {
		service := "service"
		if s3 {
			service = "s3"
		}
		req := &request.Request{Method: method, Scheme: "https", Host: "example.amazonaws.com", RawPath: path, RawQuery: query, HasBody: true,
			Header: []request.Field{{Name: "Host", Value: "example.amazonaws.com"}, {Name: name, Value: value}}}
		opts := Options{Region: "us-east-1", Service: service, Time: testTime, Presign: presign, Expires: 60}
		v, err := SigV4(req, testCreds, opts)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("message of more than one line: %q", err)
			}
			return
		}
		if !isCanonicalComponent(v.CanonicalURI, "/") {
			t.Fatalf("canonical uri %q", v.CanonicalURI)
		}
		if !isCanonicalComponent(v.CanonicalQueryString, "=&") {
			t.Fatalf("canonical query %q", v.CanonicalQueryString)
		}
		if again := CanonicalURI(v.CanonicalURI, v.Rules); !v.Rules.DoubleEncode && again != v.CanonicalURI {
			t.Fatalf("canonical uri not idempotent: %q then %q", v.CanonicalURI, again)
		}
		if !presign {
			if again := CanonicalQueryString(v.CanonicalQueryString); again != v.CanonicalQueryString || CanonicalQueryString(query) != again {
				t.Fatalf("canonical query not idempotent: %q then %q", v.CanonicalQueryString, again)
			}
		}
		cv := CanonicalHeaderValue(value)
		if CanonicalHeaderValue(cv) != cv || strings.ContainsAny(cv, "\r\n") || strings.Contains(cv, "  ") ||
			(cv != "" && (isOWS(cv[0]) || isOWS(cv[len(cv)-1]))) {
			t.Fatalf("header value %q canonicalized to %q", value, cv)
		}
		if isRecoded(query, false) && string(appendRecode(nil, query, false, true)) != query {
			t.Fatalf("fast path disagrees on %q", query)
		}
		if recodedLen(path, true, s3) != len(appendRecode(nil, path, true, s3)) {
			t.Fatalf("recodedLen disagrees on %q", path)
		}
		if CanonicalRequest(v.Method, v.CanonicalURI, v.CanonicalQueryString, v.CanonicalHeaders, v.SignedHeaders, v.PayloadHash) != v.CanonicalRequest {
			t.Fatal("fields do not join into the canonical request")
		}
		if HashHex(v.CanonicalRequest) != v.CanonicalRequestHash || v.Family.StringToSign(v.AmzDate, v.Scope, v.CanonicalRequestHash) != v.StringToSign {
			t.Fatal("string to sign does not follow from the canonical request")
		}
		from, err := FromCanonicalRequest(v.CanonicalRequest, testCreds, opts)
		if err != nil || from.Signature != v.Signature {
			t.Fatalf("from the canonical request: %v, signature %q, want %q", err, from.Signature, v.Signature)
		}
	})
}

func TestRecodedLen_matchesAppendRecode(t *testing.T) {
	for _, s := range []string{"", "a", "%", "%4", "%41", "%zz", "a+b", "日本", "~%7e%7E", "a b/c"} {
		for _, slash := range []bool{false, true} {
			for _, plus := range []bool{false, true} {
				if got, want := recodedLen(s, slash, plus), len(appendRecode(nil, s, slash, plus)); got != want {
					t.Errorf("recodedLen(%q, %v, %v) = %d, want %d", s, slash, plus, got, want)
				}
			}
		}
	}
}
