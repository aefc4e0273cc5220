package har

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/s3error"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// A large HAR, generated: a Chrome export of a web app talking to S3 —
// listings, object GETs with image bodies (base64, as Chrome exports
// binary content), PUT uploads with their body in postData, POST policy
// uploads (multipart form), and every fifth request refused with a
// SignatureDoesNotMatch body carrying both byte dumps, every other one of
// those base64-encoded as Firefox may export it. Values differ per entry.

func hexSum(parts ...any) string {
	h := sha256.Sum256([]byte(fmt.Sprint(parts...)))
	return hex.EncodeToString(h[:])
}

func genErrorBody(i int, cr string) string {
	sts := "AWS4-HMAC-SHA256\n20261128T084232Z\n20261128/us-east-1/s3/aws4_request\n" + hexSum(cr)
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>` +
		`<AWSAccessKeyId>AKIAIOSFODNN7EXAMPLE</AWSAccessKeyId><StringToSign>` + sts + `</StringToSign><SignatureProvided>` + hexSum("sig", i) + `</SignatureProvided>` +
		`<StringToSignBytes>` + s3error.EncodeDump([]byte(sts)) + `</StringToSignBytes><CanonicalRequest>` + cr + `</CanonicalRequest>` +
		`<CanonicalRequestBytes>` + s3error.EncodeDump([]byte(cr)) + `</CanonicalRequestBytes>` +
		fmt.Sprintf(`<RequestId>%016X</RequestId><HostId>%s=</HostId></Error>`, i, hexSum("host", i)[:56])
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// genHAR writes a HAR of about size bytes.
func genHAR(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 64<<10)
	b.WriteString(`{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[{"startedDateTime":"2026-11-28T08:42:32.000Z","id":"page_1","title":"https://app.example.com/","pageTimings":{}}],"entries":[`)
	img := make([]byte, 3000)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		key := fmt.Sprintf("photos/2026/%05d.jpg", i)
		date := "20261128T084232Z"
		method, query, mime := "GET", "", "image/jpeg"
		var post any
		status := 200
		switch i % 5 {
		case 1:
			key, query, mime = "", "list-type=2&prefix=photos%2F", "application/xml"
		case 2:
			method = "PUT"
			post = map[string]any{"mimeType": "text/plain", "text": strings.Repeat(fmt.Sprintf("line %d of the upload\n", i), 20)}
		case 3:
			method, key, mime = "POST", "", "text/html"
			boundary := "----WebKitFormBoundary" + hexSum("b", i)[:16]
			var form strings.Builder
			for _, f := range [][2]string{{"key", "uploads/${filename}"}, {"x-amz-algorithm", "AWS4-HMAC-SHA256"}, {"x-amz-credential", "AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/s3/aws4_request"}, {"x-amz-date", date}, {"policy", base64.StdEncoding.EncodeToString([]byte(`{"expiration":"2026-11-29T00:00:00Z","conditions":[{"bucket":"examplebucket"}]}`))}, {"x-amz-signature", hexSum("post", i)}} {
				fmt.Fprintf(&form, "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n", boundary, f[0], f[1])
			}
			fmt.Fprintf(&form, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--%s--\r\n", boundary, boundary)
			post = map[string]any{"mimeType": "multipart/form-data; boundary=" + boundary, "text": form.String()}
		case 4:
			status = 403
		}
		path := "/examplebucket/" + key
		url := "https://s3.amazonaws.com" + path
		if query != "" {
			url += "?" + query
		}
		payload := "UNSIGNED-PAYLOAD"
		cr := fmt.Sprintf("%s\n%s\n%s\nhost:s3.amazonaws.com\nx-amz-content-sha256:%s\nx-amz-date:%s\n\nhost;x-amz-content-sha256;x-amz-date\n%s", method, path, query, payload, date, payload)
		headers := []harNV{
			{":authority", "s3.amazonaws.com"}, {":method", method}, {":path", strings.TrimPrefix(url, "https://s3.amazonaws.com")}, {":scheme", "https"},
			{"accept", "*/*"}, {"accept-encoding", "gzip, deflate, br"}, {"accept-language", "en-US,en;q=0.9"}, {"origin", "https://app.example.com"},
			{"referer", "https://app.example.com/"}, {"sec-fetch-mode", "cors"}, {"user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
			{"x-amz-content-sha256", payload}, {"x-amz-date", date},
			{"authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + hexSum("sig", i)},
		}
		content := map[string]any{"size": 0, "mimeType": mime}
		switch {
		case status == 403:
			body := genErrorBody(i, cr)
			content = map[string]any{"size": len(body), "mimeType": "application/xml", "text": body}
			if i%10 == 9 {
				content["text"], content["encoding"] = base64.StdEncoding.EncodeToString([]byte(body)), "base64"
			}
		case mime == "image/jpeg" && method == "GET":
			for k := range img {
				img[k] = byte(i + k*7)
			}
			content = map[string]any{"size": len(img), "mimeType": mime, "text": base64.StdEncoding.EncodeToString(img), "encoding": "base64"}
		case mime == "application/xml":
			listing := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>examplebucket</Name><Prefix>photos/</Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>` + key + `</Key><Size>3000</Size></Contents></ListBucketResult>`
			content = map[string]any{"size": len(listing), "mimeType": mime, "text": listing}
		}
		entry := map[string]any{
			"_initiator": map[string]any{"type": "script", "stack": map[string]any{"callFrames": []map[string]any{{"functionName": "upload", "url": "https://app.example.com/app.js", "lineNumber": 120 + i%50, "columnNumber": 17}}}},
			"_priority":  "High", "_resourceType": "fetch", "cache": map[string]any{}, "connection": "443", "pageref": "page_1",
			"request": map[string]any{"method": method, "url": url, "httpVersion": "http/2.0", "headers": headers, "queryString": []harNV{}, "cookies": []harNV{}, "headersSize": -1, "bodySize": 0, "postData": post},
			"response": map[string]any{"status": status, "statusText": "", "httpVersion": "http/2.0",
				"headers": []harNV{{"content-type", content["mimeType"].(string)}, {"date", "Sat, 28 Nov 2026 08:42:32 GMT"}, {"server", "AmazonS3"}, {"x-amz-request-id", fmt.Sprintf("%016X", i)}, {"x-amz-id-2", hexSum("id2", i)}},
				"cookies": []harNV{}, "content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1, "_transferSize": 800},
			"serverIPAddress": "52.216.0.1", "startedDateTime": "2026-11-28T08:42:32.000Z", "time": 42.5,
			"timings": map[string]any{"blocked": 0.5, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 40, "receive": 1.9},
		}
		if post == nil {
			delete(entry["request"].(map[string]any), "postData")
		}
		e, err := json.Marshal(entry)
		if err != nil {
			panic(err)
		}
		b.Write(e)
	}
	b.WriteString("]}}\n")
	return b.Bytes()
}

// parseAndFail is what the command does with a HAR: read it, then
// diagnose every refused entry.
func parseAndFail(tb testing.TB, in []byte) (*HAR, []Failure) {
	h, err := Parse(in)
	if err != nil {
		tb.Fatal(err)
	}
	return h, Failures(h)
}

// BenchmarkParse_large reads generated HARs of 1 and 16 MiB and reports,
// besides time and B/op, the allocation per input byte (alloc/in) and the
// heap peak over the start (peak-MiB), measured in a run of its own.
func BenchmarkParse_large(b *testing.B) {
	for _, size := range []int{1 << 20, 16 << 20} {
		in := genHAR(size)
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			testenv.BenchInput(b, len(in), func() { parseAndFail(b, in) })
		})
	}
}

