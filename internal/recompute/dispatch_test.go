package recompute

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

const (
	v4Authz   = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
	oss4Authz = "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=abc;zabc,Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f"
	oss4Query = "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20231217T025437Z&x-oss-expires=599&x-oss-signature=a39966c6"
)

func TestDetectScheme(t *testing.T) {
	for _, tt := range []struct {
		req  *request.Request
		want string
	}{
		{testRequest("GET", "/", "Authorization", v4Authz), "sigv4-header"},
		{testRequest("PUT", "/", "Authorization", v4Authz, "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), "sigv4-streaming"},
		{testRequest("GET", "/?X-Amz-Signature=abc"), "sigv4-query"},
		{testRequest("GET", "/", "Authorization", "AWS AKID:c2lnbmF0dXJl"), "sigv2-header"},
		{testRequest("GET", "/?AWSAccessKeyId=AKID&Expires=1&Signature=x"), "sigv2-query"},
		{testRequest("GET", "/", "Authorization", " OSS ak:sig"), "oss-v1-header"},
		{testRequest("GET", "/?OSSAccessKeyId=ak&Expires=1&Signature=x"), "oss-v1-query"},
		{testRequest("GET", "/", "Authorization", oss4Authz), "oss-v4-header"},
		{testRequest("GET", "/?"+oss4Query), "oss-v4-query"},
		{testRequest("GET", "/?Expires=1&Signature=x&Key-Pair-Id=K"), ""}, // CloudFront
		{testRequest("GET", "/", "Authorization", "Bearer xyz"), ""},
		{testRequest("GET", "/"), ""},
		{nil, ""},
	} {
		if got := DetectScheme(tt.req); got != tt.want {
			t.Errorf("DetectScheme(%v) = %q, want %q", tt.req, got, tt.want)
		}
	}
}

func TestParseAnyAuth_schemes(t *testing.T) {
	type want struct {
		scheme, akid, sig, timeSource string
		expires                       int64
		signed                        []string
	}
	for _, tt := range []struct {
		name string
		req  *request.Request
		want want
	}{
		{"sigv4 header", testRequest("GET", "/", "Authorization", v4Authz, "X-Amz-Date", "20150830T123600Z"),
			want{"sigv4-header", "AKIDEXAMPLE", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "x-amz-date header", 0, []string{"host", "x-amz-date"}}},
		{"sigv4 query", testRequest("GET", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20150830%2Fr%2Fs%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abc&X-Amz-Expires=60"),
			want{"sigv4-query", "A", "abc", "X-Amz-Date parameter", 60, []string{"host"}}},
		{"sigv2 header, guide's date form", testRequest("GET", "/", "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=", "Date", "Tue, 27 Mar 2007 19:36:42 +0000"),
			want{"sigv2-header", "AKIAIOSFODNN7EXAMPLE", "bWq2s1WEIj+Ydj0vQ697zp+IXMU=", "date header", 0, nil}},
		{"sigv2 header, x-amz-date first", testRequest("GET", "/", "Authorization", "AWS a:b", "Date", "Tue, 27 Mar 2007 19:36:42 GMT", "x-amz-date", "Tue, 27 Mar 2007 19:36:42 GMT"),
			want{"sigv2-header", "a", "b", "x-amz-date header", 0, nil}},
		{"sigv2 query", testRequest("GET", "/k?AWSAccessKeyId=AKID&Signature=NpgC%2B%3D&Expires=1175139620&x-amz-security-token=t"),
			want{"sigv2-query", "AKID", "NpgC+=", "Expires parameter", 1175139620, nil}},
		{"oss v1 header", testRequest("GET", "/", "Authorization", "OSS ak:sig=", "x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT"),
			want{"oss-v1-header", "ak", "sig=", "x-oss-date header", 0, nil}},
		{"oss v1 query", testRequest("GET", "/k?Expires=1699808204&OSSAccessKeyId=ak&Signature=s%3D&security-token=token"),
			want{"oss-v1-query", "ak", "s=", "Expires parameter", 1699808204, nil}},
		{"oss v4 header", testRequest("PUT", "/", "Authorization", oss4Authz, "x-oss-date", "20231216T172512Z"),
			want{"oss-v4-header", "ak", "4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f", "x-oss-date header", 0, []string{"abc", "zabc"}}},
		{"oss v4 query", testRequest("PUT", "/?"+oss4Query),
			want{"oss-v4-query", "ak", "a39966c6", "x-oss-date parameter", 599, nil}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseAnyAuth(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			got := want{p.Scheme, p.AccessKeyID, p.Signature, p.TimeSource, p.Expires, p.SignedHeaders}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || p.Time.IsZero() {
				t.Errorf("got %+v\nwant %+v (time %v)", got, tt.want, p.Time)
			}
			if strings.Contains(fmt.Sprintf("%v %+v", p, p), "security-token=t") || strings.Contains(fmt.Sprintf("%+v", p), " t}") {
				t.Error("a session token is printed")
			}
		})
	}
}

func TestParseAnyAuth_errors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		req    *request.Request
		want   error
		reason string
	}{
		{"unsigned", testRequest("GET", "/?a=b"), ErrNoSignature, ""},
		{"nil", nil, ErrNoRequest, ""},
		{"header and v2 query", testRequest("GET", "/?AWSAccessKeyId=a&Signature=b&Expires=1", "Authorization", "AWS a:b"), nil, "sent together with sigv2-query"},
		{"two headers", testRequest("GET", "/", "Authorization", "AWS a:b", "Authorization", "AWS a:b"), nil, "sent 2 times"},
		{"v2 no colon", testRequest("GET", "/", "Authorization", "AWS AKIDsig"), nil, `byte 4: want AWS access-key-id:signature`},
		{"v2 empty key", testRequest("GET", "/", "Authorization", "AWS :sig"), nil, "byte 4: empty access key id"},
		{"v2 empty signature", testRequest("GET", "/", "Authorization", "OSS  ak:"), nil, "byte 8: empty signature"},
		{"v2 blank inside", testRequest("GET", "/", "Authorization", "AWS ak :sig"), nil, "byte 6: a blank inside"},
		{"v2 query missing signature", testRequest("GET", "/?AWSAccessKeyId=a&Expires=1"), nil, "Signature parameter: missing"},
		{"v2 query empty signature", testRequest("GET", "/?AWSAccessKeyId=a&Expires=1&Signature="), nil, "Signature parameter: empty value"},
		{"v2 query bad expires", testRequest("GET", "/?OSSAccessKeyId=a&Expires=%2B1&Signature=s"), nil, `"+1" is not a number`},
		{"v2 query twice", testRequest("GET", "/?OSSAccessKeyId=a&OSSAccessKeyId=b"), nil, "OSSAccessKeyId parameter: appears twice"},
		{"oss4 signed headers field", testRequest("GET", "/", "Authorization", "OSS4-HMAC-SHA256 Credential=ak/20231216/r/oss/aliyun_v4_request,SignedHeaders=host,Signature=x"), nil, "fields are case-sensitive: Credential, AdditionalHeaders, Signature"},
		{"oss4 short credential", testRequest("GET", "/", "Authorization", "OSS4-HMAC-SHA256 Credential=ak/r/oss/aliyun_v4_request,Signature=x"), nil, "yyyymmdd/region/service/aliyun_v4_request, got 4"},
		{"oss4 query missing date", testRequest("GET", "/?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=a%2F20231216%2Fr%2Foss%2Faliyun_v4_request&x-oss-signature=s"), nil, "x-oss-date parameter: missing"},
		{"unknown scheme", testRequest("GET", "/", "Authorization", "Bearer xyz"), ErrUnsupportedAlgorithm, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAnyAuth(tt.req)
			if err == nil {
				t.Fatal("no error")
			}
			if (tt.want != nil && !errors.Is(err, tt.want)) || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("err = %q, want %v containing %q", err, tt.want, tt.reason)
			}
			// Parameter names keep their case (Expires, X-Amz-Date); the words do not.
			msg := err.Error()
			_, words, _ := strings.Cut(msg, ": ")
			if strings.Contains(msg, "\n") || (words != "" && strings.ToLower(words[:1]) != words[:1]) {
				t.Errorf("not one lower-case line: %q", msg)
			}
		})
	}
}

