package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/search"
)

// DefaultMaxErrorBody is how much of an error response body is kept for
// the diagnosis while it streams to the client. S3's largest signature
// error bodies (StringToSignBytes and CanonicalRequestBytes of a request
// with many headers) stay under 16 KiB.
const DefaultMaxErrorBody = 64 << 10

// DefaultUpstreamTimeout is how long the proxy waits for the upstream's
// response headers once the request, body included, has been sent
// (http.Transport.ResponseHeaderTimeout): an upstream that stalls longer
// is answered for with a 504 instead of holding the client forever. S3
// answers a completed upload within seconds, even CompleteMultipartUpload
// of many parts, which streams whitespace to keep the connection alive.
const DefaultUpstreamTimeout = 60 * time.Second

// Config configures a Proxy.
type Config struct {
	// Upstream is where requests go: scheme and authority, and a path
	// prefix when the store is mounted under one.
	Upstream *url.URL
	// Credentials is the key signatures are verified with. An empty
	// secret verifies nothing: every signed request is "no-key".
	Credentials credentials.Credentials
	// GCSKey verifies Google Cloud Storage's RSA-signed requests
	// (GOOG4-RSA-SHA256, V2 signed URLs): a service-account key file or a
	// PEM public key or certificate (internal/gcskey). Nil: those
	// requests are "no-key".
	GCSKey []byte
	// Transport carries requests upstream; nil means NewTransport(nil).
	Transport http.RoundTripper
	// UpstreamTimeout bounds the wait for the upstream's response headers
	// after the request was sent; 0 means DefaultUpstreamTimeout. It
	// applies to a Transport that is an *http.Transport (a copy is
	// changed) or nil.
	UpstreamTimeout time.Duration
	// Search bounds the mistake search run when a server refuses a
	// signature without saying what it computed: search.Quick (the zero
	// value) or search.Off. One search runs at a time; a refusal that
	// arrives meanwhile is diagnosed without one.
	Search search.Budget
	// MaxErrorBody caps the error body kept for the diagnosis; 0 means
	// DefaultMaxErrorBody.
	MaxErrorBody int64
	// Canonical puts sigdiff's canonical request and string to sign in
	// every signed request's Entry, not only in those that mismatch.
	Canonical bool
	// Log receives one Entry per request, after its response was sent.
	// It is called from many goroutines at once. Nil discards entries.
	Log func(*Entry)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Proxy is the reverse proxy; it is an http.Handler.
type Proxy struct {
	cfg         Config
	transport   http.RoundTripper
	gcsKey      *gcsKey
	retry       http.RoundTripper // for a retry: a new connection (see retryable)
	maxErr      int64
	secrets     []string
	searching   chan struct{} // a token per search allowed at once
	searchQueue atomic.Int32  // searches running or waiting
	pending     sync.WaitGroup
}

// New checks cfg and returns the proxy.
func New(cfg Config) (*Proxy, error) {
	if err := CheckUpstream(cfg.Upstream); err != nil {
		return nil, err
	}
	key, err := newGCSKey(cfg.GCSKey)
	if err != nil {
		return nil, err
	}
	p := &Proxy{cfg: cfg, transport: cfg.Transport, gcsKey: key, maxErr: cfg.MaxErrorBody, searching: make(chan struct{}, 1)}
	if p.transport == nil {
		p.transport = NewTransport(nil)
	}
	if tr, ok := p.transport.(*http.Transport); ok && cfg.UpstreamTimeout > 0 && tr.ResponseHeaderTimeout != cfg.UpstreamTimeout {
		tr = tr.Clone()
		tr.ResponseHeaderTimeout = cfg.UpstreamTimeout
		p.transport = tr
	}
	p.retry = p.transport
	if tr, ok := p.transport.(*http.Transport); ok {
		// Never a pooled connection, which may be as stale as the one
		// that failed: each retry dials, and closes after the answer
		// (net/http sends Connection: close, a hop-by-hop header no
		// signature covers).
		tr = tr.Clone()
		tr.DisableKeepAlives = true
		p.retry = tr
	}
	if p.maxErr <= 0 {
		p.maxErr = DefaultMaxErrorBody
	}
	if p.cfg.Now == nil {
		p.cfg.Now = time.Now
	}
	p.secrets = secretForms(cfg.Credentials.Secret.Reveal(), cfg.Credentials.SessionToken.Reveal())
	return p, nil
}

// CheckUpstream reports what is wrong with an upstream URL.
func CheckUpstream(u *url.URL) error {
	switch {
	case u == nil:
		return errors.New("no upstream given")
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("upstream %q: the scheme must be http or https", u.Redacted())
	case u.Host == "":
		return fmt.Errorf("upstream %q has no host", u.Redacted())
	case u.User != nil:
		return fmt.Errorf("upstream %q: user information in the URL is not supported", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("upstream %q: a query or fragment is not supported", u.Redacted())
	}
	return nil
}

// NewTransport is the upstream transport: no environment proxy (the
// proxy talks to the upstream it is given), HTTP/1.1 only (header
// order and case as net/http writes them, no HTTP/2 re-framing), no
// transparent gzip (it would add Accept-Encoding and decode the body),
// keep-alive with enough idle connections for parallel uploads, and
// Expect: 100-continue honoured for two seconds before the body is sent
// anyway, DefaultUpstreamTimeout for the response headers, and request
// bodies written with the copy buffers of buffers.go (upstreamConn).
// tlsConf may be nil (system roots).
func NewTransport(tlsConf *tls.Config) *http.Transport {
	return &http.Transport{
		DialContext:         dialUpstream((&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext),
		TLSClientConfig:     tlsConf,
		TLSHandshakeTimeout: 10 * time.Second,
		TLSNextProto:        map[string]func(string, *tls.Conn) http.RoundTripper{},
		MaxIdleConns:        512,
		MaxIdleConnsPerHost: 512,
		// Below the idle timeouts of the stores (S3 closes idle
		// connections after about 20 s, MinIO after 30 s), so that a
		// request seldom meets a pooled connection the store has just
		// closed; when one does, retryable decides whether it is sent
		// again.
		IdleConnTimeout:       15 * time.Second,
		ExpectContinueTimeout: 2 * time.Second,
		ResponseHeaderTimeout: DefaultUpstreamTimeout,
		DisableCompression:    true,
		// Bodies are copied with the buffers of buffers.go: these hold
		// the headers, and a body's head that arrives with them.
		WriteBufferSize: smallBufferSize,
		ReadBufferSize:  smallBufferSize,
	}
}

// Wait blocks until every diagnosis started so far has been logged.
func (p *Proxy) Wait() { p.pending.Wait() }

// ServeHTTP forwards one request, verifies its signature and logs it.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := p.cfg.Now()
	t := splitTarget(r.RequestURI)
	req := wireRequest(r, t)
	v := verify(req, p.cfg.Credentials, p.gcsKey, r.ContentLength)
	e := &Entry{Time: start.UTC(), Method: r.Method, Host: r.Host, Path: t.path, Signature: v.state, Causes: []diagnose.Cause{}}
	if v.auth != nil {
		e.Scheme, e.AccessKeyID = v.auth.Scheme, v.auth.AccessKeyID
	}
	body := newBodyTap(r.Body, v)
	cw := &countingWriter{ResponseWriter: w}
	capture, abort := p.forward(cw, r, t, body, e)
	complete, sum := true, []byte(nil)
	if r.ContentLength != 0 {
		e.BytesIn, complete, sum = body.wait(5 * time.Second)
	}
	e.BytesOut = cw.n
	if e.Status == 0 {
		e.Status = cw.status
	}
	done := func() {
		v.finish(complete, sum)
		e.Signature = v.state
		e.Notes = append(e.Notes, v.notes...)
		if v.result != nil && (p.cfg.Canonical || v.state == SigMismatch) {
			e.CanonicalRequest, e.StringToSign = v.result.CanonicalRequest, v.result.StringToSign
		}
		if capture != nil {
			p.diagnose(e, v, req, capture)
		} else if v.state == SigMismatch && e.Status < 300 && e.Error == "" {
			e.Notes = append(e.Notes, "the upstream accepted a signature sigdiff's key does not reproduce: the key given to the proxy is not the server's for "+v.auth.AccessKeyID)
		}
		e.DurationMS = float64(p.cfg.Now().Sub(start).Microseconds()) / 1000
		e.scrub(append(p.secrets, requestSecrets(req, v)...))
		if p.cfg.Log != nil {
			p.cfg.Log(e)
		}
	}
	if capture != nil && capture.diagnose {
		// A diagnosis may search for seconds: the client has its answer
		// already, and its next request on this connection must not wait.
		p.pending.Add(1)
		go func() {
			defer p.pending.Done()
			done()
		}()
	} else {
		done()
	}
	if abort {
		// The response was cut: closing the connection tells the client.
		panic(http.ErrAbortHandler)
	}
}

// forward sends the request upstream and copies the response back. It
// returns the error body kept for the diagnosis (nil when the response is
// not a refusal) and whether the response was cut and the connection
// must be closed.
func (p *Proxy) forward(w *countingWriter, r *http.Request, t target, body *bodyTap, e *Entry) (*errorCapture, bool) {
	out := &http.Request{
		Method:        r.Method,
		URL:           outURL(p.cfg.Upstream, t),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        endToEnd(r.Header),
		Host:          r.Host,
		ContentLength: r.ContentLength,
	}
	if r.ContentLength != 0 {
		out.Body = body.attempt()
	}
	if len(r.Trailer) > 0 {
		out.Trailer = r.Trailer // filled by net/http when the body ends
	}
	var ct connTrace
	out = out.WithContext(ct.context(r.Context()))
	resp, err := p.transport.RoundTrip(out)
	retried := false
	if err != nil && p.retryable(r, err, &ct, body) {
		again := *out
		if r.ContentLength != 0 {
			again.Body = body.attempt()
		}
		retried = true
		resp, err = p.retry.RoundTrip(&again)
	}
	if err != nil {
		if r.Context().Err() != nil {
			e.Error = "the client went away before the upstream answered"
			e.Status = 499 // nginx's "client closed request"; nothing was sent
			return nil, false
		}
		code, status := "BadGateway", http.StatusBadGateway
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			code, status = "GatewayTimeout", http.StatusGatewayTimeout
			e.Error = fmt.Sprintf("upstream %s timed out: %v", p.cfg.Upstream.Host, unwrapURLError(err))
			if tr, ok := p.transport.(*http.Transport); ok && tr.ResponseHeaderTimeout > 0 && strings.Contains(err.Error(), "response headers") {
				e.Error = fmt.Sprintf("upstream %s sent no response headers within %s", p.cfg.Upstream.Host, tr.ResponseHeaderTimeout)
			}
		} else if why := tlsFailure(err); why != "" {
			e.Error = fmt.Sprintf("upstream %s %s: %v", p.cfg.Upstream.Host, why, unwrapURLError(err))
		} else if oe := (*net.OpError)(nil); errors.As(err, &oe) && oe.Op == "dial" {
			e.Error = fmt.Sprintf("upstream %s unreachable: %v", p.cfg.Upstream.Host, unwrapURLError(err))
		} else {
			// Connected, then the connection failed: the upstream closed
			// or reset it while the request was sent or before it answered.
			e.Error = fmt.Sprintf("upstream %s dropped the connection before answering: %v", p.cfg.Upstream.Host, unwrapURLError(err))
		}
		if retried {
			e.Error += " (the second attempt, on a new connection; the kept-alive one had failed)"
		}
		e.Status = status
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>sigdiff proxy: %s</Message></Error>\n", code, xmlEscape(e.Error))
		return nil, false
	}
	defer resp.Body.Close()
	h := w.Header()
	for k, vs := range endToEnd(resp.Header) {
		h[k] = vs
	}
	for k := range resp.Trailer {
		h.Add("Trailer", k)
	}
	w.WriteHeader(resp.StatusCode)
	var capture *errorCapture
	if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusForbidden {
		capture = &errorCapture{status: resp.StatusCode, max: p.maxErr}
	}
	bp := buffers.get(resp.ContentLength)
	defer buffers.put(bp)
	flush := resp.ContentLength < 0 // streamed answers reach the client as they come
	abort := false
	for buf := *bp; ; {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			if capture != nil {
				capture.write(buf[:n])
			}
			if _, werr := w.Write(buf[:n]); werr != nil {
				e.Error = "the client went away while the response was sent"
				break
			}
			if flush {
				w.flush()
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil && r.Context().Err() != nil {
			// The server cancels the request's context when the client
			// hangs up, which fails the upstream read: the client's doing.
			e.Error = "the client went away while the response was sent"
			break
		}
		if rerr != nil {
			e.Error = fmt.Sprintf("upstream response cut after %d bytes: %v", w.n, rerr)
			abort = true
			break
		}
	}
	if !abort && e.Error == "" {
		for k, vs := range resp.Trailer {
			h[http.TrailerPrefix+k] = vs
		}
	}
	w.flush()
	if capture != nil {
		capture.diagnose = true
	}
	return capture, abort
}

// tlsFailure says what went wrong when a round trip failed in the TLS
// handshake, or "" when it did not: a certificate the proxy does not
// trust (a private CA, a self-signed store, a name it was not issued for)
// or an upstream that answers in plain HTTP on an https:// URL. Either
// is a setting to fix, not the upstream dropping the connection.
func tlsFailure(err error) string {
	var cv *tls.CertificateVerificationError
	var rh tls.RecordHeaderError
	switch {
	case errors.As(err, &cv):
		return "has a TLS certificate the proxy does not trust (give the CA that signed it, or skip the check)"
	case errors.As(err, &rh):
		return "does not speak TLS (is it http://?)"
	}
	return ""
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// errorCapture keeps the head of an error body as it streams past.
type errorCapture struct {
	status    int
	max       int64
	body      []byte
	truncated bool
	diagnose  bool // the response was forwarded: diagnose it
}

func (c *errorCapture) write(p []byte) {
	room := c.max - int64(len(c.body))
	if int64(len(p)) > room {
		p = p[:room]
		c.truncated = true
	}
	c.body = append(c.body, p...)
}

// countingWriter counts the body bytes written and keeps the status.
type countingWriter struct {
	http.ResponseWriter
	n      int64
	status int
}

func (c *countingWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	n, err := c.ResponseWriter.Write(p)
	c.n += int64(n)
	return n, err
}

func (c *countingWriter) flush() { _ = http.NewResponseController(c.ResponseWriter).Flush() }

// Unwrap lets http.ResponseController reach the server's writer.
func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// Serve serves on ln until ctx is done, then stops accepting connections,
// waits for the requests in flight and their diagnoses, and returns nil.
// When hard is done too, the requests still running are cut off.
func (p *Proxy) Serve(ctx, hard context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          discardLog,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(hard) }()
	err := <-shut
	if err != nil {
		srv.Close()
	}
	<-errc
	p.Wait()
	// Idle upstream connections hold two goroutines each: a stopped
	// proxy leaves none behind.
	if c, ok := p.transport.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}

var discardLog = log.New(io.Discard, "", 0)
