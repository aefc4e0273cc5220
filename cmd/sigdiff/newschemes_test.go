package main

import (
	"bytes"
	"encoding/json"
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
