package recompute

import (
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// gcsHMACPostCase reads testdata/gcspost/gcs-v4-hmac-post.txtar. There
// are no official vectors for a GOOG4-HMAC-SHA256 POST policy: the form,
// signing key and signature were computed once by testdata/gcspost/
// oracle.py, a Python rendering of the documented rule (base64 policy
// signed with GOOG4's HMAC-SHA256 key chain; hmac, hashlib, base64 from
// its standard library), not of this package.
func gcsHMACPostCase(t *testing.T) (fields []request.Field, files map[string]string) {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", "gcspost", "gcs-v4-hmac-post.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	files = map[string]string{}
	for _, f := range ar.Files {
		files[f.Name] = strings.TrimSuffix(string(f.Data), "\n")
	}
	for _, line := range strings.Split(files["form.txt"], "\n") {
		k, v, _ := strings.Cut(line, "=")
		fields = append(fields, request.Field{Name: k, Value: v})
	}
	return fields, files
}

func TestSignGCSHMACPostPolicy_oracle(t *testing.T) {
	fields, files := gcsHMACPostCase(t)
	pol, _ := postField(fields, "policy")
	sent, _ := postField(fields, "x-goog-signature")
	for _, name := range []string{"direct", "through SignPostPolicy"} {
		t.Run(name, func(t *testing.T) {
			sign := SignGCSHMACPostPolicy
			if name != "direct" {
				sign = SignPostPolicy
			}
			p, err := sign(PostPolicyInput{Policy: pol, Fields: fields}, credentials.Credentials{Secret: goog1Creds.Secret}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Signature != files["signature"] || p.Signature != sent {
				t.Fatalf("signature %q, want %q", p.Signature, files["signature"])
			}
			if got := hex.EncodeToString(p.KSigning); got != files["signing-key.hex"] {
				t.Fatalf("kSigning %s", got)
			}
			if p.PolicyJSON != files["policy.json"] || p.AccessKeyID != "GOOGTS7C7FUP3AIRVJTE" || p.Scope != "20261128/auto/storage/goog4_request" || p.CredentialSource != "form field" {
				t.Fatalf("%+v", p)
			}
			if p.Scheme() != SchemeGCSV4HMACPost || len(p.Notes) != 0 {
				t.Fatalf("scheme %q, notes %q", p.Scheme(), p.Notes)
			}
			r := p.Result()
			if r.Scheme != SchemeGCSV4HMACPost || r.Algorithm != "GOOG4-HMAC-SHA256" || r.Signature != sent || r.StringToSign != pol {
				t.Fatalf("%+v", r)
			}
			for _, s := range r.Steps {
				if strings.HasPrefix(s.Name, "k") != s.Secret {
					t.Errorf("step %s secret %v", s.Name, s.Secret)
				}
			}
		})
	}
}

// The scope from the policy's condition, then from the options; another
// secret, a changed policy or another date signs otherwise.
func TestSignGCSHMACPostPolicy_scope(t *testing.T) {
	fields, files := gcsHMACPostCase(t)
	pol, _ := postField(fields, "policy")
	creds := credentials.Credentials{Secret: goog1Creds.Secret}
	p, err := SignGCSHMACPostPolicy(PostPolicyInput{Policy: pol}, creds, Options{})
	if err != nil || p.CredentialSource != "policy condition" || p.Signature != files["signature"] {
		t.Fatalf("%v, %+v", err, p)
	}
	p, err = SignGCSHMACPostPolicy(PostPolicyInput{Policy: files["policy.json"]}, creds, Options{})
	if err != nil || p.Signature != files["signature"] {
		t.Fatalf("policy as json: %v, %+v", err, p)
	}
	noCred := `{"conditions":[{"bucket":"b"}],"expiration":"2026-11-28T12:43:15Z"}`
	if _, err := SignGCSHMACPostPolicy(PostPolicyInput{Policy: noCred}, creds, Options{}); err != ErrNoTime {
		t.Fatalf("no scope: %v", err)
	}
	p, err = SignGCSHMACPostPolicy(PostPolicyInput{Policy: noCred}, creds, Options{Time: time.Date(2026, 11, 28, 11, 43, 15, 0, time.UTC)})
	if err != nil || p.Scope != "20261128/auto/storage/goog4_request" || p.CredentialSource != "options" {
		t.Fatalf("%v, %+v", err, p)
	}
	other, _ := SignGCSHMACPostPolicy(PostPolicyInput{Policy: pol, Fields: fields}, credentials.Credentials{Secret: credentials.NewSecret("wrong")}, Options{})
	if other.Signature == files["signature"] {
		t.Fatal("another secret signs the same")
	}
	// AWS4's chain over the same scope is not GOOG4's.
	aws, err := SignPostPolicy(PostPolicyInput{Policy: pol, Version: 4, Fields: []request.Field{{Name: "x-amz-credential", Value: "GOOGTS7C7FUP3AIRVJTE/20261128/auto/storage/aws4_request"}}}, creds, Options{})
	if err != nil || aws.Signature == files["signature"] || aws.Scheme() != "sigv4-post" {
		t.Fatalf("%v, %+v", err, aws)
	}
	// A field naming another algorithm is noted.
	p, err = SignGCSHMACPostPolicy(PostPolicyInput{Policy: pol, Fields: []request.Field{{Name: "x-goog-algorithm", Value: "AWS4-HMAC-SHA256"}}}, creds, Options{})
	if err != nil || len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "x-goog-algorithm") {
		t.Fatalf("%v, %q", err, p.Notes)
	}
	// Without a secret: the string to sign and the scope only.
	p, err = SignGCSHMACPostPolicy(PostPolicyInput{Policy: pol, Fields: fields}, credentials.Credentials{}, Options{})
	if err != nil || p.Signature != "" || p.KSigning != nil || p.Scope == "" {
		t.Fatalf("%v, %+v", err, p)
	}
	// A malformed credential names its field.
	_, err = SignGCSHMACPostPolicy(PostPolicyInput{Policy: pol, Fields: []request.Field{{Name: "x-goog-credential", Value: "a/b"}}}, creds, Options{})
	if err == nil || !strings.Contains(err.Error(), "x-goog-credential form field") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("%v", err)
	}
}

