package request

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const (
	putAuthorization   = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
	rangeAuthorization = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
	emptySHA256        = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	welcomeSHA256      = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
	host               = "examplebucket.s3.amazonaws.com"
)

// want is what a fixture must parse to; Notes are checked separately.
type want struct {
	Source, Method, Scheme, Host, RawPath, RawQuery string
	Header, Trailer                                 []Field
	Body                                            string
	HasBody                                         bool
	BodyFile, AWSSigV4                              string
}

func fields(kv ...string) []Field {
	var f []Field
	for i := 0; i+1 < len(kv); i += 2 {
		f = append(f, Field{Name: kv[i], Value: kv[i+1]})
	}
	return f
}

func check(t *testing.T, r *Request, w want) {
	t.Helper()
	have := want{r.Source, r.Method, r.Scheme, r.Host, r.RawPath, r.RawQuery, r.Header, r.Trailer, string(r.Body), r.HasBody, r.BodyFile, r.AWSSigV4}
	if fmt.Sprintf("%#v", have) != fmt.Sprintf("%#v", w) {
		t.Errorf("parsed request differs\nhave %#v\nwant %#v", have, w)
	}
}

var fixtureWants = map[string]want{
	"get-object-range-crlf.http": {
		Source: "raw-http", Method: "GET", Scheme: "https", Host: host, RawPath: "/test.txt",
		Header: fields("Host", host, "Range", "bytes=0-9", "x-amz-content-sha256", emptySHA256,
			"x-amz-date", "20130524T000000Z", "Authorization", rangeAuthorization),
		HasBody: true,
	},
	"put-object-lf.http": {
		Source: "raw-http", Method: "PUT", Scheme: "https", Host: host, RawPath: "/test$file.text",
		Header: fields("Host", host, "Date", "Fri, 24 May 2013 00:00:00 GMT", "x-amz-date", "20130524T000000Z",
			"x-amz-storage-class", "REDUCED_REDUNDANCY", "x-amz-content-sha256", welcomeSHA256,
			"Authorization", putAuthorization, "Content-Length", "21"),
		Body: "Welcome to Amazon S3.", HasBody: true,
	},
	"put-object-chunked-crlf.http": {
		Source: "raw-http", Method: "PUT", Scheme: "https", Host: host, RawPath: "/test$file.text",
		Header: fields("Host", host, "x-amz-date", "20130524T000000Z", "x-amz-content-sha256", welcomeSHA256,
			"Transfer-Encoding", "chunked", "Trailer", "x-amz-meta-note"),
		Trailer: fields("x-amz-meta-note", "sent after the body"),
		Body:    "Welcome to Amazon S3.", HasBody: true,
	},
	"curl-v-get-object-range.txt": {
		Source: "raw-http", Method: "GET", Scheme: "https", Host: host, RawPath: "/test.txt",
		Header: fields("Host", host, "User-Agent", "curl/7.88.1", "Accept", "*/*", "Range", "bytes=0-9",
			"x-amz-content-sha256", emptySHA256, "x-amz-date", "20130524T000000Z", "Authorization", rangeAuthorization),
		HasBody: true,
	},
	"presigned-url-get-object.txt": {
		Source: "url", Method: "GET", Scheme: "https", Host: host, RawPath: "/test.txt",
		RawQuery: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
		Header:   fields("Host", host), HasBody: true,
	},
	"curl-continuations.sh": {
		Source: "curl", Method: "PUT", Scheme: "https", Host: host, RawPath: "/test$file.text",
		Header: fields("Host", host, "Accept", "*/*", "Date", "Fri, 24 May 2013 00:00:00 GMT",
			"x-amz-date", "20130524T000000Z", "x-amz-storage-class", "REDUCED_REDUNDANCY",
			"x-amz-content-sha256", welcomeSHA256, "Authorization", putAuthorization, "Content-Length", "21"),
		Body: "Welcome to Amazon S3.", HasBody: true,
	},
	"devtools-copy-as-curl.sh": {
		Source: "curl", Method: "PUT", Scheme: "https", Host: host, RawPath: "/uploads/report%20[final].txt",
		RawQuery: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=content-type%3Bhost%3Bx-amz-meta-title&X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
		Header: fields("Host", host, "Accept-Encoding", "deflate, gzip, br, zstd", "Cookie", "session=abc123; theme=dark",
			"accept", "*/*", "accept-language", "en-GB,en;q=0.9", "content-type", "text/plain;charset=UTF-8",
			"origin", "https://app.example.com", "priority", "u=1, i", "referer", "https://app.example.com/",
			"sec-ch-ua", `"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"`,
			"sec-ch-ua-mobile", "?0", "sec-ch-ua-platform", `"macOS"`, "sec-fetch-dest", "empty",
			"sec-fetch-mode", "cors", "sec-fetch-site", "cross-site",
			"user-agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
			"x-amz-meta-title", "it's café", "Content-Length", "41"),
		// bash writes each \u escape of the surrogate pair for 😀 as 3 bytes.
		Body: "Hello, S3!\nIt's café — \xed\xa0\xbd\xed\xb8\x80\r\nbye\tnow", HasBody: true,
	},
	"devtools-copy-as-curl-cmd.txt": {
		Source: "curl", Method: "POST", Scheme: "https", Host: host, RawPath: "/forms/submit", RawQuery: "lang=en&x-id=PostObject",
		Header: fields("Host", host, "Accept-Encoding", "deflate, gzip, br, zstd", "accept", "*/*",
			"content-type", "application/x-www-form-urlencoded", "x-amz-date", "20130524T000000Z", "Content-Length", "34"),
		Body: `name=caf%C3%A9&note=say "hi" (now)`, HasBody: true,
	},
}

