package recompute

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

var (
	testTime  = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	testCreds = credentials.Credentials{AccessKeyID: "AKIDEXAMPLE", Secret: credentials.NewSecret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")}
)

func testRequest(method, target string, header ...string) *request.Request {
	path, query, _ := strings.Cut(target, "?")
	r := &request.Request{Method: method, Scheme: "https", Host: "example.amazonaws.com", RawPath: path, RawQuery: query, HasBody: true}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header = append(r.Header, request.Field{Name: header[i], Value: header[i+1]})
	}
	return r
}

func mustSign(t *testing.T, req *request.Request, creds credentials.Credentials, opts Options) *V4 {
	t.Helper()
	v, err := SigV4(req, creds, opts)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSigV4_explicitSignedHeaders(t *testing.T) {
	req := testRequest("PUT", "/k", "X-Amz-Date", "20150830T123600Z", "Content-Type", "text/plain", "X-Extra", "unsigned")
	req.Body = []byte("hello")
	v := mustSign(t, req, testCreds, Options{Region: "us-east-1", Service: "s3",
		SignedHeaders: []string{"Host", "content-length", "x-amz-date", "content-type", "x-amz-meta-gone", "content-type"}})
	want := "content-length:5\ncontent-type:text/plain\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-meta-gone:\n"
	if v.CanonicalHeaders != want {
		t.Errorf("CanonicalHeaders = %q, want %q", v.CanonicalHeaders, want)
	}
	if v.SignedHeaders != "content-length;content-type;host;x-amz-date;x-amz-meta-gone" {
		t.Errorf("SignedHeaders = %q", v.SignedHeaders)
	}
	if fmt.Sprint(v.MissingSignedHeaders) != "[x-amz-meta-gone]" {
		t.Errorf("MissingSignedHeaders = %q", v.MissingSignedHeaders)
	}
	// S3 signs the body hash into x-amz-content-sha256, added but not listed.
	if len(v.Added) != 1 || v.Added[0].Name != "x-amz-content-sha256" || v.Added[0].Value != HashHex("hello") {
		t.Errorf("Added = %q", v.Added)
	}
}

func TestSigV4_payloadSources(t *testing.T) {
	s3 := Options{Region: "us-east-1", Service: "s3", Time: testTime}
	presign := s3
	presign.Presign, presign.Expires = true, 60
	given := s3
	given.PayloadHash = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	generic := Options{Region: "us-east-1", Service: "sqs", Time: testTime}
	body := testRequest("PUT", "/")
	body.Body = []byte("Welcome to Amazon S3.")
	noBody := testRequest("GET", "/")
	noBody.HasBody = false
	for _, tt := range []struct {
		name string
		req  *request.Request
		opts Options
		hash string
		src  PayloadSource
	}{
		{"given", body, given, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", PayloadGiven},
		{"s3 header as sent", testRequest("PUT", "/", "x-amz-content-sha256", " UNSIGNED-PAYLOAD "), s3, UnsignedPayload, PayloadHeader},
		{"s3 presigned parameter", testRequest("GET", "/?X-Amz-Content-Sha256=abc"), presign, "abc", PayloadParam},
		{"s3 presigned default", testRequest("GET", "/"), presign, UnsignedPayload, PayloadUnsigned},
		{"body", body, s3, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072", PayloadBody},
		{"generic ignores the header", testRequest("GET", "/", "x-amz-content-sha256", "UNSIGNED-PAYLOAD"), generic, EmptySHA256, PayloadBody},
		{"no body given", noBody, generic, EmptySHA256, PayloadAssumedEmpty},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := mustSign(t, tt.req, testCreds, tt.opts)
			if v.PayloadHash != tt.hash || v.PayloadSource != tt.src {
				t.Errorf("payload %q from %v, want %q from %v", v.PayloadHash, v.PayloadSource, tt.hash, tt.src)
			}
			if !strings.HasSuffix(v.CanonicalRequest, "\n"+tt.hash) {
				t.Errorf("canonical request does not end in the payload hash: %q", v.CanonicalRequest)
			}
		})
	}
}

func TestSigV4_requestTime(t *testing.T) {
	opts := Options{Region: "us-east-1", Service: "s3"}
	v := mustSign(t, testRequest("GET", "/", "Date", "Sun, 30 Aug 2015 12:36:00 GMT"), testCreds, opts)
	if v.AmzDate != "20150830T123600Z" || v.Date != "20150830" || !v.Time.Equal(testTime) {
		t.Errorf("time from Date: %q %q %v", v.AmzDate, v.Date, v.Time)
	}
	if len(v.Added) == 0 || v.Added[0].Name != "x-amz-date" {
		t.Errorf("x-amz-date not added: %q", v.Added)
	}
	// The request's own x-amz-date is signed as sent when the time came from it.
	v = mustSign(t, testRequest("GET", "/", "X-Amz-Date", " 20150830T123600Z"), testCreds, opts)
	if !strings.Contains(v.CanonicalHeaders, "x-amz-date:20150830T123600Z\n") || len(v.Added) != 1 {
		t.Errorf("headers %q, added %q", v.CanonicalHeaders, v.Added)
	}
	// A given time replaces it, as a signer would.
	later := opts
	later.Time = testTime.Add(time.Hour)
	v = mustSign(t, testRequest("GET", "/", "X-Amz-Date", "20150830T123600Z"), testCreds, later)
	if !strings.Contains(v.CanonicalHeaders, "x-amz-date:20150830T133600Z\n") || strings.Contains(v.CanonicalHeaders, "123600") {
		t.Errorf("x-amz-date not replaced: %q", v.CanonicalHeaders)
	}

	if _, err := SigV4(testRequest("GET", "/"), testCreds, opts); !errors.Is(err, ErrNoTime) {
		t.Errorf("no time: err = %v", err)
	}
	_, err := SigV4(testRequest("GET", "/", "X-Amz-Date", "2015-08-30T12:36:00Z"), testCreds, opts)
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Field != "x-amz-date header" {
		t.Errorf("malformed x-amz-date: err = %v", err)
	}
}

func TestSigV4_inputErrors(t *testing.T) {
	req := testRequest("GET", "/")
	for _, tt := range []struct {
		name string
		req  *request.Request
		opts Options
		want error
	}{
		{"no request", nil, Options{Region: "r", Service: "s"}, ErrNoRequest},
		{"no region", req, Options{Service: "s", Time: testTime}, ErrNoRegion},
		{"no service", req, Options{Region: "r", Time: testTime}, ErrNoService},
		{"presign without expiry", req, Options{Region: "r", Service: "s", Time: testTime, Presign: true}, ErrNoExpires},
		{"year out of range", req, Options{Region: "r", Service: "s", Time: time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)}, ErrTimeRange},
		{"too large", testRequest("GET", "/", "X-Big", strings.Repeat("a", maxRequestPart)), Options{Region: "r", Service: "s", Time: testTime}, ErrTooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SigV4(tt.req, testCreds, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if err != nil && (err.Error() != strings.ToLower(err.Error()[:1])+err.Error()[1:] || strings.Contains(err.Error(), "\n")) {
				t.Errorf("message is not one lower-case line: %q", err)
			}
		})
	}
}

