package request

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// body reads the message body after the head (RFC 9112 §6.3): chunked when
// the last transfer coding is chunked, else Content-Length bytes, else the
// rest of the input.
func (p *httpParser) body(r *Request) error {
	rest := p.in[p.off:]
	cl, hasCL, err := p.contentLength(r)
	if err != nil {
		return err
	}
	chunked := lastCoding(r.Values("Transfer-Encoding")) == "chunked"
	switch {
	case p.curlV:
		// curl -v prints "> " head lines only; the body never shows.
		r.HasBody = !chunked && cl == 0
		if !r.HasBody {
			r.note("curl -v does not print the request body; give it with --body")
		}
	case chunked:
		if hasCL {
			r.note("both transfer-encoding: chunked and content-length are set; chunked wins (RFC 9112 §6.3)")
		}
		body, trailer, err := p.dechunk(rest)
		if err != nil {
			return err
		}
		r.Body, r.Trailer, r.HasBody = body, trailer, true
		if len(r.Values("Transfer-Encoding")) > 1 || strings.Contains(r.Values("Transfer-Encoding")[0], ",") {
			r.note("only the chunked framing is undone; other transfer codings stay in the body")
		}
	case hasCL && int64(len(rest)) >= cl:
		r.Body, r.HasBody = bytes.Clone(rest[:cl]), true
		if extra := len(bytes.TrimSpace(rest[cl:])); extra > 0 {
			r.note("%d bytes after the body (content-length %d) are not part of it", len(rest)-int(cl), cl)
		}
	case hasCL && len(rest) == 0:
		r.note("the body (%d bytes by content-length) is not in the input; give it with --body", cl)
	case hasCL:
		return p.errf(p.lineAt(p.off), "body has %d bytes but content-length says %d (were line breaks converted?)", len(rest), cl)
	case len(bytes.Trim(rest, "\r\n")) == 0:
		r.HasBody = true
		if len(rest) > 0 {
			r.note("the line breaks after the head are taken as no body (there is no content-length)")
		}
	default:
		r.Body, r.HasBody = bytes.Clone(rest), true
		r.note("no content-length or transfer-encoding: the body is all %d bytes after the blank line", len(rest))
	}
	return nil
}

// contentLength parses every Content-Length value; repeated values must
// agree (RFC 9110 §8.6).
func (p *httpParser) contentLength(r *Request) (int64, bool, error) {
	var n int64 = -1
	for _, v := range r.Values("Content-Length") {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			m, err := strconv.ParseInt(s, 10, 64)
			if err != nil || m < 0 || s[0] == '+' {
				return 0, false, p.errf(0, "content-length %s is not a number of bytes", quoteShort(s))
			}
			if n >= 0 && m != n {
				return 0, false, p.errf(0, "content-length values disagree (%d and %d)", n, m)
			}
			n = m
		}
	}
	return max(n, 0), n >= 0, nil
}

// lastCoding is the last transfer coding named, lowercased.
func lastCoding(values []string) string {
	if len(values) == 0 {
		return ""
	}
	v := values[len(values)-1]
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	v, _, _ = strings.Cut(v, ";")
	return strings.ToLower(strings.TrimSpace(v))
}

// dechunk undoes chunked framing (RFC 9112 §7.1):
//
//	chunked-body = *chunk last-chunk trailer-section CRLF
//	chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//	last-chunk   = 1*"0" [ chunk-ext ] CRLF
//
// LF alone is accepted for CRLF, as elsewhere in a capture.
func (p *httpParser) dechunk(b []byte) ([]byte, []Field, error) {
	base := p.off
	var body []byte
	off := 0
	at := func(o int) int { return p.lineAt(max(base+o, 0)) }
	for n := 1; ; n++ {
		if off >= len(b) {
			return nil, nil, p.errf(at(len(b)-1), "chunked body ends before its last (zero-size) chunk")
		}
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			i = len(b) - off
		}
		sizeLine := strings.TrimSuffix(string(b[off:off+i]), "\r")
		sizeText, _, _ := strings.Cut(sizeLine, ";")
		sizeText = strings.TrimSpace(sizeText)
		size, err := strconv.ParseUint(sizeText, 16, 63)
		if err != nil || sizeText[0] == '+' {
			return nil, nil, p.errf(at(off), "chunk %d: size %s is not a hexadecimal number", n, quoteShort(sizeText))
		}
		off = min(off+i+1, len(b))
		if size == 0 {
			trailer, err := p.trailer(b, off, at)
			return body, trailer, err
		}
		if size > uint64(len(b)-off) {
			return nil, nil, p.errf(at(off), "chunk %d: its %d bytes run past the end of the input", n, size)
		}
		body = append(body, b[off:off+int(size)]...)
		off += int(size)
		switch {
		case bytes.HasPrefix(b[off:], []byte("\r\n")):
			off += 2
		case bytes.HasPrefix(b[off:], []byte("\n")):
			off++
		default:
			return nil, nil, p.errf(at(off), "chunk %d: no line break after its %d bytes of data (were line breaks converted?)", n, size)
		}
	}
}

// trailer reads the trailer section after the last chunk, up to a blank
// line or the end of the input.
func (p *httpParser) trailer(b []byte, off int, at func(int) int) ([]Field, error) {
	var fields []Field
	for off < len(b) {
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			i = len(b) - off
		}
		l := strings.TrimSuffix(string(b[off:off+i]), "\r")
		if strings.TrimSpace(l) == "" {
			break
		}
		f, msg := parseField(l, false)
		if msg != "" {
			return nil, p.errf(at(off), "trailer: %s", msg)
		}
		if len(fields) >= MaxHeaders {
			return nil, p.errf(at(off), "more than %d trailer fields", MaxHeaders)
		}
		fields = append(fields, f)
		off += i + 1
	}
	return fields, nil
}

// HashBody returns the hex SHA-256 of everything r yields and its length,
// reading in fixed-size blocks so that a body of any size takes constant
// memory (the payload hash of SigV4's x-amz-content-sha256).
func HashBody(r io.Reader) (hexSHA256 string, n int64, err error) {
	h := sha256.New()
	buf := make([]byte, 256<<10)
	n, err = io.CopyBuffer(h, readerOnly{r}, buf)
	if err != nil {
		return "", n, fmt.Errorf("hashing the body: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// readerOnly hides a WriterTo (such as *os.File's) so that io.CopyBuffer
// uses the given buffer rather than a smaller one of its own.
type readerOnly struct{ io.Reader }
