package policy

import (
	"bytes"
	"mime"
	"net/url"
	"strconv"
	"strings"

	"github.com/sigdiff/sigdiff/internal/request"
)

// Form fields of a POST upload come from what users have: the saved
// multipart/form-data body (or the whole raw request), a browser's HAR
// capture, or a hand-written file of name=value lines.
//
// Caps, so that memory stays bounded whatever the input: an input of at
// most MaxInput bytes (callers read no more), at most MaxFields fields,
// non-file values of at most MaxFieldValue bytes each (S3 itself limits
// the form without its file to 20 KB, HTTPPOSTForms.md), part headers of
// at most MaxPartHeader bytes. The file part's content is never copied:
// only its size is kept.
const (
	MaxInput      = 256 << 20
	MaxFields     = 1000
	MaxFieldValue = 1 << 20
	MaxPartHeader = 16 << 10
)

// Field is one form field as sent.
type Field struct {
	Name   string
	Value  string // "" for the file part, whose content is not kept
	Offset int    // byte offset of the field in the input, -1 when unknown

	File        bool   // the part carries a file (it has a filename parameter)
	FileName    string // as sent; browsers send the base name
	ContentType string // the part's own Content-Type
	Size        int64  // the file part's size in bytes; -1 when unknown
}

// Form is the fields of one POST upload, in the order sent.
type Form struct {
	Fields      []Field
	Source      string // "multipart body", "har entry 3", "fields file", "raw http request"
	URL         string // the request URL when the input has it (HAR, raw request)
	ContentType string // the Content-Type of the body, when known
	Entry       int    // HAR: index of the entry read; -1 otherwise
	Notes       []string
}

// Get returns the value of the field name (compared case-insensitively, as
// S3 compares form field names); several fields of that name are joined
// with commas, as S3 joins them before matching (HTTPPOSTForms.md,
// "Conditions"). File parts are skipped.
func (f *Form) Get(name string) (string, bool) {
	var vals []string
	for _, fl := range f.Fields {
		if !fl.File && strings.EqualFold(fl.Name, name) {
			vals = append(vals, fl.Value)
		}
	}
	if vals == nil {
		return "", false
	}
	return strings.Join(vals, ","), true
}

// File returns the first file part, or nil.
func (f *Form) File() *Field {
	for i := range f.Fields {
		if f.Fields[i].File {
			return &f.Fields[i]
		}
	}
	return nil
}

// RequestFields returns the non-file fields as request.Field values, for
// internal/recompute's POST policy signer.
func (f *Form) RequestFields() []request.Field {
	var out []request.Field
	for _, fl := range f.Fields {
		if !fl.File {
			out = append(out, request.Field{Name: fl.Name, Value: fl.Value})
		}
	}
	return out
}

func (f *Form) add(fl Field, src string, data []byte) error {
	if len(f.Fields) >= MaxFields {
		return formErr(src, data, fl.Offset, "more than 1000 form fields")
	}
	f.Fields = append(f.Fields, fl)
	return nil
}

// ParseForm reads form fields from any of the supported inputs, told apart
// by their first bytes: a HAR (JSON), a raw HTTP request, a multipart body
// (starting with its --boundary line, or contentType given), or name=value
// lines. contentType may be empty.
func ParseForm(data []byte, contentType string) (*Form, error) {
	if len(data) > MaxInput {
		return nil, ErrTooLarge
	}
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	switch {
	case len(t) > 0 && t[0] == '{':
		return ParseHAR(data, -1)
	case isRequestLine(t):
		return ParseRawRequest(data)
	case bytes.HasPrefix(t, []byte("--")) || strings.Contains(strings.ToLower(contentType), "multipart/"):
		return ParseMultipart(data, contentType)
	}
	return ParseLines(data)
}

