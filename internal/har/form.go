package har

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"
)

// maxParts caps the parts read from one multipart body; a POST policy form
// has a dozen.
const maxParts = 1000

// formFields reads the fields of a form body: multipart/form-data (RFC 7578),
// as a browser sends a POST policy upload, or
// application/x-www-form-urlencoded. Other bodies have no fields.
func formFields(body []byte, contentType string, e *Entry) []FormField {
	// ParseMediaType builds a map of the parameters; most bodies (an
	// upload's) are no form, which its type, lower-cased and trimmed as
	// ParseMediaType does, tells first.
	if base, _, _ := strings.Cut(contentType, ";"); !isFormType(strings.TrimSpace(strings.ToLower(base))) {
		return nil
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil
	}
	switch mt {
	case "multipart/form-data":
		return multipartFields(body, params["boundary"], e)
	case "application/x-www-form-urlencoded":
		return urlencodedFields(string(body))
	}
	return nil
}

func isFormType(t string) bool {
	return t == "multipart/form-data" || t == "application/x-www-form-urlencoded"
}

// multipartFields reads every part. Raw parts are read (NextRawPart): the
// value is the part's bytes as sent, not decoded. A file part's filename is
// taken from Content-Disposition as written; multipart.Part.FileName would
// cut it to its base name, and a POST policy's ${filename} is what the
// browser wrote.
func multipartFields(body []byte, boundary string, e *Entry) []FormField {
	if boundary == "" {
		e.note("the multipart body names no boundary; its fields are not read")
		return nil
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	var fields []FormField
	var buf []byte // one read buffer for all parts; each value is copied out of it
	for len(fields) < maxParts {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return fields
		}
		if err != nil {
			e.note("the multipart body ends early or is malformed after %d fields (browsers leave out file contents): %v", len(fields), err)
			return fields
		}
		f := FormField{ContentType: p.Header.Get("Content-Type")}
		if _, dp, err := mime.ParseMediaType(p.Header.Get("Content-Disposition")); err == nil {
			f.Name, f.FileName = dp["name"], dp["filename"]
		}
		buf, err = readAll(buf[:0], io.LimitReader(p, MaxBody))
		if err != nil {
			e.note("the multipart part %q is cut short: %v", f.Name, err)
		}
		f.Value = string(buf)
		fields = append(fields, f)
	}
	e.note("the multipart body has more than %d parts; the rest are not read", maxParts)
	return fields
}

// readAll is io.ReadAll reading into b, so that a buffer serves many
// reads: io.ReadAll starts each with a fresh 512 bytes.
func readAll(b []byte, r io.Reader) ([]byte, error) {
	if cap(b) == 0 {
		b = make([]byte, 0, 512)
	}
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// urlencodedFields splits name=value pairs at '&' and decodes them as a
// form does ('+' is a space).
func urlencodedFields(s string) []FormField {
	var fields []FormField
	for len(s) > 0 && len(fields) < maxParts {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if v, err := url.QueryUnescape(value); err == nil {
			value = v
		}
		fields = append(fields, FormField{Name: name, Value: value})
	}
	return fields
}

// formEscape encodes as browsers encode application/x-www-form-urlencoded
// (WHATWG URL, "application/x-www-form-urlencoded serializer"): space as '+'.
func formEscape(s string) string { return url.QueryEscape(s) }
