package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The hostile-input suite (issue 9 §1): every kind of input sigdiff reads,
// broken or built to hurt. Each case must end, within a deadline, in a
// useful partial result (exit 0 or 1, a report on stdout, no error line)
// or in exactly one "sigdiff: error: …" line, optionally followed by
// "sigdiff: hint: …" lines, and exit status 2 — never a panic, a hang, or
// memory that grows with the input beyond the caps of streams.go and of
// each parser.

const (
	hostileDeadline = 20 * time.Second
	// defaultAllocCap bounds what a case may allocate (runtime.MemStats
	// TotalAlloc, so every allocation counts, not just the peak).
	defaultAllocCap = 96 << 20
	// maxErrorLine keeps an error readable: no case may echo its input.
	maxErrorLine = 1024
)

// Outcomes a case may be pinned to.
const (
	anyOutcome = -1
	partial    = -2 // exit 0 or 1 with a report
)

type hostileCase struct {
	name  string
	args  []string                    // "$D" is the case's directory
	stdin func() io.Reader            // nil: empty
	files map[string]func() io.Reader // written under $D before the run
	env   map[string]string           // added to the example key's environment
	want  int                         // exit status, partial or anyOutcome
	alloc uint64                      // allocation cap, 0: defaultAllocCap
	// absent must appear neither on stdout nor on stderr (a credentials
	// line, an external entity's content).
	absent []string
}

// garbage is n deterministic pseudo-random bytes, made as they are read.
type garbage struct {
	n, state uint64
}

func newGarbage(n int64) *garbage { return &garbage{n: uint64(n), state: 0x9e3779b97f4a7c15} }

func (g *garbage) Read(p []byte) (int, error) {
	if g.n == 0 {
		return 0, io.EOF
	}
	if uint64(len(p)) > g.n {
		p = p[:g.n]
	}
	for i := range p {
		g.state ^= g.state << 13
		g.state ^= g.state >> 7
		g.state ^= g.state << 17
		p[i] = byte(g.state >> 32)
	}
	g.n -= uint64(len(p))
	return len(p), nil
}

// repeat is pattern repeated up to n bytes, made as it is read.
type repeat struct {
	pattern []byte
	n, off  int64
}

func newRepeat(pattern string, n int64) *repeat { return &repeat{pattern: []byte(pattern), n: n} }

func (r *repeat) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	if int64(len(p)) > r.n-r.off {
		p = p[:r.n-r.off]
	}
	for i := range p {
		p[i] = r.pattern[(r.off+int64(i))%int64(len(r.pattern))]
	}
	r.off += int64(len(p))
	return len(p), nil
}

func text(s string) func() io.Reader { return func() io.Reader { return strings.NewReader(s) } }

func gen(n int64) func() io.Reader { return func() io.Reader { return newGarbage(n) } }

func rep(pattern string, n int64) func() io.Reader {
	return func() io.Reader { return newRepeat(pattern, n) }
}

func cat(parts ...func() io.Reader) func() io.Reader {
	return func() io.Reader {
		rs := make([]io.Reader, len(parts))
		for i, p := range parts {
			rs[i] = p()
		}
		return io.MultiReader(rs...)
	}
}

// fixture is a file of the repository's testdata.
func fixture(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata"}, parts...)...)
}

const (
	errorHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><AWSAccessKeyId>AKIAIOSFODNN7EXAMPLE</AWSAccessKeyId>"
	errorTail = "<SignatureProvided>aa2fd3e4d1a5a7aec7ccb53c7d2bb4cbc4a6f0c28e6a86f2d5b5a9f1e3c1d0b9</SignatureProvided></Error>"
	reqHead   = "GET /bucket/key HTTP/1.1\r\nHost: bucket.s3.amazonaws.com\r\nx-amz-date: 20130524T000000Z\r\n"
	chunkHead = "PUT /examplebucket/chunkObject.txt HTTP/1.1\r\n"
	// A marker placed in files whose lines must never be echoed.
	credMarker = "MARKER-CREDENTIALS-LINE-7c1e"
	xxeMarker  = "MARKER-EXTERNAL-ENTITY-93ab"
)

