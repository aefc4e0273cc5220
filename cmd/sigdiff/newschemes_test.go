package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/testenv"
)

func runEnv(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	vars["HOME"] = t.TempDir()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	return run(args, e), out.String(), errb.String()
}

// TestVerify_gcsRSA verifies Google's conformance signed URLs from the
// command line with the test service account (--gcs-key), and refuses
// them once a signed part changed.
func TestVerify_gcsRSA(t *testing.T) {
	dir := testenv.Shared(t, "vectors", "gcs")
	keyFile := filepath.Join(dir, "test_service_account.not-a-test.json")
	data, err := os.ReadFile(filepath.Join(dir, "v4_signatures.json"))
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Tests []struct {
			Description string `json:"description"`
			ExpectedURL string `json:"expectedUrl"`
			Method      string `json:"method"`
			Headers     map[string]string
		} `json:"signingV4Tests"`
	}
	if err := json.Unmarshal(data, &suite); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tc := range suite.Tests {
		if tc.Method != "GET" || len(tc.Headers) > 0 || !strings.HasPrefix(tc.ExpectedURL, "https://storage.googleapis.com/") {
			continue // the rest need headers or a method a URL file does not carry
		}
		n++
		t.Run(tc.Description, func(t *testing.T) {
			url := filepath.Join(t.TempDir(), "signed.url")
			os.WriteFile(url, []byte(tc.ExpectedURL), 0o644)
			code, out, errs := runEnv(t, map[string]string{}, "verify", "--gcs-key", keyFile, "--request", url)
			if code != 0 || !strings.HasPrefix(out, "sigdiff verify: match") || !strings.Contains(out, "GOOG4-RSA-SHA256") {
				t.Fatalf("exit %d\n%s%s", code, out, errs)
			}
			if strings.Contains(out+errs, "PRIVATE KEY") {
				t.Fatal("the private key was printed")
			}
			os.WriteFile(url, []byte(strings.Replace(tc.ExpectedURL, "storage.googleapis.com", "storage.example.com", 1)), 0o644)
			if code, out, _ := runEnv(t, map[string]string{}, "verify", "--gcs-key", keyFile, "--request", url); code != 1 || !strings.HasPrefix(out, "sigdiff verify: mismatch") {
				t.Errorf("changed host: exit %d\n%s", code, out)
			}
		})
	}
	if n < 3 {
		t.Errorf("only %d plain GET cases", n)
	}
}

// TestVerify_sigv4a verifies the SigV4A suite's signed requests (ECDSA:
// verified with the key derived from the access key pair, never compared).
func TestVerify_sigv4a(t *testing.T) {
	root := testenv.Shared(t, "vectors", "aws-sig-v4a", "v4a")
	for _, c := range []string{"get-vanilla", "post-header-key-case"} {
		t.Run(c, func(t *testing.T) {
			var ctx struct {
				Credentials struct {
					AccessKeyID     string `json:"access_key_id"`
					SecretAccessKey string `json:"secret_access_key"`
				} `json:"credentials"`
			}
			data, err := os.ReadFile(filepath.Join(root, c, "context.json"))
			if err != nil {
				t.Fatal(err)
			}
			json.Unmarshal(data, &ctx)
			vars := map[string]string{"AWS_ACCESS_KEY_ID": ctx.Credentials.AccessKeyID, "AWS_SECRET_ACCESS_KEY": ctx.Credentials.SecretAccessKey}
			req := filepath.Join(root, c, "header-signed-request.txt")
			code, out, errs := runEnv(t, vars, "verify", "--request", req)
			if code != 0 || !strings.HasPrefix(out, "sigdiff verify: match") {
				t.Fatalf("exit %d\n%s%s", code, out, errs)
			}
			vars = map[string]string{"AWS_ACCESS_KEY_ID": ctx.Credentials.AccessKeyID, "AWS_SECRET_ACCESS_KEY": "wrong"}
			if code, out, _ := runEnv(t, vars, "verify", "--request", req); code != 1 {
				t.Errorf("wrong key: exit %d\n%s", code, out)
			}
		})
	}
}