// ParseLines reads one field per line, name=value. Blank lines and lines
// starting with # are skipped; CR LF and LF both end a line; the name is
// trimmed, the value kept as written. A line file=@NAME (curl's -F form)
// stands for the file part.
func ParseLines(data []byte) (*Form, error) {
	const src = "fields file"
	if len(data) > MaxInput {
		return nil, ErrTooLarge
	}
	f := &Form{Source: src, Entry: -1}
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := off + end + 1
		if end < 0 {
			end, next = len(data)-off, len(data)
		}
		line := string(bytes.TrimSuffix(data[off:off+end], []byte("\r")))
		start := off
		off = next
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, formErr(src, data, start, "expected name=value, got "+quoteShort(line))
		}
		if len(value) > MaxFieldValue {
			return nil, formErr(src, data, start, "a field value longer than 1 MiB")
		}
		fl := Field{Name: name, Value: value, Offset: start, Size: -1}
		if strings.EqualFold(name, "file") && strings.HasPrefix(value, "@") {
			fl = Field{Name: name, Offset: start, File: true, FileName: value[1:], Size: -1}
		}
		if err := f.add(fl, src, data); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func quoteShort(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strconv.Quote(s)
}

// isRequestLine reports whether b starts with an HTTP/1 request line.
func isRequestLine(b []byte) bool {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	parts := bytes.Fields(line)
	if len(parts) != 3 || !bytes.HasPrefix(parts[2], []byte("HTTP/")) {
		return false
	}
	for _, c := range parts[0] {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// ParseRawRequest reads a whole HTTP/1 request as saved by a proxy (Burp,
// mitmproxy, Fiddler): the Content-Type header gives the boundary and the
// Host header and target the URL; the body after the blank line is the
// multipart form.
func ParseRawRequest(data []byte) (*Form, error) {
	const src = "raw http request"
	if len(data) > MaxInput {
		return nil, ErrTooLarge
	}
	start := len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
	lineEnd := bytes.IndexByte(data[start:], '\n')
	if lineEnd < 0 {
		return nil, formErr(src, data, start, "the request line is not followed by headers")
	}
	reqLine := bytes.Fields(data[start : start+lineEnd])
	if len(reqLine) < 2 {
		return nil, formErr(src, data, start, "expected a request line such as POST / HTTP/1.1")
	}
	target := string(reqLine[1])
	var host, ctype string
	off := start + lineEnd + 1
	for {
		if off >= len(data) {
			return nil, formErr(src, data, off, "the headers are not ended by a blank line")
		}
		e := bytes.IndexByte(data[off:], '\n')
		if e < 0 {
			e = len(data) - off
		}
		line := strings.TrimSuffix(string(data[off:off+e]), "\r")
		at := off
		off += e + 1
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, formErr(src, data, at, "expected a header line name: value, got "+quoteShort(line))
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "host":
			host = strings.TrimSpace(value)
		case "content-type":
			ctype = strings.TrimSpace(value)
		}
	}
	body := data[min(off, len(data)):]
	f, err := ParseMultipart(body, ctype)
	if err != nil {
		if fe, ok := err.(*FormError); ok && fe.Offset >= 0 {
			return nil, formErr(src, data, fe.Offset+off, fe.Reason)
		}
		return nil, err
	}
	for i := range f.Fields {
		f.Fields[i].Offset += off
	}
	f.Source = src
	switch {
	case strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://"):
		f.URL = target
	case host != "":
		f.URL = "https://" + host + target
	}
	return f, nil
}

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
	i := strings.Index(strings.ToLower(ct), "boundary=")
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

// BucketFromURL returns the bucket an S3 POST URL addresses: the host's
// leading labels for virtual-hosted style (bucket.s3.region.amazonaws.com,
// bucket.s3-region…, bucket.s3.amazonaws.com.cn), the first path segment
// for path style (s3.region.amazonaws.com/bucket/). Other hosts (custom
// domains, S3-compatible stores) give "": the caller must be told the
// bucket.
func BucketFromURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if !strings.HasSuffix(host, ".amazonaws.com") && !strings.HasSuffix(host, ".amazonaws.com.cn") {
		return ""
	}
	if strings.HasPrefix(host, "s3.") || strings.HasPrefix(host, "s3-") {
		seg, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
		return seg
	}
	for _, sep := range []string{".s3.", ".s3-"} {
		if i := strings.Index(host, sep); i > 0 {
			return host[:i]
		}
	}
	return ""
}