// TestParse_allocationBound reads a 4 MiB export as the command does
// (Parse, then Failures) and fails when that allocates more than
// allocPerByte times the input plus allocSlack. It allocated 4.8 times its
// input before the work of issue 9 (an XML tree and copies per refused
// body in s3error, header slices grown by append, a decoder per size
// field); it now allocates about 3.2 times (BenchmarkParse_large measures
// it): the strings encoding/json decodes, the entries, each refused
// body's reading.
func TestParse_allocationBound(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	const (
		size         = 4 << 20
		allocPerByte = 4
		allocSlack   = 512 << 10
	)
	in := genHAR(size)
	var h *HAR
	var fs []Failure
	n := testenv.Allocated(func() { h, fs = parseAndFail(t, in) })
	if len(fs) != len(h.Entries)/5 || len(fs) == 0 {
		t.Fatalf("%d entries, %d failures; want every fifth entry refused", len(h.Entries), len(fs))
	}
	limit := uint64(allocPerByte*len(in) + allocSlack)
	t.Logf("%d bytes, %d entries, %d refused: %.1f MiB allocated, %.2f per input byte (limit %.1f MiB)",
		len(in), len(h.Entries), len(fs), float64(n)/(1<<20), float64(n)/float64(len(in)), float64(limit)/(1<<20))
	if n > limit {
		t.Errorf("allocated %d bytes for %d bytes of HAR, more than %d×%d+%d", n, len(in), allocPerByte, len(in), allocSlack)
	}
}
