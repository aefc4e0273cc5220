package har

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/sigdiff/sigdiff/internal/request"
)

func buildEntry(re *rawEntry, n int, browser string) *Entry {
	e := &Entry{
		Index:        n,
		Started:      re.StartedDateTime,
		HTTPVersion:  re.Request.HTTPVersion,
		ResourceType: re.ResourceType,
		HeadersSize:  number(re.Request.HeadersSize),
	}
	e.Request = e.buildRequest(&re.Request, browser)
	e.Response = e.buildResponse(&re.Response)
	return e
}

func (e *Entry) note(format string, args ...any) {
	e.Notes = append(e.Notes, fmt.Sprintf(format, args...))
}

// pseudo holds the HTTP/2 pseudo-header fields (RFC 9113 §8.3.1) that
// Chromium lists among a request's headers. They are not header fields,
// but they are what was on the wire.
type pseudo struct {
	method, scheme, authority, path string
	hasPath                         bool
}

// buildRequest turns the exported request into what was sent. The URL's
// path and query are taken byte for byte, never re-encoded: a signature
// covers the bytes as sent, and re-encoding is one of the mistakes sigdiff
// looks for.
func (e *Entry) buildRequest(rr *rawRequest, browser string) *request.Request {
	r := &request.Request{Source: "har", Scheme: "https", Method: rr.Method, HasBody: true}
	if n := fieldCount(rr.Headers); n > 0 {
		r.Header = make([]request.Field, 0, n) // sized once: a capture has many entries
	}
	var ps pseudo
	for _, h := range rr.Headers {
		if !strings.HasPrefix(h.Name, ":") {
			r.Header = append(r.Header, request.Field{Name: h.Name, Value: h.Value})
			continue
		}
		switch strings.ToLower(h.Name) {
		case ":method":
			ps.method = h.Value
		case ":scheme":
			ps.scheme = h.Value
		case ":authority":
			ps.authority = h.Value
		case ":path":
			ps.path, ps.hasPath = h.Value, true
		}
	}
	e.setTarget(r, rr.URL, &ps)
	if r.Method == "" {
		r.Method = ps.method
	} else if ps.method != "" && ps.method != r.Method {
		e.note("the entry's method is %s but :method says %s; %s is used", quote(r.Method), quote(ps.method), quote(r.Method))
	}
	if r.Method == "" {
		r.Method = "GET"
		e.note("the entry names no method; GET is assumed")
	}
	e.setBody(r, rr)
	e.checkHead(r, rr, browser)
	return r
}

// fieldCount is the number of header fields that are not HTTP/2
// pseudo-header fields.
func fieldCount(hs []nameValue) int {
	n := 0
	for _, h := range hs {
		if !strings.HasPrefix(h.Name, ":") {
			n++
		}
	}
	return n
}

// setTarget fills scheme, host, path and query. Host is the Host field as
// sent, else the HTTP/2 :authority, else the URL's authority (the request
// package does the same for raw HTTP/2 heads); the target is :path when
// the export has it, else the URL's path and query. A fragment is never
// sent.
func (e *Entry) setTarget(r *request.Request, rawURL string, ps *pseudo) {
	u, ok := splitURL(rawURL)
	if !ok {
		e.note("the url %s is not absolute; host and path come from the header fields", quote(rawURL))
	}
	if s := strings.ToLower(u.scheme); s == "http" || s == "https" {
		r.Scheme = s
	} else if s := strings.ToLower(ps.scheme); s == "http" || s == "https" {
		r.Scheme = s
	}
	switch h, hasHost := r.Get("Host"); {
	case hasHost:
		r.Host = strings.Trim(h, " \t")
	case ps.authority != "":
		r.Host = ps.authority
		r.Notes = append(r.Notes, fmt.Sprintf("host is the http/2 :authority %s; no host header field is sent", ps.authority))
	default:
		r.Host = u.host
	}
	r.RawPath, r.RawQuery = u.path, u.query
	if ps.hasPath {
		path, query, _ := strings.Cut(ps.path, "?")
		if ok && (path != u.path || query != u.query) && !(u.path == "" && path == "/") {
			e.note("the url's target %s differs from :path %s, which is what was sent; :path is used", quote(joinTarget(u.path, u.query)), quote(ps.path))
		}
		r.RawPath, r.RawQuery = path, query
	}
	if r.RawPath == "" {
		r.RawPath = "/"
	}
}

func joinTarget(path, query string) string {
	if query == "" {
		return path
	}
	return path + "?" + query
}

// urlParts is an absolute URL cut at its delimiters (RFC 3986 §3), nothing
// decoded.
type urlParts struct{ scheme, host, path, query string }

func splitURL(s string) (urlParts, bool) {
	var u urlParts
	i := strings.Index(s, "://")
	if i <= 0 {
		return u, false
	}
	u.scheme, s = s[:i], s[i+3:]
	end := strings.IndexAny(s, "/?#")
	if end < 0 {
		end = len(s)
	}
	auth := s[:end]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = auth[at+1:] // userinfo is never sent in the request
	}
	u.host = auth
	s = s[end:]
	if j := strings.IndexByte(s, '#'); j >= 0 {
		s = s[:j]
	}
	u.path, u.query, _ = strings.Cut(s, "?")
	return u, u.host != ""
}

