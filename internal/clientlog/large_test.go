package clientlog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/s3error"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// Large logs, generated: a session of n requests as botocore and
// aws-sdk-go-v2 log it at DEBUG, every fourth refused with a
// SignatureDoesNotMatch body that carries both byte dumps (the largest
// records of a real log), the others answered 200 with an empty body or a
// small listing. Hashes and signatures differ per request, so that no
// reader can get away with caching a repeated record.

// genKey is the object key of request i.
func genKey(i int) string { return fmt.Sprintf("photos/2024/%05d report.txt", i) }

func hexSum(parts ...any) string {
	h := sha256.Sum256([]byte(fmt.Sprint(parts...)))
	return hex.EncodeToString(h[:])
}

// genSigning returns request i's canonical request, string to sign and
// signature, SigV4 as a client computes them (the values are not a real
// signature: no reader checks one).
func genSigning(i int, method, path, query string, headers [][2]string, payload string) (cr, sts, sig string) {
	var b strings.Builder
	b.WriteString(method + "\n" + path + "\n" + query + "\n")
	var names []string
	for _, h := range headers {
		b.WriteString(h[0] + ":" + h[1] + "\n")
		names = append(names, h[0])
	}
	b.WriteString("\n" + strings.Join(names, ";") + "\n" + payload)
	cr = b.String()
	sts = "AWS4-HMAC-SHA256\n20261128T084232Z\n20261128/us-east-1/s3/aws4_request\n" + hexSum(cr)
	return cr, sts, hexSum("sig", i, sts)
}

