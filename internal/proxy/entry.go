package proxy

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/sigdiff/sigdiff/internal/diagnose"
)

// Signature states of an Entry: public interface (`signature` in --json).
const (
	SigOK        = "ok"        // the signature recomputed with the key equals the one sent
	SigMismatch  = "mismatch"  // it does not
	SigUnsigned  = "unsigned"  // the request carries no signature (anonymous)
	SigNoKey     = "no-key"    // no secret for the access key id the request names
	SigMalformed = "malformed" // the signing fields cannot be read, or the scheme cannot be recomputed
)

// Entry is what the proxy reports for one request, once its response has
// been forwarded. It is the --json line.
type Entry struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	// Host is the Host header as received and forwarded: with a
	// virtual-hosted client it names the bucket, which the path then
	// does not.
	Host string `json:"host,omitempty"`
	// Path is the request target's path as received, still
	// percent-encoded; the query is never logged (it may carry a
	// session token).
	Path   string `json:"path"`
	Status int    `json:"status"` // the status sent to the client; 502 when the upstream could not be reached

	Signature   string `json:"signature"` // SigOK, SigMismatch, SigUnsigned, SigNoKey or SigMalformed
	Scheme      string `json:"scheme,omitempty"`
	AccessKeyID string `json:"access_key_id,omitempty"`

	// ErrorCode is the upstream's error code when it answered with an
	// error body sigdiff could read.
	ErrorCode string `json:"error_code,omitempty"`
	// Verdict is diagnose's verdict when the upstream refused the request
	// for its signature; empty otherwise.
	Verdict  string           `json:"verdict"`
	Headline string           `json:"headline,omitempty"`
	Causes   []diagnose.Cause `json:"causes"`
	// Notes say what the verification assumed or could not do, one
	// lowercase line each.
	Notes []string `json:"notes,omitempty"`

	// CanonicalRequest and StringToSign are sigdiff's recomputation from
	// the request as received: set when the signature did not verify, or
	// on every signed request with Config.Canonical.
	CanonicalRequest string `json:"canonical_request,omitempty"`
	StringToSign     string `json:"string_to_sign,omitempty"`

	BytesIn    int64   `json:"bytes_in"`  // request body bytes read from the client
	BytesOut   int64   `json:"bytes_out"` // response body bytes written to the client
	DurationMS float64 `json:"duration_ms"`
	// Error is set when forwarding failed: upstream unreachable, reset,
	// client gone.
	Error string `json:"error,omitempty"`
}

// FirstCause returns the id of the leading cause, or "".
func (e *Entry) FirstCause() string {
	if len(e.Causes) == 0 {
		return ""
	}
	return e.Causes[0].ID
}

// WriteText writes e as one line — method, path, status, signature, then
// the error code, verdict and first cause when there are any — and, for a
// diagnosed refusal, the headline and each cause's evidence and fix on
// indented lines below.
func (e *Entry) WriteText(w io.Writer) error {
	var b strings.Builder
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(quotePath(e.Path))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(e.Status))
	b.WriteString(" signature=")
	b.WriteString(e.Signature)
	if e.ErrorCode != "" {
		b.WriteString(" code=" + e.ErrorCode)
	}
	if e.Verdict != "" {
		b.WriteString(" verdict=" + e.Verdict)
	}
	if c := e.FirstCause(); c != "" {
		b.WriteString(" cause=" + c)
	}
	if e.Error != "" {
		b.WriteString(" error=" + strconv.Quote(e.Error))
	}
	b.WriteByte('\n')
	if e.Verdict != "" {
		if e.Headline != "" {
			fmt.Fprintf(&b, "  %s\n", oneLine(e.Headline))
		}
		for _, c := range e.Causes {
			fmt.Fprintf(&b, "  cause %s (%s): %s\n", c.ID, c.Confidence, oneLine(c.Evidence))
			if c.Fix != "" {
				fmt.Fprintf(&b, "    fix: %s\n", oneLine(c.Fix))
			}
		}
		for _, n := range e.Notes {
			fmt.Fprintf(&b, "  note: %s\n", oneLine(n))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// quotePath quotes a path that holds blanks, quotes or control bytes, so
// that a line stays one line with fields split by spaces.
func quotePath(p string) string {
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c == '"' || c >= 0x7f {
			return strconv.Quote(p)
		}
	}
	return p
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\r", `\r`)
	return strings.ReplaceAll(s, "\n", `\n`)
}

// scrub replaces every occurrence of each secret in every string of e by
// "[redacted]". Secrets shorter than 4 bytes are not searched for: they
// would mask ordinary text and are not keys anyone uses.
func (e *Entry) scrub(secrets []string) {
	var ss []string
	for _, s := range secrets {
		if len(s) >= 4 {
			ss = append(ss, s)
		}
	}
	if len(ss) == 0 {
		return
	}
	clean := func(v *string) {
		for _, s := range ss {
			if strings.Contains(*v, s) {
				*v = strings.ReplaceAll(*v, s, "[redacted]")
			}
		}
	}
	for _, v := range []*string{&e.Method, &e.Host, &e.Path, &e.Signature, &e.Scheme, &e.AccessKeyID, &e.ErrorCode, &e.Verdict, &e.Headline, &e.CanonicalRequest, &e.StringToSign, &e.Error} {
		clean(v)
	}
	for i := range e.Notes {
		clean(&e.Notes[i])
	}
	for i := range e.Causes {
		c := &e.Causes[i]
		clean(&c.Summary)
		clean(&c.Evidence)
		clean(&c.Fix)
	}
}
