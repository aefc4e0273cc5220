// Package fineuploader understands what Fine Uploader (S3 mode) asks its
// signing server to sign, computes the answer the server should give, and
// finds which classic signing-server mistake produced a wrong answer.
//
// The flow (Fine Uploader client/js/s3/request-signer.js, v5): the browser
// POSTs JSON to the signing server and puts the answer into its request
// to S3.
//
//   - Chunked uploads (the multipart REST calls: initiate, upload part,
//     complete, abort) send {"headers": H}. With signature.version 4, H is
//     the string to sign with its last line replaced by the canonical
//     request in clear:
//
//     H = "AWS4-HMAC-SHA256" LF x-amz-date LF scope LF CanonicalRequest
//
//     The server must answer {"signature": Hex(HMAC-SHA256(kSigning,
//     first three lines of H LF Hex(SHA-256(CanonicalRequest))))}. With
//     version 2, H is the SigV2 string to sign itself and the answer is
//     Base64(HMAC-SHA1(secret, H)).
//
//   - Simple uploads send the POST policy document (JSON.stringify of
//     {"expiration": …, "conditions": [… {"x-amz-credential": …} …]}) and
//     the server answers {"policy": Base64(body), "signature": …} signed
//     as any POST policy (see recompute.SignPostPolicy).
package fineuploader

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/sigdiff/sigdiff/internal/policy"
	"github.com/sigdiff/sigdiff/internal/recompute"
)

// Kind tells the two signing requests apart.
type Kind uint8

const (
	KindHeaders Kind = iota + 1 // {"headers": …}: a REST call of a chunked upload
	KindPolicy                  // a POST policy document: a simple upload
)

func (k Kind) String() string {
	switch k {
	case KindHeaders:
		return "headers"
	case KindPolicy:
		return "policy"
	}
	return "unknown"
}

// MaxPayload caps the payload read: Fine Uploader's are a few hundred
// bytes (a canonical request, or a policy S3 limits to 20 KB).
const MaxPayload = 1 << 20

// Payload is one signing request as the signing server received it.
type Payload struct {
	Kind    Kind
	Version int // 4 or 2

	// Headers is the "headers" string, decoded from its JSON (KindHeaders).
	Headers string

	// The SigV4 headers' parts: the first three lines as sent, the scope's
	// four parts, and the canonical request after them, which starts at
	// byte CanonicalRequestOffset of Headers (70 for a 10-character region
	// such as cn-north-1: the offsets hard-coded in signing servers fit
	// one region length only).
	Algorithm              string
	AmzDate                string
	Scope                  string
	Date                   string
	Region                 string
	Service                string
	Terminator             string
	CanonicalRequest       string
	CanonicalRequestOffset int

	// Body is the policy document's bytes as received (KindPolicy); the
	// correct policy answer is their base64. Policy is the parsed document.
	Body   []byte
	Policy *policy.Policy

	// AnsweredPolicy, when the caller knows it, is the base64 policy the
	// signing server answered (the policy form field the browser then
	// sends): S3 checks the signature against it, not against the body.
	AnsweredPolicy string

	Notes []string // what was assumed or tolerated, one lowercase line each
}

// PayloadError is a payload that is not a Fine Uploader signing request,
// with where (byte offset in the input, -1 for the whole input).
type PayloadError struct {
	Offset int
	Reason string
}

func (e *PayloadError) Error() string {
	if e.Offset < 0 {
		return "fine uploader payload: " + e.Reason
	}
	return fmt.Sprintf("fine uploader payload: byte %d: %s", e.Offset, e.Reason)
}

// Sentinel errors.
var (
	ErrTooLarge = errors.New("fine uploader payload larger than 1 MiB")
	ErrEmpty    = errors.New("fine uploader payload is empty")
)

