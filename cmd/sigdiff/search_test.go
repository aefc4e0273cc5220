package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The S3 documentation's GET Object example, as the server canonicalized it.
const docCR = "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func signingKey(secret, date, region string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	for _, p := range []string{region, "s3", "aws4_request"} {
		k = hmacSHA256(k, p)
	}
	return k
}

func docSTS(last string) string {
	return "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n" + last
}

func hexDump(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%02x ", s[i])
	}
	return strings.TrimSpace(b.String())
}

func errorBody(t *testing.T, sig string) string {
	sum := sha256.Sum256([]byte(docCR))
	sts := docSTS(hex.EncodeToString(sum[:]))
	xml := "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message><AWSAccessKeyId>" + exampleAccessKeyID +
		"</AWSAccessKeyId><StringToSign>" + sts + "</StringToSign><SignatureProvided>" + sig + "</SignatureProvided><StringToSignBytes>" + hexDump(sts) +
		"</StringToSignBytes><CanonicalRequest>" + docCR + "</CanonicalRequest><CanonicalRequestBytes>" + hexDump(docCR) + "</CanonicalRequestBytes></Error>"
	p := filepath.Join(t.TempDir(), "error.xml")
	if err := os.WriteFile(p, []byte(xml), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCheck_searchReproduces: with the key, check searches the known
// client mistakes; each case plants one in the client's signature and the
// report must name its cause first, as reproduced.
func TestCheck_searchReproduces(t *testing.T) {
	sum := sha256.Sum256([]byte(docCR))
	correct := docSTS(hex.EncodeToString(sum[:]))
	tests := []struct{ name, sig, want string }{
		{"secret read with its newline", hex.EncodeToString(hmacSHA256(signingKey(exampleSecretKey+"\n", "20130524", "us-east-1"), correct)), "secret-key-polluted"},
		{"key derived for another region", hex.EncodeToString(hmacSHA256(signingKey(exampleSecretKey, "20130524", "eu-west-1"), correct)), "signing-key-derivation"},
		{"canonical request not hashed", hex.EncodeToString(hmacSHA256(signingKey(exampleSecretKey, "20130524", "us-east-1"), docSTS(docCR))), "sts-not-hashed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runWithKey(t, "check", "--color", "never", errorBody(t, tt.sig))
			if code != 1 {
				t.Fatalf("exit %d\n%s%s", code, out, errs)
			}
			if !strings.Contains(out, "most likely: "+tt.want+" (reproduced)") || !strings.Contains(out, "reproduced the signature sent") {
				t.Errorf("want %s reproduced first:\n%s", tt.want, out)
			}
		})
	}
	t.Run("off", func(t *testing.T) {
		_, out, _ := runWithKey(t, "check", "--search", "off", errorBody(t, tests[0].sig))
		if strings.Contains(out, "(reproduced)") {
			t.Errorf("--search off still searched:\n%s", out)
		}
	})
}
