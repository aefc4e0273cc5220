package recompute

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// TestVectors_ossV4 recomputes the OSS V4 vectors from their requests and
// signing inputs: canonical request, string to sign and signature byte for
// byte, then the Authorization header, or the URL's signing parameters.
// Each is also run from its string to sign, and parsed back.
func TestVectors_ossV4(t *testing.T) {
	dir := testenv.Shared(t, "vectors", "oss")
	vs := readVectors(t, dir, "v4-")
	if len(vs) != 11 {
		t.Fatalf("found %d OSS V4 vectors, want 11", len(vs))
	}
	for _, hv := range vs {
		t.Run(hv.Name, func(t *testing.T) {
			ts, err := time.Parse(AmzDateLayout, hv.Signing.Timestamp)
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Region: hv.Signing.Region, Service: hv.Signing.Product, Time: ts, Presign: hv.Scheme == "oss-v4-query",
				Expires: hv.Signing.Expires, SignedHeaders: hv.Signing.AdditionalHeaders}
			req := hv.request(t)
			o, err := SigOSSV4(req, hv.creds(), opts)
			if err != nil {
				t.Fatal(err)
			}
			same(t, "canonical request", o.CanonicalRequest, hv.Expected.CanonicalRequest)
			same(t, "additional headers", o.AdditionalHeaders, hv.Expected.AdditionalHeaders)
			same(t, "string to sign", o.StringToSign, hv.Expected.StringToSign)
			same(t, "signature", o.Signature, hv.Expected.Signature)
			same(t, "scheme", o.Result().Scheme, hv.Scheme)
			if opts.Presign {
				checkOSSURL(t, o.PresignedURL, hv.Expected.AuthQuery)
			} else {
				same(t, "authorization", o.Authorization, hv.Expected.Authorization)
			}
			if r, err := SignStringToSign("", hv.Expected.StringToSign, hv.creds(), Options{}); err != nil || r.Signature != hv.Expected.Signature || r.Scheme != "oss-v4-header" {
				t.Errorf("from the string to sign: %v, %+v", err, r)
			}
			// Signed as sent: the request's own fields give the same run.
			signed := *req
			if opts.Presign {
				u, _ := url.Parse(o.PresignedURL)
				signed.RawQuery = u.RawQuery
			} else {
				signed.Header = append(signed.Header[:len(signed.Header):len(signed.Header)], o.Added...)
				signed.Header = append(signed.Header, request.Field{Name: "Authorization", Value: o.Authorization})
			}
			p, err := ParseAnyAuth(&signed)
			if err != nil {
				t.Fatal(err)
			}
			if p.Scheme != hv.Scheme || p.Signature != o.Signature || p.Region != opts.Region || !p.Time.Equal(ts) {
				t.Errorf("parsed back: %+v", p)
			}
			again, err := Sign(&signed, hv.creds(), p.Options(), "")
			if err != nil || again.Signature != o.Signature {
				t.Errorf("Sign from the parsed fields: %v, %+v", err, again)
			}
		})
	}
}

// checkOSSURL: every expected signing parameter is in the URL, and
// x-oss-signature comes last.
func checkOSSURL(t *testing.T, signed string, want [][2]string) {
	t.Helper()
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	for _, p := range want {
		if q.Get(p[0]) != p[1] {
			t.Errorf("url parameter %s = %q, want %q", p[0], q.Get(p[0]), p[1])
		}
	}
	if len(want) > 0 && !strings.HasSuffix(signed, "&x-oss-signature="+want[len(want)-1][1]) {
		t.Errorf("url %q does not end in x-oss-signature", signed)
	}
}

