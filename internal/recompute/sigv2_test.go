package recompute

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// hmacVector is one file of ../shared/vectors/sigv2 or /oss (README there).
type hmacVector struct {
	Name        string `json:"name"`
	Scheme      string `json:"scheme"`
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
		SecurityToken   string `json:"security_token"`
	} `json:"credentials"`
	Signing struct {
		Region            string   `json:"region"`
		Product           string   `json:"product"`
		Timestamp         string   `json:"timestamp"`
		Expires           int64    `json:"expires_seconds"`
		AdditionalHeaders []string `json:"additional_headers_requested"`
	} `json:"signing"`
	Request struct {
		Method     string      `json:"method"`
		RequestURI string      `json:"request_uri"`
		Host       *string     `json:"host"`
		URL        string      `json:"url"`
		Bucket     *string     `json:"bucket"`
		Key        *string     `json:"key"`
		RawQuery   *string     `json:"raw_query"`
		Query      [][2]string `json:"query"`
		Headers    [][2]string `json:"headers"`
		Expires    int64       `json:"expires"`
	} `json:"request"`
	Expected struct {
		CanonicalRequest  string      `json:"canonical_request"`
		OSSHeaders        *string     `json:"canonicalized_oss_headers"`
		AdditionalHeaders string      `json:"additional_headers"`
		StringToSign      string      `json:"string_to_sign"`
		Signature         string      `json:"signature"`
		SignatureEncoded  string      `json:"signature_urlencoded"`
		Authorization     string      `json:"authorization"`
		SignedURL         string      `json:"signed_url"`
		AuthQuery         [][2]string `json:"auth_query_parameters"`
	} `json:"expected"`
	Notes []string `json:"notes"`
}

func (hv *hmacVector) creds() credentials.Credentials {
	c := hv.Credentials
	return credentials.Credentials{AccessKeyID: c.AccessKeyID, Secret: credentials.NewSecret(c.SecretAccessKey), SessionToken: credentials.NewSecret(c.SecurityToken)}
}

// request builds the request from the vector's request fields only: a
// request URI and host (SigV2), or a URL, or host, bucket, key and query
// (OSS, whose SDK tests give the decoded key). Without a host, the OSS
// query vectors' signed URL names it.
func (hv *hmacVector) request(t *testing.T) *request.Request {
	t.Helper()
	r := hv.Request
	req := &request.Request{Method: r.Method, Scheme: "http"}
	for _, h := range r.Headers {
		req.Header = append(req.Header, request.Field{Name: h[0], Value: h[1]})
	}
	if r.Host != nil {
		req.Host = *r.Host
	}
	switch {
	case r.RequestURI != "":
		req.RawPath, req.RawQuery, _ = strings.Cut(r.RequestURI, "?")
	case r.URL != "":
		u, err := url.Parse(r.URL)
		if err != nil {
			t.Fatal(err)
		}
		req.Scheme, req.Host, req.RawPath, req.RawQuery = u.Scheme, u.Host, u.EscapedPath(), u.RawQuery
	default:
		req.RawPath = "/"
		if r.Key != nil {
			req.RawPath += string(appendURIEncode(nil, *r.Key, true))
		}
		if r.RawQuery != nil {
			req.RawQuery = *r.RawQuery
		}
		var q []string
		for _, p := range r.Query {
			q = append(q, string(appendURIEncode(nil, p[0], false))+"="+string(appendURIEncode(nil, p[1], false)))
		}
		if len(q) > 0 {
			req.RawQuery = strings.Join(q, "&")
		}
	}
	if req.Host == "" && hv.Expected.SignedURL != "" {
		u, err := url.Parse(hv.Expected.SignedURL)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = u.Host
	}
	return req
}

func readVectors(t *testing.T, dir, prefix string) []*hmacVector {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, prefix+"*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vs []*hmacVector
	for _, n := range names {
		if filepath.Base(n) == "doc-errata.json" {
			continue
		}
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		hv := new(hmacVector)
		if err := json.Unmarshal(data, hv); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		vs = append(vs, hv)
	}
	return vs
}

