// Package request parses what users have of the request they sent — a raw
// HTTP request, a curl command line, a presigned URL — into one value that
// the signers in internal/recompute canonicalize.
package request

import "strings"

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
