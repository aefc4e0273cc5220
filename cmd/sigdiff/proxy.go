package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigdiff/sigdiff/internal/proxy"
	"github.com/sigdiff/sigdiff/internal/search"
)

type proxyOptions struct {
	listen      string
	upstream    string
	allowRemote bool
	key         signFlags // the key flags only
	json        bool
	search      string
	canonical   bool
	upstreamCA  string
	insecure    bool
	timeout     time.Duration
	redact      bool
}

func newProxyCmd(e *env) *cobra.Command {
	o := &proxyOptions{}
	c := &cobra.Command{
		Use:   "proxy --upstream URL [--listen 127.0.0.1:8080] [flags]",
		Short: "sit between a client and its object store, verify every signature and explain every refusal",
		Long: `Run a transparent reverse proxy: point the client's endpoint at --listen
and sigdiff forwards every request to --upstream untouched (method, raw
path and query, Host, headers, streamed bodies), verifies each signature
with your key, and prints one line per request. When the store refuses a
signature, the line is followed by the diagnosis: from the error body
where it says what the server signed (AWS), from sigdiff's own
verification and mistake search where it does not (MinIO, Ceph, B2).

The Host header is forwarded as received, since the signature covers it:
the client must sign for a host the upstream accepts (S3-compatible
stores accept any). The proxy listens on loopback only, unless
--allow-remote. Ctrl-C stops accepting and waits for requests in flight;
a second Ctrl-C cuts them off.`,
		Example: `  sigdiff proxy --upstream http://127.0.0.1:9000
  AWS_PROFILE=minio sigdiff proxy --listen 127.0.0.1:8080 --upstream https://minio.internal:9000 --json
  aws --endpoint-url http://127.0.0.1:8080 s3 ls s3://bucket`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runProxy(e, o) },
	}
	f := c.Flags()
	f.StringVar(&o.listen, "listen", "127.0.0.1:8080", "`ADDR` to listen on (loopback unless --allow-remote)")
	f.StringVar(&o.upstream, "upstream", "", "`URL` of the object store: http(s)://host:port")
	f.BoolVar(&o.allowRemote, "allow-remote", false, "allow a --listen address that is not on loopback")
	f.StringVar(&o.key.profile, "profile", "", "`NAME` of a profile in the AWS shared credentials/config files")
	f.StringVar(&o.key.accessKey, "access-key", "", "access key `ID` (with --secret-key or --secret-key-file)")
	f.StringVar(&o.key.secretKey, "secret-key", "", "secret `KEY` (lands in your shell history: prefer the environment, a profile or --secret-key-file)")
	f.StringVar(&o.key.secretKeyFile, "secret-key-file", "", "`FILE` whose first line is the secret key")
	f.StringVar(&o.key.gcsKey, "gcs-key", "", "`FILE`: a Google service-account key (JSON) or a PEM public key or certificate, to verify GCS RSA signatures (GOOG4-RSA-SHA256, V2 signed URLs)")
	f.BoolVar(&o.json, "json", false, "print one JSON object per request")
	f.StringVar(&o.search, "search", "quick", "mistake search on a refusal the server does not explain: quick or off")
	f.DurationVar(&o.timeout, "upstream-timeout", proxy.DefaultUpstreamTimeout, "how long to wait for the store's response headers once a request is sent (504 after that)")
	f.BoolVar(&o.redact, "redact", false, "mask access key ids, bucket names, hosts and security tokens in every line (the same value, the same mask for the whole run) so the log can be pasted publicly")
	f.BoolVar(&o.canonical, "canonical", false, "with --json, include sigdiff's canonical request and string to sign for every signed request")
	f.StringVar(&o.upstreamCA, "upstream-ca", "", "PEM `FILE` of the CA that signed the upstream's certificate")
	f.BoolVar(&o.insecure, "upstream-insecure", false, "do not verify the upstream's TLS certificate")
	_ = c.MarkFlagRequired("upstream")
	return c
}

