package gcskey

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/testenv"
)

func testKeyFile(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.Shared(t, "vectors", "gcs"), "test_service_account.not-a-test.json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParse_serviceAccountFile(t *testing.T) {
	k, err := Parse(testKeyFile(t))
	if err != nil {
		t.Fatal(err)
	}
	if k.ClientEmail != "test-iam-credentials@dummy-project-id.iam.gserviceaccount.com" || k.ProjectID != "dummy-project-id" || !k.HasPrivate() {
		t.Fatalf("read %v, project %q", k, k.ProjectID)
	}
	sig, err := k.Sign([]byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Verify([]byte("hello"), sig); err != nil {
		t.Fatal(err)
	}
	if err := k.Verify([]byte("hellO"), sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("changed message: %v", err)
	}
}

// TestKey_neverPrintsPrivate formats the key every way a log line might.
func TestKey_neverPrintsPrivate(t *testing.T) {
	k, err := Parse(testKeyFile(t))
	if err != nil {
		t.Fatal(err)
	}
	d := k.private.D.String()
	dHex := fmt.Sprintf("%x", k.private.D)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x"} {
		out := fmt.Sprintf(verb, k)
		if strings.Contains(out, d) || strings.Contains(out, dHex) || strings.Contains(out, "PRIVATE") {
			t.Errorf("%s prints key material: %.80s", verb, out)
		}
		if !strings.Contains(out, "private key test-iam-credentials@") {
			t.Errorf("%s: %q", verb, out)
		}
	}
}

func TestParse_pemForms(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(priv)
	spki, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "t"}, NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1e9, 0)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	enc := func(typ string, b []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}) }
	sig, err := (&Key{Public: &priv.PublicKey, private: priv}).Sign([]byte("m"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		private bool
	}{
		{"pkcs8", enc("PRIVATE KEY", pkcs8), true},
		{"pkcs1", enc("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(priv)), true},
		{"spki", enc("PUBLIC KEY", spki), false},
		{"pkcs1 public", enc("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&priv.PublicKey)), false},
		{"certificate", enc("CERTIFICATE", cert), false},
	} {
		k, err := Parse(tc.data)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if k.HasPrivate() != tc.private {
			t.Errorf("%s: HasPrivate %v", tc.name, k.HasPrivate())
		}
		if err := k.Verify([]byte("m"), sig); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if _, err := k.Sign([]byte("m")); tc.private == errors.Is(err, ErrNoPrivateKey) {
			t.Errorf("%s: sign: %v", tc.name, err)
		}
	}
}

func TestParse_errors(t *testing.T) {
	priv, _ := rsa.GenerateKey(rand.Reader, 1024)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(priv)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}))
	file := func(m map[string]any) []byte { b, _ := json.Marshal(m); return b }
	for _, tc := range []struct {
		name, want string
		data       []byte
	}{
		{"empty", "empty input", []byte(" \n")},
		{"garbage", "neither a service-account json key file nor a pem block", []byte("hello")},
		{"bad json", "syntax error at byte", []byte(`{"type": `)},
		{"wrong type field", "wrong type", []byte(`{"private_key": 3}`)},
		{"authorized user", `type "authorized_user"`, file(map[string]any{"type": "authorized_user", "private_key": pemKey, "client_email": "a@b"})},
		{"no key", "no private_key", file(map[string]any{"type": "service_account", "client_email": "a@b"})},
		{"no email", "no client_email", file(map[string]any{"type": "service_account", "private_key": pemKey})},
		{"bad pkcs8", "not valid pkcs#8", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2}})},
		{"other block", `"OPENSSH PRIVATE KEY"`, pem.EncodeToMemory(&pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: []byte{1}})},
		{"too big", "cap", bytes.Repeat([]byte{' '}, MaxSize+1)},
	} {
		_, err := Parse(tc.data)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want …%s…", tc.name, err, tc.want)
			continue
		}
		if msg := err.Error(); strings.ContainsAny(msg, "\n") || msg != strings.ToLower(msg) && !strings.Contains(tc.want, "\"") {
			t.Errorf("%s: message %q is not one lower-case line", tc.name, msg)
		}
		if strings.Contains(err.Error(), "MII") {
			t.Errorf("%s: key bytes in the message", tc.name)
		}
	}
}

// FuzzParse: no input panics, and a key read can always be printed and
// used to verify.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"public.pem", "sa-broken.json"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n","client_email":"x@y"}`))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := Parse(data)
		if err != nil {
			if k != nil {
				t.Fatal("key and error")
			}
			return
		}
		_ = k.String()
		_ = k.Verify([]byte("m"), []byte("s"))
	})
}