func TestSigV4_withoutSecret(t *testing.T) {
	creds := credentials.Credentials{AccessKeyID: "AKIDEXAMPLE"}
	v := mustSign(t, testRequest("GET", "/"), creds, Options{Region: "us-east-1", Service: "service", Time: testTime})
	if v.StringToSign == "" || v.CanonicalRequestHash == "" || v.Scope != "20150830/us-east-1/service/aws4_request" {
		t.Errorf("steps up to the string to sign missing: %+v", v)
	}
	if v.Signature != "" || v.Authorization != "" || v.KSigning != nil || v.KDate != nil {
		t.Errorf("signed without a secret: %q %q %x", v.Signature, v.Authorization, v.KSigning)
	}
}

func TestSigV4_sessionTokenAddedAfterSigning(t *testing.T) {
	creds := testCreds
	creds.SessionToken = credentials.NewSecret("tok/en+==")
	opts := Options{Region: "us-east-1", Service: "service", Time: testTime, OmitSessionToken: true}
	h := mustSign(t, testRequest("GET", "/"), creds, opts)
	if strings.Contains(h.CanonicalRequest, "tok") {
		t.Errorf("token signed: %q", h.CanonicalRequest)
	}
	if len(h.Added) != 2 || h.Added[1].Name != "x-amz-security-token" {
		t.Errorf("token not reported as added: %q", h.Added)
	}
	opts.Presign, opts.Expires = true, 3600
	q := mustSign(t, testRequest("GET", "/"), creds, opts)
	if strings.Contains(q.CanonicalRequest, "Security-Token") {
		t.Errorf("token signed: %q", q.CanonicalRequest)
	}
	if !strings.HasSuffix(q.PresignedURL, "&X-Amz-Security-Token=tok%2Fen%2B%3D%3D&X-Amz-Signature="+q.Signature) {
		t.Errorf("token not appended after signing: %s", q.PresignedURL)
	}
	opts.OmitSessionToken = false
	q = mustSign(t, testRequest("GET", "/"), creds, opts)
	if !strings.Contains(q.CanonicalQueryString, "X-Amz-Security-Token=tok%2Fen%2B%3D%3D") {
		t.Errorf("token not signed: %q", q.CanonicalQueryString)
	}
	// A token the URL carries is what the server reads: it is signed, not
	// the one of the credentials at hand.
	q = mustSign(t, testRequest("GET", "/?X-Amz-Security-Token=sent"), creds, opts)
	if !strings.Contains(q.CanonicalQueryString, "X-Amz-Security-Token=sent&") || strings.Contains(q.CanonicalQueryString, "tok") {
		t.Errorf("the URL's token was replaced: %q", q.CanonicalQueryString)
	}
	opts.OmitSessionToken = true
	q = mustSign(t, testRequest("GET", "/?X-Amz-Security-Token=sent"), creds, opts)
	if strings.Contains(q.CanonicalQueryString, "Security-Token") || !strings.Contains(q.PresignedURL, "&X-Amz-Security-Token=sent&X-Amz-Signature=") {
		t.Errorf("omitted token: %q, %s", q.CanonicalQueryString, q.PresignedURL)
	}
}

