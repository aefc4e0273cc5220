package s3error

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// paste is one reading of the input while it is being un-wrapped: the text
// and what the wrapping said about the request.
type paste struct {
	s           string
	layers      []string
	headers     []Field
	host        string
	requestLine string
	notes       []string
}

func (p *paste) clone() *paste {
	c := *p
	c.layers = append([]string(nil), p.layers...)
	c.notes = append([]string(nil), p.notes...)
	return &c
}

func (p *paste) apply(layer string, s string) {
	p.s = s
	p.layers = append(p.layers, layer)
}

// decodeText strips a byte order mark and decodes UTF-16, which is what
// PowerShell's `>` and Windows Notepad write; layer names what was undone.
func decodeText(in []byte) (text, layer string) {
	switch {
	case len(in) >= 3 && in[0] == 0xef && in[1] == 0xbb && in[2] == 0xbf:
		return string(in[3:]), ""
	case len(in) >= 2 && in[0] == 0xff && in[1] == 0xfe:
		return utf16String(in[2:], false), "utf-16"
	case len(in) >= 2 && in[0] == 0xfe && in[1] == 0xff:
		return utf16String(in[2:], true), "utf-16"
	case looksUTF16LE(in):
		return utf16String(in, false), "utf-16"
	}
	return string(in), ""
}

// looksUTF16LE spots BOM-less UTF-16LE: ASCII text with a NUL after every byte.
func looksUTF16LE(in []byte) bool {
	if len(in) < 16 || len(in)%2 != 0 {
		return false
	}
	n := min(len(in), 512)
	zeros := 0
	for i := 1; i < n; i += 2 {
		if in[i] == 0 && in[i-1] != 0 {
			zeros++
		}
	}
	return zeros*10 >= (n/2)*9
}

func utf16String(b []byte, bigEndian bool) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if bigEndian {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	return string(utf16.Decode(u))
}

var (
	curlResponseLine = regexp.MustCompile(`(?m)^< HTTP/[0-9.]+ \d{3}`)
	curlTrailer      = regexp.MustCompile(`\* (?:Connection #\d+ to host |Closing connection|Connection #\d+ .*left intact).*$`)
	curlNoise        = regexp.MustCompile(`^(?:[{}] \[\d+ bytes data\]|\s*% Total\s+% Received.*|\s*Dload\s+Upload.*|[\s\d.:kMG%-]+--:--:--.*)$`)
	statusLine       = regexp.MustCompile(`(?m)^HTTP/[0-9.]+ \d{3}\b`)
)

// unwrapTransport takes the error body out of a `curl -v` transcript or a
// raw HTTP response (undoing chunked framing), keeping the request line,
// Host and response headers, which tell the service apart.
func unwrapTransport(p *paste) {
	if curlResponseLine.MatchString(p.s) {
		unwrapCurl(p)
		return
	}
	unwrapHTTPResponse(p)
}

// unwrapCurl reads a `curl -v` transcript: `*` info lines, `>` request
// lines and `<` response lines go; the body, which curl prints unprefixed
// (and already de-chunked), stays.
func unwrapCurl(p *paste) {
	var body []string
	for _, line := range strings.Split(p.s, "\n") {
		l := strings.TrimSuffix(line, "\r")
		switch {
		case l == "*" || strings.HasPrefix(l, "* ") || l == ">" || l == "<" || curlNoise.MatchString(l):
		case strings.HasPrefix(l, "> "):
			readRequestLine(p, l[2:])
		case strings.HasPrefix(l, "< "):
			if name, value, ok := strings.Cut(l[2:], ":"); ok && !strings.HasPrefix(l[2:], "HTTP/") {
				p.headers = append(p.headers, Field{strings.TrimSpace(name), strings.TrimSpace(value)})
			}
		default:
			if loc := curlTrailer.FindStringIndex(line); loc != nil {
				line = line[:loc[0]]
			}
			body = append(body, line)
		}
	}
	p.apply("curl-verbose", strings.Join(body, "\n"))
}