// otherRSAKey writes a freshly generated RSA key as PEM: a "wrong key".
func otherRSAKey(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "other.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	if err := os.WriteFile(p, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGCS_explainVerify signs with the conformance tests' service account
// from the command line (GOOG4-RSA-SHA256 and V2 signed URLs), verifies
// the URLs it made, and refuses them with another key or a changed host.
func TestGCS_explainVerify(t *testing.T) {
	keyFile := filepath.Join(testenv.Shared(t, "vectors", "gcs"), "test_service_account.not-a-test.json")
	other := otherRSAKey(t)
	req := filepath.Join(t.TempDir(), "unsigned.txt")
	os.WriteFile(req, []byte("GET /test-bucket/test-object HTTP/1.1\nHost: storage.googleapis.com\n\n"), 0o644)
	for _, tc := range []struct {
		name     string
		args     []string
		want     string
		from, to string // a signed part changed after signing
	}{
		// Google's conformance case "Simple GET", reproduced byte for byte.
		{"v4 rsa", []string{"--scheme", "gcs-v4-rsa", "--time", "20190201T090000Z", "--presign", "--expires", "10"}, "X-Goog-Signature=95e6a13d43a1d1962e667f17397f2b80", "storage.googleapis.com", "storage.example.com"},
		// V2 signs the verb, MD5, type, Expires and the resource, not the host.
		{"v2", []string{"--scheme", "gcs-v2", "--presign", "--expires", "1549011600"}, "GoogleAccessId=test-iam-credentials%40dummy-project-id.iam.gserviceaccount.com&Expires=1549011600&Signature=", "Expires=1549011600", "Expires=1549011601"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"explain", "--json", "--gcs-key", keyFile, "--request", req}, tc.args...)
			code, out, errs := runEnv(t, map[string]string{}, args...)
			if code != 0 || !strings.Contains(out, tc.want) {
				t.Fatalf("exit %d\n%s%s", code, out, errs)
			}
			var d struct {
				URL string `json:"presigned_url"`
			}
			json.Unmarshal([]byte(out), &d)
			url := filepath.Join(t.TempDir(), "signed.url")
			os.WriteFile(url, []byte(d.URL), 0o644)
			if code, out, errs := runEnv(t, map[string]string{}, "verify", "--gcs-key", keyFile, "--request", url); code != 0 {
				t.Fatalf("verify own URL: exit %d\n%s%s", code, out, errs)
			}
			if code, out, _ := runEnv(t, map[string]string{}, "verify", "--gcs-key", other, "--request", url); code != 1 || !strings.HasPrefix(out, "sigdiff verify: mismatch") {
				t.Errorf("another key: exit %d\n%s", code, out)
			}
			os.WriteFile(url, []byte(strings.Replace(d.URL, tc.from, tc.to, 1)), 0o644)
			if code, out, _ := runEnv(t, map[string]string{}, "verify", "--gcs-key", keyFile, "--request", url); code != 1 {
				t.Errorf("changed %s: exit %d\n%s", tc.from, code, out)
			}
		})
	}
}

// TestSigV4A_explain signs the suite's request with the derived ECDSA key
// and shows the region set in the string to sign.
func TestSigV4A_explain(t *testing.T) {
	root := testenv.Shared(t, "vectors", "aws-sig-v4a", "v4a", "get-vanilla")
	vars := map[string]string{"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	code, out, errs := runEnv(t, vars, "explain", "--scheme", "sigv4a-header", "--region", "us-east-1", "--service", "service", "--time", "20150830T123600Z", "--request", filepath.Join(root, "request.txt"))
	if code != 0 || !strings.Contains(out, "AWS4-ECDSA-P256-SHA256") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	want, _ := os.ReadFile(filepath.Join(root, "header-string-to-sign.txt"))
	for _, line := range strings.Split(string(want), "\n") {
		if !strings.Contains(out, line) {
			t.Errorf("explain lacks the suite's string-to-sign line %q", line)
		}
	}
}
