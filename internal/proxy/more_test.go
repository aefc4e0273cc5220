package proxy

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/chunked/sample"
	"github.com/sigdiff/sigdiff/internal/credentials"
)

func TestProxy_awsChunkedVerifiedAsItStreams(t *testing.T) {
	var head, body bytes.Buffer
	if err := sample.Write(&head, &body, sample.Spec{Size: 300 << 10, ChunkSize: 64 << 10}); err != nil {
		t.Fatal(err)
	}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		// Stands in for the server's own chunk check.
		if !bytes.Equal(b, body.Bytes()) {
			minioRefusal(w, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
		}
	}))
	defer up.Close()
	creds := credentials.Credentials{AccessKeyID: sample.AccessKeyID, Secret: credentials.NewSecret(sample.SecretAccessKey)}
	base, _, log := start(t, up.URL, func(c *Config) { c.Credentials = creds })

	for _, tc := range []struct {
		name    string
		tamper  bool
		wantSig string
	}{
		{"intact", false, SigOK},
		{"a payload byte changed", true, SigMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := append([]byte(nil), body.Bytes()...)
			if tc.tamper {
				i := bytes.Index(b, []byte("\r\n")) + 2 + 70<<10 // inside the second chunk's data
				b[i] ^= 1
			}
			raw := strings.Replace(head.String(), "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1) + string(b)
			resp := rawRequest(t, base, raw)
			want := "200 OK"
			if tc.tamper {
				want = "403 Forbidden"
			}
			if !strings.Contains(resp, want) {
				t.Fatalf("response:\n%.300s", resp)
			}
		})
	}
	es := log.wait(t, 2)
	ok, bad := es[0], es[1]
	if ok.Status == 403 {
		ok, bad = bad, ok
	}
	if ok.Signature != SigOK || !strings.Contains(strings.Join(ok.Notes, "\n"), "chunks verified") {
		t.Errorf("intact upload: %s %v", ok.Signature, ok.Notes)
	}
	if bad.Signature != SigMismatch || bad.FirstCause() != "chunk-signature-chain" {
		t.Errorf("tampered upload: %s %s %v", bad.Signature, bad.FirstCause(), bad.Notes)
	}
}

// v2Sign is SigV2 written out here, independently of internal/recompute:
// Base64(HMAC-SHA1(secret, string to sign)).
func v2Sign(secret, sts string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func TestProxy_v2Variants(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		minioRefusal(w, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
	}))
	defer up.Close()
	base, _, log := start(t, up.URL, nil)
	date := time.Now().UTC().Format(http.TimeFormat)
	for _, tc := range []struct {
		name, method, target, signed, cause string
	}{
		// botocore's HmacV1Auth against a path-style endpoint.
		{"bucket slash", "PUT", "/bucket", "PUT\n\n\n" + date + "\n/bucket/", "v2-resource"},
		{"list-type signed", "GET", "/bucket?list-type=2&prefix=a", "GET\n\n\n" + date + "\n/bucket?list-type=2", "v2-resource"},
		{"uploads twice", "POST", "/bucket/k?uploads", "POST\n\n\n" + date + "\n/bucket/k?uploads?uploads", "v2-resource"},
		{"HEAD sent as GET", "GET", "/bucket/k", "HEAD\n\n\n" + date + "\n/bucket/k", "method-changed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, base+tc.target, nil)
			req.Header.Set("Date", date)
			req.Header.Set("Authorization", "AWS "+testAccessKey+":"+v2Sign(testSecret, tc.signed))
			do(t, req, 403)
			es := log.wait(t, 1)
			log.mu.Lock()
			log.es = nil
			log.mu.Unlock()
			if e := es[0]; e.Scheme != "sigv2-header" || e.FirstCause() != tc.cause || e.Causes[0].Confidence != "reproduced" {
				t.Errorf("%s %s: %+v", e.Scheme, e.FirstCause(), e)
			}
		})
	}
}

func TestSplitTarget(t *testing.T) {
	for _, tc := range []struct {
		in, path, query string
		force           bool
	}{
		{"/b/k?x=1", "/b/k", "x=1", false},
		{"/b/k?", "/b/k", "", true},
		{"//a/%2F+b?x=%20", "//a/%2F+b", "x=%20", false},
		{"http://host:9000/b/k?q", "/b/k", "q", false},
		{"http://host:9000?q", "/", "q", false},
		{"http://host:9000", "/", "", false},
		{"*", "*", "", false},
	} {
		got := splitTarget(tc.in)
		if got.path != tc.path || got.query != tc.query || got.forceQuery != tc.force {
			t.Errorf("splitTarget(%q) = %+v", tc.in, got)
		}
	}
}

// FuzzSplitTarget: any request target splits without panicking, and an
// origin-form target goes upstream byte for byte.
func FuzzSplitTarget(f *testing.F) {
	for _, s := range []string{"/", "/b/k?x=1", "//a/%2F+b?x=%20", "/b/k?", "http://h/p?q", "*", "/%zz", "/a b"} {
		f.Add(s)
	}
	up, _ := url.Parse("http://127.0.0.1:9000")
	f.Fuzz(func(t *testing.T, in string) {
		tg := splitTarget(in)
		u := outURL(up, tg)
		if !strings.HasPrefix(in, "/") || strings.HasPrefix(in, "//") {
			return
		}
		if got := u.RequestURI(); got != in {
			t.Fatalf("%q goes upstream as %q", in, got)
		}
	})
}

func TestProxy_tlsUpstream(t *testing.T) {
	var sawTLS bool
	up := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawTLS = r.TLS != nil
		io.WriteString(w, "over tls")
	}))
	defer up.Close()
	pool := x509.NewCertPool()
	pool.AddCert(up.Certificate())
	base, _, log := start(t, up.URL, func(c *Config) { c.Transport = NewTransport(&tls.Config{RootCAs: pool}) })
	resp, err := http.Get(base + "/b/k")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "over tls" || !sawTLS {
		t.Fatalf("%d %q tls=%v", resp.StatusCode, b, sawTLS)
	}
	if e := log.wait(t, 1)[0]; e.Status != 200 || e.Error != "" {
		t.Fatalf("%+v", e)
	}

	// Without the CA the upstream is refused, and said so in one line.
	base2, _, log2 := start(t, up.URL, nil)
	resp, err = http.Get(base2 + "/b/k")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if e := log2.wait(t, 1)[0]; resp.StatusCode != 502 || !strings.Contains(e.Error, "certificate") {
		t.Fatalf("%d %+v", resp.StatusCode, e)
	}
}
