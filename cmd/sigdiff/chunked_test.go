package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerify_chunked runs verify over the aws-chunked fixtures of
// testdata/chunked (byte-exact CR LF bodies, which a txtar cannot hold):
// the seed, every chunk's signature, the lengths and the trailer.
func TestVerify_chunked(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "chunked")
	tests := []struct {
		head, body, secret string
		status             int
		want               string
	}{
		{"signed.http", "signed.body", exampleSecretKey, 0, "aws-chunked body: all 3 chunks verified, 9000 payload bytes in 9263 body bytes"},
		{"signed-trailer.http", "signed-trailer.body", exampleSecretKey, 0, "all 3 chunks verified"},
		{"unsigned-trailer.http", "unsigned-trailer.body", exampleSecretKey, 0, "all 3 chunks verified"},
		{"signed.http", "signed-chain-broken.body", exampleSecretKey, 1, "chunk 2 at byte 8281"},
		{"signed.http", "signed-truncated.body", exampleSecretKey, 1, "cause chunk-length"},
		{"signed-decoded-length.http", "signed-decoded-length.body", exampleSecretKey, 1, "cause chunk-length"},
		{"signed-trailer.http", "signed-trailer-bad-signature.body", exampleSecretKey, 1, "cause chunk-signature-chain"},
		{"unsigned-trailer.http", "unsigned-trailer-bad-checksum.body", exampleSecretKey, 1, "cause checksum-trailer"},
		{"unsigned-trailer.http", "unsigned-trailer-oversize.body", exampleSecretKey, 1, "cause chunk-length"},
		{"signed.http", "signed.body", "not-the-secret", 1, "sigdiff verify: mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.body+"/"+tt.secret[:3], func(t *testing.T) {
			vars := map[string]string{"AWS_ACCESS_KEY_ID": exampleAccessKeyID, "AWS_SECRET_ACCESS_KEY": tt.secret, "HOME": t.TempDir()}
			var out, errb bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
			code := run([]string{"verify", "--color", "never", "--request", filepath.Join(dir, tt.head), "--body", filepath.Join(dir, tt.body)}, e)
			if code != tt.status {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.status, out.String(), errb.String())
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out.String())
			}
			if strings.Contains(out.String()+errb.String(), "not-the-secret") {
				t.Error("the secret was printed")
			}
		})
	}
}
