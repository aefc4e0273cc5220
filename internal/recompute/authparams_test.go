package recompute

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/request"
)

func TestParseAuthorization_forms(t *testing.T) {
	const sig = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
	for _, tt := range []struct{ name, value, akid string }{
		{"sdk form", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=" + sig, "AKIDEXAMPLE"},
		{"s3 docs form, no spaces", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request,SignedHeaders=content-type;host;x-amz-date,Signature=" + sig, "AKIDEXAMPLE"},
		{"blanks only", "  AWS4-HMAC-SHA256\tCredential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request   SignedHeaders=content-type;host;x-amz-date ,  Signature=" + sig + " ", "AKIDEXAMPLE"},
		{"fields in another order", "AWS4-HMAC-SHA256 Signature=" + sig + ", SignedHeaders=content-type;host;x-amz-date, Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request", "AKIDEXAMPLE"},
		{"access key with a slash (S3-compatible servers)", "AWS4-HMAC-SHA256 Credential=team/alice/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=" + sig, "team/alice"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseAuthorization(tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if p.AccessKeyID != tt.akid || p.Date != "20150830" || p.Region != "us-east-1" || p.Service != "iam" ||
				p.Terminator != "aws4_request" || p.Signature != sig || p.Form != FormHeader || p.Family != AWS4 ||
				!slices.Equal(p.SignedHeaders, []string{"content-type", "host", "x-amz-date"}) {
				t.Errorf("got %+v", p)
			}
			if p.Scope() != "20150830/us-east-1/iam/aws4_request" {
				t.Errorf("Scope() = %q", p.Scope())
			}
		})
	}
}

func TestParseAuthorization_errors(t *testing.T) {
	const ok = "Credential=AKID/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc"
	for _, tt := range []struct {
		name, value string
		offset      int
		sentinel    error
		reason      string
	}{
		{"sigv2", "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=", 0, ErrUnsupportedAlgorithm, `scheme "AWS" is not`},
		{"sigv4a", "AWS4-ECDSA-P256-SHA256 " + ok, 0, ErrUnsupportedAlgorithm, "AWS4-ECDSA-P256-SHA256"},
		{"bare token", strings.Repeat("x", 60), 0, ErrUnsupportedAlgorithm, "(not a scheme name)"},
		{"missing signature", "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, SignedHeaders=host", -1, nil, "missing Signature="},
		{"field without =", "AWS4-HMAC-SHA256 " + ok + ", Oops", 104, nil, `field "Oops" has no "="`},
		{"field twice", "AWS4-HMAC-SHA256 " + ok + ", Signature=def", 104, nil, "field Signature appears twice"},
		{"field case", "AWS4-HMAC-SHA256 credential=AKID/20150830/us-east-1/s3/aws4_request", 17, nil, `unknown field "credential"`},
		{"short credential", "AWS4-HMAC-SHA256 Credential=AKID/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc", 28, nil, "got 4 element(s)"},
		{"bad scope date", "AWS4-HMAC-SHA256 Credential=AKID/2015-08-30/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc", 28, nil, `scope date "2015-08-30" is not yyyymmdd`},
		{"empty header name", "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, SignedHeaders=host;;x-amz-date, Signature=abc", 83, nil, "empty header name"},
		{"empty signature", "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=", 99, nil, "empty value"},
		{"nothing after the algorithm", "AWS4-HMAC-SHA256", -1, nil, "missing Credential="},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAuthorization(tt.value)
			var ae *AuthError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an *AuthError", err)
			}
			if ae.Offset != tt.offset || !strings.Contains(ae.Reason, tt.reason) || (tt.sentinel != nil && !errors.Is(err, tt.sentinel)) {
				t.Errorf("got %q (offset %d), want offset %d, reason containing %q", err, ae.Offset, tt.offset, tt.reason)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || strings.ToLower(msg[:1]) != msg[:1] {
				t.Errorf("message is not one lower-case line: %q", msg)
			}
		})
	}
}

