package search

import "strings"

// The message a client hashes is modelled as a list of segments, so that
// every operator is a set of local edits (segment i's text replaced) and
// two operators combine when they edit different segments. For SigV4 the
// segments follow the canonical request grammar:
//
//	lead | HTTPMethod "\n" | CanonicalURI "\n" | CanonicalQueryString "\n" |
//	( name ":" value "\n" )* | "\n" | SignedHeaders "\n" | HashedPayload | tail
//
// lead and tail are empty: they give operators that add a leading or a
// final newline a segment to edit. A canonical request that does not have
// this shape is one opaque segment, on which only the byte-level framing
// operators (newlines, slicing, stripping) apply.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request
//
// SigV2 and OSS V1 sign their string to sign directly (no canonical
// request); its lines map onto the kinds below marked V2 (method,
// Content-MD5, Content-Type, date, one kind per x-amz-*/x-oss-* header
// line, resource path, sub-resources; see v2model.go), so that the opSet,
// its deduplication and the pairing rules serve them too, with an
// HMAC-SHA1 finisher (v2engine.go) in place of the V4 one.
type kind uint8

const (
	kLead          kind = iota // empty; "\n" when a leading newline is added
	kMethod                    // HTTPMethod "\n" (V2 too)
	kURI                       // CanonicalURI "\n"
	kQuery                     // CanonicalQueryString "\n"
	kHeader                    // name ":" value "\n" (V2: x-amz-*/x-oss-* lines)
	kBlank                     // the "\n" that ends the header block
	kSignedHeaders             // SignedHeaders "\n"
	kPayload                   // HashedPayload, no newline
	kTail                      // empty; "\n" for an extra final newline
	kOpaque                    // an unparsed message
	kContentMD5                // V2: Content-MD5 "\n"
	kContentType               // V2: Content-Type "\n"
	kDate                      // V2: Date (or Expires) "\n"
	kResource                  // V2: CanonicalizedResource up to its first '?'
	kSubResources              // V2: the rest of it, "?" and the sub-resources, or empty
)

type segment struct {
	kind kind
	text string // as it appears in the message, newline included
	// name and value of a header line (name as written, value after ':');
	// for other kinds value is text without its newline.
	name, value string
}

// model is the parsed server message with each segment's byte offset.
type model struct {
	segs   []segment
	off    []int // off[i] is where segs[i] starts; off[len(segs)] is the length
	text   string
	parsed bool // the six-part shape was found

	method, uri, query, signed, payload int // segment indices (-1 when absent)
	headers                             []int
}

// maxHeaders caps the header lines given a segment each, so a segment set
// fits the touch bitset; larger canonical requests are rejected.
const maxHeaders = 160

// parseCanonicalRequest splits cr into segments. It never fails: a text
// without the canonical request's shape becomes one opaque segment.
func parseCanonicalRequest(cr string) *model {
	m := &model{text: cr, method: -1, uri: -1, query: -1, signed: -1, payload: -1}
	lines := strings.Split(cr, "\n")
	n := len(lines)
	ok := n >= 6 && lines[n-3] == "" && n-6 <= maxHeaders
	for i := 3; ok && i < n-3; i++ {
		ok = strings.IndexByte(lines[i], ':') > 0
	}
	m.add(kLead, "", "", "")
	if !ok {
		m.add(kOpaque, cr, "", cr)
	} else {
		m.parsed = true
		m.method = m.add(kMethod, lines[0]+"\n", "", lines[0])
		m.uri = m.add(kURI, lines[1]+"\n", "", lines[1])
		m.query = m.add(kQuery, lines[2]+"\n", "", lines[2])
		for _, l := range lines[3 : n-3] {
			name, value, _ := strings.Cut(l, ":")
			m.headers = append(m.headers, m.add(kHeader, l+"\n", name, value))
		}
		m.add(kBlank, "\n", "", "")
		m.signed = m.add(kSignedHeaders, lines[n-2]+"\n", "", lines[n-2])
		m.payload = m.add(kPayload, lines[n-1], "", lines[n-1])
	}
	m.add(kTail, "", "", "")
	m.off = make([]int, len(m.segs)+1)
	for i, s := range m.segs {
		m.off[i+1] = m.off[i] + len(s.text)
	}
	return m
}

func (m *model) add(k kind, text, name, value string) int {
	m.segs = append(m.segs, segment{kind: k, text: text, name: name, value: value})
	return len(m.segs) - 1
}

// header returns the segment index of the header line named name (lower
// case, as canonical headers are), or -1.
func (m *model) header(name string) int {
	for _, i := range m.headers {
		if m.segs[i].name == name {
			return i
		}
	}
	return -1
}

// headerNames returns the header names in block order.
func (m *model) headerNames() []string {
	names := make([]string, len(m.headers))
	for i, h := range m.headers {
		names[i] = m.segs[h].name
	}
	return names
}

// edit replaces one segment's text.
type edit struct {
	seg  int
	text string
}

// apply returns the message with edits applied (edits sorted by segment),
// for setup and for reporting a hit; the hot loop serializes in place.
func (m *model) apply(edits []edit) string {
	var b strings.Builder
	b.Grow(len(m.text) + 64)
	for i, s := range m.segs {
		t := s.text
		if len(edits) > 0 && edits[0].seg == i {
			t = edits[0].text
			edits = edits[1:]
		}
		b.WriteString(t)
	}
	return b.String()
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