// TestVectors_sigv2 recomputes every SigV2 vector from its request. The
// two Delete examples print x-amz-date's value on the Date line: they are
// recomputed with AmzDateOnDateLine, and the default rule is shown to give
// the guide's own rule instead (empty Date line, x-amz-date signed).
func TestVectors_sigv2(t *testing.T) {
	dir := testenv.Shared(t, "vectors", "sigv2")
	vs := readVectors(t, dir, "")
	if len(vs) != 20 {
		t.Fatalf("found %d sigv2 vectors, want 20", len(vs))
	}
	for _, hv := range vs {
		t.Run(hv.Name, func(t *testing.T) {
			req := hv.request(t)
			opts := V2Options{Presign: hv.Scheme == "aws-sigv2-query"}
			amzDate, hasAmzDate := req.Get("x-amz-date")
			if hasAmzDate {
				def, err := SigV2(req, hv.creds(), opts)
				if err != nil {
					t.Fatal(err)
				}
				resource := hv.Expected.StringToSign[strings.LastIndexByte(hv.Expected.StringToSign, '\n')+1:]
				same(t, "default string to sign", def.StringToSign, req.Method+"\n\n\n\nx-amz-date:"+amzDate+"\n"+resource)
				opts.AmzDate = AmzDateOnDateLine
			}
			v, err := SigV2(req, hv.creds(), opts)
			if err != nil {
				t.Fatal(err)
			}
			same(t, "string to sign", v.StringToSign, hv.Expected.StringToSign)
			same(t, "signature", v.Signature, hv.Expected.Signature)
			same(t, "authorization", v.Authorization, hv.Expected.Authorization)
			if opts.Presign {
				if !strings.HasSuffix(v.URL, "&Signature="+hv.Expected.SignatureEncoded) {
					t.Errorf("url %q does not end in the signature %q", v.URL, hv.Expected.SignatureEncoded)
				}
				opts.Expires = hv.Request.Expires
				again, err := SigV2(req, hv.creds(), opts)
				if err != nil || again.StringToSign != v.StringToSign {
					t.Errorf("with Expires given: %v, %q", err, again.StringToSign)
				}
			}
			checkV2Fields(t, v)
			if s, err := SignStringToSign("sigv2-header", hv.Expected.StringToSign, hv.creds(), Options{}); err != nil || s.Signature != hv.Expected.Signature {
				t.Errorf("from the string to sign: %v, %+v", err, s)
			}
		})
	}
}

