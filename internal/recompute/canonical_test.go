package recompute

import (
	"slices"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

func TestCanonicalURI_rules(t *testing.T) {
	s3 := (&Options{Service: "s3"}).Rules()
	generic := (&Options{Service: "iam"}).Rules()
	tests := []struct {
		name  string
		raw   string
		rules Rules
		want  string
	}{
		{"s3 encodes a reserved character once", "/test$file.text", s3, "/test%24file.text"},
		{"s3 keeps an escape as sent", "/my%20key", s3, "/my%20key"},
		{"s3 upper-cases escapes", "/a%2a", s3, "/a%2A"},
		{"s3 decodes escaped unreserved characters", "/%7Euser/%41", s3, "/~user/A"},
		{"s3 reads a raw plus as a space", "/libstdc++-docs", s3, "/libstdc%20%20-docs"},
		{"s3 keeps an escaped plus", "/a%2Bb", s3, "/a%2Bb"},
		{"s3 never normalizes", "/my-object//example//photo.user/./..", s3, "/my-object//example//photo.user/./.."},
		{"s3 encodes raw utf-8", "/\u1234", s3, "/%E1%88%B4"},
		{"s3 reads a stray percent as itself", "/100%", s3, "/100%25"},
		{"empty path is the root", "", s3, "/"},
		{"generic encodes the escapes again", "/my%20key", generic, "/my%2520key"},
		{"generic encodes a raw space once", "/example space/", generic, "/example%20space/"},
		{"generic removes dot segments", "/example1/example2/../..", generic, "/"},
		{"generic collapses slashes, keeps the trailing one", "//example//", generic, "/example/"},
		{"generic normalizes escapes first", "/a%2e/./%7e", generic, "/a./~"},
		{"generic without normalize keeps dots", "/./a", Rules{DoubleEncode: true}, "/./a"},
		{"single encoding on a generic service", "/a%20b/../c", Rules{Normalize: true}, "/c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanonicalURI(tt.raw, tt.rules); got != tt.want {
				t.Errorf("CanonicalURI(%q) = %q, want %q", tt.raw, got, tt.want)
			}
			if n := canonicalURILen(tt.raw, tt.rules); n < len(tt.want) {
				t.Errorf("canonicalURILen = %d < %d", n, len(tt.want))
			}
		})
	}
}

