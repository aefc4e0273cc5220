package har

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// The fixtures in testdata/har are built from the S3 documentation's
// worked examples (../shared/vectors/s3-docs): each request in them is one
// of those examples as a browser would have sent and exported it. The tests
// recompute the canonical request from the request read out of the HAR and
// compare it byte for byte with the published one, so a header lost, a
// pseudo-header kept or a path re-encoded fails here.

func parseFile(t *testing.T, name string) *HAR {
	t.Helper()
	in, err := os.ReadFile(filepath.Join("..", "..", "testdata", "har", name))
	if err != nil {
		t.Fatal(err)
	}
	h, err := Parse(in)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return h
}

type s3Vector struct {
	Request struct {
		URL        string      `json:"url"`
		Host       string      `json:"host"`
		FormFields [][2]string `json:"form_fields"`
		Body       struct {
			Text string `json:"text"`
		} `json:"body"`
	} `json:"request"`
	Expected struct {
		CanonicalRequest string `json:"canonical_request"`
		StringToSign     string `json:"string_to_sign"`
		Signature        string `json:"signature"`
		PresignedURL     string `json:"presigned_url"`
		PolicyBase64     string `json:"policy_base64"`
	} `json:"expected"`
}

func vector(t *testing.T, name string) s3Vector {
	t.Helper()
	dir := testenv.Shared(t, "vectors", "s3-docs")
	b, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var v s3Vector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

var exampleCreds = credentials.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", Secret: credentials.NewSecret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")}

// canonicalRequest recomputes the request's canonical request, signing the
// headers its Authorization field names.
func canonicalRequest(t *testing.T, r *request.Request) string {
	t.Helper()
	auth, ok := r.Get("Authorization")
	if !ok {
		t.Fatal("request has no authorization field")
	}
	_, after, _ := strings.Cut(auth, "SignedHeaders=")
	list, _, _ := strings.Cut(after, ",")
	v4, err := recompute.SigV4(r, exampleCreds, recompute.Options{Region: "us-east-1", Service: "s3", SignedHeaders: strings.Split(list, ";")})
	if err != nil {
		t.Fatal(err)
	}
	return v4.CanonicalRequest
}

func indexes(fs []Failure) []int {
	var is []int
	for _, f := range fs {
		is = append(is, f.Index)
	}
	return is
}

func TestParse_chromeTwoFailures(t *testing.T) {
	h := parseFile(t, "chrome-two-failures.har")
	if h.Browser != "chrome" || h.Creator != "WebInspector" || h.Version != "1.2" || len(h.Entries) != 6 {
		t.Fatalf("browser %q creator %q version %q, %d entries", h.Browser, h.Creator, h.Version, len(h.Entries))
	}
	for i, e := range h.Entries {
		if e.Index != i+1 || e.Request == nil || e.Request.Source != "har" {
			t.Fatalf("entry %d: index %d, request %+v", i, e.Index, e.Request)
		}
	}
	fs := Failures(h)
	if got := indexes(fs); !slices.Equal(got, []int{2, 4}) {
		t.Fatalf("failures at %v, want [2 4]", got)
	}
	if un := Unexplained(h); len(un) != 1 || un[0].Index != 5 || un[0].Request.Method != "HEAD" {
		t.Errorf("unexplained: %v, want the HEAD entry 5", un)
	}

	t.Run("get-object-range", func(t *testing.T) {
		v := vector(t, "get-object-range")
		r := fs[0].Request
		if r.Method != "GET" || r.Scheme != "https" || r.Host != "examplebucket.s3.amazonaws.com" || r.RawPath != "/test.txt" || r.RawQuery != "" {
			t.Errorf("request line: %s %s://%s%s", r.Method, r.Scheme, r.Host, r.Target())
		}
		if r.Header[0].Name != "Host" || r.Header[len(r.Header)-1].Name != "User-Agent" {
			t.Errorf("fields not in the order exported: %v", r.Header)
		}
		if got := canonicalRequest(t, r); got != v.Expected.CanonicalRequest {
			t.Errorf("canonical request\n got %q\nwant %q", got, v.Expected.CanonicalRequest)
		}
		if string(fs[0].Body.CanonicalRequest) != v.Expected.CanonicalRequest || fs[0].Body.Code != "SignatureDoesNotMatch" {
			t.Errorf("error body: code %q, canonical request %q", fs[0].Body.Code, fs[0].Body.CanonicalRequest)
		}
	})
	t.Run("put-object", func(t *testing.T) {
		v := vector(t, "put-object")
		r := fs[1].Request
		if r.RawPath != "/test$file.text" {
			t.Errorf("path %q: the url's bytes must be kept, not re-encoded", r.RawPath)
		}
		if !r.HasBody || string(r.Body) != v.Request.Body.Text {
			t.Errorf("body %q (known %v), want %q", r.Body, r.HasBody, v.Request.Body.Text)
		}
		if got := canonicalRequest(t, r); got != v.Expected.CanonicalRequest {
			t.Errorf("canonical request\n got %q\nwant %q", got, v.Expected.CanonicalRequest)
		}
	})
	t.Run("success bodies are dropped", func(t *testing.T) {
		e := h.Entries[2]
		if e.Response.Status != 200 || e.Response.HasBody || !e.Response.Dropped || e.Response.Body != nil {
			t.Errorf("entry 3 response: %+v", e.Response)
		}
		if e.Request.RawQuery != "max-keys=2&prefix=J" {
			t.Errorf("query %q", e.Request.RawQuery)
		}
	})
	t.Run("entry", func(t *testing.T) {
		if e, err := h.Entry(4); err != nil || e.Index != 4 {
			t.Errorf("Entry(4) = %v, %v", e, err)
		}
		for _, n := range []int{0, 7, -1} {
			if _, err := h.Entry(n); err == nil || !strings.Contains(err.Error(), "6 entries") {
				t.Errorf("Entry(%d) error %v", n, err)
			}
		}
	})
}

