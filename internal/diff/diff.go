// Package diff compares what the server signed with what the client signed,
// byte by byte, and returns the comparison as data: aligned units, byte-level
// edits whose offsets index the exact bytes (the *Bytes dumps of an error
// body), and the first divergence with a semantic label. Render, MarshalJSON
// and the command's Markdown output all draw that one value.
//
// The comparison has two levels, as delta (src/edits.rs) and most review
// tools do: lines are first aligned by what they mean — a canonical request's
// method, URI, query, each header by name, signed headers and payload hash; a
// string to sign's algorithm, date, scope and hash — and only units that pair
// up are diffed byte by byte. A unit present on one side only is shown whole.
//
// Byte-level diffs use github.com/sergi/go-diff, which works on runes and
// turns invalid UTF-8 into U+FFFD; every byte is therefore mapped to the rune
// of the same value before DiffMainRunes, and DiffTimeout is 0 so that the
// result never depends on the machine's speed.
//
// Bounded work: line alignment runs go-diff over one rune per line when each
// side has at most MaxLines lines (otherwise lines pair by position after the
// common head and tail); a unit's differing middle (after trimming the common
// prefix and suffix) is diffed byte by byte only when each side holds at most
// MaxUnitBytes bytes and the comparison has diffed fewer than MaxTotalBytes
// so far; beyond that the middle is one Changed edit, which is still exact.
// Memory is linear in the input.
package diff

import (
	"bytes"
	"fmt"
)

// Caps on the work Compare does; see the package comment.
const (
	MaxLines      = 4096
	MaxUnitBytes  = 2048
	MaxTotalBytes = 32 << 10
)

// Kind says what the compared bytes are; it decides how lines are aligned.
type Kind int

const (
	// Generic text: lines aligned by content (longest common subsequence).
	Generic Kind = iota
	// CanonicalRequestV4 is a SigV4-style canonical request (AWS SigV4 and
	// SigV4A, GCS V4, OSS V4): method, URI, query, canonical headers, a blank
	// line, signed headers, payload hash.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
	CanonicalRequestV4
	// StringToSignV4 is algorithm, request date, credential scope and
	// canonical request hash, one per line (AWS4-*, OSS4-*, GOOG4-*).
	StringToSignV4
	// StringToSignV2 is the SigV2 and OSS V1 string to sign: method,
	// Content-MD5, Content-Type, Date (or Expires), the canonicalized
	// x-amz-* / x-oss-* headers one per line, and the canonicalized resource.
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
	StringToSignV2
)

var kindNames = [...]string{"generic", "canonical-request-v4", "string-to-sign-v4", "string-to-sign-v2"}

// String returns the kind's JSON name: "generic", "canonical-request-v4",
// "string-to-sign-v4" or "string-to-sign-v2".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("kind(%d)", int(k))
	}
	return kindNames[k]
}

// MarshalText makes a Kind a JSON string.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Op says how a unit or an edit relates the two sides.
type Op int

const (
	Equal      Op = iota // same bytes on both sides
	Changed              // server bytes replaced by client bytes
	ServerOnly           // bytes only the server has (a deletion, going from server to client)
	ClientOnly           // bytes only the client has (an insertion)
)

var opNames = [...]string{"equal", "changed", "server-only", "client-only"}

// String returns "equal", "changed", "server-only" or "client-only".
func (o Op) String() string {
	if o < 0 || int(o) >= len(opNames) {
		return fmt.Sprintf("op(%d)", int(o))
	}
	return opNames[o]
}

// MarshalText makes an Op a JSON string.
func (o Op) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// Span is a byte range [Offset, Offset+Len) into one side's bytes. An empty
// span still has an Offset: where the other side's bytes would go.
type Span struct{ Offset, Len int }

// End returns Offset+Len.
func (s Span) End() int { return s.Offset + s.Len }

// Edit is one byte-level operation. Offsets are absolute, into the whole
// server and client bytes. Edits are contiguous and in order, so applying
// them to the server bytes (copy Equal, replace Changed, drop ServerOnly,
// insert ClientOnly) yields the client bytes.
type Edit struct {
	Op             Op
	Server, Client Span
}

// Unit is one aligned structural unit: a line with its LF, keyed by meaning.
type Unit struct {
	// Label names the unit: "method", "uri", "query", "header content-type",
	// "blank line", "signed headers", "payload hash", "algorithm",
	// "request date", "scope", "canonical request hash", "content-md5",
	// "content-type", "date", "resource", or "line N" for lines without a
	// role (N counts lines of the server side, or of the client side for a
	// line only the client has).
	Label          string
	Op             Op
	Server, Client Span
	// Edits are the byte-level edits of a Changed unit, covering both spans;
	// nil for other units (see Result.Edits for one list over all units).
	Edits []Edit
}

// Divergence is where the two sides first differ, reading both from the
// start: the first byte offset at which they disagree (or one ends).
type Divergence struct {
	Part string // the caller's name for the bytes: "canonical_request", "string_to_sign", …
	// Offset is 0-based into the server bytes; ClientOffset is the same
	// point in the client bytes. Every byte before it is identical, so the
	// two are equal; both are given so callers index each side by its own.
	Offset       int
	ClientOffset int
	Line, Column int // 1-based, in the server bytes; Column counts bytes
	// Server and Client are the diverging bytes in lower-case hex: up to 8
	// bytes from the offset, stopping after the first LF ("0d0a" vs "0a");
	// empty where a side has ended.
	Server, Client string
	// Label says what differs in words, e.g. "header content-type: server
	// has `text/plain;charset=UTF-8`, client has `text/plain`", "query:
	// parameter order", "line endings: server has CR LF, client has LF".
	// Values are shown with Visible's notation.
	Label string
}

// Result is the comparison of one part.
type Result struct {
	Part           string
	Kind           Kind
	Server, Client []byte
	Units          []Unit
	First          *Divergence // nil when the sides are equal
}

// Equal reports whether both sides hold the same bytes.
func (r *Result) Equal() bool { return r.First == nil }

// Compare aligns server and client as kind and diffs them. part names the
// bytes for the report ("canonical_request" or "string_to_sign"). The slices
// are kept, not copied.
func Compare(part string, kind Kind, server, client []byte) *Result {
	r := &Result{Part: part, Kind: kind, Server: server, Client: client}
	d := &differ{server: server, client: client, budget: MaxTotalBytes}
	r.Units = d.align(segmentLines(kind, server), segmentLines(kind, client))
	if !bytes.Equal(server, client) {
		r.First = firstDivergence(r)
	}
	return r
}

// Edits returns the byte-level edits of all units in order: a Changed unit
// contributes its Edits, any other unit one edit of its own Op and spans.
func (r *Result) Edits() []Edit {
	var es []Edit
	for _, u := range r.Units {
		if u.Op == Changed {
			es = append(es, u.Edits...)
			continue
		}
		es = append(es, Edit{Op: u.Op, Server: u.Server, Client: u.Client})
	}
	return es
}