func readRequestLine(p *paste, l string) {
	if p.requestLine == "" && strings.Contains(l, " HTTP/") {
		p.requestLine = strings.TrimSpace(l)
		return
	}
	if name, value, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "host") {
		p.host = strings.TrimSpace(value)
	}
}

// unwrapHTTPResponse reads a pasted HTTP/1.x response: status line,
// headers up to the blank line, then the body. Of several responses (a
// 100 Continue first, or a retry) the first whose body holds an error wins.
func unwrapHTTPResponse(p *paste) {
	locs := statusLine.FindAllStringIndex(p.s, 16)
	if len(locs) == 0 {
		return
	}
	pick := 0
	for i, loc := range locs {
		end := len(p.s)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		if strings.Contains(p.s[loc[0]:end], "Code") {
			pick = i
			break
		}
	}
	end := len(p.s)
	if pick+1 < len(locs) {
		end = locs[pick+1][0]
	}
	section := p.s[locs[pick][0]:end]
	var headers []Field
	rest := section
	chunked := false
	_, rest, _ = strings.Cut(rest, "\n") // the status line
	for rest != "" {
		line, after, _ := strings.Cut(rest, "\n")
		l := strings.TrimRight(line, "\r")
		if strings.TrimSpace(l) == "" {
			rest = after
			break
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok || strings.ContainsAny(name, " <") {
			break // no blank line before the body: the headers ended here
		}
		headers = append(headers, Field{strings.TrimSpace(name), strings.TrimSpace(value)})
		if strings.EqualFold(strings.TrimSpace(name), "transfer-encoding") && strings.Contains(strings.ToLower(value), "chunked") {
			chunked = true
		}
		rest = after
	}
	p.headers = append(p.headers, headers...)
	p.apply("http-response", rest)
	if chunked || looksChunked(rest) {
		if s, ok := dechunk(rest); ok {
			p.apply("chunked", s)
		}
	}
}

var chunkSizeLine = regexp.MustCompile(`^[0-9a-fA-F]{1,8}(?:;[^\r\n]*)?\r?$`)

func looksChunked(s string) bool {
	line, rest, ok := strings.Cut(strings.TrimLeft(s, "\r\n"), "\n")
	return ok && chunkSizeLine.MatchString(line) && strings.HasPrefix(strings.TrimSpace(rest), "<")
}

// dechunk undoes chunked transfer coding (RFC 9112 §7.1). Pastes lose the
// CR of the framing's CRLF, so the size lines are read leniently; when the
// sizes do not fit what was pasted, lines that are only a chunk size are
// dropped instead.
func dechunk(s string) (string, bool) {
	var out strings.Builder
	rest := strings.TrimLeft(s, "\r\n")
	for {
		line, after, ok := strings.Cut(rest, "\n")
		if !chunkSizeLine.MatchString(line) {
			return dechunkLoose(s)
		}
		hexSize, _, _ := strings.Cut(strings.TrimRight(line, "\r"), ";")
		n, err := strconv.ParseUint(hexSize, 16, 32)
		if err != nil {
			return dechunkLoose(s)
		}
		if n == 0 {
			return out.String(), true
		}
		if !ok || uint64(len(after)) < n {
			out.WriteString(after) // cut short: keep what is there
			return out.String(), true
		}
		out.WriteString(after[:n])
		rest = after[n:]
		rest = strings.TrimPrefix(rest, "\r")
		if !strings.HasPrefix(rest, "\n") {
			if rest == "" {
				return out.String(), true
			}
			return dechunkLoose(s)
		}
		rest = rest[1:]
	}
}

func dechunkLoose(s string) (string, bool) {
	lines := strings.Split(s, "\n")
	keep := lines[:0]
	dropped := false
	for _, l := range lines {
		if chunkSizeLine.MatchString(l) {
			dropped = true
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n"), dropped
}
