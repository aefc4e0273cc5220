package policy

import (
	"errors"
	"strings"
	"testing"
)

type nv struct{ name, value string }

func plain(f *Form) []nv {
	var out []nv
	for _, fl := range f.Fields {
		if !fl.File {
			out = append(out, nv{fl.Name, fl.Value})
		}
	}
	return out
}

// TestParseForm_everyInputGivesTheSameFields reads the S3 API Reference's
// browser-upload form from each kind of input sigdiff takes: a saved
// multipart body (with CR LF, and with its CRs lost), the raw request as a
// proxy saves it, Chrome's and Firefox's HAR, and a name=value file.
func TestParseForm_everyInputGivesTheSameFields(t *testing.T) {
	want, err := ParseLines(fixture(t, "s3-docs-upload.fields"))
	if err != nil {
		t.Fatal(err)
	}
	if len(plain(want)) != 12 {
		t.Fatalf("fields file: %d fields, want 12", len(plain(want)))
	}
	if p, _ := want.Get("policy"); !strings.HasPrefix(p, "eyAiZXhwaXJhdGlvbiI6") {
		t.Fatalf("policy field %q", p)
	}
	for _, c := range []struct {
		file, source, url string
		size              int64
	}{
		{"s3-docs-upload.multipart", "multipart body", "", 19},
		{"s3-docs-upload.lf.multipart", "multipart body", "", 19},
		{"s3-docs-upload.http", "raw http request", "https://sigv4examplebucket.s3.amazonaws.com/", 19},
		{"s3-docs-upload.har", "har entry 2", "http://sigv4examplebucket.s3.amazonaws.com/", 23}, // the JPEG's 4 high bytes became 2-byte UTF-8 in the HAR's text, Chrome-like
		{"s3-docs-upload.firefox.har", "har entry 0", "http://sigv4examplebucket.s3.amazonaws.com/", -1},
	} {
		t.Run(c.file, func(t *testing.T) {
			f, err := ParseForm(fixture(t, c.file), "")
			if err != nil {
				t.Fatal(err)
			}
			if f.Source != c.source || f.URL != c.url {
				t.Errorf("source %q url %q, want %q %q", f.Source, f.URL, c.source, c.url)
			}
			got := plain(f)
			if len(got) != len(plain(want)) {
				t.Fatalf("%d fields, want %d: %q", len(got), len(plain(want)), got)
			}
			for i, w := range plain(want) {
				if got[i] != w {
					t.Errorf("field %d = %q, want %q", i, got[i], w)
				}
			}
			file := f.File()
			if file == nil || file.Name != "file" || file.FileName != "photo.jpg" || file.Size != c.size {
				t.Errorf("file part %+v", file)
			}
			if len(f.Notes) != 0 {
				t.Errorf("notes %q", f.Notes)
			}
		})
	}
}

func TestParseMultipart_boundary(t *testing.T) {
	body := "--XyZ\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\na/b\r\n--XyZ\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--XyZ--\r\n"
	for name, ct := range map[string]string{
		"from the content type":                    `multipart/form-data; boundary=XyZ`,
		"quoted, with the header name":             `Content-Type: multipart/form-data; boundary="XyZ"`,
		"detected from the first line":             ``,
		"content type names another: body's wins":  `multipart/form-data; boundary=other`,
		"lenient parameter syntax mime.ParseMedia": `multipart/form-data; charset=utf-8; boundary=XyZ; x`,
	} {
		t.Run(name, func(t *testing.T) {
			f, err := ParseMultipart([]byte(body), ct)
			if err != nil {
				t.Fatal(err)
			}
			got := plain(f)
			if len(got) != 2 || got[0] != (nv{"key", "a/b"}) || got[1] != (nv{"empty", ""}) {
				t.Errorf("fields %q", got)
			}
			if f.Fields[1].Offset != strings.Index(body, "--XyZ\r\nContent-Disposition: form-data; name=\"empty\"") {
				t.Errorf("offset %d", f.Fields[1].Offset)
			}
			if strings.Contains(ct, "other") != (len(f.Notes) == 1) {
				t.Errorf("notes %q", f.Notes)
			}
		})
	}
}

func TestParseMultipart_truncatedBodyKeepsFields(t *testing.T) {
	body := "--b\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n\r\n0123456789"
	f, err := ParseMultipart([]byte(body), "")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Get("key"); v != "k" || f.File() == nil || f.File().Size != 10 || len(f.Notes) != 1 {
		t.Errorf("form %+v", f)
	}
}

