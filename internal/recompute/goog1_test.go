package recompute

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// goog1Creds is the HMAC key of testdata/goog1: GCS's documented example
// access id and secret, not a live key.
var goog1Creds = credentials.Credentials{AccessKeyID: "GOOGTS7C7FUP3AIRVJTE", Secret: credentials.NewSecret("bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ")}

// TestSigGOOG1_oracle holds SigGOOG1 to testdata/goog1/vectors.txtar.
// There are no official GOOG1 vectors: each case's string to sign and
// signature were computed once by testdata/goog1/oracle.py, a Python
// rendering of boto's canonical_string for provider "google" (hmac,
// hashlib, base64 from the standard library) written from the rule, not
// from this package. The cases are a virtual-hosted PUT with Content-MD5,
// Content-Type, x-goog-acl and a padded x-goog-meta-* header; a path-style
// GET with x-goog-date (empty Date line) and an unsigned parameter; and
// compose with an unsigned generation and a decoded response-content-type.
func TestSigGOOG1_oracle(t *testing.T) {
	ar, err := txtar.ParseFile(filepath.Join("testdata", "goog1", "vectors.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	var names []string
	for _, f := range ar.Files {
		files[f.Name] = strings.TrimSuffix(string(f.Data), "\n")
		if n, ok := strings.CutSuffix(f.Name, ".request"); ok {
			names = append(names, n)
		}
	}
	if len(names) != 3 {
		t.Fatalf("%d cases, want 3", len(names))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			req, err := request.ParseHTTP([]byte(strings.ReplaceAll(files[name+".request"], "\n", "\r\n") + "\r\n\r\n"))
			if err != nil {
				t.Fatal(err)
			}
			v, err := SigGOOG1(req, goog1Creds, V2Options{})
			if err != nil {
				t.Fatal(err)
			}
			if want := files[name+".sts"]; v.StringToSign != want {
				t.Fatalf("string to sign\nhave %q\nwant %q", v.StringToSign, want)
			}
			if want := files[name+".signature"]; v.Signature != want {
				t.Fatalf("signature %q, want %q", v.Signature, want)
			}
			if want := "GOOG1 GOOGTS7C7FUP3AIRVJTE:" + files[name+".signature"]; v.Authorization != want {
				t.Fatalf("authorization %q, want %q", v.Authorization, want)
			}
			checkV2Fields(t, v)
		})
	}
}

// TestSigGOOG1_roundTrip signs a request, sends the Authorization header
// back in, and reads it with DetectScheme, ParseAnyAuth and Verify; a
// changed header or another secret no longer verifies.
func TestSigGOOG1_roundTrip(t *testing.T) {
	req := &request.Request{Method: "PUT", Scheme: "https", Host: "example-bucket.storage.googleapis.com", RawPath: "/a%20b.txt", RawQuery: "acl",
		Header: []request.Field{{Name: "Date", Value: "Sat, 28 Nov 2026 11:43:15 GMT"}, {Name: "x-goog-acl", Value: "private"}}}
	r, err := Sign(req, goog1Creds, Options{}, SchemeGCSV2HMACHeader)
	if err != nil {
		t.Fatal(err)
	}
	if r.Scheme != SchemeGCSV2HMACHeader || r.Algorithm != "GOOG1" || !strings.HasPrefix(r.Authorization, "GOOG1 GOOGTS7C7FUP3AIRVJTE:") {
		t.Fatalf("%+v", r)
	}
	if want := "PUT\n\n\nSat, 28 Nov 2026 11:43:15 GMT\nx-goog-acl:private\n/example-bucket/a%20b.txt?acl"; r.StringToSign != want {
		t.Fatalf("string to sign %q", r.StringToSign)
	}
	signed := *req
	signed.Header = append(slices.Clone(req.Header), request.Field{Name: "Authorization", Value: r.Authorization})
	if s := DetectScheme(&signed); s != SchemeGCSV2HMACHeader {
		t.Fatalf("DetectScheme %q", s)
	}
	p, err := ParseAnyAuth(&signed)
	if err != nil || p.Scheme != SchemeGCSV2HMACHeader || p.AccessKeyID != goog1Creds.AccessKeyID || p.Signature != r.Signature || p.TimeSource != "date header" {
		t.Fatalf("%v, %+v", err, p)
	}
	if _, ok, err := Verify(&signed, credentials.Credentials{Secret: goog1Creds.Secret}, Options{}, nil); err != nil || !ok {
		t.Fatalf("verify: %v, %v", ok, err)
	}
	// Again through Sign with the scheme read from the request.
	if again, err := Sign(&signed, goog1Creds, Options{}, ""); err != nil || again.Signature != r.Signature {
		t.Fatalf("%v, %+v", err, again)
	}
	changed := signed
	changed.Header = slices.Clone(signed.Header)
	changed.Header[1].Value = "public-read"
	if _, ok, err := Verify(&changed, goog1Creds, Options{}, nil); err != nil || ok {
		t.Fatalf("a changed x-goog-acl verifies: %v, %v", ok, err)
	}
	if _, ok, err := Verify(&signed, credentials.Credentials{Secret: credentials.NewSecret("wrong")}, Options{}, nil); err != nil || ok {
		t.Fatalf("another secret verifies: %v, %v", ok, err)
	}
	if _, _, err := Verify(&signed, credentials.Credentials{}, Options{}, nil); err != ErrNoSecret {
		t.Fatalf("no secret: %v", err)
	}
}

