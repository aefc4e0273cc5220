package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/proxy"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

// lockedBuffer is a bytes.Buffer the proxy's goroutines write while the
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runningProxy is `sigdiff proxy` run in-process, stopped as by Ctrl-C.
type runningProxy struct {
	base        string // http://127.0.0.1:port
	out, errOut *lockedBuffer
	stop        chan os.Signal
	code        chan int
}

func startProxyCmd(t *testing.T, vars map[string]string, args ...string) *runningProxy {
	t.Helper()
	p := &runningProxy{out: &lockedBuffer{}, errOut: &lockedBuffer{}, stop: make(chan os.Signal, 2), code: make(chan int, 1)}
	e := &env{stdin: strings.NewReader(""), stdout: p.out, stderr: p.errOut, getenv: func(k string) string { return vars[k] }, interrupt: p.stop}
	go func() { p.code <- run(append([]string{"proxy", "--listen", "127.0.0.1:0"}, args...), e) }()
	addrRE := regexp.MustCompile(`listening on (http://\S+),`)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := addrRE.FindStringSubmatch(p.errOut.String()); m != nil {
			p.base = m[1]
			return p
		}
		select {
		case code := <-p.code:
			t.Fatalf("sigdiff proxy exited %d: %s", code, p.errOut.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("sigdiff proxy did not say where it listens: %q", p.errOut.String())
	return nil
}

// finish stops the proxy as a first Ctrl-C does and returns its output.
func (p *runningProxy) finish(t *testing.T) (stdout, stderr string) {
	t.Helper()
	p.stop <- os.Interrupt
	select {
	case code := <-p.code:
		if code != exitOK {
			t.Errorf("sigdiff proxy exited %d after Ctrl-C: %s", code, p.errOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("sigdiff proxy did not stop after Ctrl-C")
	}
	return p.out.String(), p.errOut.String()
}

// fakeStore answers like S3: 200 to requests the test marks good (it
// recomputes no signature: the X-Test-Good header says), else a 403
// SignatureDoesNotMatch with what S3 would have signed: the canonical
// request of the signed headers, which, as S3's does, holds the session
// token, and its string to sign.
func fakeStore(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.Header.Get("X-Test-Good") != "" {
			w.Header().Set("ETag", `"d41d8cd98f00b204e9800998ecf8427e"`)
			return
		}
		_, signed, _ := strings.Cut(r.Header.Get("Authorization"), "SignedHeaders=")
		signed, _, _ = strings.Cut(signed, ",")
		var canon strings.Builder
		fmt.Fprintf(&canon, "%s\n%s\n\n", r.Method, r.URL.EscapedPath())
		for _, h := range strings.Split(signed, ";") {
			v := r.Header.Get(h)
			if h == "host" {
				v = r.Host
			}
			fmt.Fprintf(&canon, "%s:%s\n", h, v)
		}
		fmt.Fprintf(&canon, "\n%s\nUNSIGNED-PAYLOAD", signed)
		date := r.Header.Get("X-Amz-Date")
		sum := sha256.Sum256([]byte(canon.String()))
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>"+
			"<AWSAccessKeyId>%s</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n%s\n%s/eu-west-1/s3/aws4_request\n%x</StringToSign><SignatureProvided>00</SignatureProvided><CanonicalRequest>%s</CanonicalRequest></Error>",
			sentinelAccessKey, date, date[:min(8, len(date))], sum, canon.String())
	}))
	t.Cleanup(srv.Close)
	return srv
}

// sendThroughProxy sends three requests: a good PUT (path style), a good
// GET (virtual-hosted), and a GET signed with the wrong secret that the
// store refuses.
func sendThroughProxy(t *testing.T, base, token string) {
	t.Helper()
	for _, c := range []struct {
		method, path, host, secret string
		good                       bool
		want                       int
	}{
		{"PUT", "/examplebucket/photos/cat.jpg", "", sentinelSecret, true, 200},
		{"GET", "/photos/cat.jpg", "examplebucket.s3.eu-west-1.amazonaws.com", sentinelSecret, true, 200},
		{"GET", "/examplebucket/photos/cat.jpg", "", "wrong-" + sentinelSecret, false, 403},
	} {
		if code := sendSigned(t, base, c.method, c.path, c.host, c.secret, token, c.good); code != c.want {
			t.Fatalf("%s %s: status %d, want %d", c.method, c.path, code, c.want)
		}
	}
}

