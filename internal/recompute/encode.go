package recompute

import "strings"

// UriEncode as the SigV4 specification defines it: every byte outside the
// RFC 3986 unreserved set (A–Z a–z 0–9 - . _ ~) becomes %XX with upper-case
// hex, byte by byte over the UTF-8 encoding; the path keeps its '/'.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request

const upperHex = "0123456789ABCDEF"

var unreserved = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['-'], t['.'], t['_'], t['~'] = true, true, true, true
	return t
}()

func keeps(c byte, keepSlash bool) bool { return unreserved[c] || (keepSlash && c == '/') }

// appendURIEncode appends UriEncode(s), treating '%' as data (so an encoded
// path is encoded a second time).
func appendURIEncode[T string | []byte](dst []byte, s T, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keeps(c, keepSlash) {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// unhex2 decodes the two hex digits at s[i+1], s[i+2] of a '%' at s[i].
func unhex2(s string, i int) (byte, bool) {
	if i+2 >= len(s) {
		return 0, false
	}
	h, ok1 := unhex(s[i+1])
	l, ok2 := unhex(s[i+2])
	return h<<4 | l, ok1 && ok2
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// appendRecode appends UriEncode(decode(s)): what a server computes from a
// component as it arrived. Decoding is lenient: a '%' that does not start a
// valid escape is the byte '%' itself (servers built on Go's net/url reject
// such requests outright; recomputing them anyway lets the diff show where).
// With plusIsSpace, '+' decodes to a space, as query strings are decoded by
// S3 and by Go's url.ParseQuery (which aws-sdk-go-v2 and MinIO use).
func appendRecode(dst []byte, s string, keepSlash, plusIsSpace bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if d, ok := unhex2(s, i); ok {
				c = d
				i += 2
			}
		case c == '+' && plusIsSpace:
			c = ' '
		}
		if keeps(c, keepSlash) {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// recodedLen is len(appendRecode(nil, s, keepSlash, plusIsSpace)).
func recodedLen(s string, keepSlash, plusIsSpace bool) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if d, ok := unhex2(s, i); ok {
				c = d
				i += 2
			}
		case c == '+' && plusIsSpace:
			c = ' '
		}
		if keeps(c, keepSlash) {
			n++
		} else {
			n += 3
		}
	}
	return n
}

// isRecoded reports whether appendRecode would return s unchanged (with
// either reading of '+': a '+' is never unchanged), so the hot path can use
// s itself without copying.
func isRecoded(s string, keepSlash bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keeps(c, keepSlash) {
			continue
		}
		if c != '%' || i+2 >= len(s) {
			return false
		}
		h, l := s[i+1], s[i+2]
		if !isUpperHex(h) || !isUpperHex(l) {
			return false
		}
		d, _ := unhex2(s, i)
		if keeps(d, keepSlash) {
			return false
		}
		i += 2
	}
	return true
}

func isUpperHex(c byte) bool { return ('0' <= c && c <= '9') || ('A' <= c && c <= 'F') }

// decodeLenient percent-decodes s the way appendRecode does, for values
// read back from a request (X-Amz-Credential and friends).
func decodeLenient(s string, plusIsSpace bool) string {
	if strings.IndexByte(s, '%') < 0 && (!plusIsSpace || strings.IndexByte(s, '+') < 0) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if d, ok := unhex2(s, i); ok {
				c = d
				i += 2
			}
		case c == '+' && plusIsSpace:
			c = ' '
		}
		b = append(b, c)
	}
	return string(b)
}

// normalizeEscapes applies RFC 3986 §6.2.2.1–2 to an encoded path: escapes
// of unreserved characters are decoded ("%7E" is "~") and the hex of the
// others is upper-cased, so that a path normalized here matches what a
// server gets by decoding and re-encoding. Invalid escapes stay as they are.
func normalizeEscapes(p string) string {
	i := strings.IndexByte(p, '%')
	if i < 0 {
		return p
	}
	b := make([]byte, 0, len(p))
	b = append(b, p[:i]...)
	for ; i < len(p); i++ {
		c := p[i]
		if c != '%' {
			b = append(b, c)
			continue
		}
		d, ok := unhex2(p, i)
		switch {
		case !ok:
			b = append(b, c)
		case unreserved[d]:
			b = append(b, d)
			i += 2
		default:
			b = append(b, '%', upperHex[d>>4], upperHex[d&15])
			i += 2
		}
	}
	return string(b)
}

// removeDotSegments removes "." and ".." segments (RFC 3986 §5.2.4) and
// empty segments (duplicate slashes), as the SigV4 test suite's
// get-slashes, get-relative-relative and get-slash-pointless-dot cases
// require. A trailing slash stays, and so does the leading one.
func removeDotSegments(p string) string {
	if !needsDotRemoval(p) {
		return p
	}
	segs := make([]string, 0, strings.Count(p, "/")+1)
	rest := strings.TrimPrefix(p, "/")
	trailing := false
	for {
		seg, after, more := strings.Cut(rest, "/")
		switch seg {
		case "", ".":
			trailing = true
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
			trailing = true
		default:
			segs = append(segs, seg)
			trailing = false
		}
		if !more {
			break
		}
		rest = after
	}
	var b strings.Builder
	b.Grow(len(p))
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(s)
	}
	if b.Len() == 0 || trailing {
		b.WriteByte('/')
	}
	return b.String()
}

func needsDotRemoval(p string) bool {
	if p == "" || p[0] != '/' || strings.Contains(p, "//") {
		return true
	}
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		seg := p[i+1:]
		if j := strings.IndexByte(seg, '/'); j >= 0 {
			seg = seg[:j]
		}
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// appendURLPath appends a path fit for a URL: valid escapes and the
// characters RFC 3986 §3.3 allows in a path stay as sent, the rest (spaces,
// non-ASCII bytes, stray '%') are escaped. It changes nothing a server
// decodes differently, so the URL still carries the path that was signed.
func appendURLPath(dst []byte, p string) []byte {
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case unreserved[c] || strings.IndexByte("/!$&'()*+,;=:@", c) >= 0:
			dst = append(dst, c)
		case c == '%':
			if _, ok := unhex2(p, i); ok {
				dst = append(dst, p[i:i+3]...)
				i += 2
				continue
			}
			fallthrough
		default:
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}