// FuzzSignGCSHMACPostPolicy signs arbitrary policies and credential and
// algorithm fields: nothing panics, errors are one line, and what signs is
// GOOG4's HMAC over the policy field under the scope read. Seeds: the
// oracle's case, a JSON policy, a malformed credential.
func FuzzSignGCSHMACPostPolicy(f *testing.F) {
	f.Add("eyJjb25kaXRpb25zIjpbXX0=", "GOOGTS7C7FUP3AIRVJTE/20261128/auto/storage/goog4_request", "GOOG4-HMAC-SHA256")
	f.Add(`{"conditions":[{"x-goog-credential":"a/20261128/auto/storage/goog4_request"}],"expiration":"2026-11-28T12:43:15Z"}`, "", "")
	f.Add("e30=", "a/b", "AWS4-HMAC-SHA256")
	creds := credentials.Credentials{Secret: goog1Creds.Secret}
	f.Fuzz(func(t *testing.T, pol, cred, alg string) {
		var fields []request.Field
		if cred != "" {
			fields = append(fields, request.Field{Name: "x-goog-credential", Value: cred})
		}
		if alg != "" {
			fields = append(fields, request.Field{Name: "x-goog-algorithm", Value: alg})
		}
		p, err := SignGCSHMACPostPolicy(PostPolicyInput{Policy: pol, Fields: fields}, creds, Options{Time: time.Unix(1795000000, 0)})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("message of more than one line: %q", err)
			}
			return
		}
		k := DeriveKeys(GOOG4, creds.Secret, p.Date, p.Region, p.Service)
		if p.Signature != Signature(k.Signing, p.StringToSign) || p.Scope != GOOG4.Scope(p.Date, p.Region, p.Service) {
			t.Fatalf("%+v", p)
		}
	})
}