func TestSigV4_presignReplacesSigningFields(t *testing.T) {
	// A presigned URL recomputed from itself: its own fields are dropped
	// and set anew, X-Amz-Signature never signed.
	opts := Options{Region: "us-east-1", Service: "s3", Time: testTime, Presign: true, Expires: 86400}
	v := mustSign(t, testRequest("GET", "/a%20b.txt?versionId=1"), testCreds, opts)
	again := mustSign(t, testRequest("GET", "/a%20b.txt?"+strings.SplitN(v.PresignedURL, "?", 2)[1]), testCreds,
		Options{Region: "us-east-1", Service: "s3", Presign: true})
	if again.CanonicalRequest != v.CanonicalRequest || again.Signature != v.Signature {
		t.Errorf("recomputed from its own URL:\n%q\n%q", again.CanonicalRequest, v.CanonicalRequest)
	}
	if !strings.HasPrefix(v.PresignedURL, "https://example.amazonaws.com/a%20b.txt?X-Amz-Algorithm=") {
		t.Errorf("PresignedURL = %s", v.PresignedURL)
	}
}

func TestSigV4_rulesOverride(t *testing.T) {
	req := testRequest("GET", "/a/./b%20c")
	base := Options{Region: "us-east-1", Service: "s3", Time: testTime}
	if v := mustSign(t, req, testCreds, base); v.CanonicalURI != "/a/./b%20c" {
		t.Errorf("s3: %q", v.CanonicalURI)
	}
	o := base
	o.Normalize, o.DoubleEncode = On, On
	if v := mustSign(t, req, testCreds, o); v.CanonicalURI != "/a/b%2520c" {
		t.Errorf("s3 with generic rules: %q", v.CanonicalURI)
	}
	o = base
	o.SignBody = Off
	if v := mustSign(t, req, testCreds, o); strings.Contains(v.SignedHeaders, "x-amz-content-sha256") {
		t.Errorf("SignBody off still signs the body hash: %q", v.SignedHeaders)
	}
}

func TestFromStringToSign_fallsBackToOptions(t *testing.T) {
	// A string to sign whose scope line is damaged: the key comes from opts.
	v, err := FromStringToSign("AWS4-HMAC-SHA256\n20150830T123600Z\nnot a scope\nabc", testCreds, Options{Region: "us-east-1", Service: "s3", Time: testTime})
	if err != nil {
		t.Fatal(err)
	}
	k := DeriveKeys(AWS4, testCreds.Secret, "20150830", "us-east-1", "s3")
	if v.Signature != Signature(k.Signing, v.StringToSign) || v.AmzDate != "20150830T123600Z" || v.Scope != "not a scope" {
		t.Errorf("got %+v", v)
	}
	if _, err := FromStringToSign("garbage", testCreds, Options{}); !errors.Is(err, ErrNoRegion) {
		t.Errorf("err = %v, want ErrNoRegion", err)
	}
}

func TestAppendAmzDate_matchesTimeFormat(t *testing.T) {
	for _, tt := range []time.Time{
		time.Unix(0, 0), time.Unix(-1, 0), time.Unix(951782400, 0), // 2000-02-29
		time.Date(1600, 2, 29, 23, 59, 59, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2015, 8, 30, 14, 36, 0, 0, time.FixedZone("CEST", 7200)),
	} {
		if got, want := string(appendAmzDate(nil, tt)), tt.UTC().Format(AmzDateLayout); got != want {
			t.Errorf("appendAmzDate(%v) = %s, want %s", tt, got, want)
		}
	}
	for d := int64(-719000); d < 2900000; d += 997 { // years 0 to 9900: setTime refuses others
		tt := time.Unix(d*86400+d%86400, 0)
		if got, want := string(appendAmzDate(nil, tt)), tt.UTC().Format(AmzDateLayout); got != want {
			t.Fatalf("appendAmzDate(%v) = %s, want %s", tt, got, want)
		}
	}
}

func TestSigV4_concurrentRuns(t *testing.T) {
	secrets := []credentials.Credentials{testCreds, {AccessKeyID: "AKID2", Secret: credentials.NewSecret("another/secret+key")}}
	want := make([]string, len(secrets))
	for i, c := range secrets {
		want[i] = mustSign(t, testRequest("GET", "/a?b=c"), c, Options{Region: "us-east-1", Service: "s3", Time: testTime}).Signature
	}
	done := make(chan string, 8)
	for g := range 8 {
		go func() {
			for i := range 100 {
				k := (g + i) % len(secrets)
				v, err := SigV4(testRequest("GET", "/a?b=c"), secrets[k], Options{Region: "us-east-1", Service: "s3", Time: testTime})
				if err != nil {
					done <- fmt.Sprintf("goroutine %d run %d: %v", g, i, err)
					return
				}
				if v.Signature != want[k] {
					done <- fmt.Sprintf("goroutine %d run %d: signature %q, want %q", g, i, v.Signature, want[k])
					return
				}
			}
			done <- ""
		}()
	}
	for range 8 {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}