// Parse reads what the browser POSTed to the signing server: the JSON
// body ({"headers": …} or a policy document), or the headers string alone
// as a signing server logs it. JSON syntax errors are *policy.SyntaxError
// (line, column, byte); anything else wrong is a *PayloadError.
func Parse(payload []byte) (*Payload, error) {
	if len(payload) > MaxPayload {
		return nil, ErrTooLarge
	}
	trimmed := bytes.TrimSpace(payload)
	if len(trimmed) == 0 {
		return nil, ErrEmpty
	}
	p := &Payload{}
	if len(trimmed) != len(payload) {
		p.note("blanks around the payload were dropped (Fine Uploader sends none)")
	}
	if trimmed[0] != '{' && trimmed[0] != '[' {
		p.Kind, p.Headers = KindHeaders, string(trimmed)
		p.note("the payload is not json: read as the headers string itself")
		return p, p.splitHeaders()
	}
	doc, err := policy.ParseJSON(trimmed)
	if err != nil {
		return nil, err
	}
	root := doc.Root
	if root.Kind != policy.Object {
		return nil, &PayloadError{Offset: root.Offset, Reason: "expected a json object, got a " + root.Kind.String()}
	}
	if h, ok := root.Get("headers"); ok {
		if h.Kind != policy.String {
			return nil, &PayloadError{Offset: h.Offset, Reason: "\"headers\" must be a string, not a " + h.Kind.String()}
		}
		p.Kind, p.Headers = KindHeaders, h.Str
		return p, p.splitHeaders()
	}
	_, hasConditions := root.Get("conditions")
	_, hasExpiration := root.Get("expiration")
	if !hasConditions && !hasExpiration {
		return nil, &PayloadError{Offset: -1, Reason: "neither {\"headers\": …} nor a policy document with expiration and conditions"}
	}
	pol, err := policy.Parse(trimmed)
	if err != nil {
		return nil, err
	}
	p.Kind, p.Body, p.Policy = KindPolicy, trimmed, pol
	p.Version = 2
	if _, ok := pol.Credential(); ok {
		p.Version = 4
	}
	p.Notes = append(p.Notes, pol.Notes...)
	return p, nil
}

func (p *Payload) note(s string) { p.Notes = append(p.Notes, s) }

// splitHeaders reads the SigV4 form (three lines, then the canonical
// request) or takes the headers as a SigV2 string to sign.
func (p *Payload) splitHeaders() error {
	h := p.Headers
	if !strings.HasPrefix(h, "AWS4-") && !strings.HasPrefix(h, "AWS4\n") {
		p.Version = 2
		if i := strings.IndexByte(h, '\n'); i < 0 || !isMethod(h[:i]) {
			return &PayloadError{Offset: 0, Reason: "the headers start neither with AWS4-HMAC-SHA256 (version 4) nor with an http method line (version 2)"}
		}
		return nil
	}
	p.Version = 4
	var lines [3]string
	off := 0
	for i := range lines {
		n := strings.IndexByte(h[off:], '\n')
		if n < 0 {
			return &PayloadError{Offset: len(h), Reason: fmt.Sprintf("the headers end after %d line(s); version 4 needs the algorithm, the date, the scope, then the canonical request", i+1)}
		}
		lines[i] = h[off : off+n]
		off += n + 1
	}
	p.Algorithm, p.AmzDate, p.Scope = lines[0], lines[1], lines[2]
	p.CanonicalRequest, p.CanonicalRequestOffset = h[off:], off
	parts := strings.Split(p.Scope, "/")
	scopeAt := len(lines[0]) + len(lines[1]) + 2
	if len(parts) != 4 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return &PayloadError{Offset: scopeAt, Reason: fmt.Sprintf("the third line %q is not a scope yyyymmdd/region/service/aws4_request", short(p.Scope))}
	}
	p.Date, p.Region, p.Service, p.Terminator = parts[0], parts[1], parts[2], parts[3]
	if p.Algorithm != recompute.AWS4.Algorithm {
		p.note(fmt.Sprintf("the first line is %q, not %s", short(p.Algorithm), recompute.AWS4.Algorithm))
	}
	if len(p.AmzDate) < 8 || p.AmzDate[:8] != p.Date {
		p.note(fmt.Sprintf("the date line %q and the scope date %q disagree", short(p.AmzDate), p.Date))
	}
	if p.Terminator != recompute.AWS4.Terminator {
		p.note(fmt.Sprintf("the scope ends in %q, not %s", short(p.Terminator), recompute.AWS4.Terminator))
	}
	if strings.Contains(h, "\r") {
		p.note("the headers hold carriage returns; Fine Uploader joins lines with LF only")
	}
	return nil
}

func isMethod(s string) bool {
	switch s {
	case "GET", "PUT", "POST", "DELETE", "HEAD":
		return true
	}
	return false
}

func short(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// StringToSign returns the string the signing server must sign: for
// SigV4 headers the first three lines and the canonical request's hash;
// for SigV2 headers the headers themselves; for a policy the base64
// policy (AnsweredPolicy when set, else the body's standard base64).
func (p *Payload) StringToSign() string {
	switch {
	case p.Kind == KindPolicy:
		return p.policyToSign()
	case p.Version == 4:
		return p.Headers[:p.CanonicalRequestOffset] + recompute.HashHex(p.CanonicalRequest)
	}
	return p.Headers
}
