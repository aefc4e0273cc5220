package recompute

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/gcskey"
	"github.com/sigdiff/sigdiff/internal/request"
)

func testRSAKeyFiles(t *testing.T) (private, public []byte) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p8, _ := x509.MarshalPKCS8PrivateKey(k)
	spki, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})
}

// TestGCSV2_stringToSign: the lines of Google's V2 signed URL string to
// sign: verb, Content-MD5, Content-Type, Expires, the x-goog-* headers,
// then /bucket/object (bucket from a virtual-hosted host), with
// GoogleAccessId, Expires and Signature left out.
func TestGCSV2_stringToSign(t *testing.T) {
	for _, tt := range []struct {
		host, target, want string
		header             []string
	}{
		{"storage.googleapis.com", "/bucket/objectname?GoogleAccessId=sa%40p.iam.gserviceaccount.com&Expires=1388534400&Signature=abc",
			"GET\n\n\n1388534400\n/bucket/objectname", nil},
		{"bucket.storage.googleapis.com", "/dir/o%20b?acl&Expires=1388534400&GoogleAccessId=a",
			"GET\nrmYdCNHKFXam78uCt7xQLw==\ntext/plain\n1388534400\nx-goog-acl:public-read\nx-goog-meta-a:1,2\n/bucket/dir/o%20b?acl",
			[]string{"Content-MD5", "rmYdCNHKFXam78uCt7xQLw==", "Content-Type", "text/plain", "X-Goog-Meta-A", "1", "x-goog-acl", "public-read", "x-goog-meta-a", " 2 "}},
	} {
		req := testRequest("GET", tt.target, tt.header...)
		req.Host = tt.host
		g, err := SigGCSV2(req, credentials.Credentials{}, nil, V2Options{})
		if err != nil {
			t.Fatal(err)
		}
		same(t, "string to sign", g.StringToSign, tt.want)
		if g.Signature != "" || g.Scheme != SchemeGCSV2 {
			t.Errorf("%q %q", g.Signature, g.Scheme)
		}
	}
	if _, err := SigGCSV2(testRequest("GET", "/b/o"), credentials.Credentials{}, nil, V2Options{}); err == nil {
		t.Error("no expiry: no error")
	}
}

// TestGCSV2_signVerify signs a URL with a key file, verifies it from the
// URL alone with the private and with the public key, and rejects it with
// another key, a changed header, and a changed expiry.
func TestGCSV2_signVerify(t *testing.T) {
	priv, pub := testRSAKeyFiles(t)
	other, _ := testRSAKeyFiles(t)
	req := testRequest("PUT", "/bucket/o?uploadId=1", "Content-Type", "image/png", "x-goog-meta-k", "v")
	req.Host = "storage.googleapis.com"
	r, err := SignWithKey(req, credentials.Credentials{AccessKeyID: "sa@p.iam.gserviceaccount.com"}, Options{Expires: 1700000000}, SchemeGCSV2, priv)
	if err != nil || r.Signature == "" || !strings.Contains(r.URL, "GoogleAccessId=sa%40p.iam.gserviceaccount.com&Expires=1700000000&Signature=") {
		t.Fatalf("%v %+v", err, r)
	}
	if r.Steps[len(r.Steps)-1].Name != "SigningKey" || strings.Contains(r.Steps[len(r.Steps)-1].Value, "PRIVATE") {
		t.Errorf("steps %+v", r.Steps)
	}
	_, q, _ := strings.Cut(r.URL, "?")
	sent := *req
	sent.RawQuery = q
	if DetectScheme(&sent) != SchemeGCSV2 {
		t.Fatalf("detect %q", DetectScheme(&sent))
	}
	for name, key := range map[string][]byte{"private": priv, "public": pub} {
		if _, ok, err := Verify(&sent, credentials.Credentials{}, Options{}, key); !ok || err != nil {
			t.Errorf("%s key: %v %v", name, ok, err)
		}
	}
	if _, ok, err := Verify(&sent, credentials.Credentials{}, Options{}, other); ok || err != nil {
		t.Errorf("other key verifies: %v %v", ok, err)
	}
	changed := sent
	changed.Header = []request.Field{{Name: "Content-Type", Value: "image/jpeg"}, {Name: "x-goog-meta-k", Value: "v"}}
	if _, ok, err := Verify(&changed, credentials.Credentials{}, Options{}, pub); ok || err != nil {
		t.Errorf("changed content-type verifies: %v %v", ok, err)
	}
	changed = sent
	changed.RawQuery = strings.Replace(q, "Expires=1700000000", "Expires=1700000001", 1)
	if _, ok, _ := Verify(&changed, credentials.Credentials{}, Options{}, pub); ok {
		t.Error("changed expiry verifies")
	}
	if _, _, err := Verify(&sent, credentials.Credentials{}, Options{}, nil); err != ErrNoKey {
		t.Errorf("no key: %v", err)
	}
	// The text alone, as a server's StringToSign is signed.
	k, _ := gcskey.Parse(priv)
	st, err := SignStringToSignWithKey(SchemeGCSV2, r.StringToSign, credentials.Credentials{}, Options{}, priv)
	if err != nil || st.Signature != r.Signature {
		t.Errorf("from the text: %v %q", err, st.Signature)
	}
	if ok, _ := VerifyGCSV2(r.StringToSign, r.Signature, k); !ok {
		t.Error("VerifyGCSV2")
	}
}

