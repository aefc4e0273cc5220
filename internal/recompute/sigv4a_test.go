package recompute

import (
	"crypto/elliptic"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// TestSigV4A_derivedKeys: the KDF gives derived-keys.json's private
// scalars and public points for both example key pairs.
func TestSigV4A_derivedKeys(t *testing.T) {
	dir := testenv.Shared(t, "vectors", "aws-sig-v4a")
	var file struct {
		Keys []struct {
			AccessKeyID string `json:"access_key_id"`
			Secret      string `json:"secret_access_key"`
			D           string `json:"private_key_d_hex"`
			X           string `json:"public_key_x_hex"`
			Y           string `json:"public_key_y_hex"`
		}
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "derived-keys.json"))), &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Keys) != 2 {
		t.Fatalf("%d keys", len(file.Keys))
	}
	for _, k := range file.Keys {
		key, err := DeriveSigV4AKey(credentials.Credentials{AccessKeyID: k.AccessKeyID, Secret: credentials.NewSecret(k.Secret)})
		if err != nil {
			t.Fatal(err)
		}
		pub, _ := key.PublicKey.ECDH()
		raw := pub.Bytes() // 04 || X || Y
		same(t, "private key", hex.EncodeToString(key.D.FillBytes(make([]byte, 32))), k.D)
		same(t, "public x", hex.EncodeToString(raw[1:33]), k.X)
		same(t, "public y", hex.EncodeToString(raw[33:]), k.Y)
	}
	if _, err := DeriveSigV4AKey(credentials.Credentials{AccessKeyID: "a"}); err != ErrNoSecret {
		t.Errorf("no secret: %v", err)
	}
}

// TestSigV4A_suite runs the 38 complete aws-c-auth v4a cases in both
// forms: the canonical request and string to sign byte for byte; the
// published signatures verify over our string to sign with the key we
// derive, and so does our own; Verify accepts the published signed
// request, and rejects it with a header changed or the wrong secret.
func TestSigV4A_suite(t *testing.T) {
	dir := testenv.Shared(t, "vectors", "aws-sig-v4a", "v4a")
	cases, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, c := range cases {
		d := filepath.Join(dir, c.Name())
		if _, err := os.Stat(filepath.Join(d, "header-canonical-request.txt")); err != nil {
			continue // request-only cases (no expected outputs upstream)
		}
		ran++
		t.Run(c.Name(), func(t *testing.T) {
			var ctx suiteContext
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(d, "context.json"))), &ctx); err != nil {
				t.Fatal(err)
			}
			ts, err := time.Parse(time.RFC3339, ctx.Timestamp)
			if err != nil {
				t.Fatal(err)
			}
			creds := credentials.Credentials{AccessKeyID: ctx.Credentials.AccessKeyID, Secret: credentials.NewSecret(ctx.Credentials.SecretAccessKey),
				SessionToken: credentials.NewSecret(ctx.Credentials.Token)}
			req, err := parseRawHTTP([]byte(readFile(t, filepath.Join(d, "request.txt"))))
			if err != nil {
				t.Fatal(err)
			}
			var pk struct{ X, Y string }
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(d, "public-key.json"))), &pk); err != nil {
				t.Fatal(err)
			}
			for _, form := range []string{"header", "query"} {
				t.Run(form, func(t *testing.T) {
					opts := Options{Region: ctx.Region, Service: ctx.Service, Time: ts, Normalize: toggle(ctx.Normalize), SignBody: toggle(ctx.SignBody),
						OmitSessionToken: ctx.OmitSessionToken, Presign: form == "query", Expires: ctx.Expiration}
					a, err := SigV4A(req, creds, opts)
					if err != nil {
						t.Fatal(err)
					}
					same(t, "canonical request", a.CanonicalRequest, readFile(t, filepath.Join(d, form+"-canonical-request.txt")))
					same(t, "string to sign", a.StringToSign, readFile(t, filepath.Join(d, form+"-string-to-sign.txt")))
					x, y := a.PublicKey.X.FillBytes(make([]byte, 32)), a.PublicKey.Y.FillBytes(make([]byte, 32))
					if hex.EncodeToString(x) != pk.X || hex.EncodeToString(y) != pk.Y || !elliptic.P256().IsOnCurve(a.PublicKey.X, a.PublicKey.Y) {
						t.Error("public key differs from public-key.json")
					}
					for what, sig := range map[string]string{"published": strings.TrimSpace(readFile(t, filepath.Join(d, form+"-signature.txt"))), "ours": a.Signature} {
						if ok, err := VerifySigV4A(a.StringToSign, sig, a.PublicKey); !ok || err != nil {
							t.Errorf("%s signature does not verify: %v", what, err)
						}
					}
					r := a.Result()
					if r.Scheme != "sigv4a-"+form || r.Algorithm != SigV4AAlgorithm {
						t.Errorf("result %s %s", r.Scheme, r.Algorithm)
					}
					checkSigV4ASigned(t, readFile(t, filepath.Join(d, form+"-signed-request.txt")), creds, opts)
				})
			}
		})
	}
	if ran != 38 {
		t.Errorf("ran %d complete cases, want 38", ran)
	}
}

