package request

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestParseHTTP(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     want
		note     string // a note that must be present
	}{
		{"obs-fold joins with one space",
			"GET / HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1:value1\n  value2\n     value3\n",
			want{Source: "raw-http", Method: "GET", Scheme: "https", Host: "example.amazonaws.com", RawPath: "/",
				Header: fields("Host", "example.amazonaws.com", "My-Header1", "value1 value2 value3"), HasBody: true}, ""},
		{"tab fold keeps the previous value's trailing blank",
			"GET / HTTP/1.1\r\nX: a \r\n\tb\r\n\r\n",
			want{Source: "raw-http", Method: "GET", Scheme: "https", RawPath: "/", Header: fields("X", "a  b"), HasBody: true}, ""},
		{"order, case, duplicates and inner blanks kept",
			"GET /k?a=1&a=2 HTTP/1.1\nhost: H\nX-A: 1\nx-a:   2  \nMy:  \"a   b\"\n\n",
			want{Source: "raw-http", Method: "GET", Scheme: "https", Host: "H", RawPath: "/k", RawQuery: "a=1&a=2",
				Header: fields("host", "H", "X-A", "1", "x-a", "2  ", "My", `"a   b"`), HasBody: true}, ""},
		{"target with a space",
			"GET /example space/ HTTP/1.1\nHost:h\n",
			want{Source: "raw-http", Method: "GET", Scheme: "https", Host: "h", RawPath: "/example space/", Header: fields("Host", "h"), HasBody: true}, ""},
		{"absolute form",
			"PUT http://h.example:8080/b/k%20x?uploads HTTP/1.1\nContent-Length: 0\n\n",
			want{Source: "raw-http", Method: "PUT", Scheme: "http", Host: "h.example:8080", RawPath: "/b/k%20x", RawQuery: "uploads",
				Header: fields("Content-Length", "0"), HasBody: true}, ""},
		{"absolute form with a host field",
			"GET https://proxy.example/k HTTP/1.1\nHost: real.example\n\n",
			want{Source: "raw-http", Method: "GET", Scheme: "https", Host: "real.example", RawPath: "/k", Header: fields("Host", "real.example"), HasBody: true}, ""},
		{"content-length cuts an editor's final newline",
			"POST / HTTP/1.1\nContent-Length: 3\n\nabc\n",
			want{Source: "raw-http", Method: "POST", Scheme: "https", RawPath: "/", Header: fields("Content-Length", "3"), Body: "abc", HasBody: true}, ""},
		{"content-length with the body missing",
			"POST / HTTP/1.1\nContent-Length: 3\n\n",
			want{Source: "raw-http", Method: "POST", Scheme: "https", RawPath: "/", Header: fields("Content-Length", "3")}, "is not in the input"},
		{"no length: the body is the rest",
			"POST / HTTP/1.1\n\na\r\nb\n",
			want{Source: "raw-http", Method: "POST", Scheme: "https", RawPath: "/", Body: "a\r\nb\n", HasBody: true}, "all 5 bytes"},
		{"no length: only line breaks are no body",
			"GET / HTTP/1.1\r\n\r\n\r\n",
			want{Source: "raw-http", Method: "GET", Scheme: "https", RawPath: "/", HasBody: true}, "taken as no body"},
		{"head ends at end of input",
			"DELETE /k HTTP/1.0\r\nHost: h",
			want{Source: "raw-http", Method: "DELETE", Scheme: "https", Host: "h", RawPath: "/k", Header: fields("Host", "h"), HasBody: true}, ""},
		{"chunked with LF only, extensions and no trailer",
			"PUT /k HTTP/1.1\nTransfer-Encoding: gzip, chunked\n\n3;name=v\nabc\n0\n\n",
			want{Source: "raw-http", Method: "PUT", Scheme: "https", RawPath: "/k", Header: fields("Transfer-Encoding", "gzip, chunked"), Body: "abc", HasBody: true}, "other transfer codings"},
		{"chunked wins over content-length",
			"PUT /k HTTP/1.1\nContent-Length: 99\nTransfer-Encoding: chunked\n\n2\r\nab\r\n0\r\n",
			want{Source: "raw-http", Method: "PUT", Scheme: "https", RawPath: "/k", Header: fields("Content-Length", "99", "Transfer-Encoding", "chunked"), Body: "ab", HasBody: true}, "chunked wins"},
		{"curl -v with a body it does not print",
			"* Connected\n> PUT /k HTTP/1.1\r\n> Host: h\r\n> Content-Length: 5\r\n> \r\n* upload completely sent off: 5 bytes\n< HTTP/1.1 403 Forbidden\r\n",
			want{Source: "raw-http", Method: "PUT", Scheme: "https", Host: "h", RawPath: "/k", Header: fields("Host", "h", "Content-Length", "5")}, "curl -v does not print"},
		{"http/2 pseudo-header fields",
			":method: PUT\n:authority: b.s3.amazonaws.com\n:scheme: https\n:path: /k?x=1\nx-amz-date: 20130524T000000Z\n\nhi",
			want{Source: "raw-http", Method: "PUT", Scheme: "https", Host: "b.s3.amazonaws.com", RawPath: "/k", RawQuery: "x=1",
				Header: fields("x-amz-date", "20130524T000000Z"), Body: "hi", HasBody: true}, ":authority"},
		{"http/2 request line",
			"GET /k HTTP/2\nhost: h\n\n",
			want{Source: "raw-http", Method: "GET", Scheme: "https", Host: "h", RawPath: "/k", Header: fields("host", "h"), HasBody: true}, "HTTP/2"},
		{"blank before the colon is kept and noted",
			"GET / HTTP/1.1\nX-Bad : v\n\n",
			want{Source: "raw-http", Method: "GET", Scheme: "https", RawPath: "/", Header: fields("X-Bad ", "v"), HasBody: true}, "blanks before its colon"},
		{"OPTIONS *",
			"OPTIONS * HTTP/1.1\nHost: h\n\n",
			want{Source: "raw-http", Method: "OPTIONS", Scheme: "https", Host: "h", RawPath: "*", Header: fields("Host", "h"), HasBody: true}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := ParseHTTP([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			check(t, r, c.want)
			if c.note != "" && !strings.Contains(strings.Join(r.Notes, "\n"), c.note) {
				t.Errorf("no note mentions %q: %q", c.note, r.Notes)
			}
		})
	}
}