func TestParseAuth_request(t *testing.T) {
	const authz = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
	const presigned = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Security-Token=tok%2Ben&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"

	p, err := ParseAuth(testRequest("GET", "/", "Authorization", authz, "X-Amz-Date", "20150830T123600Z"))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Time.Equal(testTime) || p.TimeSource != "x-amz-date header" || p.Expires != 0 {
		t.Errorf("header form: %+v", p)
	}
	o := p.Options()
	if o.Presign || o.Region != "us-east-1" || o.Service != "service" || !slices.Equal(o.SignedHeaders, []string{"host", "x-amz-date"}) {
		t.Errorf("Options() = %+v", o)
	}

	p, err = ParseAuth(testRequest("GET", "/", "Authorization", authz, "Date", "Sun, 30 Aug 2015 12:36:00 GMT"))
	if err != nil || !p.Time.Equal(testTime) || p.TimeSource != "date header" {
		t.Errorf("date header: %+v, %v", p, err)
	}

	p, err = ParseAuth(testRequest("GET", "/?a=b&"+presigned))
	if err != nil {
		t.Fatal(err)
	}
	if p.Form != FormQuery || p.Expires != 3600 || p.AccessKeyID != "AKIDEXAMPLE" || p.SecurityToken.Reveal() != "tok+en" ||
		!p.Time.Equal(testTime) || p.TimeSource != "X-Amz-Date parameter" || !slices.Equal(p.SignedHeaders, []string{"host"}) {
		t.Errorf("query form: %+v", p)
	}
	if strings.Contains(fmt.Sprintf("%+v", p), "tok+en") {
		t.Error("the security token is printed")
	}
	if o := p.Options(); !o.Presign || o.Expires != 3600 {
		t.Errorf("Options() = %+v", o)
	}
}

func TestParseAuth_errors(t *testing.T) {
	const authz = "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc"
	for _, tt := range []struct {
		name   string
		req    *request.Request
		want   error
		reason string
	}{
		{"no signature", testRequest("GET", "/?a=b"), ErrNoSignature, ""},
		{"two authorization headers", testRequest("GET", "/", "Authorization", authz, "authorization", authz), nil, "sent 2 times"},
		{"header and query", testRequest("GET", "/?X-Amz-Signature=abc", "Authorization", authz), nil, "accept only one way"},
		{"bad x-amz-date", testRequest("GET", "/", "Authorization", authz, "X-Amz-Date", "yesterday"), nil, `"yesterday" is not a date`},
		{"query missing signature", testRequest("GET", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20150830%2Fr%2Fs%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host"), nil, "X-Amz-Signature parameter: missing"},
		{"query bad expires", testRequest("GET", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20150830%2Fr%2Fs%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abc&X-Amz-Expires=-5"), nil, `"-5" is not a number of seconds`},
		{"query duplicate", testRequest("GET", "/?X-Amz-Signature=a&X-Amz-Signature=b"), nil, "X-Amz-Signature parameter: appears twice"},
		{"query other algorithm", testRequest("GET", "/?X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=A%2F20150830%2Fr%2Fs%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abc"), ErrUnsupportedAlgorithm, ""},
		{"nil request", nil, ErrNoRequest, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAuth(tt.req)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("err = %q, want it to contain %q", err, tt.reason)
			}
		})
	}
}

// FuzzParseAuthorization: any value either parses into fields that print
// back into a value parsing to the same fields, or fails with a one-line
// *AuthError whose offset lies inside the value. Seeds: testdata/fuzz.
func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
	f.Fuzz(func(t *testing.T, value string) {
		p, err := ParseAuthorization(value)
		if err != nil {
			var ae *AuthError
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *AuthError", err)
			}
			if ae.Offset < -1 || ae.Offset > len(value) {
				t.Fatalf("offset %d outside a value of %d bytes", ae.Offset, len(value))
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("message of more than one line: %q", err)
			}
			return
		}
		again, err := ParseAuthorization(p.Family.Authorization(p.AccessKeyID, p.Scope(), strings.Join(p.SignedHeaders, ";"), p.Signature))
		if err != nil {
			t.Fatalf("printed form does not parse: %v", err)
		}
		if fmt.Sprint(again) != fmt.Sprint(p) {
			t.Fatalf("round trip changed the fields:\n%+v\n%+v", p, again)
		}
	})
}

// FuzzParseAuth reads whole requests: header or query form, date fields.
func FuzzParseAuth(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=host, Signature=abc", "", "20150830T123600Z", "")
	f.Add("", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20150830%2Fr%2Fs%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abc&X-Amz-Expires=60", "", "")
	f.Fuzz(func(t *testing.T, authz, rawQuery, amzDate, date string) {
		req := &request.Request{Method: "GET", RawPath: "/", RawQuery: rawQuery}
		for _, h := range [][2]string{{"Authorization", authz}, {"X-Amz-Date", amzDate}, {"Date", date}} {
			if h[1] != "" {
				req.Header = append(req.Header, request.Field{Name: h[0], Value: h[1]})
			}
		}
		p, err := ParseAuth(req)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("message of more than one line: %q", err)
			}
			return
		}
		if p.Form == FormQuery && p.Time.IsZero() {
			t.Fatal("query form without a time")
		}
	})
}