// checkHead notes what an export leaves out of the head.
func (e *Entry) checkHead(r *request.Request, rr *rawRequest, browser string) {
	_, hasAuth := r.Get("Authorization")
	signedURL := strings.Contains(r.RawQuery, "X-Amz-Signature=") || strings.Contains(r.RawQuery, "Signature=") ||
		strings.Contains(r.RawQuery, "X-Goog-Signature=") || strings.Contains(r.RawQuery, "x-oss-signature=")
	_, amzDate := r.Get("X-Amz-Date")
	_, amzSHA := r.Get("X-Amz-Content-Sha256")
	if !hasAuth && !signedURL && (amzDate || amzSHA) {
		msg := "the export has no authorization field although the request carries x-amz-* signing fields"
		if browser == "chrome" {
			msg += "; chrome 130 and later leave it out unless the har is exported with sensitive data"
		}
		e.note("%s", msg)
	}
	if _, ok := r.Get("Cookie"); !ok && len(rr.Cookies) > 0 {
		e.note("the export lists %d cookies apart but no cookie field; a cookie field was sent but is not in the request", len(rr.Cookies))
	}
	if e.HeadersSize > 0 && strings.HasPrefix(strings.ToUpper(e.HTTPVersion), "HTTP/1") {
		n := len(r.Method) + 1 + len(r.Target()) + 1 + len(e.HTTPVersion) + 2 + 2
		for _, f := range r.Header {
			n += len(f.Name) + 2 + len(f.Value) + 2
		}
		if n < e.HeadersSize {
			e.note("the head sent was %d bytes but the fields listed make %d: the export may lack fields", e.HeadersSize, n)
		}
	}
}

// setBody takes the body from postData.text, else rebuilds it from
// postData.params where that can be done exactly enough, and reads the
// form fields of form bodies.
func (e *Entry) setBody(r *request.Request, rr *rawRequest) {
	bodySize := number(rr.BodySize)
	pd := rr.PostData
	if pd == nil {
		if bodySize > 0 {
			r.HasBody = false
			e.note("the export leaves out the %d-byte body", bodySize)
		}
		return
	}
	mimeType := pd.MimeType
	if ct, ok := r.Get("Content-Type"); ok {
		mimeType = ct // the field as sent carries the boundary; some exporters drop it from mimeType
	}
	if pd.Text != nil {
		body := []byte(*pd.Text)
		if len(body) > MaxBody {
			r.HasBody = false
			e.note("the %d-byte body is more than the %d bytes kept", len(body), MaxBody)
			return
		}
		e.Form = formFields(body, mimeType, e)
		if bodySize > len(body) {
			r.HasBody = false
			e.note("the export holds %d bytes of the %d-byte body (browsers leave out file contents and bytes that are not text); the body is unknown", len(body), bodySize)
		} else {
			r.Body = body
		}
	}
	if len(e.Form) == 0 && len(pd.Params) > 0 {
		for _, p := range pd.Params {
			f := FormField{Name: p.Name, ContentType: p.ContentType}
			if p.Value != nil {
				f.Value = *p.Value
			}
			if p.FileName != nil {
				f.FileName = *p.FileName
			}
			e.Form = append(e.Form, f)
		}
		if pd.Text == nil {
			e.bodyFromParams(r, mimeType)
		}
	}
	if pd.Text == nil && len(pd.Params) == 0 && bodySize > 0 {
		r.HasBody = false
		e.note("the export leaves out the %d-byte body", bodySize)
	}
}

// bodyFromParams rebuilds a url-encoded body from Firefox's params, the
// only body such an export holds. A multipart body cannot be rebuilt: its
// boundary and part heads are not in the params.
func (e *Entry) bodyFromParams(r *request.Request, mimeType string) {
	if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(mimeType)), "application/x-www-form-urlencoded") {
		r.HasBody = false
		e.note("the export gives the form as fields only; the body sent is unknown")
		return
	}
	var b strings.Builder
	for i, f := range e.Form {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(formEscape(f.Name))
		b.WriteByte('=')
		b.WriteString(formEscape(f.Value))
	}
	r.Body = []byte(b.String())
	e.note("the body is rebuilt from postData.params; its percent-encoding may differ from the bytes sent")
}

// buildResponse reads status, fields and body. content.text is the body
// after content decoding (gzip, br); content.encoding "base64" marks a body
// that is not text.
func (e *Entry) buildResponse(rr *rawResponse) Response {
	resp := Response{StatusText: rr.StatusText, HTTPVersion: rr.HTTPVersion, MimeType: rr.Content.MimeType}
	if st := number(rr.Status); st > 0 {
		resp.Status = st
	}
	if len(rr.Headers) > 0 {
		resp.Header = make([]request.Field, 0, len(rr.Headers))
	}
	for _, h := range rr.Headers {
		resp.Header = append(resp.Header, request.Field{Name: h.Name, Value: h.Value})
	}
	c := rr.Content
	switch {
	case c.Text == nil:
		if number(c.Size) == 0 {
			resp.HasBody = true
		}
	case strings.EqualFold(c.Encoding, "base64"):
		if base64.StdEncoding.DecodedLen(len(*c.Text)) > MaxBody {
			resp.Dropped = true
			return resp
		}
		b, err := decodeBase64(*c.Text)
		if err != nil {
			e.note("the response body is marked base64 but is not: %v", err)
			return resp
		}
		resp.Body, resp.HasBody = b, true
	case len(*c.Text) > MaxBody:
		resp.Dropped = true
	default:
		resp.Body, resp.HasBody = []byte(*c.Text), true
	}
	return resp
}

// decodeBase64 reads standard base64 with or without padding, ignoring
// line breaks some exporters insert.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
}

// quote quotes a value for a note, cut so that a long URL (which may carry a
// presigned signature) is not echoed whole.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		return fmt.Sprintf("%q…", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