// genErrorXML is S3's SignatureDoesNotMatch body for a request whose
// server-side canonical request differs from the client's in one header.
func genErrorXML(i int, sts, cr, sig string) string {
	srvCR := strings.Replace(cr, "host:", "host:x", 1)
	srvSTS := sts[:strings.LastIndexByte(sts, '\n')+1] + hexSum(srvCR)
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>` +
		`<AWSAccessKeyId>AKIAIOSFODNN7EXAMPLE</AWSAccessKeyId><StringToSign>` + srvSTS + `</StringToSign><SignatureProvided>` + sig + `</SignatureProvided>` +
		`<StringToSignBytes>` + s3error.EncodeDump([]byte(srvSTS)) + `</StringToSignBytes><CanonicalRequest>` + srvCR + `</CanonicalRequest>` +
		`<CanonicalRequestBytes>` + s3error.EncodeDump([]byte(srvCR)) + `</CanonicalRequestBytes>` +
		fmt.Sprintf(`<RequestId>%016X</RequestId><HostId>%s=</HostId></Error>`, i, hexSum("host", i)[:56])
}

// pyBytesRepr writes s as Python's repr of bytes (b'…'), as botocore logs a
// response body.
func pyBytesRepr(s string) string {
	var b strings.Builder
	b.WriteString("b'")
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\'' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

const genListing = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>examplebucket</Name><Prefix>photos/</Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>photos/2024/00001 report.txt</Key><LastModified>2026-11-28T08:42:32.000Z</LastModified><ETag>&quot;5d41402abc4b2a76b9719d911017c592&quot;</ETag><Size>21</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>`

// genRequest is request i of a session: a PUT, a GET or a listing.
type genRequest struct {
	i                     int
	method, path, query   string
	headers               [][2]string // signed, in canonical order
	body                  string      // request body
	payload               string      // x-amz-content-sha256
	cr, sts, sig          string
	status                int
	respBody, contentType string
}

func newGenRequest(i int) genRequest {
	const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	r := genRequest{i: i, payload: empty, status: 200}
	key := strings.ReplaceAll(genKey(i), " ", "%20")
	date := [2]string{"x-amz-date", "20261128T084232Z"}
	switch i % 3 {
	case 0:
		r.method, r.path = "PUT", "/examplebucket/"+key
		r.body = fmt.Sprintf("hello from request %d\n", i)
		r.payload = hexSum(r.body)
		r.headers = [][2]string{{"content-type", "text/plain"}, {"host", "127.0.0.1:18080"}, {"x-amz-content-sha256", r.payload}, date, {"x-amz-meta-reviewed", "yes"}}
	case 1:
		r.method, r.path = "GET", "/examplebucket/"+key
		r.headers = [][2]string{{"host", "127.0.0.1:18080"}, {"x-amz-checksum-mode", "ENABLED"}, {"x-amz-content-sha256", empty}, date}
	default:
		r.method, r.path, r.query = "GET", "/examplebucket", "encoding-type=url&list-type=2&prefix=photos%2F"
		r.headers = [][2]string{{"host", "127.0.0.1:18080"}, {"x-amz-content-sha256", empty}, date}
		r.respBody, r.contentType = genListing, "application/xml"
	}
	r.cr, r.sts, r.sig = genSigning(i, r.method, r.path, r.query, r.headers, r.payload)
	if i%4 == 3 {
		r.status, r.respBody, r.contentType = 403, genErrorXML(i, r.sts, r.cr, r.sig), "application/xml"
	}
	return r
}

func (r genRequest) url() string {
	u := "http://127.0.0.1:18080" + r.path
	if r.query != "" {
		u += "?" + r.query
	}
	return u
}

// genBotocore writes a botocore DEBUG log (logging's default format with
// a timestamp, as the aws cli writes it) of about size bytes.
func genBotocore(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 8<<10)
	for i := 0; b.Len() < size; i++ {
		r := newGenRequest(i)
		ts := fmt.Sprintf("2026-11-28 08:%02d:%02d,%03d", i/3600%60, i/60%60, i%1000)
		op := map[string]string{"PUT": "PutObject", "GET": "GetObject"}[r.method]
		for _, h := range []string{"validate_ascii_metadata at 0x7feb459c0900", "sse_md5 at 0x7feb45987ba0", "validate_bucket_name at 0x7feb45987b00", "generate_idempotent_uuid at 0x7feb45987920", "add_recursion_detection_header at 0x7feb45986700"} {
			fmt.Fprintf(&b, "%s botocore.hooks [DEBUG] Event before-parameter-build.s3.%s: calling handler <function %s>\n", ts, op, h)
		}
		body := "<_io.BytesIO object at 0x7feb44ba2d90>"
		if r.method == "PUT" {
			body = pyBytesRepr(r.body)
		}
		fmt.Fprintf(&b, "%s botocore.endpoint [DEBUG] Making request for OperationModel(name=%s) with params: {'url_path': '%s', 'query_string': {}, 'method': '%s', 'headers': {'User-Agent': 'Boto3/1.43.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.18.44 lang/python#3.11.7 Botocore/1.43.11'}, 'body': %s, 'auth_path': '%s', 'url': '%s', 'context': {'client_region': 'us-east-1', 'has_streaming_input': True, 'auth_type': 'v4', 'signing': {'region': 'us-east-1', 'signing_name': 's3', 'disableDoubleEncoding': True}}}\n",
			ts, op, r.path, r.method, body, r.path, r.url())
		fmt.Fprintf(&b, "%s botocore.auth [DEBUG] Calculating signature using v4 auth.\n", ts)
		fmt.Fprintf(&b, "%s botocore.auth [DEBUG] CanonicalRequest:\n%s\n", ts, r.cr)
		fmt.Fprintf(&b, "%s botocore.auth [DEBUG] StringToSign:\n%s\n", ts, r.sts)
		fmt.Fprintf(&b, "%s botocore.auth [DEBUG] Signature:\n%s\n", ts, r.sig)
		var hs []string
		for _, h := range r.headers {
			if h[0] != "host" {
				hs = append(hs, fmt.Sprintf("'%s': b'%s'", h[0], h[1]))
			}
		}
		hs = append(hs, "'Authorization': b'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/s3/aws4_request, SignedHeaders="+signedNames(r.headers)+", Signature="+r.sig+"'")
		fmt.Fprintf(&b, "%s botocore.endpoint [DEBUG] Sending http request: <AWSPreparedRequest stream_output=False, method=%s, url=%s, headers={%s}>\n", ts, r.method, r.url(), strings.Join(hs, ", "))
		target := r.path
		if r.query != "" {
			target += "?" + r.query
		}
		fmt.Fprintf(&b, "%s urllib3.connectionpool [DEBUG] http://127.0.0.1:18080 \"%s %s HTTP/1.1\" %d %d\n", ts, r.method, target, r.status, len(r.respBody))
		fmt.Fprintf(&b, "%s botocore.parsers [DEBUG] Response headers: {'Server': 'AmazonS3', 'Date': 'Sat, 28 Nov 2026 08:42:32 GMT', 'x-amz-request-id': '%016X', 'Content-Type': '%s', 'Content-Length': '%d'}\n", ts, r.i, r.contentType, len(r.respBody))
		fmt.Fprintf(&b, "%s botocore.parsers [DEBUG] Response body:\n%s\n", ts, pyBytesRepr(r.respBody))
		fmt.Fprintf(&b, "%s botocore.hooks [DEBUG] Event needs-retry.s3.%s: calling handler <function _update_status_code at 0x7feb459c2660>\n", ts, op)
	}
	return b.Bytes()
}

func signedNames(hs [][2]string) string {
	var n []string
	for _, h := range hs {
		n = append(n, h[0])
	}
	return strings.Join(n, ";")
}

