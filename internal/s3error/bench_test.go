package s3error

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// adversarial are inputs built to defeat the linear bounds: many tags,
// unclosed elements, escapes, keys, bodies and a dump unrelated to its text.
func adversarial(n int) map[string]string {
	unit := func(s string) string { return strings.Repeat(s, n/len(s)+1)[:n] }
	return map[string]string{
		"tags":           unit("<a>"),
		"unclosed":       "<Error>" + unit("<Code>x<StringToSign>y"),
		"errors":         unit("<Error><Code>"),
		"backslashes":    "\"<Error>" + unit(`\\\n\"`),
		"quotes":         "<?xml" + unit(`'b'"c" +`),
		"keys":           unit("Code: x\nStringToSign: y\n"),
		"prefixes":       unit("> ## $ 2024-05-01 10:00:00 DEBUG <Code>\n"),
		"chunks":         "HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n" + unit("1\r\n<\r\n"),
		"unrelated dump": "<Error><Code>C</Code><CanonicalRequest>" + unit("ab") + "</CanonicalRequest><CanonicalRequestBytes>" + unit("63 64 ") + "</CanonicalRequestBytes></Error>",
		"wrapped":        unit(strings.Repeat("x", 79) + "\n"),
		"log":            unit("2024-05-01 10:00:00,123 - MainThread - botocore.endpoint - DEBUG - Sending http request: <AWSPreparedRequest stream_output=False, method=GET>\n") + renderXML(bases()["aws-sigv4"]),
	}
}

// TestParse_adversarialBounded guards against a step that is not linear:
// every adversarial input of 4 MiB parses in well under the watchdog.
func TestParse_adversarialBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	for name, in := range adversarial(2 << 20) {
		start := time.Now()
		_, _ = Parse([]byte(in))
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%s: %v for 2 MiB", name, d)
		} else {
			t.Logf("%s: %v for 2 MiB", name, d)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	fu, err := os.ReadFile(filepath.Join(bodiesDir, "aws-sigv4.fineuploader.xml"))
	if err != nil {
		b.Fatal(err)
	}
	inputs := map[string][]byte{"fineuploader": fu}
	for name, s := range adversarial(1 << 20) {
		inputs["1MiB-"+name] = []byte(s)
	}
	for name, in := range inputs {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for i := 0; i < b.N; i++ {
				_, _ = Parse(in)
			}
		})
	}
}
