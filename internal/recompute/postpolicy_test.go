package recompute

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/policy"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// postExampleCreds are the AWS documentation's example keys, which every
// POST policy example is signed with.
var postExampleCreds = credentials.Credentials{
	AccessKeyID: "AKIAIOSFODNN7EXAMPLE",
	Secret:      credentials.NewSecret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
}

type postVector struct {
	Name    string `json:"name"`
	Scheme  string `json:"scheme"`
	Signing struct {
		Region          string `json:"region"`
		Service         string `json:"service"`
		Date            string `json:"date"`
		CredentialScope string `json:"credential_scope"`
	} `json:"signing"`
	Request struct {
		FormFields [][2]string `json:"form_fields"`
	} `json:"request"`
	Expected struct {
		PolicyJSON    string `json:"policy_json"`
		PolicyBase64  string `json:"policy_base64"`
		StringToSign  string `json:"string_to_sign"`
		SigningKeyHex string `json:"signing_key_hex"`
		Signature     string `json:"signature"`
	} `json:"expected"`
}

func readPostVector(t *testing.T, path string) postVector {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v postVector
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestPostPolicy_s3DocsVector recomputes the S3 API Reference's browser
// upload example from its form fields, byte for byte: the decoded
// document (with its CR LF line ends), the base64 string to sign, the
// signing key and the signature; the policy field given as the JSON must
// give the same.
func TestPostPolicy_s3DocsVector(t *testing.T) {
	dir := testenv.Shared(t, "vectors", "s3-docs")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	ran := 0
	for _, file := range files {
		v := readPostVector(t, file)
		if v.Scheme != "aws-sigv4-post-policy" {
			continue
		}
		ran++
		t.Run(v.Name, func(t *testing.T) {
			var fields []request.Field
			var pol string
			for _, f := range v.Request.FormFields {
				if strings.EqualFold(f[0], "policy") {
					pol = f[1]
					continue
				}
				fields = append(fields, request.Field{Name: f[0], Value: f[1]})
			}
			p, err := SignPostPolicy(PostPolicyInput{Policy: pol, Fields: fields}, postExampleCreds, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkPost(t, p, v)
			if p.CredentialSource != "form field" {
				t.Errorf("credential source %q, want the form field", p.CredentialSource)
			}

			// The document given as JSON, no fields: the scope comes from
			// the policy's own x-amz-credential condition.
			q, err := SignPostPolicy(PostPolicyInput{Policy: v.Expected.PolicyJSON}, postExampleCreds, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkPost(t, q, v)
			if q.CredentialSource != "policy condition" {
				t.Errorf("credential source %q, want the policy condition", q.CredentialSource)
			}
			r := q.Result()
			if r.Scheme != "sigv4-post" || r.Algorithm != "AWS4-HMAC-SHA256" || r.StringToSign != v.Expected.StringToSign || r.Signature != v.Expected.Signature {
				t.Errorf("result %+v", r)
			}
		})
	}
	if ran == 0 {
		t.Fatalf("no aws-sigv4-post-policy vector in %s", dir)
	}
}

func checkPost(t *testing.T, p *PostPolicy, v postVector) {
	t.Helper()
	if p.Version != 4 || p.Scheme() != "sigv4-post" {
		t.Errorf("version %d scheme %s", p.Version, p.Scheme())
	}
	if p.PolicyJSON != v.Expected.PolicyJSON {
		t.Errorf("policy json\n got %q\nwant %q", p.PolicyJSON, v.Expected.PolicyJSON)
	}
	if p.Policy != v.Expected.PolicyBase64 || p.StringToSign != v.Expected.StringToSign {
		t.Errorf("string to sign\n got %q\nwant %q", p.StringToSign, v.Expected.StringToSign)
	}
	if p.Scope != v.Signing.CredentialScope {
		t.Errorf("scope %q, want %q", p.Scope, v.Signing.CredentialScope)
	}
	if got := hex.EncodeToString(p.KSigning); got != v.Expected.SigningKeyHex {
		t.Errorf("signing key %s, want %s", got, v.Expected.SigningKeyHex)
	}
	if p.Signature != v.Expected.Signature {
		t.Errorf("signature %s, want %s", p.Signature, v.Expected.Signature)
	}
}

// TestPostPolicy_v2DocErrata recomputes the two SigV2 POST policy
// examples of the S3 developer guide, whose published signatures do not
// verify: sigdiff must give the errata's recomputed values, and must not
// give the published ones.
func TestPostPolicy_v2DocErrata(t *testing.T) {
	dir := testenv.Shared(t, "vectors", "sigv2")
	data, err := os.ReadFile(filepath.Join(dir, "doc-errata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var errata struct {
		Entries []struct {
			Name         string `json:"name"`
			StringToSign string `json:"string_to_sign"`
			PolicyJSON   string `json:"policy_json"`
			Published    string `json:"published_signature"`
			Recomputed   string `json:"recomputed_signature"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(data, &errata); err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, e := range errata.Entries {
		if !strings.HasPrefix(e.Name, "post-policy") {
			continue
		}
		ran++
		t.Run(e.Name, func(t *testing.T) {
			fields := []request.Field{{Name: "AWSAccessKeyId", Value: "AKIAIOSFODNN7EXAMPLE"}}
			p, err := SignPostPolicy(PostPolicyInput{Policy: e.StringToSign, Fields: fields}, postExampleCreds, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Version != 2 || p.Signature != e.Recomputed || p.Signature == e.Published {
				t.Errorf("version %d signature %s, want %s (published %s does not verify)", p.Version, p.Signature, e.Recomputed, e.Published)
			}
			if p.PolicyJSON != e.PolicyJSON {
				t.Errorf("decoded policy\n got %q\nwant %q", p.PolicyJSON, e.PolicyJSON)
			}
			r := p.Result()
			if r.Scheme != "sigv2-post" || r.Algorithm != "AWS" || r.Signature != e.Recomputed {
				t.Errorf("result %+v", r)
			}
		})
	}
	if ran != 2 {
		t.Fatalf("%d post-policy errata entries, want 2", ran)
	}
}

func TestPostPolicy_scopeSources(t *testing.T) {
	doc := `{"expiration": "2030-01-01T00:00:00Z", "conditions": [{"bucket": "b"}]}`
	opts := Options{Region: "eu-west-1", Service: "s3", Time: time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC)}
	t.Run("options when neither form nor policy has a credential", func(t *testing.T) {
		p, err := SignPostPolicy(PostPolicyInput{Policy: doc}, postExampleCreds, opts)
		if err != nil {
			t.Fatal(err)
		}
		if p.Version != 4 || p.Scope != "20240203/eu-west-1/s3/aws4_request" || p.CredentialSource != "options" {
			t.Errorf("version %d scope %q source %q", p.Version, p.Scope, p.CredentialSource)
		}
		k := DeriveKeys(AWS4, postExampleCreds.Secret, "20240203", "eu-west-1", "s3")
		if p.Signature != Signature(k.Signing, base64.StdEncoding.EncodeToString([]byte(doc))) {
			t.Error("signature is not HMAC over the base64 of the json as given")
		}
	})
	t.Run("no scope anywhere", func(t *testing.T) {
		_, err := SignPostPolicy(PostPolicyInput{Policy: doc, Version: 4}, postExampleCreds, Options{})
		if !errors.Is(err, ErrNoRegion) {
			t.Errorf("err %v, want ErrNoRegion", err)
		}
	})
	t.Run("form credential wins over the policy's", func(t *testing.T) {
		d := `{"expiration":"2030-01-01T00:00:00Z","conditions":[{"x-amz-credential":"AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/s3/aws4_request"}]}`
		f := []request.Field{{Name: "X-Amz-Credential", Value: "AKIAIOSFODNN7EXAMPLE/20240102/us-west-2/s3/aws4_request"}}
		p, err := SignPostPolicy(PostPolicyInput{Policy: d, Fields: f}, postExampleCreds, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Region != "us-west-2" || p.Date != "20240102" || len(p.Notes) == 0 {
			t.Errorf("region %q date %q notes %q", p.Region, p.Date, p.Notes)
		}
	})
	t.Run("malformed credential", func(t *testing.T) {
		f := []request.Field{{Name: "x-amz-credential", Value: "AKID/2024-01-01/us-east-1/s3/aws4_request"}}
		_, err := SignPostPolicy(PostPolicyInput{Policy: doc, Fields: f}, postExampleCreds, Options{})
		var ae *AuthError
		if !errors.As(err, &ae) || strings.Contains(err.Error(), "\n") {
			t.Errorf("err %v, want a one-line AuthError", err)
		}
	})
	t.Run("no secret stops before the signature", func(t *testing.T) {
		p, err := SignPostPolicy(PostPolicyInput{Policy: doc}, credentials.Credentials{AccessKeyID: "AKID"}, opts)
		if err != nil || p.Signature != "" || p.KSigning != nil || p.StringToSign == "" {
			t.Errorf("err %v signature %q", err, p.Signature)
		}
	})
	t.Run("undecodable policy is still signed as sent", func(t *testing.T) {
		p, err := SignPostPolicy(PostPolicyInput{Policy: "not*base64", Version: 4}, postExampleCreds, opts)
		if err != nil || p.StringToSign != "not*base64" || p.Document != nil || len(p.Notes) == 0 || p.Signature == "" {
			t.Errorf("err %v %+v", err, p)
		}
	})
	t.Run("empty policy", func(t *testing.T) {
		if _, err := SignPostPolicy(PostPolicyInput{Policy: "  "}, postExampleCreds, opts); !errors.Is(err, policy.ErrNoPolicy) {
			t.Errorf("err %v", err)
		}
	})
}

// TestPostPolicy_secretNeverInResult checks that only the derived keys,
// marked Secret, carry key material.
func TestPostPolicy_secretNeverInResult(t *testing.T) {
	p, err := SignPostPolicy(PostPolicyInput{Policy: `{"conditions":[]}`}, postExampleCreds, Options{Region: "us-east-1", Service: "s3", Time: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(p.Result())
	if strings.Contains(string(b), postExampleCreds.Secret.Reveal()) {
		t.Fatal("the secret appears in the result")
	}
}
