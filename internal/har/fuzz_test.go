package har

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds the fixtures and mutations of them to Parse: no input may
// panic; an error is a *ParseError or ErrNotHAR with a one-line message; a
// HAR read has one non-nil request per entry, numbered from 1.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "har", "*.har"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"POST","url":"https://h/","headers":[{"name":":path","value":"/?a"}],"postData":{"mimeType":"multipart/form-data; boundary=b","text":"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n"}},"response":{"status":403,"content":{"text":"PEVycm9yPjxDb2RlPlNpZ25hdHVyZURvZXNOb3RNYXRjaDwvQ29kZT48L0Vycm9yPg==","encoding":"base64"}}}]}}`))
	f.Add([]byte(`{"log":{"entries":[{"request":{"postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"a b","value":"%zz"}]}}}]}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		h, err := Parse(in)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) && !errors.Is(err, ErrNotHAR) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error message has a line break: %q", err)
			}
			return
		}
		for i, e := range h.Entries {
			if e.Index != i+1 || e.Request == nil || e.Request.RawPath == "" {
				t.Fatalf("entry %d: index %d, request %+v", i, e.Index, e.Request)
			}
		}
		for _, fl := range Failures(h) {
			if fl.Body == nil || fl.Request != fl.Entry.Request {
				t.Fatalf("failure %+v", fl)
			}
		}
		_ = Unexplained(h)
	})
}
