package s3error

import (
	"fmt"
	"slices"
	"strings"
)

// MaxInput is the largest paste Parse reads (16 MiB). Real error bodies are
// a few KiB; whole browser captures and logs fit with room to spare. Every
// step of Parse is linear in its input (Go's regexp is RE2, with no
// backtracking), and the few steps that could compare more are bounded
// (see maxBodies, maxDamage), so the cap bounds both time and memory.
//
// Parse allocates about 2.5 times the size of a body pasted alone, which
// is what a capture's reader pays per refused request, and 2 to 5 times a
// pasted log's: the paste as a string, and each reading that differs from
// it (line prefixes stripped, terminal-wrapped lines joined, a string
// literal decoded), each built in one allocation of its size, never grown
// by doubling. TestParse_allocationBound holds a body under 4 times its
// size plus 2 KiB and a 4 MiB log under 6 times plus 1 MiB.
const MaxInput = 16 << 20

// Field is one element of the error body (or one key of an XML-less
// paste), in document order, with its text after unescaping.
type Field struct{ Name, Text string }

// Damage is a place where a text field disagrees with its byte dump.
type Damage struct {
	Part   string // "string_to_sign" | "canonical_request"
	Offset int    // 0-based byte offset into the dump's bytes where they first differ
	Text   string // the text side around there (short excerpt)
	Bytes  string // the dump side around there (short excerpt)
	Note   string // what the difference is, in plain words
}

// Check is one server self-consistency check (see Checks).
type Check struct {
	ID     string
	OK     bool
	Detail string
}

// Body is an error body as found in a paste.
type Body struct {
	Service  string   // "aws-s3" | "s3-compatible" | "oss" | "gcs" | "unknown"
	Provider string   // "aws", "r2", "wasabi", "digitalocean", "ceph", "minio", "b2", "oss", "gcs", or ""
	Form     string   // how it was pasted: the un-wrapping layers joined by "+", e.g. "http-response+chunked", or "xml"
	Layers   []string // the same layers, in the order they were undone

	Code, Message string
	Fields        []Field

	AccessKeyID       string
	SignatureProvided string

	StringToSign     []byte // authoritative: decoded StringToSignBytes when present, else the text
	CanonicalRequest []byte // likewise from CanonicalRequestBytes

	StringToSignText, CanonicalRequestText string // the text fields as parsed

	HasStringToSignBytes, HasCanonicalRequestBytes bool

	Scheme  string   // see scheme.go
	Policy  []byte   // decoded POST policy JSON when the string to sign is a base64 policy
	Missing []string // what truncation cut
	Damage  []Damage
	Notes   []string // repairs and observations, e.g. line breaks restored in a collapsed string to sign

	Host        string  // the host the paste names (curl transcript, response), if any
	RequestLine string  // "GET /key HTTP/1.1" from a curl transcript, if any
	Headers     []Field // response headers found in the paste

	stsCut, crCut bool // the authoritative string is known to be cut short
}

// Get returns the text of the first field called name, ignoring case.
func (b *Body) Get(name string) (string, bool) {
	for _, f := range b.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Text, true
		}
	}
	return "", false
}

// ParseError is returned when no error body can be found at all.
type ParseError struct {
	Offset int // byte offset into the input, -1 when no place is to blame
	Line   int // 1-based line, 0 when unknown
	Msg    string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d, byte %d: %s", e.Line, e.Offset, e.Msg)
	}
	if e.Offset >= 0 {
		return fmt.Sprintf("byte %d: %s", e.Offset, e.Msg)
	}
	return e.Msg
}

// Parse finds a signature-error body in whatever the user pasted and reads
// it. See the package documentation for the forms and the order they are
// tried in. Partial bodies parse (Missing says what was cut); the error,
// always a *ParseError, means that no body could be found at all.
func Parse(in []byte) (*Body, error) {
	if len(in) > MaxInput {
		return nil, &ParseError{Offset: MaxInput, Msg: fmt.Sprintf("input is %d bytes, more than the %d (16 MiB) sigdiff reads", len(in), MaxInput)}
	}
	text, layer := decodeText(in)
	p := &paste{s: text}
	if layer != "" {
		p.layers = append(p.layers, layer)
	}
	unwrapTransport(p)
	var best *Body
	bestScore := 0
	for _, c := range candidates(p) {
		b := extract(c)
		if b == nil {
			continue
		}
		finish(b, c)
		if s := quality(b); best == nil || s > bestScore {
			best, bestScore = b, s
		}
	}
	if best == nil {
		return nil, noBodyError(text)
	}
	return best, nil
}