func TestParse_fixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "requests", "*"))
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range files {
		name := filepath.Base(f)
		if name == "README.md" || strings.HasPrefix(name, ".") {
			continue
		}
		seen++
		w, ok := fixtureWants[name]
		if !ok {
			t.Errorf("fixture %s has no expectation in fixtureWants", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			r, err := Parse(readFixture(t, name))
			if err != nil {
				t.Fatal(err)
			}
			check(t, r, w)
		})
	}
	if seen != len(fixtureWants) {
		t.Errorf("%d fixtures on disk, %d expected", seen, len(fixtureWants))
	}
}

// TestFixtures_keepCR fails when git or an editor turned a fixture's CRLF
// into LF (gofmt's TestCRLF does the same for its testdata).
func TestFixtures_keepCR(t *testing.T) {
	for _, name := range []string{"get-object-range-crlf.http", "put-object-chunked-crlf.http", "devtools-copy-as-curl-cmd.txt"} {
		b := readFixture(t, name)
		if n, crlf := bytes.Count(b, []byte("\n")), bytes.Count(b, []byte("\r\n")); n == 0 || crlf != n {
			t.Errorf("%s: %d of %d line breaks are CRLF; it must keep them all (.gitattributes says -text)", name, crlf, n)
		}
	}
	b := readFixture(t, "curl-v-get-object-range.txt")
	if !bytes.Contains(b, []byte("> Host: "+host+"\r\n")) {
		t.Error("curl-v-get-object-range.txt lost the CR that curl -v prints on request lines")
	}
}

// TestParse_fixtureBodyHash ties the body fixtures to the S3 documentation's
// payload hash.
func TestParse_fixtureBodyHash(t *testing.T) {
	for _, name := range []string{"put-object-lf.http", "put-object-chunked-crlf.http", "curl-continuations.sh"} {
		r, err := Parse(readFixture(t, name))
		if err != nil {
			t.Fatal(err)
		}
		h, n, err := HashBody(bytes.NewReader(r.Body))
		if err != nil || h != welcomeSHA256 || n != 21 {
			t.Errorf("%s: HashBody = %s, %d, %v; want %s, 21", name, h, n, err, welcomeSHA256)
		}
	}
}

func TestParse_detect(t *testing.T) {
	for _, c := range []struct{ in, source string }{
		{"curl https://h/", "curl"},
		{"  \n$ curl https://h/", "curl"},
		{"curl.exe https://h/", "curl"},
		{"# put the object\ncurl -T f https://h/", "curl"},
		{"curl\\\n https://h/", "curl"},
		{"\ufeffGET / HTTP/1.1\nHost: h\n", "raw-http"},
		{"\n\n  \nGET / HTTP/1.1\nHost: h\n", "raw-http"},
		{"*   Trying 1.2.3.4:443...\n> GET / HTTP/1.1\r\n> Host: h\r\n> \r\n", "raw-http"},
		{":method: GET\n:path: /\n:authority: h\n", "raw-http"},
		{"https://h/k?X-Amz-Signature=1\n", "url"},
		{"  'https://h/k'  ", "url"},
		{"HTTPS://h/k", "url"},
	} {
		r, err := Parse([]byte(c.in))
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if r.Source != c.source {
			t.Errorf("Parse(%q).Source = %q, want %q", c.in, r.Source, c.source)
		}
	}
	for _, in := range []string{"", "   \n", "hello world", "curling is a sport", "GET /", "Host: h\n", "ftp://h/x", "https://h/a\nhttps://h/b", `{"log": {"entries": []}}`} {
		_, err := Parse([]byte(in))
		if !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("Parse(%q) = %v, want ErrUnknownFormat", in, err)
		}
	}
	if _, err := Parse([]byte(`{"log": {"entries": []}}`)); err == nil || !strings.Contains(err.Error(), "HAR") {
		t.Errorf("a HAR file should be named in the error, got %v", err)
	}
}