// genGoSDKv2 writes an aws-sdk-go-v2 log (ClientLogMode LogSigning |
// LogRequestWithBody | LogResponseWithBody) of about size bytes.
func genGoSDKv2(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 8<<10)
	for i := 0; b.Len() < size; i++ {
		r := newGenRequest(i)
		ts := fmt.Sprintf("SDK 2026/11/28 08:%02d:%02d", i/60%60, i%60)
		fmt.Fprintf(&b, "%s DEBUG Request Signature:\n%s\n%s\n%s\n%s\n%s\n", ts, bannerCR, r.cr, bannerSTS, r.sts, bannerEnd)
		target := r.path
		if r.query != "" {
			target += "?" + r.query
		}
		fmt.Fprintf(&b, "%s DEBUG Request\n%s %s HTTP/1.1\r\nHost: 127.0.0.1:18080\r\nUser-Agent: aws-sdk-go-v2/1.48.0 os/linux lang/go#1.26 api/s3#1.80.0\r\n", ts, r.method, target)
		if r.body != "" {
			fmt.Fprintf(&b, "Content-Length: %d\r\n", len(r.body))
		}
		fmt.Fprintf(&b, "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/s3/aws4_request, SignedHeaders=%s, Signature=%s\r\n", signedNames(r.headers), r.sig)
		for _, h := range r.headers {
			if h[0] != "host" {
				fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
			}
		}
		fmt.Fprintf(&b, "Accept-Encoding: gzip\r\n\r\n%s\n", r.body)
		reason := map[int]string{200: "OK", 403: "Forbidden"}[r.status]
		fmt.Fprintf(&b, "%s DEBUG Response\nHTTP/1.1 %d %s\r\nContent-Length: %d\r\n", ts, r.status, reason, len(r.respBody))
		if r.contentType != "" {
			fmt.Fprintf(&b, "Content-Type: %s\r\n", r.contentType)
		}
		fmt.Fprintf(&b, "Date: Sat, 28 Nov 2026 08:43:25 GMT\r\nServer: AmazonS3\r\nX-Amz-Request-Id: %016X\r\n\r\n%s\n", r.i, r.respBody)
	}
	return b.Bytes()
}

var largeLogs = []struct {
	name   string
	format string
	gen    func(int) []byte
}{
	{"botocore", FormatBotocore, genBotocore},
	{"aws-sdk-go-v2", FormatAWSSDKGoV2, genGoSDKv2},
}

// parseAndFail is what the command does with a log: read it, then
// diagnose every refused exchange.
func parseAndFail(tb testing.TB, in []byte) (*Log, []Failure) {
	l, err := Parse(in)
	if err != nil {
		tb.Fatal(err)
	}
	return l, l.Failures()
}

// BenchmarkParse_large reads generated logs of 1 and 16 MiB and reports,
// besides time and B/op, the allocation per input byte (alloc/in) and the
// heap peak over the start (peak-MiB), measured in a run of its own.
// Time per MB and alloc/in should not grow with the size.
func BenchmarkParse_large(b *testing.B) {
	for _, lg := range largeLogs {
		for _, size := range []int{1 << 20, 16 << 20} {
			in := lg.gen(size)
			b.Run(fmt.Sprintf("%s/%dMiB", lg.name, size>>20), func(b *testing.B) {
				testenv.BenchInput(b, len(in), func() { parseAndFail(b, in) })
			})
		}
	}
}

// TestParse_allocationBound reads a 4 MiB log of each generated kind, as
// the command does (Parse, then Failures), and fails when that allocates
// more than allocPerByte times the input plus allocSlack. The readers
// allocated 8 to 9 times their input before the work of issue 9 (a copy
// of every Python literal, events collected before pairing, append's
// growth, an XML tree per error body); they now allocate 3 to 4 times
// (BenchmarkParse_large measures it): the input as a string, the lines,
// what the exchanges keep, and each refused body's reading.
func TestParse_allocationBound(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	const (
		size         = 4 << 20
		allocPerByte = 5
		allocSlack   = 1 << 20
	)
	for _, lg := range largeLogs {
		t.Run(lg.name, func(t *testing.T) {
			in := lg.gen(size)
			var l *Log
			var fs []Failure
			n := testenv.Allocated(func() { l, fs = parseAndFail(t, in) })
			if l.Format != lg.format || len(fs) != len(l.Exchanges)/4 || len(fs) == 0 {
				t.Fatalf("read as %s: %d exchanges, %d failures; want %s, every fourth exchange refused", l.Format, len(l.Exchanges), len(fs), lg.format)
			}
			limit := uint64(allocPerByte*len(in) + allocSlack)
			t.Logf("%d bytes, %d exchanges, %d refused: %.1f MiB allocated, %.2f per input byte (limit %.1f MiB)",
				len(in), len(l.Exchanges), len(fs), float64(n)/(1<<20), float64(n)/float64(len(in)), float64(limit)/(1<<20))
			if n > limit {
				t.Errorf("allocated %d bytes for %d bytes of log, more than %d×%d+%d", n, len(in), allocPerByte, len(in), allocSlack)
			}
		})
	}
}
