package clientlog

import (
	"bytes"
	"strings"
	"testing"
)

// repeatLog repeats a fixture to about n bytes: a long debug session.
func repeatLog(b testing.TB, name string, n int) []byte {
	one := readLog(b, name)
	return bytes.Repeat(one, max(1, n/len(one)))
}

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"boto3-session.log", "aws-sdk-go-v2-session.log", "curl-aws-sigv4-signature-mismatch.log", "s3cmd-ls-signature-mismatch.log", "aws-sdk-java-signature-mismatch.log", "rclone-dump.log"} {
		in := repeatLog(b, name, 8<<20)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				if _, err := Parse(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestParse_pathological feeds inputs shaped to make a careless reader
// quadratic: pprint-like lines that never close, signing blocks that never
// end, dumps without their END. Each must be read in about linear time
// (a quadratic reader would take minutes on these few megabytes).
func TestParse_pathological(t *testing.T) {
	for name, in := range map[string]string{
		"awscurl open dicts":  "'\\nCANONICAL REQUEST = GET'\n" + strings.Repeat("{'a': 'b',\n", 100000),
		"awscurl open lists":  "'\\nSTRING_TO_SIGN = X'\n" + strings.Repeat("['x',\n", 100000),
		"go sdk open blocks":  strings.Repeat("---[ CANONICAL STRING  ]-----------------------------\nGET\n", 100000),
		"s3cmd open blocks":   strings.Repeat("DEBUG: Canonical Request:\nGET\n", 100000),
		"minio without end":   strings.Repeat("---------START-HTTP---------\nGET / HTTP/1.1\r\n\r\n", 100000),
		"curl open brackets":  strings.Repeat("* aws_sigv4: Canonical request (enclosed in []) - [GET\n/\n", 100000),
		"botocore long block": "DEBUG:botocore.auth:CanonicalRequest:\n" + strings.Repeat("x-amz-meta-a:b\n", 100000),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse([]byte(in)); err != nil && !strings.Contains(err.Error(), "no signing") {
				t.Logf("%v", err)
			}
		})
	}
}