// TestGCSV4RSA_headerAndPublicKey signs a GOOG4-RSA-SHA256 Authorization
// header and verifies it with the public key alone.
func TestGCSV4RSA_headerAndPublicKey(t *testing.T) {
	priv, pub := testRSAKeyFiles(t)
	req := testRequest("GET", "/b/o", "Host", "storage.googleapis.com", "x-goog-date", "20240101T000000Z")
	r, err := SignWithKey(req, credentials.Credentials{AccessKeyID: "sa@p.iam.gserviceaccount.com"}, Options{}, SchemeGCSV4RSA, priv)
	if err != nil || !strings.HasPrefix(r.Authorization, "GOOG4-RSA-SHA256 Credential=sa@p.iam.gserviceaccount.com/20240101/auto/storage/goog4_request, SignedHeaders=host;x-goog-date, Signature=") {
		t.Fatalf("%v %+v", err, r)
	}
	sent := *req
	sent.Header = append(append([]request.Field(nil), req.Header...), request.Field{Name: "Authorization", Value: r.Authorization})
	if _, ok, err := Verify(&sent, credentials.Credentials{}, Options{}, pub); !ok || err != nil {
		t.Fatalf("verify: %v %v", ok, err)
	}
	sent.Header[1].Value = "20240101T000001Z"
	if _, ok, err := Verify(&sent, credentials.Credentials{}, Options{}, pub); ok || err != nil {
		t.Errorf("changed date verifies: %v %v", ok, err)
	}
}

// TestGCSV4HMAC_verify: a GOOG4-HMAC-SHA256 header and signed URL verify
// with the HMAC secret and fail with another.
func TestGCSV4HMAC_verify(t *testing.T) {
	creds := credentials.Credentials{AccessKeyID: "GOOGTS7C7FUP3AIRVJTE2BCD", Secret: credentials.NewSecret("bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ")}
	wrong := creds
	wrong.Secret = credentials.NewSecret("wrong")
	req := testRequest("GET", "/b/o", "Host", "storage.googleapis.com", "x-goog-date", "20240101T000000Z")
	for _, presign := range []bool{false, true} {
		r, err := Sign(req, creds, Options{Presign: presign, Expires: 60}, SchemeGCSV4HMAC)
		if err != nil {
			t.Fatal(err)
		}
		sent := *req
		if presign {
			_, sent.RawQuery, _ = strings.Cut(r.URL, "?") // x-goog-date stays: it was signed as a header
		} else {
			sent.Header = append(append([]request.Field(nil), req.Header...), request.Field{Name: "Authorization", Value: r.Authorization})
		}
		if got := DetectScheme(&sent); got != SchemeGCSV4HMAC {
			t.Fatalf("detect %q", got)
		}
		if _, ok, err := Verify(&sent, creds, Options{}, nil); !ok || err != nil {
			t.Errorf("presign %v: %v %v", presign, ok, err)
		}
		if _, ok, err := Verify(&sent, wrong, Options{}, nil); ok || err != nil {
			t.Errorf("presign %v, wrong secret: %v %v", presign, ok, err)
		}
		st, err := SignStringToSign("", r.StringToSign, creds, Options{})
		if err != nil || st.Signature != r.Signature || st.Scheme != SchemeGCSV4HMAC {
			t.Errorf("from the text: %v %+v", err, st)
		}
	}
}

// FuzzParseAnyAuthGCSSigV4A reads requests in the schemes added here
// (GOOG4 header and query, GCS V2, SigV4A header and query): no panic, one
// line errors, and DetectScheme agrees with what parses.
func FuzzParseAnyAuthGCSSigV4A(f *testing.F) {
	f.Add("GOOG4-HMAC-SHA256 Credential=G/20240101/auto/storage/goog4_request, SignedHeaders=host, Signature=ab", "", "20240101T000000Z", "")
	f.Add("", "X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=a%40b%2F20190201%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20190201T090000Z&X-Goog-Expires=10&X-Goog-SignedHeaders=host&X-Goog-Signature=00", "", "")
	f.Add("", "GoogleAccessId=a%40b&Expires=1&Signature=YQ%3D%3D", "", "")
	f.Add("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3045", "", "20150830T123600Z", "us-east-1")
	f.Add("", "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Region-Set=us-east-1&X-Amz-Signature=30", "", "")
	f.Fuzz(func(t *testing.T, authz, rawQuery, date, regionSet string) {
		req := &request.Request{Method: "GET", RawPath: "/", RawQuery: rawQuery}
		for _, h := range [][2]string{{"Authorization", authz}, {"x-goog-date", date}, {"x-amz-date", date}, {"x-amz-region-set", regionSet}} {
			if h[1] != "" {
				req.Header = append(req.Header, request.Field{Name: h[0], Value: h[1]})
			}
		}
		p, err := ParseAnyAuth(req)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("message of more than one line: %q", err)
			}
			return
		}
		if p.AccessKeyID == "" || p.Signature == "" || !strings.Contains(schemeList, p.Scheme) {
			t.Fatalf("parsed %+v", p)
		}
		if d := DetectScheme(req); d != p.Scheme && !(d == "sigv4-streaming" && p.Scheme == "sigv4-header") {
			t.Fatalf("DetectScheme says %q, ParseAnyAuth %q", d, p.Scheme)
		}
	})
}
