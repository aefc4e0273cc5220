// Package gcskey reads the RSA keys that sign Google Cloud Storage
// GOOG4-RSA-SHA256 and V2 signed URLs: a service-account key file (the JSON
// Google Cloud hands out, whose private_key holds a PKCS#8 PEM block and
// client_email the signer's id), or a PEM block on its own (a private key,
// a public key, or an X.509 certificate such as the ones Google publishes
// at a service account's client_x509_cert_url).
//
// The private key never leaves a Key: it is unexported, String and
// GoString print only the email and key id, and errors never quote key
// material.
// https://cloud.google.com/iam/docs/keys-create-delete#creating
package gcskey

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
)

// MaxSize caps the input Parse reads: real key files are about 2.3 KiB,
// certificate chains a few KiB.
const MaxSize = 64 << 10

// Key is an RSA signing key of a Google service account, or its public half.
type Key struct {
	ClientEmail  string // the signer's id (GoogleAccessId, the X-Goog-Credential's first part); empty for a bare PEM
	PrivateKeyID string // private_key_id of a key file
	ProjectID    string
	Public       *rsa.PublicKey
	private      *rsa.PrivateKey
}

// Error reports why a key could not be read. The message never holds key bytes.
type Error struct {
	Reason string // lower case, one line
}

func (e *Error) Error() string { return "gcs key: " + e.Reason }

func fail(format string, args ...any) error { return &Error{Reason: fmt.Sprintf(format, args...)} }

// ErrNoPrivateKey: signing needs the private key, and the key read has only the public half.
var ErrNoPrivateKey = errors.New("gcs key: no private key: a public key or certificate can verify, not sign")

// ErrBadSignature: the signature does not verify with the key.
var ErrBadSignature = errors.New("gcs key: the signature does not verify with this key")

// Parse reads a service-account JSON key file or a PEM block (PRIVATE KEY,
// RSA PRIVATE KEY, PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE). Only RSA
// keys are accepted: GCS signs with RSA-SHA256 alone.
func Parse(data []byte) (*Key, error) {
	if len(data) > MaxSize {
		return nil, fail("input of %d bytes exceeds the %d-byte cap", len(data), MaxSize)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fail("empty input")
	}
	if trimmed[0] == '{' {
		return parseJSON(trimmed)
	}
	return parsePEM(trimmed)
}

func parseJSON(data []byte) (*Key, error) {
	var f struct {
		Type         string `json:"type"`
		ProjectID    string `json:"project_id"`
		PrivateKeyID string `json:"private_key_id"`
		PrivateKey   string `json:"private_key"`
		ClientEmail  string `json:"client_email"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fail("key file is not json: syntax error at byte %d", se.Offset)
		}
		return nil, fail("key file is not a service-account key: a field has the wrong type")
	}
	switch {
	case f.Type != "" && f.Type != "service_account":
		return nil, fail("key file type %q is not service_account", truncate(f.Type, 40))
	case f.PrivateKey == "":
		return nil, fail("key file has no private_key")
	case f.ClientEmail == "":
		return nil, fail("key file has no client_email")
	}
	k, err := parsePEM([]byte(f.PrivateKey))
	if err != nil {
		return nil, err
	}
	if k.private == nil {
		return nil, fail("key file's private_key holds no private key")
	}
	k.ClientEmail, k.PrivateKeyID, k.ProjectID = f.ClientEmail, f.PrivateKeyID, f.ProjectID
	return k, nil
}

func parsePEM(data []byte) (*Key, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fail("neither a service-account json key file nor a pem block")
	}
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fail("pem private key is not valid pkcs#8")
		}
		return rsaPrivate(k)
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fail("pem rsa private key is not valid pkcs#1")
		}
		return rsaPrivate(k)
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fail("pem public key is not valid pkix")
		}
		return rsaPublic(k)
	case "RSA PUBLIC KEY":
		k, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fail("pem rsa public key is not valid pkcs#1")
		}
		return rsaPublic(k)
	case "CERTIFICATE":
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fail("pem certificate is not valid x.509")
		}
		return rsaPublic(c.PublicKey)
	}
	return nil, fail("pem block type %q is not a key or certificate", truncate(block.Type, 40))
}

func rsaPrivate(k any) (*Key, error) {
	p, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fail("private key is not rsa: gcs signs with rsa-sha256")
	}
	return &Key{Public: &p.PublicKey, private: p}, nil
}

func rsaPublic(k any) (*Key, error) {
	p, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fail("public key is not rsa: gcs signs with rsa-sha256")
	}
	return &Key{Public: p}, nil
}

// HasPrivate reports whether the key can sign.
func (k *Key) HasPrivate() bool { return k != nil && k.private != nil }

// Sign returns the RSASSA-PKCS1-v1_5 signature of SHA-256(msg), the
// signature of GOOG4-RSA-SHA256 and of V2 signed URLs (deterministic, so a
// recomputed one equals the client's byte for byte).
func (k *Key) Sign(msg []byte) ([]byte, error) {
	if !k.HasPrivate() {
		return nil, ErrNoPrivateKey
	}
	sum := sha256.Sum256(msg)
	return rsa.SignPKCS1v15(rand.Reader, k.private, crypto.SHA256, sum[:])
}

// Verify checks an RSASSA-PKCS1-v1_5 SHA-256 signature of msg; it returns
// ErrBadSignature when it does not verify.
func (k *Key) Verify(msg, sig []byte) error {
	if k == nil || k.Public == nil {
		return fail("no public key")
	}
	sum := sha256.Sum256(msg)
	if rsa.VerifyPKCS1v15(k.Public, crypto.SHA256, sum[:], sig) != nil {
		return ErrBadSignature
	}
	return nil
}

// String names the key without its material.
func (k *Key) String() string {
	if k == nil {
		return "<nil gcs key>"
	}
	kind := "public"
	if k.private != nil {
		kind = "private"
	}
	bits := 0
	if k.Public != nil {
		bits = k.Public.N.BitLen()
	}
	return fmt.Sprintf("gcs rsa-%d %s key %s (id %s)", bits, kind, orDash(k.ClientEmail), orDash(k.PrivateKeyID))
}

// GoString keeps %#v from printing the private key.
func (k *Key) GoString() string { return k.String() }

// Format keeps every verb (%v, %+v, %s) from printing the private key.
func (k *Key) Format(f fmt.State, _ rune) { fmt.Fprint(f, k.String()) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