// TestVectors_sigv2Errata: the values the guide prints that do not verify
// must not verify here either, and the recomputed ones must.
func TestVectors_sigv2Errata(t *testing.T) {
	dir := testenv.Shared(t, "vectors", "sigv2")
	var file struct {
		Entries []struct {
			Name         string `json:"name"`
			StringToSign string `json:"string_to_sign"`
			Published    string `json:"published_signature"`
			Recomputed   string `json:"recomputed_signature"`
		} `json:"entries"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "doc-errata.json"))), &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Entries) != 5 {
		t.Fatalf("%d errata entries, want 5", len(file.Entries))
	}
	creds := credentials.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", Secret: credentials.NewSecret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")}
	for _, e := range file.Entries {
		r, err := SignStringToSign("sigv2-header", e.StringToSign, creds, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Signature == e.Published {
			t.Errorf("%s: the published signature %s verifies", e.Name, e.Published)
		}
		same(t, e.Name+" recomputed", r.Signature, e.Recomputed)
	}
}

// checkV2Fields: the named steps join into the string to sign.
func checkV2Fields(t *testing.T, v *V2) {
	t.Helper()
	joined := strings.Join([]string{v.Method, v.ContentMD5, v.ContentType, v.Date, v.CanonicalizedAmzHeaders + v.CanonicalizedResource}, "\n")
	if joined != v.StringToSign {
		t.Errorf("steps do not join into the string to sign:\n%q\n%q", joined, v.StringToSign)
	}
	r := v.Result()
	if r.StringToSign != v.StringToSign || r.Signature != v.Signature || len(r.Steps) < 7 {
		t.Errorf("Result() = %+v", r)
	}
	for _, s := range r.Steps {
		if s.Rule == "" || strings.Contains(s.Rule, "\n") {
			t.Errorf("step %s: rule %q is not one line", s.Name, s.Rule)
		}
	}
}

func TestSigV2_steps(t *testing.T) {
	creds := credentials.Credentials{AccessKeyID: "AKID", Secret: credentials.NewSecret("secret"), SessionToken: credentials.NewSecret("tok")}
	req := testRequest("PUT", "/photos/a%20b.jpg?uploadId=x%2By&partNumber=2&prefix=p&acl",
		"Host", "bucket.s3.amazonaws.com", "Date", "Tue, 27 Mar 2007 21:15:45 +0000", "Content-Type", " image/jpeg ",
		"X-Amz-Meta-A", "one", "x-amz-meta-a", " two\r\n  folded ", "X-Amz-Acl", "private", "Content-MD5", "md5")
	req.Host = ""
	v, err := SigV2(req, creds, V2Options{})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "headers", v.CanonicalizedAmzHeaders, "x-amz-acl:private\nx-amz-meta-a:one,two folded\nx-amz-security-token:tok\n")
	same(t, "resource", v.CanonicalizedResource, "/bucket/photos/a%20b.jpg?acl&partNumber=2&uploadId=x+y")
	same(t, "content type", v.ContentType, "image/jpeg")
	same(t, "date", v.Date, "Tue, 27 Mar 2007 21:15:45 +0000")
	if len(v.Added) != 1 || v.Added[0] != (request.Field{Name: "x-amz-security-token", Value: "tok"}) {
		t.Errorf("Added = %v", v.Added)
	}
	checkV2Fields(t, v)

	t.Run("given time replaces date", func(t *testing.T) {
		v, err := SigV2(req, creds, V2Options{Time: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)})
		if err != nil || v.Date != "Thu, 02 Jan 2020 03:04:05 GMT" {
			t.Fatalf("%v, %q", err, v.Date)
		}
	})
	t.Run("minio keeps date with x-amz-date", func(t *testing.T) {
		r := testRequest("GET", "/b/k", "Date", "d1", "x-amz-date", "d2")
		v, err := SigV2(r, creds, V2Options{AmzDate: AmzDateIgnored, HostStyle: HostPath})
		if err != nil || v.Date != "d1" || !strings.Contains(v.CanonicalizedAmzHeaders, "x-amz-date:d2\n") {
			t.Fatalf("%v, %+v", err, v)
		}
	})
	t.Run("host styles", func(t *testing.T) {
		r := testRequest("GET", "/k", "Date", "d", "Host", "files.example.com")
		r.Host = ""
		for _, tt := range []struct {
			opts V2Options
			want string
		}{
			{V2Options{}, "/files.example.com/k"},
			{V2Options{HostStyle: HostPath}, "/k"},
			{V2Options{HostStyle: HostVirtual}, "/files.example.com/k"},
			{V2Options{Bucket: "real"}, "/real/k"},
		} {
			v, err := SigV2(r, credentials.Credentials{}, tt.opts)
			if err != nil || v.CanonicalizedResource != tt.want || v.Signature != "" {
				t.Errorf("%+v: %v, %q", tt.opts, err, v.CanonicalizedResource)
			}
		}
	})
	t.Run("query form", func(t *testing.T) {
		r := testRequest("GET", "/k?x-amz-acl=public-read&AWSAccessKeyId=old&Signature=old&Expires=5&a=b", "Host", "bucket.s3.amazonaws.com")
		r.Host = ""
		v, err := SigV2(r, creds, V2Options{Presign: true})
		if err != nil {
			t.Fatal(err)
		}
		same(t, "query sts", v.StringToSign, "GET\n\n\n5\nx-amz-acl:public-read\nx-amz-security-token:tok\n/bucket/k")
		if !strings.HasPrefix(v.URL, "https://bucket.s3.amazonaws.com/k?x-amz-acl=public-read&a=b&AWSAccessKeyId=AKID&Expires=5&x-amz-security-token=tok&Signature=") ||
			v.Scheme != "sigv2-query" {
			t.Errorf("url %q, scheme %s", v.URL, v.Scheme)
		}
	})
}

func TestSigV2_inputErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		req  *request.Request
		opts V2Options
		want error
	}{
		{"nil request", nil, V2Options{}, ErrNoRequest},
		{"no date", testRequest("GET", "/"), V2Options{}, ErrNoTime},
		{"no expires", testRequest("GET", "/"), V2Options{Presign: true}, ErrNoV2Expires},
	} {
		if _, err := SigV2(tt.req, testCreds, tt.opts); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	_, err := SigV2(testRequest("GET", "/?Expires=soon"), testCreds, V2Options{Presign: true})
	var ae *AuthError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), `"soon" is not a number`) {
		t.Errorf("bad expires: %v", err)
	}
}

// FuzzSigV2 signs arbitrary requests in SigV2 and OSS V1, header and
// query forms. Nothing panics; errors are one line; the steps join into
// the string to sign; the resource starts with "/" and signs only table
// sub-resources; every canonical header line has the prefix, in order;
// the signature is the string to sign's; and in the header form the
// request signed as sent parses back to the same key and signature.
// Seeds: testdata/fuzz/FuzzSigV2.
func FuzzSigV2(f *testing.F) {
	f.Add("GET", "/photos/puppy.jpg", "acl&versionId=a%2Bb&prefix=x", "x-amz-meta-a", "one\r\n two", "bucket.s3.amazonaws.com", false, false)
	f.Add("PUT", "/k%2B1", "x-oss-process=image%2Fresize&Expires=5", "X-OSS-Meta-B", " v ", "b.oss-cn-hangzhou.aliyuncs.com", true, true)
	f.Add("DELETE", "", "uploads&uploadId=1", "x-amz-date", "Tue, 27 Mar 2007 21:20:26 +0000", "static.example.com:8080", false, false)
	f.Add("PUT", "/o", "compose&generation=1&websiteConfig", "x-goog-meta-a", " v ", "goog1.storage.googleapis.com", false, true)
	creds := credentials.Credentials{AccessKeyID: "AKID", Secret: credentials.NewSecret("secret"), SessionToken: credentials.NewSecret("tok")}
	f.Fuzz(func(t *testing.T, method, path, query, name, value, host string, presign, oss bool) {
		if !isHeaderToken(name) {
			return // not a header name (RFC 9110 token): it would break the canonical header lines the invariants read
		}
		req := &request.Request{Method: method, Scheme: "https", Host: host, RawPath: path, RawQuery: query,
			Header: []request.Field{{Name: "Date", Value: "Wed, 28 Dec 2022 10:27:41 GMT"}, {Name: name, Value: value}}}
		sign, d := SigV2, sigV2Dialect
		switch {
		case oss && strings.HasPrefix(host, "goog1."):
			sign, d, presign = SigGOOG1, gcsHMACDialect, false // GOOG1 has a header form only
		case oss:
			sign, d = SigOSSV1, ossV1Dialect
		}
		v, err := sign(req, creds, V2Options{Presign: presign, Expires: 1700000000})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("message of more than one line: %q", err)
			}
			return
		}
		checkV2Fields(t, v)
		if !strings.HasPrefix(v.CanonicalizedResource, "/") {
			t.Fatalf("resource %q", v.CanonicalizedResource)
		}
		// A parameter outside the sub-resources is not signed: the request
		// without it has the same string to sign.
		for i, piece := range strings.Split(query, "&") {
			k, _, _ := strings.Cut(piece, "=")
			n := decodeLenient(k, true)
			if presign || piece == "" || inTable(d.subResources, n) || strings.HasPrefix(strings.ToLower(n), d.prefix) {
				continue
			}
			pieces := strings.Split(query, "&")
			r := *req
			r.RawQuery = strings.Join(append(pieces[:i:i], pieces[i+1:]...), "&")
			w, err := sign(&r, creds, V2Options{Expires: 1700000000})
			if err != nil || w.StringToSign != v.StringToSign {
				t.Fatalf("dropping %q changed the string to sign: %v\n%q\n%q", piece, err, v.StringToSign, w.StringToSign)
			}
			break
		}
		prev := ""
		for _, line := range strings.SplitAfter(v.CanonicalizedAmzHeaders, "\n") {
			if line == "" {
				continue
			}
			if !strings.HasPrefix(line, d.prefix) || !strings.HasSuffix(line, "\n") || line < prev {
				t.Fatalf("header line %q after %q", line, prev)
			}
			prev = line
		}
		if v.Signature != signHMACSHA1(creds.Secret, v.StringToSign) {
			t.Fatal("signature is not the string to sign's")
		}
		if presign || strings.ContainsAny(v.AccessKeyID, " \t") {
			return
		}
		sent := *req
		sent.Header = append(append([]request.Field(nil), req.Header...), request.Field{Name: "Authorization", Value: v.Authorization})
		p, err := ParseAnyAuth(&sent)
		if err == nil && (p.Signature != v.Signature || p.AccessKeyID != v.AccessKeyID || p.Scheme != v.Scheme) {
			t.Fatalf("parsed back %+v from %q", p, v.Authorization)
		}
	})
}