// TestVectors_signAsSent: each SigV2 and OSS V1 vector, as a client sends
// it (signature included), read back by ParseAnyAuth and recomputed by
// Sign with the fields it read, gives the vector's signature. The two
// guide examples that print x-amz-date on the Date line are the
// exception: Sign follows the guide's rule, and says so in DateSource.
func TestVectors_signAsSent(t *testing.T) {
	var vs []*hmacVector
	vs = append(vs, readVectors(t, testenv.Shared(t, "vectors", "sigv2"), "")...)
	vs = append(vs, readVectors(t, testenv.Shared(t, "vectors", "oss"), "v1-")...)
	for _, hv := range vs {
		t.Run(hv.Name, func(t *testing.T) {
			req := hv.request(t)
			switch {
			case hv.Expected.Authorization != "":
				req.Header = append(req.Header, request.Field{Name: "Authorization", Value: hv.Expected.Authorization})
			case hv.Expected.SignedURL != "":
				u, _ := url.Parse(hv.Expected.SignedURL)
				req.RawQuery = u.RawQuery
			}
			if strings.HasSuffix(hv.Name, "headers-and-response-override") {
				req.RawQuery += "&Expires=1699808204&OSSAccessKeyId=ak&Signature=" + hv.Expected.SignatureEncoded + "&security-token=token"
			}
			p, err := ParseAnyAuth(req)
			if err != nil {
				t.Fatal(err)
			}
			if p.Signature != hv.Expected.Signature || p.AccessKeyID != hv.Credentials.AccessKeyID {
				t.Errorf("parsed %+v", p)
			}
			r, err := Sign(req, hv.creds(), p.Options(), "")
			if err != nil {
				t.Fatal(err)
			}
			if _, amzDate := req.Get("x-amz-date"); amzDate {
				if r.Signature == hv.Expected.Signature || !strings.Contains(r.Steps[3].Rule, "x-amz-date is sent") {
					t.Errorf("x-amz-date: want the guide's rule, got %+v", r.Steps[3])
				}
				return
			}
			same(t, "signature", r.Signature, hv.Expected.Signature)
		})
	}
}

