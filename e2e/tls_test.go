package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// makeCerts writes a CA of the test's own and a server certificate it
// signed for 127.0.0.1 and localhost, laid out as MinIO's --certs-dir
// wants them (public.crt, private.key, CAs/). It returns the CA's PEM
// file and the certs folder.
func makeCerts(t *testing.T, dir string) (caFile, certsDir string) {
	t.Helper()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey, srvKey := newKey(), newKey()
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sigdiff e2e CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	srv := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srv, ca, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(srvKey)
	if err != nil {
		t.Fatal(err)
	}
	certsDir = filepath.Join(dir, "certs")
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	for name, data := range map[string][]byte{
		"public.crt":  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srvDER}),
		"private.key": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
		"CAs/ca.crt":  caPEM,
	} {
		p := filepath.Join(certsDir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	caFile = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return caFile, certsDir
}

// TestProxyTLSUpstream runs the built `sigdiff proxy` in front of a MinIO
// that serves TLS with a certificate from a CA of the test's own. With
// --upstream-ca every request verifies and passes, a wrong secret is
// diagnosed; without it each request gets a 502 and a line that names
// the certificate; --upstream-insecure passes them without checking.
func TestProxyTLSUpstream(t *testing.T) {
	needSuite(t) // MinIO is installed
	dir := t.TempDir()
	caFile, certsDir := makeCerts(t, dir)
	caPEM, _ := os.ReadFile(caFile)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	direct := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer direct.CloseIdleConnections()
	minioURL, stop, err := startMinio(dir, certsDir, direct)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if !strings.HasPrefix(minioURL, "https://") {
		t.Fatalf("MinIO at %s, want https", minioURL)
	}
	env := append(cleanEnv(), "AWS_ACCESS_KEY_ID="+rootUser, "AWS_SECRET_ACCESS_KEY="+rootPassword, "HOME="+t.TempDir())
	ctx := context.Background()
	bucket, key := "e2e-tls", "dir/a b.txt"

	t.Run("upstream-ca", func(t *testing.T) {
		p := startProxyProcess(t, env, "--upstream", minioURL, "--upstream-ca", caFile, "--json")
		good := newGoSDK(t, p.base, rootPassword, filepath.Join(dir, "good.log"))
		if _, err := good.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
			t.Fatal(err)
		}
		if _, err := good.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(content)}); err != nil {
			t.Fatal(err)
		}
		got, err := good.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if string(b) != content {
			t.Errorf("read back %q through TLS, want %q", b, content)
		}
		bad := newGoSDK(t, p.base, "wrong-"+rootPassword, filepath.Join(dir, "bad.log"))
		if _, err := bad.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err == nil {
			t.Fatal("a wrong secret was accepted")
		}
		time.Sleep(500 * time.Millisecond) // the refusal's diagnosis is printed after the answer
		out, errOut := p.stop(t)
		if strings.Contains(strings.Join(errOut, "\n"), "warning") {
			t.Errorf("a warning with the right CA: %v", errOut)
		}
		es := entries(t, out)
		if len(es) != 4 {
			t.Fatalf("%d lines, want 4:\n%s", len(es), strings.Join(out, "\n"))
		}
		for i, want := range []struct {
			method string
			status int
			sig    string
			cause  string
		}{{"PUT", 200, "ok", ""}, {"PUT", 200, "ok", ""}, {"GET", 200, "ok", ""}, {"GET", 403, "mismatch", "secret-key-mismatch"}} {
			if e := es[i]; e.Method != want.method || e.Status != want.status || e.Signature != want.sig || e.FirstCause() != want.cause || e.Error != "" {
				t.Errorf("line %d: %s %s %d %s %s %q, want %+v", i+1, e.Method, e.Path, e.Status, e.Signature, e.FirstCause(), e.Error, want)
			}
		}
	})

	t.Run("unknown-ca", func(t *testing.T) {
		p := startProxyProcess(t, env, "--upstream", minioURL, "--json")
		c := newGoSDK(t, p.base, rootPassword, filepath.Join(dir, "unknown.log"))
		if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err == nil {
			t.Fatal("a store whose certificate no known CA signed was reached")
		}
		out, errOut := p.stop(t)
		if !strings.Contains(strings.Join(errOut, "\n"), "TLS handshake failed") || !strings.Contains(strings.Join(errOut, "\n"), "--upstream-ca") {
			t.Errorf("no warning at start about the certificate: %v", errOut)
		}
		es := entries(t, out)
		if len(es) != 1 || es[0].Status != http.StatusBadGateway || !strings.Contains(es[0].Error, "certificate") {
			t.Fatalf("want one 502 line naming the certificate, got:\n%s", strings.Join(out, "\n"))
		}
	})

	t.Run("upstream-insecure", func(t *testing.T) {
		p := startProxyProcess(t, env, "--upstream", minioURL, "--upstream-insecure", "--json")
		c := newGoSDK(t, p.base, rootPassword, filepath.Join(dir, "insecure.log"))
		if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
			t.Fatal(err)
		}
		out, errOut := p.stop(t)
		if strings.Contains(strings.Join(errOut, "\n"), "warning") {
			t.Errorf("a warning with --upstream-insecure: %v", errOut)
		}
		if es := entries(t, out); len(es) != 1 || es[0].Status != 200 || es[0].Signature != "ok" {
			t.Fatalf("want one 200 ok line, got:\n%s", strings.Join(out, "\n"))
		}
	})
}
