package request

import (
	"bytes"
	"fmt"
	"strings"
)

// ParseHTTP reads a raw HTTP/1.x request as captured (RFC 9112 §2–§7):
//
//	request-line = method SP request-target SP HTTP-version CRLF
//	*( field-line CRLF )
//	CRLF
//	[ message-body ]
//
// It is lenient where captures are: lines may end in LF or CRLF (each line on
// its own); leading blank lines are skipped; a request copied from `curl -v`
// (every line prefixed "> ", after "* " progress lines) is read the same way,
// without a body, since curl -v does not print it; an HTTP/2 head written as
// pseudo-header fields (":method: GET", ":path: /", ":authority: host") is
// read as the request line. The target may hold spaces (the SigV4 suite's
// get-space case sends "GET /example space/ HTTP/1.1"), so the version is
// the last word and the target everything between.
//
// Header fields keep their order, case, duplicates and inner blanks; the
// blank after the colon (OWS) is not part of the value. A line starting with
// a blank continues the previous field (obs-fold, RFC 9112 §5.2): the line
// break and the continuation's leading blanks become one space, which is how
// the SigV4 suite's get-header-value-multiline expects "value1 value2 value3".
//
// The body is what follows the blank line: de-framed when the last
// Transfer-Encoding is chunked (trailer fields go to Trailer); cut to
// Content-Length when more follows (an editor's final newline); unknown
// (HasBody false) when Content-Length announces a body the input lacks.
// Without either field the body is the rest of the input, except that a rest
// of only line breaks is taken as no body.
func ParseHTTP(in []byte) (*Request, error) {
	if len(in) > MaxInput {
		return nil, tooBig(sourceHTTP, len(in))
	}
	p := &httpParser{in: in}
	return p.parse()
}

type httpParser struct {
	in       []byte
	lines    lineIndex // built when an error needs a line number
	off      int       // start of the next line
	line     int       // number of the line last read
	curlV    bool      // every head line carries curl -v's "> " prefix
	pseudo   bool      // HTTP/2 pseudo-header fields instead of a request line
	firstOff int       // where the first line of the head starts
}

// lineAt is the 1-based line of an input offset.
func (p *httpParser) lineAt(off int) int {
	if p.lines == nil {
		p.lines = newLineIndex(p.in)
	}
	l, _ := p.lines.pos(off)
	return l
}

func (p *httpParser) errf(line int, format string, args ...any) error {
	return &ParseError{Source: sourceHTTP, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// next returns the next line without its line break (LF, or CRLF), and
// whether there was one.
func (p *httpParser) next() (string, bool) {
	if p.off >= len(p.in) {
		return "", false
	}
	rest := p.in[p.off:]
	i := bytes.IndexByte(rest, '\n')
	if i < 0 {
		i = len(rest)
		p.off = len(p.in)
	} else {
		p.off += i + 1
	}
	p.line++
	return string(bytes.TrimSuffix(rest[:i], []byte("\r"))), true
}

func (p *httpParser) parse() (*Request, error) {
	r := &Request{Scheme: "https", Source: "raw-http"}
	first, err := p.firstLine()
	if err != nil {
		return nil, err
	}
	target := ""
	if !p.pseudo {
		var version string
		var msg string
		r.Method, target, version, msg = splitRequestLine(first)
		if msg != "" {
			return nil, p.errf(p.line, "%s", msg)
		}
		if strings.HasPrefix(version, "HTTP/2") || strings.HasPrefix(version, "HTTP/3") {
			r.note("the request line says %s; its fields are read as HTTP/1.1 fields, host as :authority", version)
		}
	} else {
		p.off, p.line = p.firstOff, p.line-1 // reread it as a field
	}
	if err := p.headers(r); err != nil {
		return nil, err
	}
	if p.pseudo {
		var msg string
		if target, msg = takePseudo(r); msg != "" {
			return nil, p.errf(1, "%s", msg)
		}
	}
	if err := setTarget(r, target, p.errf); err != nil {
		return nil, err
	}
	if err := p.body(r); err != nil {
		return nil, err
	}
	return r, nil
}

// firstLine skips what comes before the request line: blank lines, and
// curl -v's "* " progress lines and "{ [n bytes data]" TLS lines.
func (p *httpParser) firstLine() (string, error) {
	if bytes.HasPrefix(p.in, []byte("\ufeff")) {
		p.off = 3
	}
	for {
		p.firstOff = p.off
		l, ok := p.next()
		if !ok {
			return "", p.errf(0, "input has no request line")
		}
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "* ") || t == "*" || strings.HasPrefix(t, "{ [") || strings.HasPrefix(t, "} [") {
			continue
		}
		if len(l) > MaxLine {
			return "", p.errf(p.line, "line is longer than %d bytes", MaxLine)
		}
		if rest, ok := strings.CutPrefix(l, "> "); ok {
			p.curlV, l = true, rest
		}
		p.pseudo = strings.HasPrefix(l, ":")
		return l, nil
	}
}

// splitRequestLine cuts "METHOD target HTTP/1.1". The target is everything
// between the first and the last space.
func splitRequestLine(l string) (method, target, version, msg string) {
	method, rest, ok := strings.Cut(l, " ")
	if !ok || !isToken(method) {
		return "", "", "", "expected a request line like \"GET /key HTTP/1.1\""
	}
	i := strings.LastIndexByte(rest, ' ')
	if i < 0 || !isHTTPVersion(rest[i+1:]) {
		return "", "", "", "request line has no http version at its end (expected METHOD TARGET HTTP/1.1)"
	}
	target, version = strings.Trim(rest[:i], " "), rest[i+1:]
	if target == "" {
		return "", "", "", "request line has no target"
	}
	return method, target, version, ""
}

func isHTTPVersion(s string) bool {
	v, ok := strings.CutPrefix(s, "HTTP/")
	if !ok || v == "" || len(v) > 3 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !('0' <= v[i] && v[i] <= '9' || v[i] == '.' && i == 1) {
			return false
		}
	}
	return true
}