func billionLaughs() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">`)
	prev := "lol"
	for i := 1; i <= 9; i++ {
		name := fmt.Sprintf("lol%d", i)
		b.WriteString(`<!ENTITY ` + name + ` "` + strings.Repeat("&"+prev+";", 10) + `">`)
		prev = name
	}
	b.WriteString("]>" + strings.TrimPrefix(errorHead, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") + "<StringToSign>&lol9;</StringToSign>" + errorTail)
	return b.String()
}

// harEntries is a HAR of n successful entries and one refused at the end.
func harEntries(n int) func() io.Reader {
	entry := `{"startedDateTime":"2024-05-24T00:00:00.000Z","request":{"method":"GET","url":"https://bucket.s3.amazonaws.com/key","httpVersion":"HTTP/1.1","headers":[{"name":"Host","value":"bucket.s3.amazonaws.com"}],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},"response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"content":{"size":0,"mimeType":"text/plain","text":""},"redirectURL":"","headersSize":-1,"bodySize":0},"cache":{},"timings":{"send":0,"wait":1,"receive":0}},`
	return func() io.Reader {
		return io.MultiReader(
			strings.NewReader(`{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[`),
			newRepeat(entry, int64(n*len(entry))),
			strings.NewReader(strings.TrimSuffix(entry, ",")+`]}}`))
	}
}

// headers is a raw request with n header fields.
func headers(n int) func() io.Reader {
	return cat(text(reqHead), rep("X-Amz-Meta-Pad: value\r\n", int64(n)*int64(len("X-Amz-Meta-Pad: value\r\n"))), text("\r\n"))
}

// curlHeaders is a curl command with n -H options.
func curlHeaders(n int) func() io.Reader {
	h := " -H 'X-Amz-Meta-Pad: value'"
	return cat(text("curl 'https://bucket.s3.amazonaws.com/key'"), rep(h, int64(n*len(h))), text("\n"))
}

func nested(open, close string, depth int) string {
	return strings.Repeat(open, depth) + strings.Repeat(close, depth)
}

func hostileCases() []hostileCase {
	body := fixture("bodies", "aws-sigv4.xml")
	cs := []hostileCase{
		// Error bodies, on standard input as they are pasted.
		{name: "body/empty", args: []string{"check"}, want: exitInput},
		{name: "body/blank", args: []string{"check"}, stdin: text(" \n\t\r\n"), want: exitInput},
		{name: "body/binary", args: []string{"check"}, stdin: gen(64 << 10), want: exitInput},
		{name: "body/invalid-utf8", args: []string{"check"}, stdin: text("\xff\xfe\xfd<Error>\xc3\x28\xa0\xa1</Error>"), want: anyOutcome},
		{name: "body/nul-bytes", args: []string{"check"}, stdin: rep("\x00", 1<<20), want: exitInput},
		{name: "body/nul-in-string-to-sign", args: []string{"check", "--search", "off"}, stdin: text(errorHead + "<StringToSign>AWS4-HMAC-SHA256\x00\n20130524T000000Z\x00</StringToSign>" + errorTail), want: anyOutcome},
		{name: "body/1GiB-garbage-stdin", args: []string{"check"}, stdin: gen(1 << 30), want: exitInput},
		{name: "body/100MB-line-stdin", args: []string{"check"}, stdin: rep("A", 100<<20), want: exitInput},
		{name: "body/60MB-line-under-cap", args: []string{"check"}, stdin: rep("A", 60<<20), want: exitInput, alloc: 200 << 20},
		{name: "body/deeply-nested-xml", args: []string{"check"}, stdin: text(errorHead + nested("<a>", "</a>", 200000) + errorTail), want: anyOutcome},
		{name: "body/nested-unclosed", args: []string{"check"}, stdin: text(strings.Repeat("<Error>", 100000)), want: exitInput},
		{name: "body/billion-laughs", args: []string{"check", "--search", "off"}, stdin: text(billionLaughs()), want: anyOutcome},
		{name: "body/external-entity", args: []string{"check", "--search", "off"}, stdin: text(`<?xml version="1.0"?><!DOCTYPE e [<!ENTITY xxe SYSTEM "file://$D/xxe.txt">]>` + strings.TrimPrefix(errorHead, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") + "<StringToSign>&xxe;</StringToSign>" + errorTail), files: map[string]func() io.Reader{"xxe.txt": text(xxeMarker)}, want: anyOutcome, absent: []string{xxeMarker}},
		{name: "body/mismatched-tags", args: []string{"check"}, stdin: text("<Error><Code>SignatureDoesNotMatch</Message><StringToSign>x</Code></Error>"), want: anyOutcome},
		{name: "body/unterminated", args: []string{"check"}, stdin: text("<Error><Code>SignatureDoesNotMatch<StringToSign>AWS4-HMAC-SHA256\n2013"), want: anyOutcome},
		{name: "body/byte-dump-odd", args: []string{"check", "--search", "off"}, stdin: text(errorHead + "<StringToSign>AWS</StringToSign><StringToSignBytes>41 57 53 3</StringToSignBytes>" + errorTail), want: anyOutcome},
		{name: "body/byte-dump-non-hex", args: []string{"check", "--search", "off"}, stdin: text(errorHead + "<StringToSign>AWS</StringToSign><StringToSignBytes>41 zz 53 g7</StringToSignBytes>" + errorTail), want: anyOutcome},
		{name: "body/byte-dump-10MB", args: []string{"check", "--search", "off"}, stdin: cat(text(errorHead+"<StringToSign>A</StringToSign><StringToSignBytes>"), rep("41 ", 10<<20), text("</StringToSignBytes>"+errorTail)), want: anyOutcome, alloc: 256 << 20},
		{name: "body/100k-elements", args: []string{"check", "--search", "off"}, stdin: cat(text(errorHead), rep("<Pad>x</Pad>", 100000*12), text(errorTail)), want: anyOutcome, alloc: 256 << 20},
		{name: "body/html-page", args: []string{"check"}, stdin: text("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"), want: exitInput},
		{name: "body/json-garbage", args: []string{"check"}, stdin: text(`{"a":[[[[[[`), want: exitInput},
		{name: "body/truncated-http", args: []string{"check"}, stdin: text("HTTP/1.1 403 Forbidden\r\nContent-Length: 1000\r\n\r\n<Err"), want: exitInput},
		{name: "body/cdata-unclosed", args: []string{"check"}, stdin: text("<Error><Code>SignatureDoesNotMatch</Code><StringToSign><![CDATA[AWS4"), want: anyOutcome},
		{name: "body/utf16", args: []string{"check"}, stdin: text("\xff\xfe<\x00E\x00r\x00r\x00o\x00r\x00>\x00"), want: anyOutcome},
		{name: "body/directory", args: []string{"check", "$D"}, want: exitInput},
		{name: "body/missing-file", args: []string{"check", "$D/nope.xml"}, want: exitInput},

		// Raw HTTP requests.
		{name: "request/empty", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text("")}, want: exitInput},
		{name: "request/binary", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": gen(1 << 20)}, want: exitInput},
		{name: "request/100k-headers", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": headers(100000)}, want: exitInput},
		{name: "request/2MB-header-line", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": cat(text(reqHead+"X-Long: "), rep("v", 2<<20), text("\r\n\r\n"))}, want: exitInput},
		{name: "request/100MB-line", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": rep("G", 100<<20)}, want: exitInput},
		{name: "request/method-only", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text("GET\r\n\r\n")}, want: exitInput},
		{name: "request/nul-in-header-name", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text(reqHead + "X-A\x00b: v\r\n\r\n")}, want: anyOutcome},
		{name: "request/invalid-utf8-path", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text("GET /b/\xff\xfe HTTP/1.1\r\nHost: b.s3.amazonaws.com\r\nx-amz-date: 20130524T000000Z\r\n\r\n")}, want: partial},
		{name: "request/huge-content-length", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text(reqHead + "Content-Length: 99999999999999999999999\r\n\r\nabc")}, want: anyOutcome},
		{name: "request/authorization-garbage", args: []string{"verify", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text(reqHead + "Authorization: AWS4-HMAC-SHA256 Credential=\r\n\r\n")}, want: exitInput},
		{name: "request/authorization-100k-signed-headers", args: []string{"verify", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": cat(text(reqHead+"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host"), rep(";x-h", 400000), text(", Signature=aa\r\n\r\n"))}, want: anyOutcome},
		{name: "request/bad-date", args: []string{"verify", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text("GET /b/k HTTP/1.1\r\nHost: b.s3.amazonaws.com\r\nx-amz-date: 2013-99-99\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=aa\r\n\r\n")}, want: anyOutcome},

		// curl commands.
		{name: "curl/unbalanced-single-quote", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text("curl 'https://b.s3.amazonaws.com/k -H 'x-amz-date: 20130524T000000Z\n")}, want: exitInput},
		{name: "curl/unbalanced-double-quote", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text("curl \"https://b.s3.amazonaws.com/k\" -H \"x-amz-date: 2013\n")}, want: exitInput},
		{name: "curl/trailing-backslash", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text("curl https://b.s3.amazonaws.com/k \\")}, want: anyOutcome},
		{name: "curl/header-without-value", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text("curl https://b.s3.amazonaws.com/k -H")}, want: exitInput},
		{name: "curl/100k-headers", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": curlHeaders(100000)}, want: exitInput},
		{name: "curl/no-url", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text("curl -X PUT -H 'a: b'")}, want: exitInput},
		{name: "curl/data-from-missing-file", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text("curl https://b.s3.amazonaws.com/k --data-binary @/nonexistent/file -H 'x-amz-date: 20130524T000000Z'")}, want: anyOutcome},

		// URLs.
		{name: "url/scheme-only", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text("http://")}, want: exitInput},
		{name: "url/bad-percent", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text("https://b.s3.amazonaws.com/k%zz?X-Amz-Date=20130524T000000Z&a=%g")}, want: anyOutcome},
		{name: "url/bad-port", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text("https://b.s3.amazonaws.com:99999999999/k")}, want: anyOutcome},
		{name: "url/presigned-garbage-date", args: []string{"verify", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": text("https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=garbage&X-Amz-Expires=-5&X-Amz-SignedHeaders=host&X-Amz-Signature=zz")}, want: anyOutcome},
		{name: "url/1MB-query", args: []string{"explain", "--request", "$D/r"}, files: map[string]func() io.Reader{"r": cat(text("https://b.s3.amazonaws.com/k?X-Amz-Date=20130524T000000Z"), rep("&a=b", 1<<20))}, want: anyOutcome},

		// HAR captures.
		{name: "har/truncated", args: []string{"check", "$D/h.har"}, files: map[string]func() io.Reader{"h.har": text(`{"log":{"entries":[{"request":`)}, want: exitInput},
		{name: "har/entries-not-array", args: []string{"check", "$D/h.har"}, files: map[string]func() io.Reader{"h.har": text(`{"log":{"entries":5}}`)}, want: exitInput},
		{name: "har/100k-entries", args: []string{"check", "--search", "off", "$D/h.har"}, files: map[string]func() io.Reader{"h.har": harEntries(100000)}, want: anyOutcome, alloc: 384 << 20},
		{name: "har/deep-nesting", args: []string{"check", "$D/h.har"}, files: map[string]func() io.Reader{"h.har": text(`{"log":` + nested("[", "]", 500000) + `}`)}, want: exitInput},
		{name: "har/bad-base64-body", args: []string{"check", "--search", "off", "$D/h.har"}, files: map[string]func() io.Reader{"h.har": text(`{"log":{"version":"1.2","entries":[{"request":{"method":"PUT","url":"https://b.s3.amazonaws.com/k","headers":[],"postData":{"mimeType":"application/octet-stream","text":"!!!not base64","encoding":"base64"}},"response":{"status":403,"headers":[],"content":{"mimeType":"application/xml","text":"%%%","encoding":"base64"}}}]}}`)}, want: anyOutcome},
		// internal/har reads a numeric method and a missing url as a GET of
		// nothing, which explain then signs: a result, though not a useful one.
		{name: "har/as-request-garbage", args: []string{"explain", "--request", "$D/h.har"}, files: map[string]func() io.Reader{"h.har": text(`{"log":{"entries":[{"request":{"method":5}}]}}`)}, want: anyOutcome},

		// Client debug logs.
		{name: "log/botocore-truncated", args: []string{"check", "--search", "off", "$D/l.log"}, files: map[string]func() io.Reader{"l.log": text("2026-11-28 08:42:32,532 botocore.auth [DEBUG] CanonicalRequest:\nPUT\n/examplebucket/photos\n")}, want: anyOutcome},
		{name: "log/botocore-binary", args: []string{"check", "--search", "off", "$D/l.log"}, files: map[string]func() io.Reader{"l.log": cat(text("2026-11-28 08:42:32,532 botocore.auth [DEBUG] CanonicalRequest:\n"), gen(1<<20))}, want: anyOutcome},
		{name: "log/botocore-100k-lines", args: []string{"check", "--search", "off", "$D/l.log"}, files: map[string]func() io.Reader{"l.log": rep("2026-11-28 08:42:32,532 botocore.endpoint [DEBUG] Sending http request: <AWSPreparedRequest stream_output=False, method=PUT, url=x, headers={'a': b'b'}>\n", 100000*130)}, want: exitInput, alloc: 256 << 20},
		{name: "log/client-empty", args: []string{"check", "--client", "$D/c", body}, files: map[string]func() io.Reader{"c": text("")}, want: exitInput},
		{name: "log/client-binary", args: []string{"check", "--client", "$D/c", body}, files: map[string]func() io.Reader{"c": gen(64 << 10)}, want: exitInput},
		{name: "log/client-over-cap", args: []string{"check", "--client", "$D/c", body}, files: map[string]func() io.Reader{"c": rep("AWS4-HMAC-SHA256\n", 5<<20)}, want: anyOutcome},

		// POST forms.
		{name: "form/empty", args: []string{"verify", "--form", "$D/f"}, files: map[string]func() io.Reader{"f": text("")}, want: exitInput},
		{name: "form/binary", args: []string{"verify", "--form", "$D/f"}, files: map[string]func() io.Reader{"f": gen(64 << 10)}, want: exitInput},
		{name: "form/multipart-unclosed", args: []string{"verify", "--form", "$D/f"}, files: map[string]func() io.Reader{"f": text("--XyZ\r\nContent-Disposition: form-data; name=\"policy\"\r\n\r\neyJ")}, want: exitInput},
		{name: "form/policy-bad-base64", args: []string{"verify", "--form", "$D/f"}, files: map[string]func() io.Reader{"f": text("policy=!!!%%%\nx-amz-signature=aa\nx-amz-credential=AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request\n")}, want: exitInput},
		{name: "form/policy-deep-json", args: []string{"explain", "--form", "$D/f"}, files: map[string]func() io.Reader{"f": func() io.Reader {
			return strings.NewReader("policy=" + b64(`{"expiration":"2015-12-30T12:00:00.000Z","conditions":`+nested("[", "]", 200000)+`}`) + "\n")
		}}, want: exitInput},
		{name: "form/policy-over-cap", args: []string{"explain", "--form", "$D/f"}, files: map[string]func() io.Reader{"f": func() io.Reader {
			return strings.NewReader("policy=" + b64(`{"expiration":"2015-12-30T12:00:00.000Z","conditions":[{"bucket":"`+strings.Repeat("b", 2<<20)+`"}]}`) + "\n")
		}}, want: exitInput},
		{name: "form/100MB-field", args: []string{"explain", "--form", "$D/f"}, files: map[string]func() io.Reader{"f": cat(text("policy="), rep("A", 100<<20))}, want: exitInput},

		// aws-chunked bodies of a STREAMING request.
		{name: "chunked/size-ffffffffffffffff", args: chunkArgs(), files: map[string]func() io.Reader{"b": text("ffffffffffffffff;chunk-signature=" + strings.Repeat("0", 64) + "\r\nabc\r\n")}, want: anyOutcome},
		{name: "chunked/truncated-chunk", args: chunkArgs(), files: map[string]func() io.Reader{"b": text("2000;chunk-signature=" + strings.Repeat("0", 64) + "\r\nABCDEF")}, want: anyOutcome},
		{name: "chunked/endless-header-line", args: chunkArgs(), files: map[string]func() io.Reader{"b": rep("f", 64<<20)}, want: anyOutcome},
		{name: "chunked/empty", args: chunkArgs(), files: map[string]func() io.Reader{"b": text("")}, want: anyOutcome},
		{name: "chunked/binary", args: chunkArgs(), files: map[string]func() io.Reader{"b": gen(1 << 20)}, want: anyOutcome},
		{name: "chunked/negative-size", args: chunkArgs(), files: map[string]func() io.Reader{"b": text("-10;chunk-signature=00\r\n")}, want: anyOutcome},

		// Credentials files and secret key files: never a line echoed.
		{name: "creds/garbage-file", args: []string{"verify", "--request", fixture("chunked", "signed.http"), "--profile", "p"}, files: map[string]func() io.Reader{"credentials": cat(gen(4<<10), text("\n"+credMarker+"\n"), gen(4<<10))}, env: map[string]string{"AWS_SHARED_CREDENTIALS_FILE": "$D/credentials"}, want: exitInput, absent: []string{credMarker}},
		{name: "creds/unterminated-section", args: []string{"verify", "--request", fixture("chunked", "signed.http"), "--profile", "p"}, files: map[string]func() io.Reader{"credentials": text("[p\naws_access_key_id = AKIAX\naws_secret_access_key = " + credMarker + "\n")}, env: map[string]string{"AWS_SHARED_CREDENTIALS_FILE": "$D/credentials"}, want: exitInput, absent: []string{credMarker}},
		{name: "creds/10MB-line", args: []string{"verify", "--request", fixture("chunked", "signed.http"), "--profile", "p"}, files: map[string]func() io.Reader{"credentials": cat(text("[p]\naws_secret_access_key = "+credMarker), rep("k", 10<<20))}, env: map[string]string{"AWS_SHARED_CREDENTIALS_FILE": "$D/credentials"}, want: exitInput, absent: []string{credMarker}},
		{name: "creds/nul-bytes", args: []string{"verify", "--request", fixture("chunked", "signed.http"), "--profile", "p"}, files: map[string]func() io.Reader{"credentials": text("[p]\x00\naws_access_key_id=\x00" + credMarker + "\n")}, env: map[string]string{"AWS_SHARED_CREDENTIALS_FILE": "$D/credentials"}, want: exitInput, absent: []string{credMarker}},
		{name: "creds/secret-file-empty", args: []string{"verify", "--request", fixture("chunked", "signed.http"), "--access-key", "AKIAIOSFODNN7EXAMPLE", "--secret-key-file", "$D/s"}, files: map[string]func() io.Reader{"s": text("")}, want: exitInput},
		{name: "creds/secret-file-binary", args: []string{"verify", "--request", fixture("chunked", "signed.http"), "--access-key", "AKIAIOSFODNN7EXAMPLE", "--secret-key-file", "$D/s"}, files: map[string]func() io.Reader{"s": cat(text(credMarker), rep("\x00\xff", 1<<20))}, want: exitInput, absent: []string{credMarker}},

		// Fine Uploader payloads.
		{name: "fineuploader/empty", args: []string{"explain", "--fineuploader", "$D/p"}, files: map[string]func() io.Reader{"p": text("")}, want: exitInput},
		{name: "fineuploader/truncated", args: []string{"explain", "--fineuploader", "$D/p"}, files: map[string]func() io.Reader{"p": text(`{"headers":"AWS4`)}, want: exitInput},
		{name: "fineuploader/over-cap", args: []string{"explain", "--fineuploader", "$D/p"}, files: map[string]func() io.Reader{"p": cat(text(`{"headers":"`), rep("A", 2<<20), text(`"}`))}, want: exitInput},
		{name: "fineuploader/deep-json", args: []string{"explain", "--fineuploader", "$D/p"}, files: map[string]func() io.Reader{"p": text(`{"headers":` + nested("[", "]", 200000) + `}`)}, want: exitInput},
		{name: "fineuploader/headers-not-string", args: []string{"explain", "--fineuploader", "$D/p"}, files: map[string]func() io.Reader{"p": text(`{"headers":5}`)}, want: exitInput},
		{name: "fineuploader/invalid-utf8", args: []string{"explain", "--fineuploader", "$D/p"}, files: map[string]func() io.Reader{"p": text("{\"headers\":\"AWS4-HMAC-SHA256\\n\xff\xfe\"}")}, want: anyOutcome},
	}
	return cs
}

