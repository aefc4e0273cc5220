package recompute

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/gcskey"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

type gcsURLCase struct {
	Description, Method, Timestamp                 string
	Expiration                                     int64
	Headers                                        map[string]string
	ExpectedURL                                    string `json:"expectedUrl"`
	ExpectedCanonicalRequest, ExpectedStringToSign string
}

type gcsPostCase struct {
	Description  string
	PolicyOutput struct {
		URL                   string
		Fields                map[string]string
		ExpectedDecodedPolicy string
	}
}

func gcsVectors(t *testing.T) (urls []gcsURLCase, posts []gcsPostCase, key *gcskey.Key, keyFile []byte, errata map[string]string) {
	t.Helper()
	dir := testenv.Shared(t, "vectors", "gcs")
	read := func(name string, v any) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if v != nil {
			if err := json.Unmarshal(data, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var file struct {
		URLs  []gcsURLCase  `json:"signingV4Tests"`
		Posts []gcsPostCase `json:"postPolicyV4Tests"`
	}
	read("v4_signatures.json", &file)
	var e struct {
		Entries []struct {
			List, Test                           any
			CanonicalRequestMatchingStringToSign string `json:"canonical_request_matching_string_to_sign"`
		}
	}
	read("errata.json", &e)
	errata = map[string]string{}
	for _, en := range e.Entries {
		if s, ok := en.Test.(string); ok && en.CanonicalRequestMatchingStringToSign != "" {
			errata[s] = en.CanonicalRequestMatchingStringToSign
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "test_service_account.not-a-test.json"))
	if err != nil {
		t.Fatal(err)
	}
	if key, err = gcskey.Parse(data); err != nil {
		t.Fatal(err)
	}
	return file.URLs, file.Posts, key, data, errata
}

// gcsURLRequest is the request a user of the signed URL sends: the URL
// without its signature, the test's headers, and a Host header with the
// host name alone: the conformance clients sign the host without its port
// ("Simple GET with endpoint on client" signs storage.googleapis.com for
// …:443, "Endpoint on client with scheme" localhost for localhost:8080).
func gcsURLRequest(t *testing.T, signedURL string, headers map[string]string, method string) (*request.Request, string) {
	t.Helper()
	u, err := url.Parse(signedURL)
	if err != nil {
		t.Fatal(err)
	}
	raw, sig, ok := strings.Cut(u.RawQuery, "&X-Goog-Signature=")
	if !ok {
		t.Fatalf("no signature in %s", signedURL)
	}
	host := u.Hostname()
	req := &request.Request{Method: method, Scheme: u.Scheme, Host: u.Host, RawPath: u.EscapedPath(), RawQuery: raw,
		Header: []request.Field{{Name: "Host", Value: host}}}
	for k, v := range headers {
		req.Header = append(req.Header, request.Field{Name: k, Value: v})
	}
	return req, sig
}

// TestGCS_conformanceSignedURLs runs all 29 googleapis conformance signed
// URLs: from the signed URL a user holds, the canonical request, the string
// to sign, the RSA signature (deterministic: compared byte for byte) and
// the whole URL come out as published; Verify accepts each and rejects it
// with a changed header.
func TestGCS_conformanceSignedURLs(t *testing.T) {
	urls, _, key, keyFile, errata := gcsVectors(t)
	if len(urls) != 29 {
		t.Fatalf("%d url cases, want 29", len(urls))
	}
	for _, tc := range urls {
		t.Run(tc.Description, func(t *testing.T) {
			req, sig := gcsURLRequest(t, tc.ExpectedURL, tc.Headers, tc.Method)
			ts, err := time.Parse(time.RFC3339, tc.Timestamp)
			if err != nil {
				t.Fatal(err)
			}
			g, err := SigGCSRSA(req, credentials.Credentials{}, key, Options{Time: ts, Presign: true, Expires: tc.Expiration})
			if err != nil {
				t.Fatal(err)
			}
			wantCR := tc.ExpectedCanonicalRequest
			if fixed, ok := errata[tc.Description]; ok {
				wantCR = fixed
			}
			same(t, "canonical request", g.CanonicalRequest, wantCR)
			same(t, "string to sign", g.StringToSign, tc.ExpectedStringToSign)
			same(t, "signature", g.Signature, sig)
			same(t, "signed url", g.PresignedURL, tc.ExpectedURL)
			if r := g.Result(); r.Scheme != SchemeGCSV4RSA || r.URL != tc.ExpectedURL || r.Steps[len(r.Steps)-1].Name != "SignedURL" {
				t.Errorf("result: %s %s", r.Scheme, r.URL)
			}

			// From the URL alone, as sigdiff verify gets it.
			sent := *req
			sent.RawQuery += "&X-Goog-Signature=" + sig
			_, ok, err := Verify(&sent, credentials.Credentials{}, Options{}, keyFile)
			if err != nil || !ok {
				t.Fatalf("verify: %v %v", ok, err)
			}
			sent.Header = append(append([]request.Field(nil), sent.Header...), request.Field{Name: "Host", Value: "evil.example"})
			sent.Header = sent.Header[1:]
			if _, ok, err := Verify(&sent, credentials.Credentials{}, Options{}, keyFile); ok || err != nil {
				t.Errorf("a changed host verifies: %v %v", ok, err)
			}
		})
	}
}

// TestGCS_conformancePostPolicies: the 11 POST policies' x-goog-signature
// is recomputed byte for byte from the base64 policy, and the decoded
// policy equals expectedDecodedPolicy as a JSON value (errata: two differ
// only in \u escaping).
func TestGCS_conformancePostPolicies(t *testing.T) {
	_, posts, key, _, _ := gcsVectors(t)
	if len(posts) != 11 {
		t.Fatalf("%d post cases, want 11", len(posts))
	}
	for _, tc := range posts {
		t.Run(tc.Description, func(t *testing.T) {
			var fields []request.Field
			for k, v := range tc.PolicyOutput.Fields {
				fields = append(fields, request.Field{Name: k, Value: v})
			}
			p, err := SignGCSPostPolicy(PostPolicyInput{Policy: tc.PolicyOutput.Fields["policy"], Fields: fields}, key)
			if err != nil {
				t.Fatal(err)
			}
			same(t, "signature", p.Signature, tc.PolicyOutput.Fields["x-goog-signature"])
			var got, want any
			if json.Unmarshal([]byte(p.PolicyJSON), &got) != nil || json.Unmarshal([]byte(tc.PolicyOutput.ExpectedDecodedPolicy), &want) != nil {
				t.Fatal("policy is not json")
			}
			a, _ := json.Marshal(got)
			b, _ := json.Marshal(want)
			same(t, "decoded policy", string(a), string(b))
			if p.Scope != strings.SplitN(tc.PolicyOutput.Fields["x-goog-credential"], "/", 2)[1] {
				t.Errorf("scope %q", p.Scope)
			}
			ok, err := VerifyGCSRSA(p.StringToSign, tc.PolicyOutput.Fields["x-goog-signature"], key)
			if err != nil || !ok {
				t.Errorf("verify: %v %v", ok, err)
			}
			if ok, _ := VerifyGCSRSA(p.StringToSign+"=", tc.PolicyOutput.Fields["x-goog-signature"], key); ok {
				t.Error("a changed policy verifies")
			}
			if r := GCSPostResult(p); r.Scheme != SchemeGCSV4RSAPost || r.Signature != p.Signature {
				t.Errorf("result %+v", r)
			}
		})
	}
}

// TestGCS_hmacKeyChain checks GOOG4-HMAC-SHA256 against a key chain
// written out here with crypto/hmac ("GOOG4" + secret, date, auto,
// storage, goog4_request), in both forms, and that tabs and the payload
// follow GCS's rules. No official HMAC vectors exist (vectors/gcs README).
func TestGCS_hmacKeyChain(t *testing.T) {
	creds := credentials.Credentials{AccessKeyID: "GOOGTS7C7FUP3AIRVJTE2BCD", Secret: credentials.NewSecret("bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ")}
	mac := func(key []byte, s string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(s))
		return h.Sum(nil)
	}
	k := mac(mac(mac(mac([]byte("GOOG4"+creds.Secret.Reveal()), "20190201"), "auto"), "storage"), "goog4_request")
	ts := time.Date(2019, 2, 1, 9, 0, 0, 0, time.UTC)
	for _, presign := range []bool{false, true} {
		req := testRequest("GET", "/bucket/obj?x=1", "Host", "storage.googleapis.com", "X-Goog-Meta-A", "\ta\t\tb ")
		g, err := SigGCS(req, creds, Options{Time: ts, Presign: presign, Expires: 60})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(g.CanonicalHeaders, "x-goog-meta-a:a b\n") || g.PayloadHash != UnsignedPayload || g.Scope != "20190201/auto/storage/goog4_request" {
			t.Fatalf("presign %v: %q %q %q", presign, g.CanonicalHeaders, g.PayloadHash, g.Scope)
		}
		if want := hex.EncodeToString(mac(k, g.StringToSign)); g.Signature != want {
			t.Errorf("presign %v: signature %s, want %s", presign, g.Signature, want)
		}
		r := g.Result()
		if r.Scheme != SchemeGCSV4HMAC || r.Algorithm != "GOOG4-HMAC-SHA256" {
			t.Errorf("result %s %s", r.Scheme, r.Algorithm)
		}
		if presign && !strings.Contains(g.PresignedURL, "X-Goog-Credential=GOOGTS7C7FUP3AIRVJTE2BCD%2F20190201%2Fauto%2Fstorage%2Fgoog4_request") {
			t.Errorf("url %s", g.PresignedURL)
		}
		if !presign && !strings.HasPrefix(g.Authorization, "GOOG4-HMAC-SHA256 Credential=GOOGTS7C7FUP3AIRVJTE2BCD/20190201/auto/storage/goog4_request, SignedHeaders=host;x-goog-date;x-goog-meta-a, Signature=") {
			t.Errorf("authorization %s", g.Authorization)
		}
	}
	req := testRequest("PUT", "/b/o", "Host", "storage.googleapis.com", "x-goog-content-sha256", EmptySHA256)
	g, err := SigGCS(req, creds, Options{Time: ts})
	if err != nil || g.PayloadHash != EmptySHA256 {
		t.Fatalf("signed payload: %v %q", err, g.PayloadHash)
	}
}

func TestGCS_rsaWithoutKeyStopsAtStringToSign(t *testing.T) {
	req := testRequest("GET", "/b/o", "Host", "storage.googleapis.com")
	g, err := SigGCSRSA(req, credentials.Credentials{AccessKeyID: "sa@p.iam.gserviceaccount.com"}, nil, Options{Time: time.Unix(0, 0), Presign: true, Expires: 5})
	if err != nil {
		t.Fatal(err)
	}
	if g.Signature != "" || !strings.HasPrefix(g.StringToSign, "GOOG4-RSA-SHA256\n19700101T000000Z\n19700101/auto/storage/goog4_request\n") {
		t.Fatalf("%q %q", g.Signature, g.StringToSign)
	}
	if _, err := VerifyGCSRSA(g.StringToSign, "00", nil); err != ErrNoKey {
		t.Errorf("no key: %v", err)
	}
}
