package proxy

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/search"
)

func TestProxy_signatureVerified(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.Header.Get("Content-Type") != "text/plain" && r.Method == http.MethodPut {
			minioRefusal(w, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer up.Close()
	base, _, log := start(t, up.URL, nil)
	body := "hello"
	sum := sha256.Sum256([]byte(body))

	t.Run("ok", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPut, base+"/b/k", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		sign(t, req, hex.EncodeToString(sum[:]), testSecret)
		do(t, req, 200)
	})
	t.Run("content type changed after signing", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPut, base+"/b/k", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		sign(t, req, hex.EncodeToString(sum[:]), testSecret)
		req.Header.Set("Content-Type", "text/plain; charset=UTF-8") // what a hop does
		do(t, req, 403)
	})
	t.Run("wrong secret", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPut, base+"/b/k", strings.NewReader(body))
		req.Header.Set("Content-Type", "image/png")
		sign(t, req, hex.EncodeToString(sum[:]), "another-secret-entirely")
		do(t, req, 403)
	})
	es := log.wait(t, 3)
	if e := es[0]; e.Signature != SigOK || e.Verdict != "" || e.Scheme != "sigv4-header" || e.AccessKeyID != testAccessKey || e.BytesIn != 5 {
		t.Errorf("ok entry: %+v", e)
	}
	byCause := map[string]*Entry{}
	for _, e := range es[1:] {
		byCause[e.FirstCause()] = e
	}
	if e := byCause["content-type-changed"]; e == nil || e.Signature != SigMismatch || e.Verdict != "request-changed-in-transit" || e.ErrorCode != "SignatureDoesNotMatch" || e.Causes[0].Confidence != "reproduced" {
		for _, x := range es {
			js, _ := json.MarshalIndent(x, "", " ")
			t.Log(string(js))
		}
		t.Errorf("content type entry: %+v", e)
	}
	if e := byCause["secret-key-mismatch"]; e == nil || e.Signature != SigMismatch || e.CanonicalRequest == "" {
		t.Errorf("wrong secret entry: %+v", e)
	}
	var text strings.Builder
	es[1].WriteText(&text)
	if !strings.Contains(text.String(), "PUT /b/k 403 signature=mismatch code=SignatureDoesNotMatch") {
		t.Errorf("text:\n%s", text.String())
	}
}

func TestProxy_missingSignedHeader(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		minioRefusal(w, "AccessDenied", "There were headers present in the request which were not signed")
	}))
	defer up.Close()
	base, _, log := start(t, up.URL, nil)
	req, _ := http.NewRequest(http.MethodPut, base+"/b/k", strings.NewReader("x"))
	req.Header.Set("X-Amz-Meta-Color", "blue")
	sum := sha256.Sum256([]byte("x"))
	sign(t, req, hex.EncodeToString(sum[:]), testSecret)
	req.Header.Del("X-Amz-Meta-Color")
	do(t, req, 403)
	es := log.wait(t, 1)
	if es[0].FirstCause() != "signed-header-missing" || es[0].Verdict != "request-changed-in-transit" || !strings.Contains(es[0].Causes[0].Evidence, "x-amz-meta-color") {
		t.Fatalf("%+v", es[0])
	}
}

func TestProxy_hostRewrittenByHop(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		minioRefusal(w, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
	}))
	defer up.Close()
	base, _, log := start(t, up.URL, nil)
	req, _ := http.NewRequest(http.MethodGet, base+"/b/k", nil)
	req.Host = "public.example.com"
	sign(t, req, emptySHA, testSecret)
	req.Host = "internal:9000"
	req.Header.Set("X-Forwarded-Host", "public.example.com")
	do(t, req, 403)
	if es := log.wait(t, 1); es[0].FirstCause() != "host-rewritten" {
		t.Fatalf("%+v", es[0])
	}
}

func TestProxy_secretsNeverLogged(t *testing.T) {
	const token = "FQoGZXIvYXdzEBYaDSessionToken+/=sentinel"
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The upstream echoes the token, as a careless server might.
		minioRefusal(w, "SignatureDoesNotMatch", "token "+r.Header.Get("X-Amz-Security-Token"))
	}))
	defer up.Close()
	creds := testCreds
	creds.SessionToken = credentials.NewSecret(token)
	base, _, log := start(t, up.URL, func(c *Config) { c.Credentials = creds; c.Canonical = true })
	req, _ := http.NewRequest(http.MethodGet, base+"/b/k?X-Amz-Security-Token="+url.QueryEscape(token), nil)
	req.Header.Set("X-Amz-Security-Token", token)
	req.Header.Set("X-Amz-Meta-Leak", testSecret)
	sign(t, req, emptySHA, "wrong-secret-so-it-mismatches")
	do(t, req, 403)
	es := log.wait(t, 1)
	js, _ := json.Marshal(es[0])
	var text strings.Builder
	es[0].WriteText(&text)
	for _, out := range []string{string(js), text.String()} {
		for _, s := range []string{token, url.QueryEscape(token), testSecret} {
			if strings.Contains(out, s) {
				t.Errorf("output holds a secret (%.8s…):\n%s", s, out)
			}
		}
	}
	if !strings.Contains(string(js), "[redacted]") {
		t.Errorf("the canonical request should show where the token was:\n%s", js)
	}
}

func TestProxy_searchOff(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		minioRefusal(w, "SignatureDoesNotMatch", "no")
	}))
	defer up.Close()
	base, _, log := start(t, up.URL, func(c *Config) { c.Search = search.Off })
	req, _ := http.NewRequest(http.MethodHead, base+"/b/k", nil)
	sign(t, req, emptySHA, testSecret)
	req.Method = http.MethodGet // a CDN turning HEAD into GET
	do(t, req, 403)
	e := log.wait(t, 1)[0]
	if e.FirstCause() != "secret-key-mismatch" || e.Causes[0].Confidence != "possible" {
		t.Fatalf("without the search the cause can only be guessed: %+v", e)
	}
}

func TestProxy_bodilessRefusalOfHEAD(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden) // S3 and MinIO answer HEAD without a body
	}))
	defer up.Close()
	base, _, log := start(t, up.URL, nil)
	req, _ := http.NewRequest(http.MethodGet, base+"/b/k", nil)
	sign(t, req, emptySHA, testSecret)
	req.Method = http.MethodHead // signed as GET, sent as HEAD
	do(t, req, 403)
	e := log.wait(t, 1)[0]
	if e.FirstCause() != "method-changed" || e.Verdict != "request-changed-in-transit" {
		t.Fatalf("%+v", e)
	}
}

func TestProxy_keepAliveNotHeldByDiagnosis(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		minioRefusal(w, "SignatureDoesNotMatch", "no")
	}))
	defer up.Close()
	base, p, _ := start(t, up.URL, nil)
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	for i := range 3 {
		req, _ := http.NewRequest(http.MethodGet, base+"/b/k", nil)
		sign(t, req, emptySHA, "not-the-secret") // each one searched in vain
		began := time.Now()
		if err := req.Write(c); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if d := time.Since(began); i > 0 && d > time.Second {
			t.Errorf("request %d on the connection took %s: it waited for a diagnosis", i, d)
		}
	}
	p.Wait()
}
