package policy

import (
	"bytes"
	"mime"
	"strconv"
	"strings"
)

// ParseMultipart reads a multipart/form-data body (RFC 7578). The boundary
// comes from contentType ("multipart/form-data; boundary=…", with or
// without its "Content-Type:" name) or, when that is empty or names
// another, from the body's first line. Bodies saved as text often lost
// their CRs, so LF alone ends lines too; a body cut short ends its last
// part where the input ends (with a note).
func ParseMultipart(body []byte, contentType string) (*Form, error) {
	const src = "multipart body"
	if len(body) > MaxInput {
		return nil, ErrTooLarge
	}
	f := &Form{Source: src, Entry: -1, ContentType: contentType}
	boundary := boundaryOf(contentType)
	first := -1
	if boundary != "" {
		first = delimiterAt(body, "--"+boundary, 0)
	}
	if first < 0 {
		detected, at := detectBoundary(body)
		if detected == "" {
			if boundary != "" {
				return nil, formErr(src, body, -1, "the boundary "+strconv.Quote(boundary)+" of the content type does not occur in the body")
			}
			return nil, ErrNoBoundary
		}
		if boundary != "" {
			f.Notes = append(f.Notes, "the body's boundary "+strconv.Quote(detected)+" differs from the content type's "+strconv.Quote(boundary)+"; the body's was used")
		}
		boundary, first = detected, at
	}
	delim := []byte("--" + boundary)
	for i := first; ; {
		after := i + len(delim)
		if bytes.HasPrefix(body[after:], []byte("--")) {
			return f, nil // closing delimiter
		}
		j := after
		for j < len(body) && (body[j] == ' ' || body[j] == '\t') {
			j++
		}
		if j < len(body) && body[j] == '\r' {
			j++
		}
		if j >= len(body) {
			f.Notes = append(f.Notes, "the body ends after a boundary line, without the closing --boundary--")
			return f, nil
		}
		if body[j] != '\n' {
			return nil, formErr(src, body, j, "expected a line end after the boundary")
		}
		fl, contentStart, err := partHeaders(body, j+1)
		if err != nil {
			return nil, err
		}
		fl.Offset = i
		k := bytes.Index(body[contentStart-1:], append([]byte("\n"), delim...))
		var contentEnd, next int
		if k < 0 {
			contentEnd, next = len(body), -1
			f.Notes = append(f.Notes, "the body ends inside the part "+strconv.Quote(fl.Name)+", before its closing boundary")
		} else {
			contentEnd = contentStart - 1 + k
			next = contentEnd + 1
			if contentEnd > contentStart && body[contentEnd-1] == '\r' {
				contentEnd--
			}
		}
		contentEnd = max(contentEnd, contentStart)
		content := body[contentStart:contentEnd]
		if fl.File {
			fl.Size = int64(len(content))
		} else {
			if len(content) > MaxFieldValue {
				return nil, formErr(src, body, contentStart, "the value of "+strconv.Quote(fl.Name)+" is longer than 1 MiB")
			}
			fl.Value = string(content)
		}
		if err := f.add(fl, src, body); err != nil {
			return nil, err
		}
		if next < 0 {
			return f, nil
		}
		i = next
	}
}

// boundaryOf returns the boundary parameter of a Content-Type value.
func boundaryOf(contentType string) string {
	ct := strings.TrimSpace(contentType)
	if name, rest, ok := strings.Cut(ct, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "content-type") {
		ct = strings.TrimSpace(rest)
	}
	if ct == "" {
		return ""
	}
	if _, params, err := mime.ParseMediaType(ct); err == nil {
		return params["boundary"]
	}
	// Lenient: boundary=… anywhere, quoted or not.
	// Searched byte by byte: lower-casing the whole value would move the
	// offsets when it holds non-ASCII runes (fuzzing found "İ").
	i := indexFoldASCII(ct, "boundary=")
	if i < 0 {
		return ""
	}
	b := ct[i+len("boundary="):]
	if strings.HasPrefix(b, `"`) {
		b, _, _ = strings.Cut(b[1:], `"`)
		return b
	}
	b, _, _ = strings.Cut(b, ";")
	return strings.TrimSpace(b)
}

// detectBoundary takes the boundary from the body's first non-blank line,
// "--boundary", and returns it with the line's offset.
func detectBoundary(body []byte) (string, int) {
	start := len(body) - len(bytes.TrimLeft(body, " \t\r\n"))
	line, _, _ := bytes.Cut(body[start:], []byte("\n"))
	line = bytes.TrimRight(line, " \t\r")
	if len(line) <= 2 || !bytes.HasPrefix(line, []byte("--")) || len(line) > 72 {
		return "", -1
	}
	return string(line[2:]), start
}

// delimiterAt returns the offset of the first delim that starts a line at
// or after from, or -1.
func delimiterAt(body []byte, delim string, from int) int {
	for i := from; i < len(body); {
		k := bytes.Index(body[i:], []byte(delim))
		if k < 0 {
			return -1
		}
		at := i + k
		if at == 0 || body[at-1] == '\n' || len(bytes.TrimLeft(body[:at], " \t\r\n")) == 0 {
			return at
		}
		i = at + 1
	}
	return -1
}

// partHeaders reads a part's header block from off up to its blank line
// and returns the field it names and where the content starts.
func partHeaders(body []byte, off int) (Field, int, error) {
	const src = "multipart body"
	fl := Field{Size: -1}
	start := off
	var named bool
	for {
		if off-start > MaxPartHeader {
			return fl, 0, formErr(src, body, start, "part headers longer than 16 KiB")
		}
		if off >= len(body) {
			return fl, 0, formErr(src, body, start, "part headers not ended by a blank line")
		}
		e := bytes.IndexByte(body[off:], '\n')
		if e < 0 {
			return fl, 0, formErr(src, body, start, "part headers not ended by a blank line")
		}
		line := strings.TrimSuffix(string(body[off:off+e]), "\r")
		at := off
		off += e + 1
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return fl, 0, formErr(src, body, at, "expected a part header name: value, got "+quoteShort(line))
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "content-disposition":
			n, file, hasFile, ok := disposition(value)
			if !ok {
				return fl, 0, formErr(src, body, at, "the content-disposition has no name: "+quoteShort(value))
			}
			fl.Name, fl.FileName, fl.File, named = n, file, hasFile, true
		case "content-type":
			fl.ContentType = value
		}
	}
	if !named {
		return fl, 0, formErr(src, body, start, "a part without a content-disposition naming its field")
	}
	return fl, off, nil
}

// disposition reads form-data; name="…"; filename="…". Browsers escape a
// quote in a name as %22 (RFC 7578 §4.2, WHATWG HTML), which mime parses;
// anything mime rejects is read leniently.
func disposition(v string) (name, file string, hasFile, ok bool) {
	if _, params, err := mime.ParseMediaType(v); err == nil {
		name, ok = params["name"]
		file, hasFile = params["filename"]
		return name, file, hasFile, ok
	}
	name, ok = dispositionParam(v, "name")
	file, hasFile = dispositionParam(v, "filename")
	return name, file, hasFile, ok
}

func dispositionParam(v, key string) (string, bool) {
	for _, piece := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(piece), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), key) {
			continue
		}
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
		}
		return val, true
	}
	return "", false
}

// indexFoldASCII returns the first index of sub in s, comparing ASCII
// letters case-insensitively and every other byte exactly; -1 if absent.
func indexFoldASCII(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