// sendSigned sends one request signed by aws-sdk-go-v2's signer and
// returns the status; good marks it for fakeStore.
func sendSigned(t *testing.T, base, method, path, host, secret, token string, good bool) int {
	t.Helper()
	var body io.Reader
	if method == "PUT" {
		body = strings.NewReader("meow")
	}
	req, _ := http.NewRequest(method, base+path, body)
	if host != "" {
		req.Host = host
	}
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	if good {
		req.Header.Set("X-Test-Good", "1")
	}
	creds := aws.Credentials{AccessKeyID: sentinelAccessKey, SecretAccessKey: secret, SessionToken: token}
	// A signer per request: one signer caches the signing key by access
	// key id and scope, not by secret.
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "s3", "eu-west-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// secretsProxy is the secrets suite's proxy part: `sigdiff proxy` with
// the sentinel key (every way of giving it) and token, in text, --json
// and --json --canonical, with and without --redact, forwards a good and
// a refused request; then forwards to a store that is gone (the 502
// line) and refuses bad flags. No form of the secret or the token may
// reach its lines, its banner or its errors. It returns the runs made.
func secretsProxy(t *testing.T) int {
	store := fakeStore(t)
	runs := 0
	for _, form := range [][]string{nil, {"--json"}, {"--json", "--canonical"}, {"--redact"}, {"--json", "--canonical", "--redact"}} {
		dir := t.TempDir()
		for _, src := range credSources(dir) {
			t.Run(strings.Join(append([]string{src.name}, form...), " "), func(t *testing.T) {
				vars := map[string]string{"HOME": dir}
				for k, v := range src.env {
					vars[k] = v
				}
				args := append([]string{"--upstream", store.URL, "--search", "off"}, form...)
				p := startProxyCmd(t, vars, append(args, src.flags...)...)
				sendThroughProxy(t, p.base, sentinelToken)
				out, errOut := p.finish(t)
				runs++
				if n := strings.Count(out, "signature=mismatch") + strings.Count(out, `"signature":"mismatch"`); n != 1 {
					t.Errorf("%d mismatches logged, want 1:\n%s", n, out)
				}
				if !strings.Contains(out, "secret-key-mismatch") {
					t.Errorf("the refusal was not diagnosed:\n%s", out)
				}
				checkNoSecrets(t, out+errOut, false)
			})
		}
	}
	// The store is gone: a 502 and an error line, with the key loaded.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := "http://" + ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	src := credSources(dir)[1] // the profile, which holds the token
	vars := map[string]string{"HOME": dir}
	for k, v := range src.env {
		vars[k] = v
	}
	for _, form := range [][]string{nil, {"--json"}} {
		t.Run("gone "+strings.Join(form, " "), func(t *testing.T) {
			p := startProxyCmd(t, vars, append(append([]string{"--upstream", gone}, form...), src.flags...)...)
			if code := sendSigned(t, p.base, "PUT", "/examplebucket/a.txt", "", sentinelSecret, sentinelToken, true); code != http.StatusBadGateway {
				t.Errorf("status %d, want 502", code)
			}
			out, errOut := p.finish(t)
			runs++
			if !strings.Contains(out, "error=") && !strings.Contains(out, `"error":`) {
				t.Errorf("no error line:\n%s", out)
			}
			checkNoSecrets(t, out+errOut, false)
		})
	}
	// Bad flags, with the key given: one error line, no key in it.
	for _, bad := range [][]string{{"--upstream", "ftp://store"}, {"--upstream", gone, "--listen", "8.8.8.8:80"}, {"--upstream", gone, "--search", "deep"}, {"--upstream", gone, "--upstream-ca", dir + "/credentials"}} {
		t.Run("error "+strings.Join(bad, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
			if code := run(append(append([]string{"proxy"}, bad...), "--secret-key", sentinelSecret, "--access-key", sentinelAccessKey), e); code != exitInput {
				t.Errorf("exit %d, want 2: %s", code, errb.String())
			}
			runs++
			checkNoSecrets(t, out.String()+errb.String(), false)
		})
	}
	return runs
}

// TestProxy_redact: with --redact the proxy's lines and banner name no
// access key id, bucket, host or token, the same value gets the same
// mask across lines, and the listening address and signatures stay.
func TestProxy_redact(t *testing.T) {
	const token = "FwoGZXIvYXdzEJr-proxy-redact-token"
	store := fakeStore(t)
	vars := map[string]string{"HOME": t.TempDir(), "AWS_ACCESS_KEY_ID": sentinelAccessKey, "AWS_SECRET_ACCESS_KEY": sentinelSecret}
	for _, asJSON := range []bool{false, true} {
		args := []string{"--upstream", store.URL, "--search", "off", "--redact"}
		if asJSON {
			args = append(args, "--json", "--canonical")
		}
		p := startProxyCmd(t, vars, args...)
		sendThroughProxy(t, p.base, token)
		out, errOut := p.finish(t)
		storeHost := strings.TrimPrefix(store.URL, "http://")
		storeHost, _, _ = strings.Cut(storeHost, ":")
		for _, v := range []string{sentinelAccessKey, "examplebucket", token, store.URL} {
			if strings.Contains(out+errOut, v) {
				t.Errorf("json=%v: %q is in the redacted output:\n%s%s", asJSON, v, errOut, out)
			}
		}
		if !strings.Contains(errOut, p.base) {
			t.Errorf("json=%v: the banner lost the listening address %s: %s", asJSON, p.base, errOut)
		}
		if !strings.Contains(errOut, "verifying with key access-key-1") || !strings.Contains(errOut, "forwarding to http://host-1.example:") {
			t.Errorf("json=%v: banner not masked as expected: %s", asJSON, errOut)
		}
		if !asJSON {
			want := []string{"PUT /bucket-1/photos/cat.jpg 200 signature=ok", "GET /photos/cat.jpg 200 signature=ok", "GET /bucket-1/photos/cat.jpg 403 signature=mismatch"}
			for _, w := range want {
				if !strings.Contains(out, w) {
					t.Errorf("no line %q in:\n%s", w, out)
				}
			}
			continue
		}
		var es []proxy.Entry
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var e proxy.Entry
			if err := json.Unmarshal([]byte(l), &e); err != nil {
				t.Fatalf("not a JSON line: %q", l)
			}
			es = append(es, e)
		}
		if len(es) != 3 {
			t.Fatalf("%d lines, want 3:\n%s", len(es), out)
		}
		if es[0].Path != "/bucket-1/photos/cat.jpg" || es[1].Host != "bucket-1.s3.eu-west-1.amazonaws.com" || es[0].Host != es[2].Host || !strings.HasPrefix(es[0].Host, "host-1.example") {
			t.Errorf("masks not consistent: hosts %q %q %q, path %q", es[0].Host, es[1].Host, es[2].Host, es[0].Path)
		}
		for _, e := range es {
			if e.AccessKeyID != "access-key-1" {
				t.Errorf("access key id %q, want access-key-1", e.AccessKeyID)
			}
		}
		if !strings.Contains(es[2].CanonicalRequest, "x-amz-security-token:token-1") && !strings.Contains(es[2].CanonicalRequest, "x-amz-security-token:[redacted]") {
			t.Errorf("token not masked in the canonical request:\n%s", es[2].CanonicalRequest)
		}
		if !regexp.MustCompile(`(?m)^[0-9a-f]{64}$`).MatchString(es[2].StringToSign) {
			t.Errorf("the string to sign lost its hash:\n%s", es[2].StringToSign)
		}
	}
}