func TestParseForms_errorsCarryPosition(t *testing.T) {
	for _, c := range []struct {
		name, in, ct string
		parse        func([]byte, string) (*Form, error)
		line         int
		reason       string
	}{
		{"part without disposition", "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", "", ParseMultipart, 2, "content-disposition"},
		{"disposition without name", "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--", "", ParseMultipart, 2, "no name"},
		{"header line without colon", "--b\r\nContent-Disposition: form-data; name=a\r\nbogus\r\n\r\nx\r\n--b--", "", ParseMultipart, 3, "name: value"},
		{"headers never end", "--b\r\nContent-Disposition: form-data; name=a\r\n", "", ParseMultipart, 2, "blank line"},
		{"garbage after boundary", "--b x\r\n", "multipart/form-data; boundary=b", ParseMultipart, 1, "line end"},
		{"line without =", "key=a\nnonsense\n", "", func(b []byte, _ string) (*Form, error) { return ParseLines(b) }, 2, "name=value"},
		{"har not json", "{\"log\": [", "", func(b []byte, _ string) (*Form, error) { return ParseHAR(b, -1) }, 1, "not json"},
		{"raw request without blank line", "POST / HTTP/1.1\r\nHost: x\r\n", "", func(b []byte, _ string) (*Form, error) { return ParseRawRequest(b) }, 3, "blank line"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.parse([]byte(c.in), c.ct)
			var fe *FormError
			if !errors.As(err, &fe) {
				t.Fatalf("err %v, want a FormError", err)
			}
			if fe.Line != c.line || !strings.Contains(fe.Reason, c.reason) {
				t.Errorf("line %d %q, want line %d containing %q", fe.Line, fe.Reason, c.line, c.reason)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("message of several lines: %q", err)
			}
		})
	}
}

func TestParseMultipart_noBoundary(t *testing.T) {
	if _, err := ParseMultipart([]byte("key=value"), ""); !errors.Is(err, ErrNoBoundary) {
		t.Errorf("err %v", err)
	}
	var fe *FormError
	if _, err := ParseMultipart([]byte("key=value"), "multipart/form-data; boundary=zz"); !errors.As(err, &fe) {
		t.Errorf("err %v, want a FormError naming the boundary", err)
	}
}

func TestParseHAR_choosingTheEntry(t *testing.T) {
	data := fixture(t, "s3-docs-upload.har")
	if _, err := ParseHAR(data, 7); !errors.Is(err, ErrHAREntry) {
		t.Errorf("index out of range: err %v", err)
	}
	var fe *FormError
	if _, err := ParseHAR(data, 1); !errors.As(err, &fe) || !strings.Contains(err.Error(), "har entry 1: the body is \"application/json\", not a form") {
		t.Errorf("entry 1 (a json post): err %v", err)
	}
	f, err := ParseHAR(data, 2)
	if err != nil || f.Entry != 2 {
		t.Errorf("entry 2: %v %+v", err, f)
	}
	if _, err := ParseHAR([]byte(`{"log":{"entries":[]}}`), -1); !errors.Is(err, ErrNoPOST) {
		t.Errorf("no post: err %v", err)
	}
	urlenc := `{"log":{"entries":[{"request":{"method":"POST","url":"https://b.s3.amazonaws.com/","headers":[],"postData":{"mimeType":"application/x-www-form-urlencoded","text":"key=a%2Fb+c&policy=eyJ9"}}}]}}`
	f, err = ParseHAR([]byte(urlenc), -1)
	if err != nil {
		t.Fatal(err)
	}
	if got := plain(f); len(got) != 2 || got[0] != (nv{"key", "a/b c"}) || len(f.Notes) != 1 {
		t.Errorf("url-encoded: %q notes %q", got, f.Notes)
	}
}

func TestParseLines_commentsBlanksAndCRLF(t *testing.T) {
	f, err := ParseLines([]byte("# c\r\n\r\n key =v=w \r\nx-amz-meta-tag=\r\nfile=@C:\\tmp\\a.png"))
	if err != nil {
		t.Fatal(err)
	}
	got := plain(f)
	if len(got) != 2 || got[0] != (nv{"key", "v=w "}) || got[1] != (nv{"x-amz-meta-tag", ""}) {
		t.Errorf("fields %q", got)
	}
	if f.File() == nil || f.File().FileName != `C:\tmp\a.png` {
		t.Errorf("file %+v", f.File())
	}
}

func TestForm_getJoinsDuplicates(t *testing.T) {
	f := &Form{Fields: []Field{{Name: "X-Amz-Meta-Tag", Value: "Ninja"}, {Name: "x-amz-meta-tag", Value: "Stallman"}}}
	if v, ok := f.Get("x-amz-meta-TAG"); !ok || v != "Ninja,Stallman" {
		t.Errorf("%q %v", v, ok)
	}
	if rf := f.RequestFields(); len(rf) != 2 || rf[1].Value != "Stallman" {
		t.Errorf("request fields %+v", rf)
	}
}

func TestBucketFromURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://sigv4examplebucket.s3.amazonaws.com/":             "sigv4examplebucket",
		"https://my.dotted.bucket.s3.eu-west-1.amazonaws.com/":    "my.dotted.bucket",
		"https://b.s3-us-west-2.amazonaws.com":                    "b",
		"https://aobq.s3.cn-north-1.amazonaws.com.cn/":            "aobq",
		"https://s3.us-east-1.amazonaws.com/pathbucket/":          "pathbucket",
		"https://s3.amazonaws.com/pathbucket":                     "pathbucket",
		"https://b.s3.dualstack.us-east-1.amazonaws.com:443/":     "b",
		"https://uploads.example.com/":                            "",
		"https://minio.local:9000/bucket/":                        "",
		"not a url":                                               "",
		"https://b.s3-accesspoint.us-east-1.amazonaws.com.evil.x": "",
	} {
		if got := BucketFromURL(in); got != want {
			t.Errorf("BucketFromURL(%q) = %q, want %q", in, got, want)
		}
	}
}