func TestParse_chromeHTTP2(t *testing.T) {
	h := parseFile(t, "chrome-http2.har")
	fs := Failures(h)
	if got := indexes(fs); !slices.Equal(got, []int{1}) || fs[0].Body.Code != "RequestTimeTooSkewed" {
		t.Fatalf("failures %v", got)
	}
	r := fs[0].Request
	for _, f := range r.Header {
		if strings.HasPrefix(f.Name, ":") {
			t.Errorf("pseudo-header field %q kept among the fields", f.Name)
		}
	}
	if _, ok := r.Get("Host"); ok {
		t.Error("an http/2 request sends no host field; none may be made up")
	}
	if r.Method != "GET" || r.Host != "examplebucket.s3.amazonaws.com" || r.RawPath != "/" || r.RawQuery != "lifecycle" || fs[0].Entry.HTTPVersion != "http/2.0" {
		t.Errorf("request: %s %s %s?%s (%s)", r.Method, r.Host, r.RawPath, r.RawQuery, fs[0].Entry.HTTPVersion)
	}
	if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, ":authority") }) {
		t.Errorf("no note on the host coming from :authority: %q", r.Notes)
	}
	v := vector(t, "get-bucket-lifecycle")
	if got := canonicalRequest(t, r); got != v.Expected.CanonicalRequest {
		t.Errorf("canonical request\n got %q\nwant %q", got, v.Expected.CanonicalRequest)
	}
	if e := h.Entries[1]; !slices.ContainsFunc(e.Notes, func(n string) bool { return strings.Contains(n, "chrome 130") }) {
		t.Errorf("sanitized entry: no note on the missing authorization field: %q", e.Notes)
	}
}

func TestParse_firefoxBase64(t *testing.T) {
	h := parseFile(t, "firefox-base64-body.har")
	if h.Browser != "firefox" {
		t.Errorf("browser %q", h.Browser)
	}
	fs := Failures(h)
	if len(fs) != 1 || fs[0].Body.Code != "AccessDenied" || fs[0].Body.Message != "Request has expired" {
		t.Fatalf("failures: %+v", fs)
	}
	if !strings.HasPrefix(string(fs[0].Entry.Response.Body), `<?xml version="1.0" encoding="UTF-8"?>`+"\n<Error><Code>AccessDenied") {
		t.Errorf("base64 body not decoded: %q", fs[0].Entry.Response.Body)
	}
	v := vector(t, "presigned-url-get-object")
	r := fs[0].Request
	if got := r.URL(); got != v.Expected.PresignedURL {
		t.Errorf("url\n got %s\nwant %s", got, v.Expected.PresignedURL)
	}
	if h, _ := r.Get("Host"); h != "examplebucket.s3.amazonaws.com" || r.Host != h {
		t.Errorf("firefox writes a host field for http/2; host %q, field %q", r.Host, h)
	}

	t.Run("scan keeps binary bodies", func(t *testing.T) {
		in, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "har", "firefox-base64-body.har"))
		var png []byte
		if _, err := Scan(strings.NewReader(string(in)), func(e *Entry) error {
			if e.Index == 2 {
				png = e.Response.Body
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(png), "\x89PNG\r\n\x1a\n") || len(png) != 33 {
			t.Errorf("png body %q", png)
		}
	})
}

