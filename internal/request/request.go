// Package request parses what users have of the request they sent — a raw
// HTTP request, a curl command line, a presigned URL — into one value that
// the signers in internal/recompute canonicalize.
package request

import (
	"fmt"
	"strings"
)

// Field is one header line as it was sent: the name keeps its case and the
// value its blanks, because canonicalization is the signer's job.
type Field struct {
	Name  string
	Value string
}

// Request is an HTTP request as it was sent on the wire.
type Request struct {
	Method   string  // as sent, e.g. "GET"
	Scheme   string  // "https" or "http"; "https" when the input does not say
	Host     string  // authority as sent (Host header, else the URL's), port included when present
	RawPath  string  // path as sent, still percent-encoded ("/my%20key"); "/" when empty
	RawQuery string  // query as sent without the '?', still encoded
	Header   []Field // every header in the order sent, Host included when it was a header
	Body     []byte  // the payload when the input carried it
	HasBody  bool    // whether Body is known (a GET with no body has HasBody true, Body empty)
	Source   string  // what the input was: "raw-http", "curl", "url", "har", …

	Trailer  []Field  // trailer fields of a chunked body, in the order sent (raw HTTP)
	Form     []Field  // curl -F/--form-string fields as written; the multipart body itself is not built
	BodyFile string   // file the body is read from when sent (curl -T FILE, -d @FILE), not read here; "-" is stdin
	AWSSigV4 string   // curl --aws-sigv4 value, e.g. "aws:amz:us-east-1:s3": curl signs when it runs
	Notes    []string // what parsing assumed or could not know, one lowercase line each, no secrets
}

// Target is the request target as sent in origin form: RawPath, then
// "?RawQuery" when there is a query.
func (r *Request) Target() string {
	if r.RawQuery == "" {
		return r.RawPath
	}
	return r.RawPath + "?" + r.RawQuery
}

// URL is the request as an absolute URL, built from its parts without
// re-encoding them.
func (r *Request) URL() string {
	return r.Scheme + "://" + r.Host + r.Target()
}

func (r *Request) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// Values returns every value of the header name (case-insensitive), in the order sent.
func (r *Request) Values(name string) []string {
	var vs []string
	for _, f := range r.Header {
		if strings.EqualFold(f.Name, name) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// Get returns the first value of the header name (case-insensitive).
func (r *Request) Get(name string) (string, bool) {
	for _, f := range r.Header {
		if strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}
