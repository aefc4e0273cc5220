package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/testenv"
)

// Seeds come from testdata/policy (every fixture) besides the ones added
// here; the fuzzers' own finds go to testdata/fuzz/FuzzX in this package.

func seedFixtures(f *testing.F, add func([]byte)) {
	f.Helper()
	root := filepath.Join(testenv.RepoRoot(f), "testdata", "policy")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".md") {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil {
			add(b)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
}

func oneLine(t *testing.T, err error) {
	t.Helper()
	if msg := err.Error(); strings.Contains(msg, "\n") || msg == "" {
		t.Fatalf("error message not one line: %q", msg)
	}
}

// FuzzParse reads arbitrary policies (JSON or base64) and evaluates them
// against the example form: nothing panics, every outcome has a sentence,
// and every failure a cause.
func FuzzParse(f *testing.F) {
	seedFixtures(f, func(b []byte) { f.Add(b) })
	f.Add([]byte(`{"expiration":"2030-01-01T00:00:00Z","conditions":[{"a":"b"},["eq","$k",""],["content-length-range",0,9]]}`))
	form, err := ParseForm(fixture(f, "s3-docs-upload.multipart"), "")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			oneLine(t, err)
			return
		}
		for _, o := range Evaluate(p, Input{Form: form, Now: exampleNow, Bucket: "b"}) {
			if o.Message == "" || o.Status == 0 || (o.Status == StatusFailed) != (o.Cause != "") {
				t.Fatalf("outcome %+v", o)
			}
		}
		for _, c := range p.Conditions {
			if c.Offset < 0 || c.Offset > len(p.JSON) {
				t.Fatalf("condition offset %d outside the document", c.Offset)
			}
		}
	})
}

// FuzzParseJSON: whatever parses re-encodes, in every style, to JSON that
// parses back to the same tree.
func FuzzParseJSON(f *testing.F) {
	seedFixtures(f, func(b []byte) { f.Add(b) })
	f.Add([]byte(`{"a":"\ud83d\ude00\u0000\/\$","b":[1e5,-0.5,true,null,{}],}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseJSON(data)
		if err != nil {
			oneLine(t, err)
			return
		}
		for _, s := range Styles {
			out := Encode(d.Root, s)
			d2, err := ParseJSON(out)
			if err != nil {
				t.Fatalf("%s wrote json that does not parse: %v\n%q", s.Name, err, out)
			}
			if s.ASCII && hasInvalidUTF8(d.Root) {
				continue // invalid bytes become U+FFFD when escaped, as in Python
			}
			if !sameTree(d.Root, d2.Root, s.SortKeys) {
				t.Fatalf("%s changed the document:\n%q\n%q", s.Name, data, out)
			}
		}
	})
}

func hasInvalidUTF8(v *Value) bool {
	if v.Kind == String && !validUTF8(v.Str) {
		return true
	}
	for _, e := range v.Elems {
		if hasInvalidUTF8(e) {
			return true
		}
	}
	for _, m := range v.Members {
		if !validUTF8(m.Key) || hasInvalidUTF8(m.Value) {
			return true
		}
	}
	return false
}

func validUTF8(s string) bool {
	return strings.ToValidUTF8(s, "\uFFFD") == s && !strings.ContainsRune(s, '\uFFFD')
}

func checkForm(t *testing.T, data []byte, f *Form, err error) {
	t.Helper()
	if err != nil {
		oneLine(t, err)
		return
	}
	if len(f.Fields) > MaxFields {
		t.Fatalf("%d fields", len(f.Fields))
	}
	for _, fl := range f.Fields {
		if fl.Offset < -1 || fl.Offset > len(data) {
			t.Fatalf("field offset %d outside the input", fl.Offset)
		}
		if len(fl.Value) > MaxFieldValue {
			t.Fatalf("value of %d bytes", len(fl.Value))
		}
	}
}

func FuzzParseMultipart(f *testing.F) {
	seedFixtures(f, func(b []byte) { f.Add(b, "") })
	f.Add([]byte("--b\nContent-Disposition: form-data; name=\"a\"\n\n1\n--b--"), "multipart/form-data; boundary=b")
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name*=UTF-8''%C3%A9\r\n\r\n\r\n--b"), "")
	f.Fuzz(func(t *testing.T, data []byte, ct string) {
		form, err := ParseMultipart(data, ct)
		checkForm(t, data, form, err)
	})
}

func FuzzParseHAR(f *testing.F) {
	seedFixtures(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, data []byte) {
		form, err := ParseHAR(data, -1)
		checkForm(t, nil, form, err)
		form, err = ParseHAR(data, 0)
		checkForm(t, nil, form, err)
	})
}

func FuzzParseLines(f *testing.F) {
	seedFixtures(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, data []byte) {
		form, err := ParseLines(data)
		checkForm(t, data, form, err)
	})
}

// FuzzParseForm covers the detection between the inputs, raw HTTP
// requests included.
func FuzzParseForm(f *testing.F) {
	seedFixtures(f, func(b []byte) { f.Add(b, "") })
	f.Add([]byte("POST http://b.s3.amazonaws.com/ HTTP/1.1\nContent-Type: multipart/form-data; boundary=x\n\n--x--"), "")
	// A GCS V4 POST policy signed with an HMAC key (x-goog-* fields).
	f.Add([]byte("key=uploads/tabby.jpeg\nx-goog-algorithm=GOOG4-HMAC-SHA256\nx-goog-credential=GOOGTS7C7FUP3AIRVJTE/20261128/auto/storage/goog4_request\nx-goog-date=20261128T114315Z\npolicy=eyJjb25kaXRpb25zIjpbXX0=\nx-goog-signature=dcbbc904d72a7d5c54498c46e6590721b6cbc12754f21b11f5a37cac36a7f219\n"), "")
	f.Fuzz(func(t *testing.T, data []byte, ct string) {
		form, err := ParseForm(data, ct)
		checkForm(t, data, form, err)
	})
}