func TestSigOSSV4_defaultsAndAdded(t *testing.T) {
	creds := credentials.Credentials{AccessKeyID: "ak", Secret: credentials.NewSecret("sk"), SessionToken: credentials.NewSecret("tok")}
	req := testRequest("GET", "/a%20b?acl", "Content-Type", "text/plain", "Range", "bytes=0-1", "Host", "x")
	req.Host = "bkt.oss-cn-shanghai.aliyuncs.com"
	o, err := SigOSSV4(req, creds, Options{Time: testTime, SignedHeaders: []string{"Range", "host", "x-oss-meta", "absent"}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Region != "cn-shanghai" || o.Service != "oss" || o.Bucket != "bkt" {
		t.Errorf("defaults from the host: %q %q %q", o.Region, o.Service, o.Bucket)
	}
	same(t, "canonical request", o.CanonicalRequest, "GET\n/bkt/a%20b\nacl\ncontent-type:text/plain\nhost:x\nrange:bytes=0-1\n"+
		"x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20150830T123600Z\nx-oss-security-token:tok\n\nhost;range\nUNSIGNED-PAYLOAD")
	if len(o.Added) != 3 {
		t.Errorf("Added = %v", o.Added)
	}
	if !strings.HasPrefix(o.Authorization, "OSS4-HMAC-SHA256 Credential=ak/20150830/cn-shanghai/oss/aliyun_v4_request,AdditionalHeaders=host;range,Signature=") {
		t.Errorf("authorization %q", o.Authorization)
	}
	for _, s := range o.Result().Steps {
		if s.Rule == "" || strings.Contains(s.Rule, "\n") || (strings.HasPrefix(s.Name, "k") && !s.Secret) {
			t.Errorf("step %+v", s)
		}
	}

	t.Run("errors", func(t *testing.T) {
		r := testRequest("GET", "/k")
		r.Host = "cdn.example.com"
		if _, err := SigOSSV4(r, creds, Options{Region: "r", Time: testTime}); !errors.Is(err, ErrNoBucket) {
			t.Errorf("custom domain: %v", err)
		}
		r.Host = "b.oss-cn-hangzhou.aliyuncs.com"
		if _, err := SigOSSV4(r, creds, Options{Time: testTime, Presign: true}); !errors.Is(err, ErrNoOSSExpires) {
			t.Errorf("no expiry: %v", err)
		}
		r.Host = "b.oss-accelerate.aliyuncs.com"
		if _, err := SigOSSV4(r, creds, Options{Time: testTime}); !errors.Is(err, ErrNoRegion) {
			t.Errorf("no region: %v", err)
		}
		if _, err := SigOSSV4(nil, creds, Options{}); !errors.Is(err, ErrNoRequest) {
			t.Errorf("nil request: %v", err)
		}
	})
	t.Run("without a secret", func(t *testing.T) {
		o, err := SigOSSV4(req, credentials.Credentials{AccessKeyID: "ak"}, Options{Time: testTime})
		if err != nil || o.StringToSign == "" || o.Signature != "" || o.Authorization != "" || o.KSigning != nil {
			t.Errorf("%v, %+v", err, o)
		}
	})
}

// FuzzSigOSSV4 signs arbitrary requests in OSS V4. Nothing panics; the
// parts join into the canonical request, which is canonical and hashes
// into the string to sign; only default and additional headers are
// signed; the string to sign alone gives the same signature; and a header
// form request, signed as sent, parses back and recomputes to itself.
// Seeds: testdata/fuzz/FuzzSigOSSV4.
func FuzzSigOSSV4(f *testing.F) {
	f.Add("PUT", "/1234%2B-/123/1.txt", "param1=value1&%2Bparam1=value3&param2", "ZAbc", "value", "abc;zabc;x-oss-head1", false)
	f.Add("GET", "/a b", "acl&x-oss-expires=60", "x-oss-meta-a", " two  spaces ", "", true)
	creds := credentials.Credentials{AccessKeyID: "ak", Secret: credentials.NewSecret("sk"), SessionToken: credentials.NewSecret("tok")}
	f.Fuzz(func(t *testing.T, method, path, query, name, value, additional string, presign bool) {
		if !isHeaderToken(name) {
			return // not a header name (RFC 9110 token): it would break the canonical header lines the invariants read
		}
		req := &request.Request{Method: method, Scheme: "https", Host: "b.oss-cn-hangzhou.aliyuncs.com", RawPath: path, RawQuery: query,
			Header: []request.Field{{Name: "Content-Type", Value: "text/plain"}, {Name: name, Value: value}}}
		opts := Options{Time: testTime, Presign: presign, Expires: 60, SignedHeaders: strings.Split(additional, ";")}
		o, err := SigOSSV4(req, creds, opts)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("message of more than one line: %q", err)
			}
			return
		}
		if strings.Join([]string{o.Method, o.CanonicalURI, o.CanonicalQueryString, o.CanonicalHeaders, o.AdditionalHeaders, o.PayloadHash}, "\n") != o.CanonicalRequest {
			t.Fatal("parts do not join into the canonical request")
		}
		if !strings.HasPrefix(o.CanonicalURI, "/b/") || !isCanonicalComponent(o.CanonicalURI, "/") || !isCanonicalComponent(o.CanonicalQueryString, "=&") {
			t.Fatalf("not canonical: %q %q", o.CanonicalURI, o.CanonicalQueryString)
		}
		if HashHex(o.CanonicalRequest) != o.CanonicalRequestHash || OSS4.StringToSign(o.AmzDate, o.Scope, o.CanonicalRequestHash) != o.StringToSign {
			t.Fatal("string to sign does not follow from the canonical request")
		}
		for _, line := range strings.Split(strings.TrimSuffix(o.CanonicalHeaders, "\n"), "\n") {
			n, _, _ := strings.Cut(line, ":")
			if !isOSSDefaultSigned(n) && !slices.Contains(strings.Split(o.AdditionalHeaders, ";"), n) {
				t.Fatalf("signed %q, neither default nor additional", n)
			}
		}
		if from, err := FromStringToSign(o.StringToSign, creds, Options{Family: OSS4}); err != nil || from.Signature != o.Signature {
			t.Fatalf("from the string to sign: %v", err)
		}
		if presign || equalFold(name, "authorization") || DetectScheme(req) != "" {
			// A request that already carries signing parameters (in its
			// query) is not one a client would sign again in the header.
			return
		}
		sent := *req
		sent.Header = append(append(append([]request.Field(nil), req.Header...), o.Added...), request.Field{Name: "Authorization", Value: o.Authorization})
		p, err := ParseAnyAuth(&sent)
		if err != nil {
			t.Fatalf("signed request does not parse: %v", err)
		}
		again, err := SigOSSV4(&sent, creds, p.Options())
		if err != nil || again.Signature != o.Signature {
			t.Fatalf("recomputed as sent: %v\n%q\n%q", err, o.CanonicalRequest, again.CanonicalRequest)
		}
	})
}

// isHeaderToken reports whether s is an HTTP field name: one or more
// tchar (RFC 9110, section 5.6.2).
func isHeaderToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
