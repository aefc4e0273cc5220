package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
)

// The secrets suite (issue 9 §2): every command and output form runs with
// a sentinel secret key and session token, given through the environment,
// a profile and flags, and no byte of either — as is, base64, hex or
// URL-encoded — may reach stdout or stderr. Keys derived from the
// sentinel (kDate … kSigning) appear only with --show-keys: the sentinel
// is not one of the documentation's example keys.

const (
	sentinelAccessKey = "AKIDSENTINEL00000000"
	sentinelSecret    = "SENTINEL/secret+KEY/0123456789abcdefSENT"
	sentinelToken     = "SENTINELTOKEN/session+tok/==FwoGZXIvYXdzEJr//SENT"
)

// secretForms are the ways a leaked value could be spelled.
func secretForms(v string) []string {
	forms := []string{
		v,
		base64.StdEncoding.EncodeToString([]byte(v)),
		base64.RawStdEncoding.EncodeToString([]byte(v)),
		base64.URLEncoding.EncodeToString([]byte(v)),
		hex.EncodeToString([]byte(v)),
		strings.ToUpper(hex.EncodeToString([]byte(v))),
		url.QueryEscape(v),
		url.PathEscape(v),
		strings.NewReplacer("/", "%2F", "+", "%2B", "=", "%3D").Replace(v),
	}
	// A fragment long enough to be the secret cut or wrapped.
	forms = append(forms, v[:24], v[len(v)-24:])
	return forms
}

// scopeRE finds credential scopes in output, as is or URL-encoded.
var scopeRE = regexp.MustCompile(`(\d{8})/([A-Za-z0-9-]+)/([A-Za-z0-9-]+)/(aws4_request|aliyun_v4_request)`)

// derivedKeys are the hex keys of the sentinel for every scope the output
// names.
func derivedKeys(out string) []string {
	out = strings.NewReplacer("%2F", "/", "%2f", "/").Replace(out)
	var keys []string
	secret := credentials.NewSecret(sentinelSecret)
	for _, m := range scopeRE.FindAllStringSubmatch(out, -1) {
		f := recompute.AWS4
		if m[4] == "aliyun_v4_request" {
			f = recompute.OSS4
		}
		k := recompute.DeriveKeys(f, secret, m[1], m[2], m[3])
		for _, b := range [][32]byte{k.Date, k.Region, k.Service, k.Signing} {
			keys = append(keys, hex.EncodeToString(b[:]))
		}
	}
	return keys
}

type secretCase struct {
	name     string
	args     []string // "$D" is the case's directory
	showKeys bool     // derived keys may appear
	status   int      // expected exit status; -1 for 0 or 1
}

// credSource is one way of handing sigdiff the sentinel.
type credSource struct {
	name  string
	env   map[string]string
	flags []string
}

func credSources(dir string) []credSource {
	profile := "[sentinel]\naws_access_key_id = " + sentinelAccessKey + "\naws_secret_access_key = " + sentinelSecret + "\naws_session_token = " + sentinelToken + "\n"
	os.WriteFile(filepath.Join(dir, "credentials"), []byte(profile), 0o600)
	os.WriteFile(filepath.Join(dir, "secret"), []byte(sentinelSecret+"\n"), 0o600)
	return []credSource{
		{name: "env", env: map[string]string{"AWS_ACCESS_KEY_ID": sentinelAccessKey, "AWS_SECRET_ACCESS_KEY": sentinelSecret, "AWS_SESSION_TOKEN": sentinelToken,
			"OSS_ACCESS_KEY_ID": sentinelAccessKey, "OSS_ACCESS_KEY_SECRET": sentinelSecret, "OSS_SESSION_TOKEN": sentinelToken}},
		{name: "profile", env: map[string]string{"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials")}, flags: []string{"--profile", "sentinel"}},
		{name: "secret-flag", env: map[string]string{"AWS_SESSION_TOKEN": sentinelToken}, flags: []string{"--access-key", sentinelAccessKey, "--secret-key", sentinelSecret}},
		{name: "secret-file", env: map[string]string{"AWS_SESSION_TOKEN": sentinelToken}, flags: []string{"--access-key", sentinelAccessKey, "--secret-key-file", filepath.Join(dir, "secret")}},
	}
}