func TestParseHTTP_errors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "raw http request: input has no request line"},
		{"\n\n", "raw http request: input has no request line"},
		{"GET /\n", "raw http request: line 1: request line has no http version at its end"},
		{"GET / HTTP/x\n", "raw http request: line 1: request line has no http version"},
		{"G(T / HTTP/1.1\n", "raw http request: line 1: expected a request line"},
		{"GET  HTTP/1.1\n", "raw http request: line 1: request line has no target"},
		{"GET key HTTP/1.1\n", "raw http request: line 1: request target must start with / or be an absolute http(s) url"},
		{"GET https:///k HTTP/1.1\n", "raw http request: line 1: url has no host"},
		{"\nGET / HTTP/1.1\nHost: h\nAuthorization AWS4-HMAC-SHA256 Signature=abc\n", "raw http request: line 4: header has no colon"},
		{"GET / HTTP/1.1\n  folded\n", "raw http request: line 2: a folded line (one starting with a blank) comes before any header"},
		{"GET / HTTP/1.1\n: v\n", "raw http request: line 2: header name is empty"},
		{"GET / HTTP/1.1\nBad Name: v\n", `raw http request: line 2: header name "Bad Name" has a character not allowed in a field name`},
		{"POST / HTTP/1.1\nContent-Length: x1\n\n", `raw http request: content-length "x1" is not a number of bytes`},
		{"POST / HTTP/1.1\nContent-Length: 1\nContent-Length: 2\n\nab", "raw http request: content-length values disagree (1 and 2)"},
		{"POST / HTTP/1.1\nContent-Length: 10\n\nabc", "raw http request: line 4: body has 3 bytes but content-length says 10"},
		{"PUT / HTTP/1.1\nTransfer-Encoding: chunked\n\nzz\nab\n0\n\n", `raw http request: line 4: chunk 1: size "zz" is not a hexadecimal number`},
		{"PUT / HTTP/1.1\nTransfer-Encoding: chunked\n\n10\nab\n", "raw http request: line 5: chunk 1: its 16 bytes run past the end of the input"},
		{"PUT / HTTP/1.1\nTransfer-Encoding: chunked\n\n1\nabc\n0\n\n", "raw http request: line 5: chunk 1: no line break after its 1 bytes of data"},
		{"PUT / HTTP/1.1\nTransfer-Encoding: chunked\n\n1\na\n", "raw http request: line 5: chunked body ends before its last (zero-size) chunk"},
		{"PUT / HTTP/1.1\nTransfer-Encoding: chunked\n\n0\nno colon here\n\n", "raw http request: line 5: trailer: header has no colon"},
		{":path: /\n", "raw http request: line 1: http/2 pseudo-header fields need both :method and :path"},
	} {
		_, err := ParseHTTP([]byte(c.in))
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("ParseHTTP(%q)\nhave %v\nwant %s…", c.in, err, c.want)
		}
	}
}