func TestRemoveDotSegments(t *testing.T) {
	for in, want := range map[string]string{
		"/":           "/",
		"":            "/",
		"a/b":         "/a/b",
		"/a/b/..":     "/a/",
		"/a/./b":      "/a/b",
		"/../a":       "/a",
		"/a//b/":      "/a/b/",
		"/./":         "/",
		"/a/.hidden":  "/a/.hidden",
		"/a/..b/c":    "/a/..b/c",
		"/a/b/../../": "/",
	} {
		if got := removeDotSegments(in); got != want {
			t.Errorf("removeDotSegments(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalQueryString_rules(t *testing.T) {
	for _, tt := range []struct{ name, raw, want string }{
		{"sorted by name then value", "b=2&a=2&a=1", "a=1&a=2&b=2"},
		{"sorted after encoding", "a-b=1&a/b=2", "a%2Fb=2&a-b=1"},
		{"value sort is by code point", "Param1=value2&Param1=Value1", "Param1=Value1&Param1=value2"},
		{"a name alone has the empty value", "acl", "acl="},
		{"empty value kept", "prefix=&max-keys=2", "max-keys=2&prefix="},
		{"plus is a space", "q=a+b", "q=a%20b"},
		{"escapes upper-cased, unreserved decoded", "q=%7e%2f", "q=~%2F"},
		{"raw reserved characters encoded", "q=a/b:c@d!", "q=a%2Fb%3Ac%40d%21"},
		{"raw utf-8 encoded", "\u1234=bar", "%E1%88%B4=bar"},
		{"empty pieces skipped", "a=1&&b=2&", "a=1&b=2"},
		{"empty name kept", "=v", "=v"},
		{"stray percent is data", "q=100%", "q=100%25"},
		{"equals in a value", "q=a=b", "q=a%3Db"},
		{"empty query", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanonicalQueryString(tt.raw); got != tt.want {
				t.Errorf("CanonicalQueryString(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestCanonicalHeaderValue_trimall(t *testing.T) {
	for in, want := range map[string]string{
		"value1":                        "value1",
		" value1":                       "value1",
		`"a   b   c"`:                   `"a b c"`,
		"\t a  b \t":                    "a b",
		"a\tb":                          "a\tb", // only spaces collapse
		"a \t  b":                       "a \t b",
		"value1\n  value2\n     value3": "value1 value2 value3", // obs-fold
		"value1\r\n\tvalue2":            "value1 value2",
		"":                              "",
		"   ":                           "",
		"a\u00a0":                       "a\u00a0", // not an HTTP blank
	} {
		if got := CanonicalHeaderValue(in); got != want {
			t.Errorf("CanonicalHeaderValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIgnoredHeaders_sortedLowerCase(t *testing.T) {
	if !slices.IsSorted(ignoredHeaders) {
		t.Errorf("ignoredHeaders not sorted: %q", ignoredHeaders)
	}
	for _, h := range ignoredHeaders {
		if h != strings.ToLower(h) {
			t.Errorf("%q is not lower case", h)
		}
		if !isIgnored(strings.ToUpper(h)) {
			t.Errorf("isIgnored(%q) is false", strings.ToUpper(h))
		}
	}
	if isIgnored("host") || isIgnored("x-amz-date") {
		t.Error("host and x-amz-date must be signed")
	}
}

func TestFamily_objectStorageServicesSorted(t *testing.T) {
	if !slices.IsSorted(AWS4.ObjectStorageServices) {
		t.Errorf("not sorted: %q", AWS4.ObjectStorageServices)
	}
}

func TestSplitCanonicalRequest(t *testing.T) {
	cr := "GET\n/\na=b\nhost:x\nx-amz-date:y\n\nhost;x-amz-date\nHASH"
	m, u, q, h, s, p, ok := splitCanonicalRequest(cr)
	if !ok || m != "GET" || u != "/" || q != "a=b" || h != "host:x\nx-amz-date:y\n" || s != "host;x-amz-date" || p != "HASH" {
		t.Errorf("split = %q %q %q %q %q %q %v", m, u, q, h, s, p, ok)
	}
	if got := CanonicalRequest(m, u, q, h, s, p); got != cr {
		t.Errorf("CanonicalRequest does not join back: %q", got)
	}
	if _, _, _, _, _, _, ok := splitCanonicalRequest("GET\n/"); ok {
		t.Error("a two-line text is not a canonical request")
	}
}

func TestCanonicalHeaders_step(t *testing.T) {
	h, s := CanonicalHeaders([]request.Field{{Name: "My-Header1", Value: "value2"}, {Name: "Host", Value: "example.amazonaws.com"},
		{Name: "my-header1", Value: " value1 "}, {Name: "X-Amz-Date", Value: "20150830T123600Z"}})
	if h != "host:example.amazonaws.com\nmy-header1:value2,value1\nx-amz-date:20150830T123600Z\n" || s != "host;my-header1;x-amz-date" {
		t.Errorf("CanonicalHeaders = %q, %q", h, s)
	}
}

func TestRedactToken(t *testing.T) {
	tok := credentials.NewSecret("AQoD/tok+en==")
	in := "x-amz-security-token:AQoD/tok+en==\n&X-Amz-Security-Token=AQoD%2Ftok%2Ben%3D%3D&"
	if got := RedactToken(in, tok); strings.Contains(got, "AQoD") || strings.Count(got, "[redacted]") != 2 {
		t.Errorf("RedactToken = %q", got)
	}
	if RedactToken(in, credentials.Secret{}) != in {
		t.Error("an empty token changed the text")
	}
}