// TestPublicMasker_words: a value is masked where it stands as a word,
// also after an escape, and not inside a longer word.
func TestPublicMasker_words(t *testing.T) {
	m := newPublicMasker()
	m.add("bucket", "test")
	m.add("bucket", "test-logs")
	m.add("host", "store.internal")
	for in, want := range map[string]string{
		"/test/latest/a.txt":               "/bucket-1/latest/a.txt",
		"the latest test-logs and testing": "the latest bucket-2 and testing",
		`"GET\n/test/x\n\nhost:store.internal:9000\ntest.s3.amazonaws.com"`: `"GET\n/bucket-1/x\n\nhost:host-1.example:9000\nbucket-1.s3.amazonaws.com"`,
		"prefix=%2Ftest%2Fa&contest=1":                                      "prefix=%2Fbucket-1%2Fa&contest=1",
		"test":                                                              "bucket-1",
		"AKIAIOSFODNN7EXAMPLE and AKIAIOSFODNN7EXAMPLE":                     "access-key-1 and access-key-1",
	} {
		if got := m.apply(in); got != want {
			t.Errorf("apply(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestProxy_gcsKey: with --gcs-key the proxy verifies a GCS V4 signed URL
// made with the service account's RSA key; the key file's private key
// never reaches the output; a broken key file stops it at start.
func TestProxy_gcsKey(t *testing.T) {
	dir := t.TempDir()
	const email = "uploader@p.iam.gserviceaccount.com"
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	privPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	keyJSON, _ := json.Marshal(map[string]string{"type": "service_account", "client_email": email, "private_key_id": "k1", "project_id": "p", "private_key": privPEM})
	keyFile := filepath.Join(dir, "sa.json")
	os.WriteFile(keyFile, keyJSON, 0o600)
	os.WriteFile(filepath.Join(dir, "broken.json"), []byte(`{"type":"service_account","client_email":"x@y","private_key":"-----BEGIN PRIVATE KEY-----\nTUlJRXZR\n-----END PRIVATE KEY-----\n"}`), 0o600)

	store := fakeStore(t)
	p := startProxyCmd(t, map[string]string{"HOME": dir}, "--upstream", store.URL, "--gcs-key", keyFile)
	req, _ := request.ParseHTTP([]byte("GET /bucket/photo.jpg HTTP/1.1\r\nHost: storage.googleapis.com\r\n\r\n"))
	r, err := recompute.SignWithKey(req, credentials.Credentials{AccessKeyID: email}, recompute.Options{Presign: true, Expires: 900, Time: time.Now().UTC()}, recompute.SchemeGCSV4RSA, keyJSON)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(r.URL)
	for _, q := range []string{u.RawQuery, strings.Replace(u.RawQuery, "X-Goog-Expires=900", "X-Goog-Expires=901", 1)} {
		hr, _ := http.NewRequest("GET", p.base+u.EscapedPath()+"?"+q, nil)
		hr.Host = "storage.googleapis.com"
		hr.Header.Set("X-Test-Good", "1")
		resp, err := http.DefaultClient.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	out, errOut := p.finish(t)
	if !strings.Contains(errOut, "verifying GCS RSA signatures with "+keyFile+" only") {
		t.Errorf("banner: %s", errOut)
	}
	if !strings.Contains(out, "GET /bucket/photo.jpg 200 signature=ok") || !strings.Contains(out, "GET /bucket/photo.jpg 200 signature=mismatch") {
		t.Errorf("want one verified and one mismatched signed URL:\n%s", out)
	}
	body := strings.Split(privPEM, "\n")[1] // a line of the private key
	if strings.Contains(out+errOut, body) {
		t.Error("the private key reached the output")
	}

	var o, eb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &o, stderr: &eb, getenv: func(string) string { return "" }}
	if code := run([]string{"proxy", "--upstream", store.URL, "--gcs-key", filepath.Join(dir, "broken.json")}, e); code != exitInput || strings.Contains(eb.String(), "TUlJ") || !strings.Contains(eb.String(), "--gcs-key") {
		t.Errorf("broken key: exit %d, stderr %q", code, eb.String())
	}
}