func TestParse_safariPostPolicy(t *testing.T) {
	h := parseFile(t, "safari-post-policy.har")
	if h.Browser != "safari" || !slices.ContainsFunc(h.Notes, func(n string) bool { return strings.Contains(n, "map") }) {
		t.Errorf("browser %q, notes %q", h.Browser, h.Notes)
	}
	fs := Failures(h)
	if len(fs) != 1 || fs[0].Index != 1 {
		t.Fatalf("failures %v", indexes(fs))
	}
	v := vector(t, "post-policy-browser-upload")
	e := fs[0].Entry
	if len(e.Form) != len(v.Request.FormFields)+1 {
		t.Fatalf("%d form fields, want %d and the file", len(e.Form), len(v.Request.FormFields))
	}
	for i, want := range v.Request.FormFields {
		if got := e.Form[i]; got.Name != want[0] || got.Value != want[1] || got.FileName != "" {
			t.Errorf("field %d: %q=%q, want %q=%q", i, got.Name, got.Value, want[0], want[1])
		}
	}
	if file := e.Form[len(e.Form)-1]; file.Name != "file" || file.FileName != "photo 1.jpg" || file.ContentType != "image/jpeg" {
		t.Errorf("file part %+v", file)
	}
	if p, ok := e.Get("policy"); !ok || p != v.Expected.PolicyBase64 {
		t.Errorf("Get(policy) = %q, %v", p, ok)
	}
	if string(fs[0].Body.StringToSign) != v.Expected.StringToSign {
		t.Errorf("string to sign %q", fs[0].Body.StringToSign)
	}
	r := fs[0].Request
	if r.Method != "POST" || r.Scheme != "http" || r.Host != "sigv4examplebucket.s3.amazonaws.com" || !r.HasBody || !strings.HasSuffix(string(r.Body), "--\r\n") {
		t.Errorf("request %s %s://%s, body known %v", r.Method, r.Scheme, r.Host, r.HasBody)
	}
	if e := h.Entries[1]; e.Started != "" || e.HTTPVersion != "" || e.Request.Host != "sigv4examplebucket.s3.amazonaws.com" {
		t.Errorf("safari's empty fields: %+v", e)
	}
}

func TestParse_errors(t *testing.T) {
	for _, c := range []struct {
		name, in string
		line     int
		msg      string
	}{
		{"not json", "GET / HTTP/1.1\n", 1, "not json"},
		{"cut", "{\n \"log\": {\"entries\": [\n  {\"request\": {\"method\": \"GET\"", 3, "ends early"},
		{"entries not array", `{"log": {"entries": {}}}`, 1, "not an array"},
		{"array", `[]`, 1, "json object"},
		{"bad key", `{"log": {"entries": [], 3: 4}}`, 1, "not json"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.in))
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line != c.line || !strings.Contains(pe.Error(), c.msg) {
				t.Fatalf("error %v, want a ParseError at line %d saying %q", err, c.line, c.msg)
			}
			if msg := pe.Error(); strings.ContainsAny(msg, "\n") || msg != strings.ToLower(msg[:1])+msg[1:] {
				t.Errorf("message %q is not one lowercase line", msg)
			}
		})
	}
	for _, in := range []string{`{}`, `{"log": {"version": "1.2"}}`, `{"other": [1, {"a": [2]}]}`} {
		if _, err := Parse([]byte(in)); !errors.Is(err, ErrNotHAR) {
			t.Errorf("Parse(%s) = %v, want ErrNotHAR", in, err)
		}
	}
}

