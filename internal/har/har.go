// Package har reads HTTP Archive (HAR 1.2) files that browsers export from
// their network panels — Chrome (and the other Chromium browsers), Firefox
// and Safari — into requests sigdiff can recompute and responses it can
// diagnose, and finds the entries that a storage service refused with a
// signing error.
//
// HAR 1.2: http://www.softwareishard.com/blog/har-12-spec/
//
// # What differs between the browsers
//
//   - Chrome writes HTTP/2 requests with their pseudo-header fields
//     (":authority", ":method", ":path", ":scheme") in request.headers, names in
//     lower case, httpVersion "h2" or "http/2.0"; adds _resourceType,
//     _initiator, _priority; and since Chrome 130 exports "sanitized" HARs by
//     default, without Authorization, Cookie and Set-Cookie.
//   - Firefox fills postData.params for url-encoded bodies (decoded values)
//     and may give params instead of text; writes "HTTP/2" and a Host field
//     for HTTP/2 requests.
//   - Safari (WebKit Web Inspector) builds headers from a map, so duplicate
//     fields are merged and the order is the map's; writes postData with both
//     text and params; uses "" for unknown dates and versions and -1 for
//     unknown sizes; adds _fetchType and _priority.
//   - All of them may give a response body as content.text with
//     content.encoding "base64", and keep cookies in a separate cookies list
//     besides the Cookie field.
//
// # Memory
//
// The file is read with encoding/json's streaming Decoder, one entry at a
// time: a HAR of 100,000 entries never becomes one tree. Scan hands each
// entry to a callback and keeps nothing; Read and Parse keep the entries but
// not the bodies of successful responses (only error bodies are diagnosed).
// The caps below bound the rest. Parse and then Failures allocate about 3.2
// times the file in all: the strings encoding/json decodes (a success body
// too, before it is dropped), the entries, and s3error's reading of each
// refused body (about 2.5 times the body). TestParse_allocationBound holds
// this under 4 times the input plus 512 KiB; BenchmarkParse_large measures
// it.
package har

import (
	"errors"
	"fmt"

	"github.com/sigdiff/sigdiff/internal/request"
)

// Caps on what a HAR may hold. A browser export of a long session is tens to
// hundreds of megabytes, almost all of it response bodies that are dropped
// as they are read.
const (
	MaxInput     = 1 << 30  // bytes read from a HAR, 1 GiB
	MaxEntries   = 200000   // entries in log.entries
	MaxBody      = 64 << 20 // bytes of one request body or one decoded response body kept
	MaxErrorBody = 1 << 20  // bytes of an error response body kept by Read (bodies of 4xx/5xx responses)
)

// HAR is a browser capture.
type HAR struct {
	Version        string   // log.version, e.g. "1.2"
	Creator        string   // log.creator.name: "WebInspector" (Chromium), "Firefox", "WebKit Web Inspector" (Safari), …
	CreatorVersion string   // log.creator.version
	Browser        string   // "chrome", "firefox", "safari", or "" when the exporter is none of them
	Entries        []*Entry // in file order; Entries[i].Index == i+1
	Notes          []string // what reading assumed or could not know, one lowercase line each
}

// Entry is one request and its response.
type Entry struct {
	Index        int              // 1-based position in log.entries, as --entry N counts
	Started      string           // startedDateTime as exported
	HTTPVersion  string           // request.httpVersion as exported ("HTTP/1.1", "h2", "http/2.0", "HTTP/2", "")
	Request      *request.Request // the request as sent; Source is "har"; never nil
	Form         []FormField      // fields of a multipart/form-data or url-encoded body (browser POST uploads)
	Response     Response
	ResourceType string   // Chrome's _resourceType ("xhr", "fetch", "document", …), else ""
	HeadersSize  int      // request.headersSize; -1 when the exporter did not know
	Notes        []string // what building the request assumed or could not know
}

// Response is the answer to an entry's request.
type Response struct {
	Status      int // 0 when the request got no answer (blocked, cancelled)
	StatusText  string
	HTTPVersion string
	Header      []request.Field // in the order exported
	MimeType    string          // content.mimeType
	Body        []byte          // content.text, base64-decoded when content.encoding is "base64"
	HasBody     bool            // whether Body is what the server sent (false when the export left it out or it was dropped)
	Dropped     bool            // the body was in the export but not kept (a success body under Read, or over a cap)
}

// FormField is one field of a form body. A POST policy upload sends its
// policy, signature and credential as such fields (multipart/form-data).
type FormField struct {
	Name        string
	Value       string // the field's value; for a file part, its content when the export holds it
	FileName    string // set for a file part, as the browser sent it
	ContentType string // the part's Content-Type, when it has one
}

// Get returns the value of the first field called name, ignoring case (S3
// matches POST form field names case-insensitively).
func (e *Entry) Get(name string) (string, bool) {
	for _, f := range e.Form {
		if equalFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// Entry returns the entry numbered n (1-based, as --entry N counts).
func (h *HAR) Entry(n int) (*Entry, error) {
	if n < 1 || n > len(h.Entries) {
		return nil, fmt.Errorf("har has %d entries; there is no entry %d", len(h.Entries), n)
	}
	return h.Entries[n-1], nil
}

// ErrNotHAR is returned when the input is JSON but holds no log.entries.
var ErrNotHAR = errors.New("not a har: no log.entries array (expected a file exported from a browser's network panel)")

// ParseError is malformed input with where it is.
type ParseError struct {
	Offset int64 // byte offset into the input where decoding stopped
	Line   int   // 1-based line, 0 when unknown (input read from a stream)
	Entry  int   // 1-based entry being read, 0 when outside log.entries
	Msg    string
	Err    error // the underlying cause, if any
}

func (e *ParseError) Error() string {
	where := fmt.Sprintf("byte %d", e.Offset)
	if e.Line > 0 {
		where = fmt.Sprintf("line %d, byte %d", e.Line, e.Offset)
	}
	if e.Entry > 0 {
		where += fmt.Sprintf(", entry %d", e.Entry)
	}
	return "har: " + where + ": " + e.Msg
}

func (e *ParseError) Unwrap() error { return e.Err }

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
