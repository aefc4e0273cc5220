package proxy

import (
	"net/http"
	"net/textproto"
	"net/url"
	"sort"
	"strings"

	"github.com/sigdiff/sigdiff/internal/request"
)

// target is a request target split into its raw parts, as the client
// wrote them (RFC 9112 §3.2): origin form "/path?query", absolute form
// "http://host/path?query" (a client using the proxy as a forward HTTP
// proxy), asterisk form "*".
type target struct {
	path       string // raw, still percent-encoded; "/" when the absolute form has none
	query      string // raw, without '?'
	forceQuery bool   // a '?' with nothing after it
}

// splitTarget reads r.RequestURI, the bytes of the request line, not
// r.URL: net/http decodes the path into URL.Path and keeps URL.RawPath only
// when re-encoding would differ, and both lose what a signer needs
// (%2F vs /, a lower-case escape, "+" in a path).
func splitTarget(requestURI string) target {
	s := requestURI
	if !strings.HasPrefix(s, "/") && s != "*" {
		if i := strings.Index(s, "://"); i >= 0 {
			rest := s[i+3:]
			j := strings.IndexAny(rest, "/?")
			switch {
			case j < 0:
				s = "/"
			case rest[j] == '?':
				s = "/" + rest[j:]
			default:
				s = rest[j:]
			}
		}
	}
	var t target
	p, q, hasQ := strings.Cut(s, "?")
	t.path, t.query, t.forceQuery = p, q, hasQ && q == ""
	if t.path == "" {
		t.path = "/"
	}
	return t
}

// outURL is the URL the request goes upstream with: the upstream's scheme
// and authority, the client's raw path and query. The path travels in
// Opaque, which net/http writes on the request line byte for byte; a path
// starting with "//" cannot (RequestURI would read it as an authority), so
// it travels as Path and RawPath, which net/http writes as RawPath when
// that is a valid encoding of Path — always true of a target net/http's
// server accepted, except for bytes it would itself escape (non-ASCII,
// blanks), which are then percent-encoded, a change no S3 signature sees
// (servers decode the path before canonicalizing it).
func outURL(up *url.URL, t target) *url.URL {
	u := &url.URL{Scheme: up.Scheme, Host: up.Host, RawQuery: t.query, ForceQuery: t.forceQuery}
	path := t.path
	if prefix := strings.TrimSuffix(up.Path, "/"); prefix != "" {
		path = prefix + path // an upstream mounted under a path
	}
	if strings.HasPrefix(path, "//") || path == "*" {
		if dec, err := url.PathUnescape(path); err == nil {
			u.Path, u.RawPath = dec, path
		} else {
			u.Path = path
		}
		return u
	}
	u.Opaque = path
	return u
}

// hopHeaders are the hop-by-hop headers of RFC 9110 §7.6.1 and the
// non-standard ones proxies treat alike (Proxy-Connection, Keep-Alive).
var hopHeaders = []string{
	"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// endToEnd copies h without the hop-by-hop headers and those that
// Connection names.
func endToEnd(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		out[k] = append([]string(nil), vs...)
	}
	for _, v := range h["Connection"] {
		for _, name := range strings.Split(v, ",") {
			if name = textproto.TrimString(name); name != "" {
				out.Del(name)
			}
		}
	}
	for _, k := range hopHeaders {
		out.Del(k)
	}
	return out
}

// wireRequest is the request as the client sent it, for the signers: the
// raw target, the Host, every header with its values in the order
// received. net/http keeps no order across header names (a map) nor the
// names' case; the signers lower-case and sort names, so only the order of
// one name's values matters, and that is kept. Host and Transfer-Encoding
// are not in r.Header (net/http moves them into fields); they are put
// back, since clients may sign them.
func wireRequest(r *http.Request, t target) *request.Request {
	req := &request.Request{
		Method:   r.Method,
		Scheme:   "http",
		Host:     r.Host,
		RawPath:  t.path,
		RawQuery: t.query,
		Source:   "proxy",
	}
	if r.TLS != nil {
		req.Scheme = "https"
	}
	names := make([]string, 0, len(r.Header)+2)
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	if r.Host != "" {
		req.Header = append(req.Header, request.Field{Name: "Host", Value: r.Host})
	}
	for _, k := range names {
		for _, v := range r.Header[k] {
			req.Header = append(req.Header, request.Field{Name: k, Value: v})
		}
	}
	if len(r.TransferEncoding) > 0 {
		req.Header = append(req.Header, request.Field{Name: "Transfer-Encoding", Value: strings.Join(r.TransferEncoding, ", ")})
	}
	return req
}
