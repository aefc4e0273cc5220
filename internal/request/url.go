package request

import (
	"fmt"
	"strings"
)

// urlParts is an absolute URL cut at its delimiters (RFC 3986 §3), nothing
// decoded or re-encoded: signatures cover the bytes as sent, so a parser
// that normalizes (net/url turns "%7e" into "~" when it re-encodes a path)
// would hide the very difference sigdiff looks for.
type urlParts struct {
	scheme      string // as written; "" when the URL has none
	userinfo    string // before '@' in the authority; never shown
	host        string // host[:port], brackets kept for IPv6
	path        string
	query       string
	fragment    string
	hasUserinfo bool
	hasFragment bool
	pathOff     int // byte offset of path in the input, for error columns
}

// splitURL cuts s. It fails only on what makes the URL unusable as a
// request: an empty host, a port that is not a number.
func splitURL(s string) (urlParts, string) {
	var u urlParts
	rest := s
	if i := strings.Index(rest, "://"); i > 0 && isScheme(rest[:i]) {
		u.scheme, rest = rest[:i], rest[i+3:]
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	auth := rest[:end]
	u.pathOff = len(s) - len(rest) + end
	rest = rest[end:]
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		u.userinfo, u.hasUserinfo, auth = auth[:i], true, auth[i+1:]
	}
	u.host = auth
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		u.fragment, u.hasFragment, rest = rest[i+1:], true, rest[:i]
	}
	u.path, u.query, _ = strings.Cut(rest, "?")
	if msg := checkHost(u.host); msg != "" {
		return u, msg
	}
	return u, ""
}

func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := 'a' <= c|0x20 && c|0x20 <= 'z'
		if !letter && (i == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}

// checkHost returns why host cannot name a server, or "".
func checkHost(host string) string {
	h, port := host, ""
	if strings.HasPrefix(h, "[") {
		i := strings.IndexByte(h, ']')
		if i < 0 {
			return "ipv6 address in the host has no closing ]"
		}
		h, port = h[:i+1], h[i+1:]
		if port != "" && port[0] != ':' {
			return "unexpected text after the ipv6 address in the host"
		}
		port = strings.TrimPrefix(port, ":")
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 {
		h, port = h[:i], h[i+1:]
	}
	if h == "" {
		return "url has no host"
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return fmt.Sprintf("port %s is not a number", quoteShort(port))
		}
	}
	return ""
}

// dropDefaultPort removes ":443" from an https host and ":80" from an http
// one, as curl (lib/http.c, "don't include the port number in the host
// string") and browsers do when they write the Host header. SDK signers
// strip them the same way before signing (aws-sdk-go-v2 SanitizeHostForHeader).
func dropDefaultPort(scheme, host string) (string, bool) {
	def := map[string]string{"http": ":80", "https": ":443"}[scheme]
	if def != "" && strings.HasSuffix(host, def) && len(host) > len(def) {
		h := strings.TrimSuffix(host, def)
		if !strings.HasSuffix(h, ":") && (!strings.Contains(h, ":") || strings.HasSuffix(h, "]")) {
			return h, true
		}
	}
	return host, false
}

// removeDotSegments is RFC 3986 §5.2.4. curl applies it to every URL path
// unless --path-as-is is given, so "/a/./b/../c" is sent as "/a/c";
// percent-encoded dots ("%2e") are left alone, as curl leaves them.
func removeDotSegments(in string) string {
	if !strings.Contains(in, ".") {
		return in
	}
	var out strings.Builder
	for in != "" {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../"), in == "/..":
			in = "/" + in[min(len(in), 4):]
			s := out.String()
			s = s[:max(strings.LastIndexByte(s, '/'), 0)]
			out.Reset()
			out.WriteString(s)
		case in == "." || in == "..":
			in = ""
		default:
			i := strings.IndexByte(in[1:], '/')
			if i < 0 {
				i = len(in) - 1
			}
			out.WriteString(in[:i+1])
			in = in[i+1:]
		}
	}
	return out.String()
}

// ParseURL reads a URL as a GET request: a presigned URL, or any URL fetched
// as is. Host, RawPath and RawQuery keep the bytes given — nothing is
// decoded or re-encoded, dot segments stay — because the signature covers
// them as written. The fragment is dropped (clients never send it), so is
// user information, and a default port is left out of Host as clients do.
// Surrounding blanks, and one pair of quotes or angle brackets around the
// URL, are ignored: that is how URLs get pasted.
func ParseURL(s string) (*Request, error) {
	if len(s) > MaxInput {
		return nil, tooBig(sourceURL, len(s))
	}
	s = strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))
	for _, q := range []string{`""`, "''", "<>"} {
		if len(s) >= 2 && s[0] == q[0] && s[len(s)-1] == q[1] {
			s = strings.TrimSpace(s[1 : len(s)-1])
			break
		}
	}
	perr := func(col int, msg string) error { return &ParseError{Source: sourceURL, Line: 1, Col: col, Msg: msg} }
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return nil, perr(i+1, fmt.Sprintf("url has a blank or control character (%q); clients refuse it unencoded", s[i]))
		}
	}
	u, msg := splitURL(s)
	switch scheme := strings.ToLower(u.scheme); {
	case scheme == "s3" || scheme == "oss" || scheme == "gs":
		return nil, perr(1, fmt.Sprintf("a %s:// url names an object, not a request; give the https url", scheme))
	case scheme != "http" && scheme != "https":
		return nil, perr(1, "expected an http:// or https:// url")
	case msg != "":
		return nil, perr(len(u.scheme)+4, msg)
	}
	r := &Request{Method: "GET", Scheme: strings.ToLower(u.scheme), RawPath: u.path, RawQuery: u.query, HasBody: true, Source: "url"}
	if r.RawPath == "" {
		r.RawPath = "/"
	}
	host, dropped := dropDefaultPort(r.Scheme, u.host)
	if dropped {
		r.note("the default port is left out of host %s, as clients send it", host)
	}
	r.Host = host
	r.Header = []Field{{Name: "Host", Value: host}}
	if u.hasUserinfo {
		r.note("user information in the url is not kept; it is not part of the request target")
	}
	if u.hasFragment {
		r.note("the #fragment is dropped: clients never send it")
	}
	if removeDotSegments(r.RawPath) != r.RawPath {
		r.note("the path has dot segments; curl (without --path-as-is) and browsers remove them before sending")
	}
	return r, nil
}
