package fineuploader

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/policy"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

func dump(t *testing.T, body, tag string) string {
	t.Helper()
	m := regexp.MustCompile(`<` + tag + `>([0-9a-f ]*)</` + tag + `>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in the example", tag)
	}
	b, err := hex.DecodeString(strings.ReplaceAll(m[1], " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSign_realExample: the fixture rebuilt from the real error body's
// byte dumps is what Fine Uploader sent, so the correct signing of it
// must give S3's own string to sign byte for byte.
func TestSign_realExample(t *testing.T) {
	data, err := os.ReadFile(testenv.Shared(t, "examples", "fineuploader-multipart-403.xml"))
	if err != nil {
		t.Fatal(err)
	}
	body := string(data)
	serverCR, serverSTS := dump(t, body, "CanonicalRequestBytes"), dump(t, body, "StringToSignBytes")
	p := parseFixture(t, "multipart-init.json")
	if p.Kind != KindHeaders || p.Version != 4 || p.CanonicalRequestOffset != 70 || p.CanonicalRequest != serverCR {
		t.Fatalf("payload %+v", p)
	}
	if p.Region != "cn-north-1" || p.Date != "20180725" || p.Service != "s3" || p.AmzDate != "20180725T101212Z" || len(p.Notes) != 0 {
		t.Errorf("scope parts %q %q %q %q notes %q", p.Region, p.Date, p.Service, p.AmzDate, p.Notes)
	}
	if p.StringToSign() != serverSTS {
		t.Errorf("string to sign\n got %q\nwant %q", p.StringToSign(), serverSTS)
	}
	r, err := p.Sign(exampleCreds)
	if err != nil {
		t.Fatal(err)
	}
	if r.StringToSign != serverSTS || r.CanonicalRequest != serverCR || r.Scheme != "sigv4-header" {
		t.Errorf("result %q %q %q", r.Scheme, r.StringToSign, r.CanonicalRequest)
	}
	if want := hexMAC(fuKey, serverSTS); r.Signature != want {
		t.Errorf("signature %s, want %s", r.Signature, want)
	}
	if r.Steps[0].Name != "FineUploaderHeaders" || r.Steps[0].Value != p.Headers {
		t.Errorf("first step %+v", r.Steps[0])
	}
	steps := map[string]bool{}
	for _, s := range r.Steps {
		steps[s.Name] = true
	}
	for _, n := range []string{"CanonicalRequest", "HashedCanonicalRequest", "StringToSign", "kSigning", "Signature"} {
		if !steps[n] {
			t.Errorf("no %s step", n)
		}
	}
}

// TestFindMistake_demoSignature: the planted answer kept beside the
// fixture (the demo's signing server, which cuts at byte 69) is found.
func TestFindMistake_demoSignature(t *testing.T) {
	p := parseFixture(t, "multipart-init.json")
	m, n, err := FindMistake(p, exampleCreds, string(fixture(t, "multipart-init.offset-69.signature")))
	if err != nil {
		t.Fatal(err)
	}
	if m.Variant != VariantCut || m.Offset != 69 || m.Hashed != "\n"+p.CanonicalRequest {
		t.Errorf("mistake %+v after %d", m, n)
	}
	// The demo log's string to sign ends in this hash.
	if !strings.HasSuffix(m.StringToSign, "66c93b9334f723897dccef786df6f23161c507b0fccfee4bf2bbad014805ca3f") {
		t.Errorf("signed %q", m.StringToSign)
	}
}

func TestSign_v2AndPolicies(t *testing.T) {
	v2 := parseFixture(t, "multipart-init-v2.json")
	r, err := v2.Sign(exampleCreds)
	if err != nil {
		t.Fatal(err)
	}
	if r.Scheme != "sigv2-header" || r.StringToSign != v2.Headers || r.Signature != base64.StdEncoding.EncodeToString(mac1([]byte(exampleSecret), v2.Headers)) {
		t.Errorf("v2 result %+v", r)
	}

	pol := parseFixture(t, "simple-upload-policy.json")
	b64 := base64.StdEncoding.EncodeToString(pol.Body)
	r, err = pol.Sign(exampleCreds)
	if err != nil {
		t.Fatal(err)
	}
	if r.Scheme != "sigv4-post" || r.StringToSign != b64 || r.Signature != hexMAC(fuKey, b64) || r.Steps[0].Name != "FineUploaderPayload" {
		t.Errorf("v4 policy result %+v", r)
	}
	pol.AnsweredPolicy = "e30="
	if r, _ = pol.Sign(exampleCreds); r.StringToSign != "e30=" {
		t.Errorf("answered policy not used: %q", r.StringToSign)
	}

	pol2 := parseFixture(t, "simple-upload-policy-v2.json")
	r, err = pol2.Sign(exampleCreds)
	if err != nil {
		t.Fatal(err)
	}
	b64 = base64.StdEncoding.EncodeToString(pol2.Body)
	if r.Scheme != "sigv2-post" || r.Signature != base64.StdEncoding.EncodeToString(mac1([]byte(exampleSecret), b64)) {
		t.Errorf("v2 policy result %+v", r)
	}
}

func TestSign_withoutSecret(t *testing.T) {
	for _, f := range []string{"multipart-init.json", "multipart-init-v2.json", "simple-upload-policy.json", "simple-upload-policy-v2.json"} {
		p := parseFixture(t, f)
		r, err := p.Sign(credentials.Credentials{AccessKeyID: "AKID"})
		if err != nil || r.Signature != "" || r.StringToSign != p.StringToSign() {
			t.Errorf("%s: err %v %+v", f, err, r)
		}
	}
}

func TestSecretNeverShown(t *testing.T) {
	p := parseFixture(t, "multipart-init.json")
	r, _ := p.Sign(exampleCreds)
	m, _, _ := FindMistake(p, exampleCreds, hexMAC([]byte(exampleSecret), p.StringToSign()))
	for _, v := range []any{r, m} {
		b, _ := json.Marshal(v)
		if strings.Contains(string(b), exampleSecret) {
			t.Fatalf("the secret appears in %T", v)
		}
	}
}

func TestParse_inputs(t *testing.T) {
	real := string(fixture(t, "multipart-init.json"))
	var obj struct{ Headers string }
	if err := json.Unmarshal([]byte(real), &obj); err != nil {
		t.Fatal(err)
	}
	t.Run("headers text as a server logs it", func(t *testing.T) {
		p, err := Parse([]byte(obj.Headers + "\n"))
		if err != nil || p.Headers != obj.Headers || p.CanonicalRequestOffset != 70 || len(p.Notes) != 2 {
			t.Errorf("err %v %+v", err, p)
		}
	})
	t.Run("v2 headers", func(t *testing.T) {
		p := parseFixture(t, "multipart-init-v2.json")
		if p.Version != 2 || p.Kind != KindHeaders || !strings.HasPrefix(p.Headers, "POST\n") {
			t.Errorf("%+v", p)
		}
	})
	t.Run("policy", func(t *testing.T) {
		p := parseFixture(t, "simple-upload-policy.json")
		if p.Kind != KindPolicy || p.Version != 4 || p.Policy == nil || len(p.Policy.Conditions) != 10 || p.Kind.String() != "policy" {
			t.Errorf("%+v", p)
		}
	})
	t.Run("inconsistent lines are noted", func(t *testing.T) {
		p, err := Parse([]byte(strings.Replace(obj.Headers, "20180725/cn-north-1", "20180726/cn-north-1", 1)))
		if err != nil || len(p.Notes) < 2 {
			t.Errorf("err %v notes %q", err, p.Notes)
		}
		// Still signed, from the exact string to sign.
		r, err := p.Sign(exampleCreds)
		if err != nil || r.StringToSign != p.StringToSign() || r.Signature != hexMAC(v4Key("AWS4", "20180726", fuRegion), p.StringToSign()) {
			t.Errorf("err %v %+v", err, r)
		}
	})
	for _, c := range []struct {
		name, in string
		offset   int
		says     string
	}{
		{"headers not a string", `{"headers": 5}`, 12, "must be a string"},
		{"neither", `{"foo": 1}`, -1, "neither"},
		{"array", `[1]`, 0, "expected a json object"},
		{"bad scope", `{"headers": "AWS4-HMAC-SHA256\n20180725T101212Z\nnot-a-scope\nPOST"}`, 34, "not a scope"},
		{"too few lines", `{"headers": "AWS4-HMAC-SHA256\n20180725T101212Z"}`, 33, "end after 2 line(s)"},
		{"not a string to sign", "hello world", 0, "http method"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.in))
			var pe *PayloadError
			if !errors.As(err, &pe) || pe.Offset != c.offset || !strings.Contains(pe.Reason, c.says) {
				t.Errorf("err %v, want a PayloadError at %d saying %q", err, c.offset, c.says)
			}
		})
	}
	var se *policy.SyntaxError
	if _, err := Parse([]byte("{\"headers\":\n \"x\",,}")); !errors.As(err, &se) || se.Line != 2 {
		t.Errorf("json error: %v", err)
	}
	if _, err := Parse(make([]byte, MaxPayload+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too large: %v", err)
	}
	if _, err := Parse([]byte(" \n")); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
}

func TestRegions_sortedAndUnique(t *testing.T) {
	for i := 1; i < len(Regions); i++ {
		if Regions[i-1] >= Regions[i] {
			t.Errorf("%q before %q", Regions[i-1], Regions[i])
		}
	}
	for _, r := range []string{"us-east-1", "cn-north-1", "eu-west-1", "us-gov-west-1", "ap-southeast-7"} {
		if _, ok := slicesIndex(Regions, r); !ok {
			t.Errorf("%s missing", r)
		}
	}
}

func slicesIndex(s []string, v string) (int, bool) {
	for i, x := range s {
		if x == v {
			return i, true
		}
	}
	return -1, false
}

// FuzzParse reads arbitrary payloads and signs what parses: nothing
// panics, errors are one line, and the string to sign is what Sign signs.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"multipart-init.json", "multipart-init-v2.json", "simple-upload-policy.json", "simple-upload-policy-v2.json"} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte("AWS4-HMAC-SHA256\n\n//\n"))
	f.Add([]byte(`{"headers":"AWS4-HMAC-SHA256\n2\n1/r/s/t\n"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("message of several lines: %q", err)
			}
			return
		}
		r, err := p.Sign(exampleCreds)
		if err != nil {
			return // a policy without a usable scope
		}
		if r.StringToSign != p.StringToSign() {
			t.Fatalf("signed %q, string to sign %q", r.StringToSign, p.StringToSign())
		}
	})
}
