package request

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seeds adds every fixture, the SigV4 suite's requests when present, and
// the command lines of the table tests.
func seeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "requests", "*"))
	vec, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "vectors", "aws-sig-v4-test-suite", "v4", "*", "request.txt"))
	for _, p := range append(files, vec...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range append(append([]string{}, bashCases...), curlCases...) {
		f.Add([]byte(s))
	}
	f.Add([]byte("PUT /k HTTP/1.1\nTransfer-Encoding: chunked\n\n3;x\r\nabc\r\n0\r\nT: v\r\n\r\n"))
	f.Add([]byte(":method: GET\n:path: /\n:authority: h\n"))
	f.Add([]byte("curl.exe ^\"https://h/p?a=1^&b=2^\" ^\r\n  -H \"X: \"\"q\"\"\" --data-raw ^\"a^\n\nb^\""))
}

// checkParsed holds for every input: a request or a one-line error, never
// both; a request that a signer can start from; no long input line echoed.
func checkParsed(t *testing.T, in []byte, r *Request, err error) {
	if (r == nil) == (err == nil) {
		t.Fatalf("request %v and error %v", r, err)
	}
	if err != nil {
		msg := err.Error()
		if strings.ContainsAny(msg, "\r\n") {
			t.Fatalf("error message is not one line: %q", msg)
		}
		var pe *ParseError
		if !errors.As(err, &pe) && !errors.Is(err, ErrUnknownFormat) {
			t.Fatalf("error %q is neither a ParseError nor ErrUnknownFormat", msg)
		}
		for _, l := range strings.Split(string(in), "\n") {
			if l = strings.TrimSpace(l); len(l) >= 48 && strings.Contains(msg, l) {
				t.Fatalf("error message repeats an input line: %q", msg)
			}
		}
		return
	}
	switch {
	case r.Method == "" || r.RawPath == "":
		t.Fatalf("request without method or path: %+v", r)
	case r.Scheme != "http" && r.Scheme != "https":
		t.Fatalf("scheme %q", r.Scheme)
	case r.Source != "raw-http" && r.Source != "curl" && r.Source != "url":
		t.Fatalf("source %q", r.Source)
	case !r.HasBody && len(r.Body) > 0:
		t.Fatalf("body of %d bytes marked unknown", len(r.Body))
	}
	for _, n := range r.Notes {
		if strings.ContainsAny(n, "\r\n") {
			t.Fatalf("note is not one line: %q", n)
		}
	}
}

func FuzzParse(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := Parse(in)
		checkParsed(t, in, r, err)
	})
}

func FuzzParseHTTP(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := ParseHTTP(in)
		checkParsed(t, in, r, err)
	})
}

func FuzzParseCurl(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := ParseCurl(in)
		checkParsed(t, in, r, err)
	})
}

func FuzzParseURL(f *testing.F) {
	seeds(f)
	f.Add([]byte("https://user:pw@h.example:443/a/../b?x=1#f"))
	f.Add([]byte("<https://[::1]:8443/k>"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := ParseURL(string(in))
		checkParsed(t, in, r, err)
	})
}