// isToken reports whether s is an RFC 9110 §5.6.2 token (methods, field names).
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}

// headers reads field lines up to the blank line that ends the head.
func (p *httpParser) headers(r *Request) error {
	for {
		l, ok := p.next()
		if !ok {
			return nil
		}
		if p.curlV {
			rest, had := strings.CutPrefix(l, ">")
			if !had {
				p.off = len(p.in) // curl -v's response or progress follows
				return nil
			}
			l = strings.TrimPrefix(rest, " ")
		}
		if strings.TrimSpace(l) == "" {
			return nil
		}
		if len(l) > MaxLine {
			return p.errf(p.line, "line is longer than %d bytes", MaxLine)
		}
		if l[0] == ' ' || l[0] == '\t' {
			if len(r.Header) == 0 {
				return p.errf(p.line, "a folded line (one starting with a blank) comes before any header")
			}
			h := &r.Header[len(r.Header)-1]
			h.Value += " " + strings.TrimLeft(l, " \t")
			continue
		}
		f, msg := parseField(l, p.pseudo)
		if msg != "" {
			return p.errf(p.line, "%s", msg)
		}
		if len(r.Header) >= MaxHeaders {
			return p.errf(p.line, "more than %d header fields", MaxHeaders)
		}
		if strings.TrimRight(f.Name, " \t") != f.Name {
			r.note("header %s has blanks before its colon; servers reject that (RFC 9110 §5.1)", quoteShort(f.Name))
		}
		r.Header = append(r.Header, f)
	}
}

// parseField splits "Name: value". Only short names are quoted in messages:
// the line itself may carry a signature or a token.
func parseField(l string, pseudoOK bool) (Field, string) {
	name, value, ok := strings.Cut(l, ":")
	if pseudoOK && name == "" && ok { // ":method: GET"
		n, v, ok2 := strings.Cut(value, ":")
		name, value, ok = ":"+n, v, ok2
	}
	if !ok {
		return Field{}, "header has no colon"
	}
	bare := strings.TrimRight(name, " \t")
	if bare == "" {
		return Field{}, "header name is empty"
	}
	if !isToken(strings.TrimPrefix(bare, ":")) {
		return Field{}, fmt.Sprintf("header name %s has a character not allowed in a field name", quoteShort(bare))
	}
	return Field{Name: name, Value: strings.TrimLeft(value, " \t")}, ""
}

// takePseudo moves HTTP/2 pseudo-header fields (RFC 9113 §8.3.1) out of
// Header into the request line they stand for.
func takePseudo(r *Request) (target, msg string) {
	var kept []Field
	var authority, scheme string
	for _, f := range r.Header {
		switch strings.ToLower(f.Name) {
		case ":method":
			r.Method = f.Value
		case ":path":
			target = f.Value
		case ":authority":
			authority = f.Value
		case ":scheme":
			scheme = f.Value
		case ":protocol", ":status":
		default:
			kept = append(kept, f)
		}
	}
	r.Header = kept
	switch {
	case r.Method == "" || target == "":
		return "", "http/2 pseudo-header fields need both :method and :path"
	case !isToken(r.Method):
		return "", fmt.Sprintf("method %s is not a token", quoteShort(r.Method))
	}
	if scheme == "http" || scheme == "https" {
		r.Scheme = scheme
	}
	if _, ok := r.Get("Host"); !ok && authority != "" {
		r.Host = authority
		r.note("host is the http/2 :authority %s; no host header field is sent", authority)
	}
	return target, ""
}

// setTarget fills RawPath and RawQuery from the request target, in origin
// form ("/key?x") or absolute form ("https://host/key?x"), and Host from the
// Host field, else from the target.
func setTarget(r *Request, target string, errf func(int, string, ...any) error) error {
	if h, ok := r.Get("Host"); ok {
		r.Host = strings.Trim(h, " \t")
	}
	switch {
	case target == "*": // OPTIONS *
		r.RawPath = "*"
	case strings.HasPrefix(target, "/"):
		r.RawPath, r.RawQuery, _ = strings.Cut(target, "?")
	default:
		u, msg := splitURL(target)
		scheme := strings.ToLower(u.scheme)
		if scheme != "http" && scheme != "https" {
			return errf(1, "request target must start with / or be an absolute http(s) url")
		}
		if msg != "" {
			return errf(1, "%s", msg)
		}
		// Cut at '?' only, as for origin form: a '#' is sent as written.
		r.Scheme = scheme
		r.RawPath, r.RawQuery, _ = strings.Cut(target[u.pathOff:], "?")
		if r.Host == "" {
			r.Host = u.host
		}
		if r.RawPath == "" {
			r.RawPath = "/"
		}
	}
	return nil
}
