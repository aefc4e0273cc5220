package proxy

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

// serviceAccount returns a service-account key file for email and the
// PEM of its public key.
func serviceAccount(t *testing.T, email string) (keyFile, publicPEM []byte) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	pubDER, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	keyFile, _ = json.Marshal(map[string]string{
		"type": "service_account", "project_id": "p", "private_key_id": "k1", "client_email": email,
		"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
	})
	return keyFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
}

// TestProxy_gcsRSA: GCS requests signed with a service account's RSA key
// (GOOG4-RSA-SHA256 header and signed URL, V2 signed URL) verify with the
// key file or the public key alone given as Config.GCSKey; a changed
// request is a mismatch; another account's key, or none, is "no-key"
// with a note saying why.
func TestProxy_gcsRSA(t *testing.T) {
	const email = "uploader@p.iam.gserviceaccount.com"
	keyFile, pubPEM := serviceAccount(t, email)
	otherKey, _ := serviceAccount(t, "other@p.iam.gserviceaccount.com")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}))
	defer up.Close()

	now := time.Now().UTC()
	sa := credentials.Credentials{AccessKeyID: email}
	// Each case is a raw request as a client sends it to the proxy.
	signed := map[string]string{}
	base := "GET /bucket/photo.jpg HTTP/1.1\r\nHost: storage.googleapis.com\r\nx-goog-date: " + now.Format("20060102T150405Z") + "\r\n\r\n"
	req, err := request.ParseHTTP([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	r, err := recompute.SignWithKey(req, sa, recompute.Options{}, recompute.SchemeGCSV4RSA, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	signed["v4-header"] = strings.Replace(base, "\r\n\r\n", "\r\nAuthorization: "+r.Authorization+"\r\n\r\n", 1)
	for name, scheme := range map[string]string{"v4-url": recompute.SchemeGCSV4RSA, "v2-url": recompute.SchemeGCSV2} {
		req, _ := request.ParseHTTP([]byte("GET /bucket/photo.jpg HTTP/1.1\r\nHost: storage.googleapis.com\r\n\r\n"))
		r, err := recompute.SignWithKey(req, sa, recompute.Options{Presign: true, Expires: 900, Time: now}, scheme, keyFile)
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(r.URL)
		if err != nil || u.RawQuery == "" {
			t.Fatalf("%s: signed URL %q: %v", name, r.URL, err)
		}
		signed[name] = "GET " + u.EscapedPath() + "?" + u.RawQuery + " HTTP/1.1\r\nHost: storage.googleapis.com\r\n\r\n"
	}

	for name, raw := range signed {
		for _, c := range []struct {
			key   string
			keyOf []byte
			raw   string
			want  string
			note  string
		}{
			{"key-file", keyFile, raw, SigOK, ""},
			{"public-key", pubPEM, raw, SigOK, ""},
			{"changed", keyFile, strings.Replace(raw, "photo.jpg", "photo.png", 1), SigMismatch, ""},
			{"other-account", otherKey, raw, SigNoKey, "the proxy holds the key of other@"},
			{"no-key", nil, raw, SigNoKey, "does not hold"},
		} {
			t.Run(name+"/"+c.key, func(t *testing.T) {
				u, _, log := start(t, up.URL, func(cfg *Config) { cfg.GCSKey = c.keyOf })
				resp := rawRequest(t, u, strings.Replace(c.raw, "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1))
				if !strings.Contains(resp, "200 OK") {
					t.Fatalf("response: %s", resp)
				}
				e := log.wait(t, 1)[0]
				if e.Signature != c.want || !strings.HasPrefix(e.Scheme, "gcs-") {
					t.Errorf("signature %s (scheme %s, notes %v), want %s", e.Signature, e.Scheme, e.Notes, c.want)
				}
				if c.note != "" && !strings.Contains(strings.Join(e.Notes, "\n"), c.note) {
					t.Errorf("notes %q, want one saying %q", e.Notes, c.note)
				}
			})
		}
	}
}

// TestNew_badGCSKey: a key file that cannot be read stops the proxy at
// start, with an error that quotes no key bytes.
func TestNew_badGCSKey(t *testing.T) {
	u, _ := url.Parse("http://127.0.0.1:9")
	secret := "-----BEGIN PRIVATE KEY-----\nTUlJRXZRSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NCS2N3Z2dTakFnRUFBb0lCQVFD\n-----END PRIVATE KEY-----\n"
	_, err := New(Config{Upstream: u, GCSKey: []byte(secret)})
	if err == nil || strings.Contains(err.Error(), "TUlJ") {
		t.Fatalf("New with a broken key: %v", err)
	}
}