func TestParse_tooManyEntries(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"log":{"entries":[`)
	for i := 0; i <= MaxEntries; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("{}")
	}
	b.WriteString("]}}")
	_, err := Parse([]byte(b.String()))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Entry != MaxEntries+1 || !strings.Contains(err.Error(), "more than 200000 entries") {
		t.Fatalf("error %v", err)
	}
}

func TestParse_typeErrorKeepsEntry(t *testing.T) {
	h, err := Parse([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"https://h/k","headers":[{"name":"X","value":5}]},"response":{"status":"403"}}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	e := h.Entries[0]
	if e.Request.Host != "h" || e.Request.RawPath != "/k" || e.Response.Status != 0 {
		t.Errorf("entry %+v", e.Request)
	}
	if len(h.Notes) != 1 || !strings.Contains(h.Notes[0], "entry 1") {
		t.Errorf("notes %q", h.Notes)
	}
}

// entryJSON builds a one-entry HAR around a request object.
func entryJSON(req string) []byte {
	return []byte(`{"log":{"version":"1.2","creator":{"name":"test"},"entries":[{"request":` + req + `,"response":{"status":200,"content":{"size":0}}}]}}`)
}

func oneEntry(t *testing.T, req string) *Entry {
	t.Helper()
	h, err := Parse(entryJSON(req))
	if err != nil {
		t.Fatal(err)
	}
	return h.Entries[0]
}

func TestEntry_target(t *testing.T) {
	t.Run("url kept byte for byte", func(t *testing.T) {
		e := oneEntry(t, `{"method":"GET","url":"https://user:pw@b.s3.amazonaws.com:8443/a%2Fb/%7Ec%20d+e?x=a%2Bb&y=~&z#frag","headers":[]}`)
		r := e.Request
		if r.Host != "b.s3.amazonaws.com:8443" || r.RawPath != "/a%2Fb/%7Ec%20d+e" || r.RawQuery != "x=a%2Bb&y=~&z" {
			t.Errorf("host %q path %q query %q", r.Host, r.RawPath, r.RawQuery)
		}
	})
	t.Run("host field wins over the url", func(t *testing.T) {
		e := oneEntry(t, `{"method":"GET","url":"https://cdn.example.com/k","headers":[{"name":"Host","value":" b.s3.amazonaws.com "}]}`)
		if e.Request.Host != "b.s3.amazonaws.com" {
			t.Errorf("host %q", e.Request.Host)
		}
	})
	t.Run(":path wins over the url", func(t *testing.T) {
		e := oneEntry(t, `{"method":"","url":"https://h/a b","headers":[{"name":":method","value":"PUT"},{"name":":path","value":"/a%20b?x"},{"name":":authority","value":"h"}]}`)
		if e.Request.Method != "PUT" || e.Request.RawPath != "/a%20b" || e.Request.RawQuery != "x" || len(e.Notes) == 0 {
			t.Errorf("request %s %s?%s, notes %q", e.Request.Method, e.Request.RawPath, e.Request.RawQuery, e.Notes)
		}
	})
	t.Run("no path", func(t *testing.T) {
		if e := oneEntry(t, `{"method":"GET","url":"https://h?x=1","headers":[]}`); e.Request.RawPath != "/" || e.Request.RawQuery != "x=1" {
			t.Errorf("path %q query %q", e.Request.RawPath, e.Request.RawQuery)
		}
	})
	t.Run("relative url", func(t *testing.T) {
		e := oneEntry(t, `{"method":"GET","url":"/k","headers":[{"name":"Host","value":"h"}]}`)
		if e.Request.Host != "h" || e.Request.RawPath != "/" || len(e.Notes) == 0 {
			t.Errorf("host %q path %q notes %q", e.Request.Host, e.Request.RawPath, e.Notes)
		}
	})
}

func TestEntry_body(t *testing.T) {
	t.Run("no post data", func(t *testing.T) {
		e := oneEntry(t, `{"method":"GET","url":"https://h/","headers":[],"bodySize":0}`)
		if !e.Request.HasBody || len(e.Request.Body) != 0 {
			t.Errorf("a GET with no body has a known empty body: %+v", e.Request)
		}
	})
	t.Run("body left out", func(t *testing.T) {
		e := oneEntry(t, `{"method":"PUT","url":"https://h/","headers":[],"bodySize":1024}`)
		if e.Request.HasBody {
			t.Error("body marked known")
		}
	})
	t.Run("body shorter than sent", func(t *testing.T) {
		e := oneEntry(t, `{"method":"PUT","url":"https://h/","headers":[],"bodySize":10,"postData":{"mimeType":"application/octet-stream","text":"abc"}}`)
		if e.Request.HasBody || e.Request.Body != nil {
			t.Errorf("partial body used: %q", e.Request.Body)
		}
	})
	t.Run("firefox url-encoded params", func(t *testing.T) {
		e := oneEntry(t, `{"method":"POST","url":"https://h/","headers":[],"postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"key","value":"a b/c"},{"name":"acl","value":"public-read"}]}}`)
		if string(e.Request.Body) != "key=a+b%2Fc&acl=public-read" || !e.Request.HasBody || len(e.Form) != 2 || e.Form[0].Value != "a b/c" {
			t.Errorf("body %q, form %+v", e.Request.Body, e.Form)
		}
	})
	t.Run("multipart params only", func(t *testing.T) {
		e := oneEntry(t, `{"method":"POST","url":"https://h/","headers":[],"postData":{"mimeType":"multipart/form-data; boundary=x","params":[{"name":"policy","value":"eyJ9"},{"name":"file","fileName":"a.txt","contentType":"text/plain"}]}}`)
		if e.Request.HasBody || len(e.Form) != 2 || e.Form[1].FileName != "a.txt" {
			t.Errorf("known %v, form %+v", e.Request.HasBody, e.Form)
		}
	})
	t.Run("url-encoded text", func(t *testing.T) {
		e := oneEntry(t, `{"method":"POST","url":"https://h/","headers":[{"name":"Content-Type","value":"application/x-www-form-urlencoded"}],"postData":{"mimeType":"","text":"Policy=eyJ9&X-Amz-Signature=ab%2B&&x"}}`)
		if v, _ := e.Get("x-amz-signature"); v != "ab+" || len(e.Form) != 3 || e.Form[2].Name != "x" {
			t.Errorf("form %+v", e.Form)
		}
	})
	t.Run("multipart cut short", func(t *testing.T) {
		text := "--b\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nuploads/${filename}\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\x\\\\a.jpg\"\r\n\r\n"
		raw, _ := json.Marshal(text)
		e := oneEntry(t, `{"method":"POST","url":"https://h/","headers":[{"name":"Content-Type","value":"multipart/form-data; boundary=b"}],"postData":{"mimeType":"multipart/form-data","text":`+string(raw)+`}}`)
		if len(e.Form) < 1 || e.Form[0].Value != "uploads/${filename}" || len(e.Notes) == 0 {
			t.Errorf("form %+v, notes %q", e.Form, e.Notes)
		}
	})
	t.Run("multipart without boundary", func(t *testing.T) {
		e := oneEntry(t, `{"method":"POST","url":"https://h/","headers":[],"postData":{"mimeType":"multipart/form-data","text":"--b\r\n"}}`)
		if len(e.Form) != 0 || len(e.Notes) != 1 {
			t.Errorf("form %+v, notes %q", e.Form, e.Notes)
		}
	})
}

func TestEntry_headNotes(t *testing.T) {
	e := oneEntry(t, `{"method":"GET","url":"https://h/k","httpVersion":"HTTP/1.1","headersSize":400,"cookies":[{"name":"s","value":"1"}],"headers":[{"name":"Host","value":"h"},{"name":"X-Amz-Date","value":"20130524T000000Z"}]}`)
	want := []string{"no authorization field", "cookie", "the export may lack fields"}
	for _, w := range want {
		if !slices.ContainsFunc(e.Notes, func(n string) bool { return strings.Contains(n, w) }) {
			t.Errorf("no note saying %q in %q", w, e.Notes)
		}
	}
	e = oneEntry(t, `{"method":"GET","url":"https://h/k","httpVersion":"HTTP/1.1","headersSize":34,"headers":[{"name":"Host","value":"h"},{"name":"A","value":"b"}]}`)
	if len(e.Notes) != 0 {
		t.Errorf("exact head size gave notes %q", e.Notes)
	}
}

func TestEntry_responseBody(t *testing.T) {
	for _, c := range []struct {
		content string
		body    string
		has     bool
	}{
		{`{"size":5,"mimeType":"text/plain","text":"hello"}`, "hello", true},
		{`{"size":5,"mimeType":"text/plain","text":"aGVs\nbG8=","encoding":"base64"}`, "hello", true},
		{`{"size":5,"mimeType":"text/plain","text":"aGVsbG8","encoding":"base64"}`, "hello", true},
		{`{"size":5,"mimeType":"text/plain","text":"!!","encoding":"base64"}`, "", false},
		{`{"size":5,"mimeType":"text/plain"}`, "", false},
		{`{"size":0,"mimeType":"text/plain"}`, "", true},
	} {
		h, err := Scan(strings.NewReader(`{"log":{"entries":[{"request":{"method":"GET","url":"https://h/"},"response":{"status":403,"content":`+c.content+`}}]}}`), func(e *Entry) error {
			if string(e.Response.Body) != c.body || e.Response.HasBody != c.has {
				t.Errorf("%s: body %q known %v", c.content, e.Response.Body, e.Response.HasBody)
			}
			return nil
		})
		if err != nil || h == nil {
			t.Fatal(err)
		}
	}
}

func TestScan_callbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := Scan(strings.NewReader(`{"log":{"entries":[{},{},{}]}}`), func(*Entry) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err %v after %d entries", err, n)
	}
}