func TestSign_routes(t *testing.T) {
	creds := credentials.Credentials{AccessKeyID: "ak", Secret: credentials.NewSecret("sk")}
	req := testRequest("GET", "/k", "Date", "Wed, 28 Dec 2022 10:27:41 GMT", "X-Amz-Date", "20150830T123600Z")
	req.Host = "b.oss-cn-hangzhou.aliyuncs.com"
	for _, tt := range []struct{ scheme, authz, want string }{
		{"", "", "sigv4-header"},
		{"", "AWS a:b", "sigv2-header"},
		{"", "OSS a:b", "oss-v1-header"},
		{"oss-v4-header", "", "oss-v4-header"},
		{"sigv2-header", "OSS a:b", "sigv2-header"},
	} {
		r := *req
		if tt.authz != "" {
			r.Header = append(r.Header[:len(r.Header):len(r.Header)], request.Field{Name: "Authorization", Value: tt.authz})
		}
		res, err := Sign(&r, creds, Options{Region: "cn-hangzhou", Service: "oss"}, tt.scheme)
		if err != nil || res.Scheme != tt.want || res.Signature == "" {
			t.Errorf("Sign(%q, %q): %v, %+v", tt.scheme, tt.authz, err, res)
		}
	}
	if _, err := Sign(req, creds, Options{}, "sigv5"); !errors.Is(err, ErrUnknownScheme) {
		t.Errorf("unknown scheme: %v", err)
	}
}

func TestSignStringToSign(t *testing.T) {
	v := mustSign(t, testRequest("GET", "/", "X-Amz-Date", "20150830T123600Z"), testCreds, Options{Region: "us-east-1", Service: "service"})
	for _, scheme := range []string{"", "sigv4-header", "sigv4-query"} {
		r, err := SignStringToSign(scheme, v.StringToSign, testCreds, Options{})
		if err != nil || r.Signature != v.Signature || r.Algorithm != "AWS4-HMAC-SHA256" {
			t.Errorf("%q: %v, %+v", scheme, err, r)
		}
	}
	r, err := SignStringToSign("", "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg",
		credentials.Credentials{Secret: credentials.NewSecret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")}, Options{})
	if err != nil || r.Signature != "NpgCjnDzrM+WFzoENXmpNDUsSn8=" || r.Scheme != "sigv2-header" {
		t.Errorf("v2: %v, %+v", err, r)
	}
	if r, err := SignStringToSign("oss-v1-query", "x", credentials.Credentials{}, Options{}); err != nil || r.Signature != "" || r.Algorithm != "OSS" {
		t.Errorf("without a secret: %v, %+v", err, r)
	}
	if _, err := SignStringToSign("nope", "x", testCreds, Options{}); !errors.Is(err, ErrUnknownScheme) {
		t.Errorf("unknown scheme: %v", err)
	}
	if _, err := SignStringToSign("oss-v4-header", "not four lines", testCreds, Options{}); !errors.Is(err, ErrNoRegion) {
		t.Errorf("oss v4 without a scope: %v", err)
	}
}

// FuzzParseAnyAuth reads whole requests in every scheme: it never panics,
// errors are one line, and what parses names a scheme Sign knows, with an
// access key id and a signature. Seeds: testdata/fuzz/FuzzParseAnyAuth.
func FuzzParseAnyAuth(f *testing.F) {
	f.Add("AWS AKID:c2ln", "", "Tue, 27 Mar 2007 19:36:42 +0000", "")
	f.Add("", "AWSAccessKeyId=a&Expires=1&Signature=s%3D", "", "")
	f.Add("OSS ak:s", "", "", "Wed, 28 Dec 2022 10:27:41 GMT")
	f.Add("GOOG1 GOOGTS7C7FUP3AIRVJTE:RXORFnRqEyXz6r6bOZfP2+PqSj0=", "", "Sat, 28 Nov 2026 11:43:15 GMT", "Sat, 28 Nov 2026 11:43:16 GMT")
	f.Add(oss4Authz, "", "", "20231216T172512Z")
	f.Add("", oss4Query, "", "")
	f.Add(v4Authz, "", "", "")
	f.Fuzz(func(t *testing.T, authz, rawQuery, date, prefixDate string) {
		req := &request.Request{Method: "GET", RawPath: "/", RawQuery: rawQuery}
		for _, h := range [][2]string{{"Authorization", authz}, {"Date", date}, {"x-oss-date", prefixDate}, {"x-amz-date", prefixDate}, {"x-goog-date", prefixDate}} {
			if h[1] != "" {
				req.Header = append(req.Header, request.Field{Name: h[0], Value: h[1]})
			}
		}
		p, err := ParseAnyAuth(req)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("message of more than one line: %q", err)
			}
			return
		}
		if p.AccessKeyID == "" || p.Signature == "" || !strings.Contains(schemeList, p.Scheme) || p.Scheme == "" {
			t.Fatalf("parsed %+v", p)
		}
		if d := DetectScheme(req); d != p.Scheme && !(d == "sigv4-streaming" && p.Scheme == "sigv4-header") {
			t.Fatalf("DetectScheme says %q, ParseAnyAuth %q", d, p.Scheme)
		}
	})
}