func TestParse_caps(t *testing.T) {
	big := make([]byte, MaxInput+1)
	for name, f := range map[string]func([]byte) (*Request, error){
		"Parse": Parse, "ParseHTTP": ParseHTTP, "ParseCurl": ParseCurl,
		"ParseURL": func(b []byte) (*Request, error) { return ParseURL(string(b)) },
	} {
		if _, err := f(big); err == nil || !strings.Contains(err.Error(), "more than") {
			t.Errorf("%s of %d bytes: %v, want a size error", name, len(big), err)
		}
	}
	long := "GET / HTTP/1.1\nX-Long: " + strings.Repeat("a", MaxLine) + "\n\n"
	if _, err := ParseHTTP([]byte(long)); err == nil || !strings.Contains(err.Error(), "line 2: line is longer") {
		t.Errorf("over-long line: %v", err)
	}
	var many strings.Builder
	many.WriteString("GET / HTTP/1.1\n")
	for i := 0; i <= MaxHeaders; i++ {
		fmt.Fprintf(&many, "X-%d: v\n", i)
	}
	if _, err := ParseHTTP([]byte(many.String())); err == nil || !strings.Contains(err.Error(), "more than 10000 header fields") {
		t.Errorf("too many headers: %v", err)
	}
}

func TestParseError_message(t *testing.T) {
	for _, c := range []struct {
		e    ParseError
		want string
	}{
		{ParseError{Source: sourceHTTP, Line: 3, Msg: "header has no colon"}, "raw http request: line 3: header has no colon"},
		{ParseError{Source: sourceCurl, Line: 2, Col: 5, Msg: "single quote is never closed"}, "curl command: line 2, column 5: single quote is never closed"},
		{ParseError{Source: sourceURL, Msg: "url has no host"}, "url: url has no host"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
}

func TestHashBody(t *testing.T) {
	for _, body := range []string{"", "Welcome to Amazon S3.", strings.Repeat("a", 1<<20+7)} {
		sum := sha256.Sum256([]byte(body))
		h, n, err := HashBody(strings.NewReader(body))
		if err != nil || h != hex.EncodeToString(sum[:]) || n != int64(len(body)) {
			t.Errorf("HashBody(%d bytes) = %s, %d, %v", len(body), h, n, err)
		}
	}
	_, _, err := HashBody(io.MultiReader(strings.NewReader("x"), errReader{}))
	if err == nil || !strings.Contains(err.Error(), "hashing the body") {
		t.Errorf("read error not reported: %v", err)
	}
}

// TestHashBody_constantMemory hashes 256 MiB from a reader that makes its
// bytes on the fly; what HashBody allocates must not grow with the size.
func TestHashBody_constantMemory(t *testing.T) {
	const size = 256 << 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, n, err := HashBody(io.LimitReader(zeros{}, size)); err != nil || n != size {
		t.Fatal(n, err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("HashBody allocated %d bytes for a 256 MiB body; it should use a fixed buffer", alloc)
	}
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func BenchmarkHashBody(b *testing.B) {
	const size = 64 << 20
	b.SetBytes(size)
	for b.Loop() {
		if _, _, err := HashBody(io.LimitReader(zeros{}, size)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseHTTP(b *testing.B) {
	var in bytes.Buffer
	in.WriteString("PUT /bucket/key HTTP/1.1\r\nHost: " + host + "\r\n")
	for i := range 30 {
		fmt.Fprintf(&in, "x-amz-meta-field-%d: value %d\r\n", i, i)
	}
	body := bytes.Repeat([]byte("a"), 1<<20)
	fmt.Fprintf(&in, "Content-Length: %d\r\n\r\n", len(body))
	in.Write(body)
	b.SetBytes(int64(in.Len()))
	for b.Loop() {
		if _, err := ParseHTTP(in.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCurl(b *testing.B) {
	in := readFixture(b, "devtools-copy-as-curl.sh")
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := ParseCurl(in); err != nil {
			b.Fatal(err)
		}
	}
}
