package policy

import (
	"bytes"
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