const sentinelRequest = "GET /examplebucket/photos/cat.jpg?versionId=3 HTTP/1.1\r\n" +
	"Host: examplebucket.s3.eu-west-1.amazonaws.com\r\n" +
	"x-amz-date: 20240524T101112Z\r\n" +
	"x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\r\n" +
	"Authorization: AWS4-HMAC-SHA256 Credential=" + sentinelAccessKey + "/20240524/eu-west-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000\r\n\r\n"

const sentinelUnsignedRequest = "PUT /examplebucket/a.txt HTTP/1.1\r\nHost: examplebucket.s3.amazonaws.com\r\nx-amz-date: 20240524T101112Z\r\nContent-Length: 0\r\n\r\n"

func secretCases() []secretCase {
	body := fixture("bodies", "aws-sigv4.xml")
	fu := fixture("fineuploader", "multipart-init.json")
	form := fixture("policy", "s3-docs-upload.multipart")
	har := fixture("har", "chrome-two-failures.har")
	log := fixture("logs", "boto3-session.log")
	var cs []secretCase
	for _, f := range []string{"text", "json", "markdown"} {
		cs = append(cs,
			secretCase{name: "check-request-" + f, args: []string{"check", "--search", "off", "--format", f, "--request", "$D/req.http", body}, status: exitMismatch},
			secretCase{name: "check-unsigned-request-" + f, args: []string{"check", "--search", "off", "--format", f, "--request", "$D/unsigned.http", body}, status: exitMismatch},
			secretCase{name: "check-key-only-" + f, args: []string{"check", "--search", "off", "--format", f, body}, status: exitMismatch},
			secretCase{name: "check-har-" + f, args: []string{"check", "--search", "off", "--format", f, har}, status: exitMismatch},
			secretCase{name: "check-log-" + f, args: []string{"check", "--search", "off", "--format", f, log}, status: exitMismatch},
			secretCase{name: "check-form-" + f, args: []string{"check", "--search", "off", "--format", f, "--form", form, body}, status: exitMismatch},
		)
	}
	cs = append(cs,
		// The server's own canonical request, pasted back, signs the token.
		secretCase{name: "check-server-body-holds-token", args: []string{"check", "--search", "off", "$D/token-body.xml"}, status: exitMismatch},
		secretCase{name: "check-server-body-holds-token-json", args: []string{"check", "--search", "off", "--json", "--request", "$D/req.http", "$D/token-body.xml"}, status: exitMismatch},
		secretCase{name: "check-search", args: []string{"check", "--search", "quick", "--json", "--request", "$D/req.http", body}, status: exitMismatch},
		secretCase{name: "check-json-flag", args: []string{"check", "--json", "--search", "off", "--request", "$D/req.http", body}, status: exitMismatch},
	)
	for _, f := range []string{"text", "json"} {
		cs = append(cs,
			secretCase{name: "verify-" + f, args: []string{"verify", "--format", f, "--request", "$D/req.http"}, status: exitMismatch},
			secretCase{name: "verify-show-keys-" + f, args: []string{"verify", "--show-keys", "--format", f, "--request", "$D/req.http"}, showKeys: true, status: exitMismatch},
			secretCase{name: "verify-chunked-" + f, args: []string{"verify", "--format", f, "--request", fixture("chunked", "signed.http"), "--body", fixture("chunked", "signed.body")}, status: exitMismatch},
			secretCase{name: "verify-form-" + f, args: []string{"verify", "--format", f, "--form", form}, status: exitMismatch},
			secretCase{name: "explain-" + f, args: []string{"explain", "--format", f, "--request", "$D/req.http"}, status: exitOK},
			secretCase{name: "explain-show-keys-" + f, args: []string{"explain", "--show-keys", "--format", f, "--request", "$D/req.http"}, showKeys: true, status: exitOK},
			secretCase{name: "explain-unsigned-" + f, args: []string{"explain", "--format", f, "--request", "$D/unsigned.http"}, status: exitOK},
			secretCase{name: "explain-presign-" + f, args: []string{"explain", "--presign", "--expires", "3600", "--format", f, "--request", "$D/unsigned.http"}, status: exitOK},
			secretCase{name: "explain-presign-show-keys-" + f, args: []string{"explain", "--presign", "--expires", "60", "--show-keys", "--format", f, "--request", "$D/unsigned.http"}, showKeys: true, status: exitOK},
			secretCase{name: "explain-sigv2-" + f, args: []string{"explain", "--scheme", "sigv2-header", "--format", f, "--request", "$D/unsigned.http"}, status: exitOK},
			secretCase{name: "explain-sigv2-query-" + f, args: []string{"explain", "--scheme", "sigv2-query", "--presign", "--expires", "60", "--format", f, "--request", "$D/unsigned.http"}, status: exitOK},
			secretCase{name: "explain-oss4-" + f, args: []string{"explain", "--scheme", "oss-v4-header", "--format", f, "--request", "$D/oss.http"}, status: exitOK},
			secretCase{name: "explain-oss1-query-" + f, args: []string{"explain", "--scheme", "oss-v1-query", "--presign", "--expires", "60", "--format", f, "--request", "$D/oss.http"}, status: exitOK},
			secretCase{name: "explain-form-" + f, args: []string{"explain", "--format", f, "--form", form}, status: exitOK},
			secretCase{name: "explain-fineuploader-" + f, args: []string{"explain", "--format", f, "--fineuploader", fu}, status: exitOK},
			secretCase{name: "explain-fineuploader-answer-" + f, args: []string{"explain", "--format", f, "--fineuploader", fu, "--signature", "016d86475fcde0c8df59ead2955efc9214adf5e1f0c637b52438f6252ae3f261"}, status: exitMismatch},
			secretCase{name: "explain-fineuploader-show-keys-" + f, args: []string{"explain", "--show-keys", "--format", f, "--fineuploader", fu}, showKeys: true, status: exitOK},
			secretCase{name: "demo-" + f, args: []string{"demo", "--format", f}, status: exitOK},
		)
	}
	// Error paths: each must fail without quoting the key.
	cs = append(cs,
		secretCase{name: "error-bad-profile", args: []string{"verify", "--profile", "nope", "--request", "$D/req.http"}, status: exitInput},
		secretCase{name: "error-missing-secret-file", args: []string{"verify", "--access-key", sentinelAccessKey, "--secret-key-file", "$D/missing", "--request", "$D/req.http"}, status: exitInput},
		secretCase{name: "error-secret-file-two-keys", args: []string{"verify", "--access-key", sentinelAccessKey, "--secret-key-file", "$D/twolines", "--request", "$D/req.http"}, status: -1},
		secretCase{name: "error-profile-half", args: []string{"verify", "--profile", "half", "--request", "$D/req.http"}, status: exitInput},
		secretCase{name: "error-bad-request", args: []string{"verify", "--request", "$D/bad.http"}, status: exitInput},
		secretCase{name: "error-bad-time", args: []string{"explain", "--time", "yesterday", "--request", "$D/req.http"}, status: exitInput},
		secretCase{name: "error-usage", args: []string{"verify", "--nope"}, status: exitInput},
	)
	return cs
}