// TestSigGOOG1_rules: what differs from SigV2 on the same request.
func TestSigGOOG1_rules(t *testing.T) {
	req := &request.Request{Method: "GET", Host: "storage.googleapis.com", RawPath: "/b/o", RawQuery: "websiteConfig&storageClass&x-goog-foo=1",
		Header: []request.Field{{Name: "x-goog-date", Value: "Sat, 28 Nov 2026 11:43:16 GMT"}, {Name: "x-amz-meta-a", Value: "1"}, {Name: "Date", Value: "Sat, 28 Nov 2026 11:43:15 GMT"}}}
	v, err := SigGOOG1(req, goog1Creds, V2Options{Presign: true, Expires: 5, AmzDate: AmzDateOnDateLine})
	if err != nil {
		t.Fatal(err)
	}
	// x-amz-* is not signed; x-goog-date empties the Date line whatever
	// AmzDate says; GCS's sub-resources are; the header form always.
	if want := "GET\n\n\n\nx-goog-date:Sat, 28 Nov 2026 11:43:16 GMT\n/b/o?storageClass&websiteConfig"; v.StringToSign != want || v.Form != FormHeader {
		t.Fatalf("%q, form %v", v.StringToSign, v.Form)
	}
	if !strings.Contains(v.DateSource, "x-goog-date is sent") {
		t.Errorf("date source %q", v.DateSource)
	}
	s, err := SigV2(req, goog1Creds, V2Options{})
	if err != nil || s.StringToSign == v.StringToSign {
		t.Fatalf("sigv2 signs the same: %v %q", err, s.StringToSign)
	}
	steps := v.Result().Steps
	if steps[4].Name != "CanonicalExtensionHeaders" || !strings.Contains(steps[4].Rule, "x-goog-*") {
		t.Errorf("%+v", steps[4])
	}
	if !slices.IsSorted(gcsHMACSubResources) {
		t.Error("gcsHMACSubResources is not sorted")
	}
}

// TestSignStringToSign_goog1: a server's GOOG1 string to sign signs as
// the oracle's, and its lines fill the V2 fields.
func TestSignStringToSign_goog1(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "goog1", "vectors.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	ar := txtar.Parse(data)
	var sts, sig string
	for _, f := range ar.Files {
		switch f.Name {
		case "put-virtual-host.sts":
			sts = strings.TrimSuffix(string(f.Data), "\n")
		case "put-virtual-host.signature":
			sig = strings.TrimSuffix(string(f.Data), "\n")
		}
	}
	r, err := SignStringToSign(SchemeGCSV2HMACHeader, sts, goog1Creds, Options{})
	if err != nil || r.Signature != sig || r.Scheme != SchemeGCSV2HMACHeader || r.Algorithm != "GOOG1" {
		t.Fatalf("%v, %+v", err, r)
	}
	v, err := V2FromStringToSign(SchemeGCSV2HMACHeader, sts, goog1Creds)
	if err != nil || v.CanonicalizedAmzHeaders != "x-goog-acl:public-read\nx-goog-meta-owner:alice\n" || v.CanonicalizedResource != "/example-bucket/photos/tabby.jpeg" {
		t.Fatalf("%v, %+v", err, v)
	}
}
