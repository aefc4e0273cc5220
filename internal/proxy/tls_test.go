package proxy

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestFaults_upstreamTLS: an upstream whose certificate the proxy does not
// trust, or that answers plain HTTP on an https:// URL, gets a 502 and a
// line that says which; with the upstream's CA trusted the request passes.
func TestFaults_upstreamTLS(t *testing.T) {
	up := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer up.Close()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer plain.Close()
	pool := x509.NewCertPool()
	pool.AddCert(up.Certificate())
	for _, c := range []struct {
		name, upstream string
		tr             *http.Transport
		status         int
		err            string
	}{
		{"untrusted", up.URL, NewTransport(nil), 502, "TLS certificate the proxy does not trust"},
		{"plain-http", strings.Replace(plain.URL, "http://", "https://", 1), NewTransport(nil), 502, "does not speak TLS"},
		{"trusted", up.URL, NewTransport(&tls.Config{RootCAs: pool}), 200, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			base, _, log := start(t, c.upstream, func(cfg *Config) { cfg.Transport = c.tr })
			resp, err := http.Get(base + "/b/k")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.status)
			}
			if c.err == "" {
				if es := log.wait(t, 1); es[0].Error != "" {
					t.Errorf("error %q on a trusted upstream", es[0].Error)
				}
				return
			}
			faultEntry(t, log, c.status, c.err)
		})
	}
}