func chunkArgs() []string {
	return []string{"verify", "--request", fixture("chunked", "signed.http"), "--body", "$D/b"}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestHostileInput runs every case of hostileCases under a deadline and an
// allocation cap and checks the shape of what it printed.
func TestHostileInput(t *testing.T) {
	if testing.Short() {
		t.Skip("the hostile-input suite streams gigabytes")
	}
	cases := hostileCases()
	if len(cases) < 60 {
		t.Fatalf("%d cases, the suite promises at least 60", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runHostile(t, c) })
	}
}

func runHostile(t *testing.T, c hostileCase) {
	dir := t.TempDir()
	subst := func(s string) string { return strings.ReplaceAll(s, "$D", dir) }
	for name, mk := range c.files {
		writeLazy(t, filepath.Join(dir, name), mk())
	}
	vars := map[string]string{"AWS_ACCESS_KEY_ID": exampleAccessKeyID, "AWS_SECRET_ACCESS_KEY": exampleSecretKey, "HOME": dir}
	for k, v := range c.env {
		vars[k] = subst(v)
	}
	args := make([]string, len(c.args))
	for i, a := range c.args {
		args[i] = subst(a)
	}
	stdin := io.Reader(strings.NewReader(""))
	if c.stdin != nil {
		stdin = c.stdin()
		if s, ok := stdin.(*strings.Reader); ok {
			b, _ := io.ReadAll(s)
			stdin = strings.NewReader(subst(string(b)))
		}
	}
	var out, errb bytes.Buffer
	e := &env{stdin: stdin, stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	type result struct {
		code  int
		panic any
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{panic: p}
			}
		}()
		done <- result{code: run(args, e)}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(hostileDeadline):
		t.Fatalf("no answer after %s: sigdiff hangs on this input", hostileDeadline)
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if r.panic != nil {
		t.Fatalf("panic: %v", r.panic)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	capBytes := c.alloc
	if capBytes == 0 {
		capBytes = defaultAllocCap
	}
	t.Logf("exit %d in %s, %.1f MiB allocated (cap %d MiB)", r.code, elapsed.Round(time.Millisecond), float64(allocated)/(1<<20), capBytes>>20)
	if allocated > capBytes {
		t.Errorf("allocated %.1f MiB, cap %d MiB", float64(allocated)/(1<<20), capBytes>>20)
	}
	checkOutcome(t, c, r.code, out.String(), errb.String())
}

// checkOutcome: exit 2 with one error line and hints only, or a report
// (exit 0 or 1) without an error line.
func checkOutcome(t *testing.T, c hostileCase, code int, stdout, stderr string) {
	t.Helper()
	show := func(s string) string {
		if len(s) > 2000 {
			return s[:2000] + "…"
		}
		return s
	}
	for _, a := range c.absent {
		if strings.Contains(stdout, a) || strings.Contains(stderr, a) {
			t.Errorf("output holds %q, which must never be printed", a)
		}
	}
	switch {
	case c.want == partial && code == exitInput:
		t.Fatalf("exit 2, want a partial result\nstderr: %s", show(stderr))
	case c.want >= 0 && code != c.want:
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.want, show(stdout), show(stderr))
	}
	switch code {
	case exitInput:
		if stdout != "" {
			t.Errorf("bad input, yet stdout holds %q", show(stdout))
		}
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		if !strings.HasPrefix(lines[0], "sigdiff: error: ") {
			t.Fatalf("stderr does not start with one error line: %q", show(stderr))
		}
		if len(lines[0]) > maxErrorLine {
			t.Errorf("error line of %d bytes: %q", len(lines[0]), show(lines[0]))
		}
		for _, l := range lines[1:] {
			if !strings.HasPrefix(l, "sigdiff: hint: ") {
				t.Errorf("stderr line after the error is not a hint: %q", show(l))
			}
		}
		t.Logf("%s", lines[0])
	case exitOK, exitMismatch:
		if strings.TrimSpace(stdout) == "" {
			t.Errorf("exit %d with nothing on stdout", code)
		}
		if strings.Contains(stderr, "sigdiff: error:") {
			t.Errorf("exit %d, yet stderr holds an error: %s", code, show(stderr))
		}
	default:
		t.Fatalf("exit %d is none of 0, 1, 2", code)
	}
}

// writeLazy streams r into a new file: the big inputs never sit in memory.
func writeLazy(t *testing.T, name string, r io.Reader) {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if _, err := io.Copy(w, r); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
