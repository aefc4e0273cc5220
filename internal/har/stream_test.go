package har

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// writeBigHAR writes a HAR of n entries, each about 1 KiB (a Chrome-like
// head and a 500-byte response body), without ever holding it whole.
func writeBigHAR(w io.Writer, n int) error {
	body := strings.Repeat("x", 500)
	if _, err := io.WriteString(w, `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[],"entries":[`); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		sep := ","
		if i == 0 {
			sep = ""
		}
		status := 200
		if i%1000 == 999 {
			status = 403
		}
		_, err := fmt.Fprintf(w, `%s{"_resourceType":"fetch","startedDateTime":"2024-05-24T00:00:00.000Z","request":{"method":"GET","url":"https://examplebucket.s3.amazonaws.com/photos/%d.jpg","httpVersion":"HTTP/1.1","headers":[{"name":"Host","value":"examplebucket.s3.amazonaws.com"},{"name":"x-amz-date","value":"20130524T000000Z"},{"name":"Authorization","value":"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=%064d"}],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},"response":{"status":%d,"statusText":"","httpVersion":"HTTP/1.1","headers":[{"name":"Content-Type","value":"image/jpeg"}],"content":{"size":500,"mimeType":"image/jpeg","text":"%s"}},"cache":{},"timings":{"send":0,"wait":1,"receive":0}}`, sep, i, i, status, body)
		if err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "]}}\n")
	return err
}

// TestScan_constantMemory streams 100,000 entries (about 100 MB) through
// Scan and checks that the heap never holds more than a few megabytes: the
// file is decoded one entry at a time, never as one tree.
func TestScan_constantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 100 MB")
	}
	const n = 100000
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeBigHAR(pw, n)) }()
	var peak uint64
	count := 0
	_, err := Scan(pr, func(e *Entry) error {
		count++
		if count%20000 == 0 {
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if count != n {
		t.Fatalf("scanned %d entries, want %d", count, n)
	}
	if peak > 16<<20 {
		t.Errorf("live heap reached %d bytes while scanning; Scan must not keep entries", peak)
	}
	t.Logf("100,000 entries scanned; live heap at most %.1f MiB", float64(peak)/(1<<20))
}

func BenchmarkScan(b *testing.B) {
	var sb strings.Builder
	if err := writeBigHAR(&sb, 2000); err != nil {
		b.Fatal(err)
	}
	in := sb.String()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Scan(strings.NewReader(in), func(*Entry) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRead_failures(b *testing.B) {
	var sb strings.Builder
	if err := writeBigHAR(&sb, 2000); err != nil {
		b.Fatal(err)
	}
	in := []byte(sb.String())
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		h, err := Parse(in)
		if err != nil {
			b.Fatal(err)
		}
		_ = Failures(h)
	}
}
