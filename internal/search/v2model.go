package search

import "strings"

// v2Model is a V2 string to sign as segments (see model.go), one per line,
// with the CanonicalizedResource cut in two so that a path mistake and a
// sub-resource mistake combine:
//
//	Verb "\n" | Content-MD5 "\n" | Content-Type "\n" | Date "\n" |
//	( name ":" value "\n" )* | blank | Path | "?" SubResources | tail
//
// blank and tail are empty: they give the operators that add a line after
// the headers, or a final newline, a segment to edit; a header added at the
// end of the block edits blank too.
type v2Model struct {
	*model
	md5, ctype, date, blank, path, subs, tail int

	names []string // header names, as the server wrote them (lower case)
}

// parseV2StringToSign splits sts, which has five lines or more (newV2Setup
// checks): the first four, the header lines, and the resource last. A
// resource whose decoded sub-resource value held a newline is read as
// header lines and a shorter resource; the search then starts from that
// reading, whose bytes are the same.
func parseV2StringToSign(sts string) *v2Model {
	m := &v2Model{model: &model{text: sts, method: -1, uri: -1, query: -1, signed: -1, payload: -1, parsed: true}}
	lines := strings.Split(sts, "\n")
	n := len(lines)
	m.method = m.add(kMethod, lines[0]+"\n", "", lines[0])
	m.md5 = m.add(kContentMD5, lines[1]+"\n", "", lines[1])
	m.ctype = m.add(kContentType, lines[2]+"\n", "", lines[2])
	m.date = m.add(kDate, lines[3]+"\n", "", lines[3])
	for _, l := range lines[4 : n-1] {
		name, value, _ := strings.Cut(l, ":")
		m.headers = append(m.headers, m.add(kHeader, l+"\n", name, value))
		m.names = append(m.names, name)
	}
	m.blank = m.add(kBlank, "", "", "")
	res := lines[n-1]
	path, subs := res, ""
	if i := strings.IndexByte(res, '?'); i >= 0 {
		path, subs = res[:i], res[i:]
	}
	m.path = m.add(kResource, path, "", path)
	m.subs = m.add(kSubResources, subs, "", strings.TrimPrefix(subs, "?"))
	m.tail = m.add(kTail, "", "", "")
	m.off = make([]int, len(m.segs)+1)
	for i, s := range m.segs {
		m.off[i+1] = m.off[i] + len(s.text)
	}
	return m
}

// headerValue returns the value of the header line named name (lower
// case), and whether there is one.
func (m *v2Model) headerValue(name string) (string, bool) {
	if h := m.header(name); h >= 0 {
		return m.segs[h].value, true
	}
	return "", false
}

// v2Message returns the message of a combination of operators (disjoint
// edits, at most one newline transform), for setup and for reporting a
// hit; the hot loop builds only what it hashes.
func (m *v2Model) v2Message(ops []*msgOp) string {
	var edits []edit
	var x byte
	for _, o := range ops {
		edits = append(edits, o.edits...)
		x |= o.xform
	}
	sortEdits(edits)
	t := m.apply(edits)
	if x != 0 {
		t = string(appendXform(nil, t, x))
	}
	return t
}

func sortEdits(edits []edit) {
	for i := 1; i < len(edits); i++ {
		for j := i; j > 0 && edits[j].seg < edits[j-1].seg; j-- {
			edits[j], edits[j-1] = edits[j-1], edits[j]
		}
	}
}