// noBodyError says why nothing was found, pointing at an empty <Error>
// element when there is one.
func noBodyError(s string) *ParseError {
	if i := strings.Index(s, "<Error"); i >= 0 {
		return &ParseError{Offset: i, Line: strings.Count(s[:i], "\n") + 1, Msg: "the Error element holds no fields"}
	}
	return &ParseError{Offset: -1, Msg: "no error body found: no <Error> or <Code> element, no Code field and no known error code"}
}

// quality ranks the readings of one paste: the un-wrappers guess, and the
// reading that finds more fields, decodable dumps that agree with their
// text, and a self-consistent string to sign wins.
func quality(b *Body) int {
	score := 0
	if b.Code != "" {
		score += 20
	}
	counted := make([]string, 0, 16) // names counted, each once whatever its case
	for _, f := range b.Fields {
		if f.Text != "" && canonicalField(f.Name) != "" && !slices.ContainsFunc(counted, func(n string) bool { return strings.EqualFold(n, f.Name) }) {
			counted = append(counted, f.Name)
			score += 4
		}
	}
	for _, part := range []struct {
		has        bool
		text, dump []byte
	}{{b.HasStringToSignBytes, []byte(b.StringToSignText), b.StringToSign}, {b.HasCanonicalRequestBytes, []byte(b.CanonicalRequestText), b.CanonicalRequest}} {
		if part.has && len(part.dump) > 0 {
			score += 10
			if string(part.text) == string(part.dump) {
				score += 10
			}
		}
	}
	if n := len(b.Damage); n > 10 {
		score -= 30
	} else {
		score -= 3 * n
	}
	score -= 5 * len(b.Missing)
	if ok, applies := crHashOK(b); applies && ok {
		score += 15
	}
	return score
}

// finish derives everything that follows from the fields: the authoritative
// strings, damage, service and scheme.
func finish(b *Body, p *paste) {
	b.Layers = append(b.Layers, p.layers...)
	b.Headers = p.headers
	b.Host = p.host
	b.RequestLine = p.requestLine
	b.Notes = append(b.Notes, p.notes...)
	for _, f := range b.Fields {
		switch canonicalField(f.Name) {
		case "Code":
			if b.Code == "" {
				b.Code = strings.TrimSpace(f.Text)
			}
		case "Message":
			if b.Message == "" {
				b.Message = strings.TrimSpace(f.Text)
			}
		case "AWSAccessKeyId", "OSSAccessKeyId", "GoogleAccessId", "AccessKeyId":
			if b.AccessKeyID == "" {
				b.AccessKeyID = strings.TrimSpace(f.Text)
			}
		case "SignatureProvided":
			if b.SignatureProvided == "" {
				b.SignatureProvided = strings.TrimSpace(f.Text)
			}
		}
	}
	b.readStrings()
	b.detectService(p.s)
	b.inferScheme()
	b.notReached()
	b.Form = formName(b.Layers)
}

// s3Order is the order of S3's SignatureDoesNotMatch fields (V2 bodies
// have no canonical request).
var s3Order = []string{"AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes",
	"CanonicalRequest", "CanonicalRequestBytes", "RequestId", "HostId"}

// notReached names the fields a cut S3-style body never got to: those
// after the last one present, in S3's order.
func (b *Body) notReached() {
	if !slices.Contains(b.Missing, "element Error not closed") || b.Code != "SignatureDoesNotMatch" || !strings.HasPrefix(string(b.StringToSign), "AWS4-") {
		return
	}
	last := -1
	for i, n := range s3Order {
		if _, ok := b.Get(n); ok {
			last = i
		}
	}
	if last >= 0 && last+1 < len(s3Order) {
		b.Missing = append(b.Missing, "fields the paste ends before: "+strings.Join(s3Order[last+1:], ", "))
	}
}

func formName(layers []string) string {
	var keep []string
	seen := map[string]bool{}
	for _, l := range layers {
		if !seen[l] {
			seen[l] = true
			keep = append(keep, l)
		}
	}
	if len(keep) == 0 {
		return "xml"
	}
	return strings.Join(keep, "+")
}

func (b *Body) addLayer(l string) {
	for _, x := range b.Layers {
		if x == l {
			return
		}
	}
	b.Layers = append(b.Layers, l)
}