// TestParseHTTP_noSecretInErrors: a malformed line carrying a signature is
// named by its number only.
func TestParseHTTP_noSecretInErrors(t *testing.T) {
	secret := "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
	for _, in := range []string{
		"GET / HTTP/1.1\nAuthorization AWS4-HMAC-SHA256 " + secret + "\n",
		"GET /?" + secret + " HTTP/9.9.9\n",
		"GET ftp://h/?" + secret + " HTTP/1.1\n",
	} {
		_, err := ParseHTTP([]byte(in))
		if err == nil || strings.Contains(err.Error(), "f0e8bdb8") {
			t.Errorf("ParseHTTP(%.40q…) = %v; want an error without the signature", in, err)
		}
	}
}

// TestParseHTTP_sigv4Vectors parses every request of the AWS SigV4 test
// suite, both formats, and checks the parts the suite's canonical request
// shows without canonicalizing paths or queries: the method, each header
// of the request as trimmed, space-collapsed lowercase "name:value" with
// repeated names joined by commas, and the payload hash of the body.
func TestParseHTTP_sigv4Vectors(t *testing.T) {
	root := vectorsDir(t)
	n := 0
	for _, pat := range []string{"aws-sig-v4-test-suite/v4/*/request.txt", "aws-sig-v4-test-suite/classic/*/*.req", "aws-sig-v4-test-suite/classic/*/*/*.req"} {
		reqs, _ := filepath.Glob(filepath.Join(root, pat))
		for _, req := range reqs {
			creq := strings.TrimSuffix(req, "request.txt") + "header-canonical-request.txt"
			if strings.HasSuffix(req, ".req") {
				creq = strings.TrimSuffix(req, ".req") + ".creq"
			}
			n++
			t.Run(strings.TrimPrefix(req, root), func(t *testing.T) { checkVector(t, req, creq) })
		}
	}
	if n < 70 {
		t.Errorf("found %d vector requests, want the 38 + 34 of the suite", n)
	}
}

var blankRun = regexp.MustCompile(`[ \t]+`)

func checkVector(t *testing.T, reqFile, creqFile string) {
	in, err := os.ReadFile(reqFile)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := os.ReadFile(creqFile)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != "raw-http" {
		t.Errorf("detected as %s", r.Source)
	}
	lines := strings.Split(string(cb), "\n")
	if lines[0] != r.Method {
		t.Errorf("method %q, canonical request says %q", r.Method, lines[0])
	}
	canon := map[string]string{}
	for _, l := range lines[3:] {
		if l == "" {
			break
		}
		k, v, _ := strings.Cut(l, ":")
		canon[k] = v
	}
	mine := map[string][]string{}
	for _, f := range r.Header {
		k := strings.ToLower(f.Name)
		mine[k] = append(mine[k], blankRun.ReplaceAllString(strings.TrimSpace(f.Value), " "))
	}
	for k, vs := range mine {
		if got, want := strings.Join(vs, ","), canon[k]; got != want {
			t.Errorf("header %s: parsed %q, canonical request has %q", k, got, want)
		}
	}
	sum := sha256.Sum256(r.Body)
	if hash := lines[len(lines)-1]; r.HasBody && hash != hex.EncodeToString(sum[:]) {
		t.Errorf("body %q hashes to %x, canonical request says %s", r.Body, sum, hash)
	}
}

// vectorsDir finds ../shared/vectors beside the repository root.
func vectorsDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
	v := filepath.Join(dir, "..", "shared", "vectors") + string(filepath.Separator)
	if _, err := os.Stat(v); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("official vectors missing at %s: %v", v, err)
		}
		t.Skipf("official vectors not found at %s; skipping", v)
	}
	return v
}