func TestV2FromStringToSign_lines(t *testing.T) {
	const sts = "PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\nTue, 27 Mar 2007 21:06:08 +0000\nx-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\n/static.johnsmith.net/db-backup.dat.gz"
	v, err := V2FromStringToSign("sigv2-header", sts, credentials.Credentials{AccessKeyID: "A", Secret: credentials.NewSecret("s")})
	if err != nil {
		t.Fatal(err)
	}
	if v.Method != "PUT" || v.ContentMD5 != "4gJE4saaMU4BqNR0kLY+lw==" || v.ContentType != "application/x-download" ||
		v.Date != "Tue, 27 Mar 2007 21:06:08 +0000" || v.CanonicalizedAmzHeaders != "x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\n" ||
		v.CanonicalizedResource != "/static.johnsmith.net/db-backup.dat.gz" || v.Signature != signHMACSHA1(credentials.NewSecret("s"), sts) {
		t.Errorf("%+v", v)
	}
	checkV2Fields(t, v)
	q, err := V2FromStringToSign("oss-v1-query", "GET\n\n\n1699807420\n/bucket/key?versionId=versionId", credentials.Credentials{})
	if err != nil || q.Expires != 1699807420 || q.Algorithm != "OSS" || q.CanonicalizedAmzHeaders != "" || q.Signature != "" {
		t.Errorf("%v, %+v", err, q)
	}
	if short, err := V2FromStringToSign("sigv2-query", "two\nlines", credentials.Credentials{}); err != nil || short.Method != "" || short.StringToSign != "two\nlines" {
		t.Errorf("%v, %+v", err, short)
	}
	if _, err := V2FromStringToSign("sigv4-header", sts, credentials.Credentials{}); !errors.Is(err, ErrUnknownScheme) {
		t.Errorf("v4 scheme: %v", err)
	}
}

func TestV2Headers_unfoldTrimJoin(t *testing.T) {
	hs := []hdr{{"x-a", " one "}, {"x-a", "two\r\n\t three"}, {"x-b", "in  side"}, {"x-c", ""}}
	same(t, "headers", string(appendV2Headers(nil, hs)), "x-a:one,two three\nx-b:in  side\nx-c:\n")
	var q queryBuilder
	q.parse("b=&a=1&c", nil, 0)
	same(t, "oss query", string(appendOSSQuery(nil, &q, q.finish(nil))), "a=1&b&c")
}

// BenchmarkSign_schemes signs one typical PUT in each scheme this file
// dispatches to, with a key: the cost of a run, for the report.
func BenchmarkSign_schemes(b *testing.B) {
	creds := credentials.Credentials{AccessKeyID: "ak", Secret: credentials.NewSecret("sk")}
	req := testRequest("PUT", "/photos/puppy.jpg?acl", "Date", "Tue, 27 Mar 2007 21:15:45 +0000", "Content-Type", "image/jpeg",
		"X-Amz-Meta-A", "1", "X-OSS-Meta-A", "1", "X-Amz-Date", "20150830T123600Z")
	req.Host = "bkt.oss-cn-hangzhou.aliyuncs.com"
	for _, scheme := range []string{"sigv4-header", "sigv2-header", "oss-v1-header", "oss-v4-header", "sigv2-query"} {
		b.Run(scheme, func(b *testing.B) {
			opts := Options{Region: "cn-hangzhou", Service: "oss", Expires: 1700000000, Time: testTime}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Sign(req, creds, opts, scheme); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