func runProxy(e *env, o *proxyOptions) error {
	if err := proxy.CheckListen(o.listen, o.allowRemote); err != nil {
		return badInput(err, "use 127.0.0.1:PORT, or add --allow-remote to accept other machines")
	}
	up, err := url.Parse(o.upstream)
	if err != nil {
		return badInputf("--upstream: %v", err)
	}
	if err := proxy.CheckUpstream(up); err != nil {
		return badInput(err, "give --upstream http://host:port or https://host:port")
	}
	budget, err := search.ParseBudget(o.search)
	if err != nil || budget == search.Deep {
		return badInputf("--search %q: want quick or off", o.search)
	}
	tlsConf, err := o.tlsConfig()
	if err != nil {
		return err
	}
	creds, haveKey, _, err := o.key.loadCreds(e, "", false, "aws")
	if err != nil {
		return err
	}
	var gcsKey []byte
	if o.key.gcsKey != "" {
		if gcsKey, _, err = readInput(e, o.key.gcsKey, "key file"); err != nil {
			return err
		}
	}
	var mu sync.Mutex
	var masker *publicMasker
	if o.redact {
		masker = newPublicMasker()
		masker.addHost(up.Host)
		masker.add("access-key", creds.AccessKeyID)
	}
	logEntry := func(en *proxy.Entry) {
		mu.Lock()
		defer mu.Unlock()
		if o.json && !o.canonical && en.Signature != proxy.SigMismatch {
			en.CanonicalRequest, en.StringToSign = "", ""
		}
		var b bytes.Buffer
		if o.json {
			j, err := json.Marshal(en)
			if err != nil {
				return
			}
			b.Write(append(j, '\n'))
		} else {
			_ = en.WriteText(&b)
		}
		if masker != nil {
			masker.collectEntry(en)
			masker.learn(b.String())
			e.stdout.Write([]byte(masker.apply(b.String())))
			return
		}
		e.stdout.Write(b.Bytes())
	}
	p, err := proxy.New(proxy.Config{
		Upstream:        up,
		Credentials:     creds,
		GCSKey:          gcsKey,
		Transport:       proxy.NewTransport(tlsConf),
		UpstreamTimeout: o.timeout,
		Search:          budget,
		Canonical:       o.canonical && o.json,
		Log:             logEntry,
	})
	if err != nil {
		return badInput(err, "--gcs-key takes a service-account key file (JSON) or a PEM public key or certificate")
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return badInputf("cannot listen on %s: %v", o.listen, unwrapOpError(err))
	}
	key := "no key: signatures are not verified (give AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, --profile or --secret-key-file)"
	if haveKey {
		key = fmt.Sprintf("verifying with key %s from %s", creds.AccessKeyID, creds.Source)
	}
	switch {
	case gcsKey != nil && haveKey:
		key += "; GCS RSA signatures with " + o.key.gcsKey
	case gcsKey != nil:
		key = "verifying GCS RSA signatures with " + o.key.gcsKey + " only (no HMAC key: give AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, --profile or --secret-key-file for the others)"
	}
	banner := fmt.Sprintf("sigdiff proxy: listening on http://%s, forwarding to %s; %s\n", ln.Addr(), up.Redacted(), key)
	if masker != nil {
		// The listening address stays: the user points clients at it.
		banner = strings.Replace(masker.apply(banner), masker.apply(ln.Addr().String()), ln.Addr().String(), 1)
	}
	fmt.Fprint(e.stderr, banner)
	if c, err := net.DialTimeout("tcp", dialAddr(up), 3*time.Second); err != nil {
		warn := fmt.Sprintf("sigdiff: warning: upstream %s is not reachable now (%v): requests will get 502 until it is\n", up.Host, unwrapOpError(err))
		if masker != nil {
			warn = masker.apply(warn)
		}
		fmt.Fprint(e.stderr, warn)
	} else {
		c.Close()
		if up.Scheme == "https" {
			if err := checkUpstreamTLS(up, tlsConf); err != nil {
				warn := fmt.Sprintf("sigdiff: warning: upstream %s: TLS handshake failed (%v): requests will get 502; give --upstream-ca FILE with the CA that signed its certificate, or --upstream-insecure\n", up.Host, err)
				if masker != nil {
					warn = masker.apply(warn)
				}
				fmt.Fprint(e.stderr, warn)
			}
		}
	}

	// The first SIGINT/SIGTERM stops accepting and lets the requests in
	// flight finish; a second one cuts them off.
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	hard, cut := context.WithCancel(context.Background())
	defer cut()
	sigs := e.interrupt
	if sigs == nil {
		sigs = make(chan os.Signal, 2)
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(sigs)
	}
	go func() {
		select {
		case <-sigs:
		case <-hard.Done():
			return
		}
		fmt.Fprintln(e.stderr, "sigdiff proxy: shutting down after the requests in flight (Ctrl-C again to cut them off)")
		stop()
		select {
		case <-sigs:
			fmt.Fprintln(e.stderr, "sigdiff proxy: cutting off the requests in flight")
			cut()
		case <-hard.Done():
		}
	}()
	err = p.Serve(ctx, hard, ln)
	cut() // ends the signal watcher
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, "sigdiff proxy: stopped")
	return nil
}

func (o *proxyOptions) tlsConfig() (*tls.Config, error) {
	if o.upstreamCA == "" && !o.insecure {
		return nil, nil
	}
	conf := &tls.Config{InsecureSkipVerify: o.insecure}
	if o.upstreamCA != "" {
		pem, err := os.ReadFile(o.upstreamCA)
		if err != nil {
			return nil, badInput(err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, badInputf("--upstream-ca %s: no PEM certificate in it", o.upstreamCA)
		}
		conf.RootCAs = pool
	}
	return conf, nil
}

// checkUpstreamTLS does a TLS handshake with the upstream as the proxy's
// transport will, so that an untrusted certificate is told at start, not
// at the first request.
func checkUpstreamTLS(up *url.URL, conf *tls.Config) error {
	if conf == nil {
		conf = &tls.Config{}
	} else {
		conf = conf.Clone()
	}
	conf.ServerName = up.Hostname()
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 3 * time.Second}, "tcp", dialAddr(up), conf)
	if err != nil {
		return err
	}
	return c.Close()
}

// dialAddr is the upstream's host:port, with the scheme's default port.
func dialAddr(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "https" {
		return net.JoinHostPort(u.Hostname(), "443")
	}
	return net.JoinHostPort(u.Hostname(), "80")
}

func unwrapOpError(err error) error {
	if oe, ok := err.(*net.OpError); ok && oe.Err != nil {
		return oe.Err
	}
	return err
}
