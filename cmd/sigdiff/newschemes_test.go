package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
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

// asymBody writes an error body whose server side is canonicalRequest
// (string to sign rebuilt with the given first three lines).
func asymBody(t *testing.T, head, canonicalRequest, sig string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(canonicalRequest))
	sts := head + "\n" + hex.EncodeToString(sum[:])
	xml := "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message><StringToSign>" +
		sts + "</StringToSign><SignatureProvided>" + sig + "</SignatureProvided><StringToSignBytes>" + hexDump(sts) + "</StringToSignBytes><CanonicalRequest>" +
		strings.ReplaceAll(canonicalRequest, "&", "&amp;") + "</CanonicalRequest><CanonicalRequestBytes>" + hexDump(canonicalRequest) + "</CanonicalRequestBytes></Error>"
	p := filepath.Join(t.TempDir(), "error.xml")
	if err := os.WriteFile(p, []byte(xml), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCheck_asymmetric: check on SigV4A and GCS RSA requests decides by
// verifying the signature sent over each view's string to sign. A host
// changed on the way is request-changed-in-transit; a wrong key leaves
// the client's signing unexplained.
func TestCheck_asymmetric(t *testing.T) {
	t.Run("sigv4a", func(t *testing.T) {
		dir := testenv.Shared(t, "vectors", "aws-sig-v4a", "v4a", "get-vanilla")
		req := filepath.Join(dir, "header-signed-request.txt")
		cr, _ := os.ReadFile(filepath.Join(dir, "header-canonical-request.txt"))
		sig := "3046022100fddaaf816a31e30d04973875b13bc27b98da10907a3a1872fd5819a221334abc022100de2ee81d83b54f31efc82834de07e6cd4d5c6f25bfa08e0f29a15bb0977c343e"
		body := asymBody(t, "AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request", strings.Replace(string(cr), "host:example.amazonaws.com", "host:proxy.example.com", 1), sig)
		vars := map[string]string{"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
		code, out, errs := runEnv(t, vars, "check", "--color", "never", "--request", req, body)
		if code != 1 || !strings.Contains(out, ": request-changed-in-transit") || !strings.Contains(out, "most likely: host-rewritten") {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
		vars = map[string]string{"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wrong"}
		if code, out, _ := runEnv(t, vars, "check", "--request", req, body); code != 1 || strings.Contains(out, "request-changed-in-transit") {
			t.Errorf("wrong key: exit %d\n%s", code, out)
		}
	})
	t.Run("gcs rsa", func(t *testing.T) {
		dir := testenv.Shared(t, "vectors", "gcs")
		keyFile := filepath.Join(dir, "test_service_account.not-a-test.json")
		url := "https://storage.googleapis.com/test-bucket/test-object?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=test-iam-credentials%40dummy-project-id.iam.gserviceaccount.com%2F20190201%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20190201T090000Z&X-Goog-Expires=10&X-Goog-SignedHeaders=host&X-Goog-Signature="
		sig := "95e6a13d43a1d1962e667f17397f2b80ac9bdd1669210d5e08e0135df9dff4e56113485dbe429ca2266487b9d1796ebdee2d7cf682a6ef3bb9fbb4c351686fba90d7b621cf1c4eb1fdf126460dd25fa0837dfdde0a9fd98662ce60844c458448fb2b352c203d9969cb74efa4bdb742287744a4f2308afa4af0e0773f55e32e92973619249214b97283b2daa14195244444e33f938138d1e5f561088ce8011f4986dda33a556412594db7c12fc40e1ff3f1bedeb7a42f5bcda0b9567f17f65855f65071fabb88ea12371877f3f77f10e1466fff6ff6973b74a933322ff0949ce357e20abe96c3dd5cfab42c9c83e740a4d32b9e11e146f0eb3404d2e975896f74"
		reqFile := filepath.Join(t.TempDir(), "signed.url")
		os.WriteFile(reqFile, []byte(url+sig), 0o644)
		cr := "GET\n/test-bucket/test-object\nX-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=test-iam-credentials%40dummy-project-id.iam.gserviceaccount.com%2F20190201%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20190201T090000Z&X-Goog-Expires=10&X-Goog-SignedHeaders=host\nhost:storage.googleapis.com:443\n\nhost\nUNSIGNED-PAYLOAD"
		body := asymBody(t, "GOOG4-RSA-SHA256\n20190201T090000Z\n20190201/auto/storage/goog4_request", cr, sig)
		code, out, errs := runEnv(t, map[string]string{}, "check", "--color", "never", "--gcs-key", keyFile, "--request", reqFile, body)
		if code != 1 || !strings.Contains(out, ": request-changed-in-transit") || !strings.Contains(out, "most likely: host-port") {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
		if code, out, _ := runEnv(t, map[string]string{}, "check", "--gcs-key", otherRSAKey(t), "--request", reqFile, body); code != 1 || strings.Contains(out, "request-changed-in-transit") {
			t.Errorf("another key: exit %d\n%s", code, out)
		}
	})
}

// TestCheck_gcsV2: a V2 signed URL fetched by a client that added a
// Content-Type the URL was not signed for.
func TestCheck_gcsV2(t *testing.T) {
	keyFile := filepath.Join(testenv.Shared(t, "vectors", "gcs"), "test_service_account.not-a-test.json")
	req := filepath.Join(t.TempDir(), "unsigned.txt")
	os.WriteFile(req, []byte("GET /test-bucket/test-object HTTP/1.1\nHost: storage.googleapis.com\n\n"), 0o644)
	code, out, errs := runEnv(t, map[string]string{}, "explain", "--json", "--scheme", "gcs-v2", "--presign", "--expires", "1549011600", "--gcs-key", keyFile, "--request", req)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	var d struct {
		URL       string `json:"presigned_url"`
		Signature string `json:"signature"`
	}
	json.Unmarshal([]byte(out), &d)
	urlFile := filepath.Join(t.TempDir(), "signed.url")
	os.WriteFile(urlFile, []byte(d.URL), 0o644)
	sts := "GET\n\ntext/plain\n1549011600\n/test-bucket/test-object"
	xml := "<?xml version='1.0' encoding='UTF-8'?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your Google secret key and signing method.</Message><StringToSign>" + sts + "</StringToSign><SignatureProvided>" + d.Signature + "</SignatureProvided></Error>"
	body := filepath.Join(t.TempDir(), "error.xml")
	os.WriteFile(body, []byte(xml), 0o644)
	code, out, errs = runEnv(t, map[string]string{}, "check", "--color", "never", "--gcs-key", keyFile, "--request", urlFile, body)
	if code != 1 || !strings.Contains(out, ": request-changed-in-transit") || !strings.Contains(out, "most likely: content-type-changed") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if code, out, _ := runEnv(t, map[string]string{}, "check", "--gcs-key", otherRSAKey(t), "--request", urlFile, body); code != 1 || strings.Contains(out, "request-changed-in-transit") {
		t.Errorf("another key: exit %d\n%s", code, out)
	}
}
