// Package clientsig reads what a client says it signed: a canonical request
// and/or a string to sign copied from an SDK's debug output, a signing
// server's log, or the JSON that Fine Uploader posts to its signing server.
package clientsig

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// MaxInput caps what Parse reads; a client's signed strings are a few KiB.
const MaxInput = 4 << 20

// Signed is what the client signed. Either part may be missing.
type Signed struct {
	CanonicalRequest []byte
	StringToSign     []byte
	Signature        string // when the input names one ("Signature: …")
	// StringToSignDerived is true when StringToSign was completed by sigdiff
	// (Fine Uploader sends it without its last line, the canonical request hash).
	StringToSignDerived bool
	Form                string // "labelled", "fineuploader-json", "fineuploader-headers", "canonical-request", "string-to-sign"
}

// ErrNothingSigned is returned when the input holds neither a canonical
// request nor a string to sign.
var ErrNothingSigned = errors.New("no canonical request or string to sign found (expected one copied from your client's debug output)")

// Parse recognises which of the two the input holds. Recognition, in order:
//  1. Fine Uploader's signing-server payload, {"headers": "…"}.
//  2. Labelled sections, as SDK debug logs print them ("CanonicalRequest:",
//     "Canonical Request:", "StringToSign:", "String to sign:", "Signature:").
//  3. A bare block: a string to sign starts with its algorithm line
//     (AWS4-HMAC-SHA256, GOOG4-…, OSS4-…); a SigV4 canonical request has a
//     path on its second line; anything else of several lines is taken for a
//     SigV2/OSS string to sign (method, Content-MD5, Content-Type, Date, …).
func Parse(in []byte) (*Signed, error) {
	if len(in) > MaxInput {
		return nil, fmt.Errorf("client input is %d bytes, more than the %d this reads", len(in), MaxInput)
	}
	trimmed := bytes.TrimSpace(in)
	if len(trimmed) == 0 {
		return nil, ErrNothingSigned
	}
	if trimmed[0] == '{' {
		if s, ok := parseFineUploaderJSON(trimmed); ok {
			return s, nil
		}
	}
	if s, ok := parseLabelled(in); ok {
		return s, nil
	}
	return parseBare(trimBlock(in))
}

func parseFineUploaderJSON(in []byte) (*Signed, bool) {
	var payload struct {
		Headers *string `json:"headers"`
	}
	if json.Unmarshal(in, &payload) != nil || payload.Headers == nil {
		return nil, false
	}
	s, err := parseBare([]byte(*payload.Headers))
	if err != nil {
		return nil, false
	}
	s.Form = "fineuploader-json"
	return s, true
}

// labelRE finds a label alone on its line, or followed by ':' or '=' after
// whatever a logger put in front (timestamps, levels, file:line).
var labelRE = regexp.MustCompile(`(?i)(?:^\s*(?:[-*#>]+\s*)?|[\s\]>:|])(canonical[ _-]?request|string[ _-]?to[ _-]?sign|signature)(?:\s*$|\s*(?:\(enclosed in \[\]\))?\s*[:=]\s*(.*)$)`)

// parseLabelled splits input at label lines. A label's value may sit on the
// label line itself (one-line strings such as a signature) or on the lines
// after it, up to the next label.
func parseLabelled(in []byte) (*Signed, bool) {
	lines := strings.SplitAfter(string(in), "\n")
	var s Signed
	var cur *[]byte
	var buf []string
	found := false
	flush := func() {
		if cur != nil {
			*cur = trimBlock([]byte(strings.Join(buf, "")))
		}
		cur, buf = nil, nil
	}
	for _, line := range lines {
		m := labelRE.FindStringSubmatch(strings.TrimRight(line, "\r\n"))
		if m == nil {
			if cur != nil {
				buf = append(buf, line)
			}
			continue
		}
		found = true
		flush()
		name := strings.ToLower(strings.NewReplacer(" ", "", "_", "", "-", "").Replace(m[1]))
		rest := m[2]
		if v, ok := unquote(strings.TrimSpace(rest)); ok {
			// A logger printed the string quoted on one line (Python %r,
			// JSON, Go %q): its escapes hold the real bytes.
			switch name {
			case "canonicalrequest":
				s.CanonicalRequest = []byte(v)
			case "stringtosign":
				s.StringToSign = []byte(v)
			case "signature":
				s.Signature = v
			}
			continue
		}
		switch name {
		case "signature":
			s.Signature = strings.Trim(strings.TrimSpace(rest), `"'`)
		case "canonicalrequest":
			cur = &s.CanonicalRequest
		case "stringtosign":
			cur = &s.StringToSign
		}
		if cur != nil && strings.TrimSpace(rest) != "" {
			buf = append(buf, rest+"\n")
		}
	}
	flush()
	if !found || (len(s.CanonicalRequest) == 0 && len(s.StringToSign) == 0) {
		return nil, false
	}
	s.CanonicalRequest = unbracket(s.CanonicalRequest)
	s.StringToSign = unbracket(s.StringToSign)
	s.Form = "labelled"
	return &s, true
}

// unbracket removes the [ … ] that curl --aws-sigv4 -v puts around its strings.
func unbracket(b []byte) []byte {
	if len(b) >= 2 && b[0] == '[' && b[len(b)-1] == ']' {
		return b[1 : len(b)-1]
	}
	return b
}

var algorithmLine = regexp.MustCompile(`^(AWS4-HMAC-SHA256|AWS4-ECDSA-P256-SHA256|GOOG4-HMAC-SHA256|GOOG4-RSA-SHA256|OSS4-HMAC-SHA256)\r?$`)

func parseBare(b []byte) (*Signed, error) {
	if len(b) == 0 {
		return nil, ErrNothingSigned
	}
	lines := bytes.Split(b, []byte("\n"))
	if algorithmLine.Match(lines[0]) {
		if len(lines) <= 4 {
			return &Signed{StringToSign: b, Form: "string-to-sign"}, nil
		}
		// Fine Uploader's "headers": the string to sign without its hash
		// line, then the canonical request in clear.
		head := bytes.Join(lines[:3], []byte("\n"))
		cr := bytes.Join(lines[3:], []byte("\n"))
		sum := sha256.Sum256(cr)
		sts := append(append(head, '\n'), hex.EncodeToString(sum[:])...)
		return &Signed{CanonicalRequest: cr, StringToSign: sts, StringToSignDerived: true, Form: "fineuploader-headers"}, nil
	}
	if len(lines) >= 2 && bytes.HasPrefix(lines[1], []byte("/")) && isToken(lines[0]) {
		return &Signed{CanonicalRequest: b, Form: "canonical-request"}, nil
	}
	if len(lines) >= 3 && isToken(lines[0]) {
		return &Signed{StringToSign: b, Form: "string-to-sign"}, nil
	}
	return nil, ErrNothingSigned
}

// isToken reports whether line looks like an HTTP method.
func isToken(line []byte) bool {
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 || len(line) > 16 {
		return false
	}
	for _, c := range line {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// trimBlock drops blank lines around a block and the one newline that ends
// the file: signed strings never end in a newline, but files do.
func trimBlock(b []byte) []byte {
	for len(b) > 0 && (b[0] == '\n' || (b[0] == '\r' && len(b) > 1 && b[1] == '\n')) {
		if b[0] == '\r' {
			b = b[1:]
		}
		b = b[1:]
	}
	for bytes.HasSuffix(b, []byte("\n")) {
		b = bytes.TrimSuffix(b, []byte("\n"))
		b = bytes.TrimSuffix(b, []byte("\r"))
	}
	return b
}