func TestSecrets_neverPrinted(t *testing.T) {
	cases := secretCases()
	runs := 0
	for _, c := range cases {
		dir := t.TempDir()
		files := map[string]string{
			"req.http":      sentinelRequest,
			"unsigned.http": sentinelUnsignedRequest,
			"token-body.xml": "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message><AWSAccessKeyId>" + sentinelAccessKey +
				"</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n20240524T101112Z\n20240524/eu-west-1/s3/aws4_request\n5f2b6c4e8a9d0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c</StringToSign><SignatureProvided>00</SignatureProvided>" +
				"<CanonicalRequest>GET\n/examplebucket/photos/cat.jpg\nversionId=3\nhost:examplebucket.s3.eu-west-1.amazonaws.com\nx-amz-date:20240524T101112Z\nx-amz-security-token:" + sentinelToken + "\n\nhost;x-amz-date;x-amz-security-token\nUNSIGNED-PAYLOAD</CanonicalRequest></Error>",
			"oss.http": "PUT /a.txt HTTP/1.1\r\nHost: examplebucket.oss-cn-hangzhou.aliyuncs.com\r\nDate: Fri, 24 May 2024 10:11:12 GMT\r\nx-oss-date: 20240524T101112Z\r\nContent-Length: 0\r\n\r\n",
			"bad.http": "GET\r\n\r\n" + sentinelSecret,
			"twolines": sentinelSecret + "\n" + sentinelToken + "\n",
			// A profile with one half of the pair: the error names the
			// profile, never the line that holds the secret.
			"half": "[half]\naws_secret_access_key = " + sentinelSecret + "\naws_session_token = " + sentinelToken + "\n",
		}
		for n, s := range files {
			if err := os.WriteFile(filepath.Join(dir, n), []byte(s), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		sources := credSources(dir)
		if strings.HasPrefix(c.name, "error-") {
			// Error cases name their own key source; the sentinel is in
			// the environment too.
			sources = sources[:1]
			if c.name == "error-profile-half" {
				sources[0].env["AWS_SHARED_CREDENTIALS_FILE"] = filepath.Join(dir, "half")
			}
		}
		for _, src := range sources {
			t.Run(c.name+"/"+src.name, func(t *testing.T) {
				vars := map[string]string{"HOME": dir}
				for k, v := range src.env {
					vars[k] = v
				}
				var args []string
				for _, a := range c.args {
					args = append(args, strings.ReplaceAll(a, "$D", dir))
				}
				if c.args[0] != "demo" {
					args = append(args, src.flags...)
				}
				var out, errb bytes.Buffer
				e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
				code := run(append(args, "--color", "never"), e)
				runs++
				all := out.String() + errb.String()
				if c.status >= 0 && code != c.status {
					t.Errorf("exit %d, want %d\nstdout: %.1500s\nstderr: %.1500s", code, c.status, out.String(), errb.String())
				}
				if c.status == -1 && code == exitInput {
					t.Errorf("exit 2: %.1500s", errb.String())
				}
				checkNoSecrets(t, all, c.showKeys)
			})
		}
	}
	t.Run("proxy", func(t *testing.T) { runs += secretsProxy(t) })
	if runs < 100 {
		t.Errorf("%d runs", runs)
	}
}

// checkNoSecrets fails t if out holds a form of the sentinel secret or
// token, or, unless showKeys, a key derived from the secret.
func checkNoSecrets(t *testing.T, out string, showKeys bool) {
	t.Helper()
	for _, f := range append(secretForms(sentinelSecret), secretForms(sentinelToken)...) {
		if i := strings.Index(out, f); i >= 0 {
			t.Errorf("output holds %q (a form of the sentinel) at byte %d: …%s…", f, i, out[max(0, i-80):min(len(out), i+len(f)+40)])
		}
	}
	if showKeys {
		return
	}
	for _, k := range derivedKeys(out) {
		if strings.Contains(strings.ToLower(out), k) {
			t.Errorf("output holds the derived key %s without --show-keys", k)
		}
	}
}

// TestSecrets_showKeysShowsKeys: the derived-key check above can fail —
// with --show-keys the sentinel's kSigning is printed and found.
func TestSecrets_showKeysShowsKeys(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "req.http"), []byte(sentinelRequest), 0o600)
	vars := map[string]string{"HOME": dir, "AWS_ACCESS_KEY_ID": sentinelAccessKey, "AWS_SECRET_ACCESS_KEY": sentinelSecret}
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	if code := run([]string{"explain", "--show-keys", "--request", filepath.Join(dir, "req.http")}, e); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	keys := derivedKeys(out.String())
	if len(keys) == 0 || !strings.Contains(out.String(), keys[3]) {
		t.Fatalf("kSigning of the sentinel not shown with --show-keys:\n%s", out.String())
	}
}

// TestRedactWriter: a token split across writes, or in a line longer than
// what the writer holds, is masked whole.
func TestRedactWriter(t *testing.T) {
	tok := credentials.NewSecret(sentinelToken)
	for _, split := range []int{7, 4093, len(sentinelToken) / 2, len(sentinelToken) + 3} {
		var b bytes.Buffer
		w := newRedactWriter(&b, tok)
		in := strings.Repeat("x", 1<<20-10) + "a " + sentinelToken + " b\nc " + url.QueryEscape(sentinelToken) + " " + strings.Repeat("y", 3<<20) + sentinelToken
		for i := 0; i < len(in); i += split {
			w.Write([]byte(in[i:min(len(in), i+split)]))
		}
		w.Flush()
		if strings.Contains(b.String(), "SENTINELTOKEN") || b.Len() != len(in)-2*len(sentinelToken)-len(url.QueryEscape(sentinelToken))+3*len("[redacted]") {
			t.Errorf("split %d: token not masked, or bytes lost (%d bytes out)", split, b.Len())
		}
	}
}