func checkSigV4ASigned(t *testing.T, text string, creds credentials.Credentials, opts Options) {
	t.Helper()
	signed, err := parseRawHTTP([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if got := DetectScheme(signed); !strings.HasPrefix(got, "sigv4a-") {
		t.Fatalf("DetectScheme %q", got)
	}
	vo := Options{Normalize: opts.Normalize, SignBody: opts.SignBody, OmitSessionToken: opts.OmitSessionToken}
	vc := creds
	vc.SessionToken = credentials.Secret{} // the request carries it
	if _, ok, err := Verify(signed, vc, vo, nil); !ok || err != nil {
		t.Fatalf("Verify of the signed request: %v %v", ok, err)
	}
	wrong := vc
	wrong.Secret = credentials.NewSecret("not-the-secret")
	if _, ok, err := Verify(signed, wrong, vo, nil); ok || err != nil {
		t.Errorf("wrong secret verifies: %v %v", ok, err)
	}
	changed := *signed
	changed.Header = append([]request.Field(nil), signed.Header...)
	for i, h := range changed.Header {
		if strings.EqualFold(h.Name, "host") {
			changed.Header[i].Value = "other.example.com"
		}
	}
	if _, ok, err := Verify(&changed, vc, vo, nil); ok || err != nil {
		t.Errorf("changed host verifies: %v %v", ok, err)
	}
}

func TestSigV4A_signStringToSignAndParse(t *testing.T) {
	creds := credentials.Credentials{AccessKeyID: "AKIDEXAMPLE", Secret: credentials.NewSecret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")}
	sts := "AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\ncf59db423e841c8b7e3444158185aa261b724a5c27cbe762676f3eed19f4dc02"
	r, err := SignStringToSign("", sts, creds, Options{})
	if err != nil || r.Scheme != SchemeSigV4AHeader || r.Signature == "" {
		t.Fatalf("%v %+v", err, r)
	}
	key, _ := DeriveSigV4AKey(creds)
	if ok, _ := VerifySigV4A(sts, r.Signature, &key.PublicKey); !ok {
		t.Error("signature of the text does not verify")
	}
	for _, tt := range []struct{ name, authz, regionSet, want string }{
		{"no region set", "AWS4-ECDSA-P256-SHA256 Credential=A/20150830/s/aws4_request, SignedHeaders=host, Signature=00", "", "x-amz-region-set header: missing"},
		{"short credential", "AWS4-ECDSA-P256-SHA256 Credential=A/s/aws4_request, SignedHeaders=host, Signature=00", "us-east-1", "got 3 element(s)"},
	} {
		req := testRequest("GET", "/", "Authorization", tt.authz, "X-Amz-Date", "20150830T123600Z")
		if tt.regionSet != "" {
			req.Header = append(req.Header, request.Field{Name: "X-Amz-Region-Set", Value: tt.regionSet})
		}
		if _, err := ParseAnyAuth(req); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
