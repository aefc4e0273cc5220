package s3error

import (
	"encoding/xml"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/beevik/etree"
)

// The XML reader is tolerant on purpose: pastes are truncated, hand-edited
// (Fine Uploader's example has a literal "<your bucket>" inside
// CanonicalRequest), and encoding/xml (so etree) turns CR into LF, while the
// text fields must keep what was pasted. It takes an element's text as
// everything up to its own closing tag, so stray "<…>" inside text stays
// text. Whether the XML is well-formed is told as etree tells it (see
// wellFormed), so that the user hears why a browser shows an error page.

// maxBodies bounds how many <Error> elements of one paste are read (an SDK
// message can repeat the body, the first copy cut short).
const maxBodies = 8

// maxFields bounds the fields read from one body.
const maxFields = 512

// maxTags bounds the tags indexed from the first <Error or <Code> on (a
// body has a few dozen; a log full of HTML before it is skipped), which
// bounds the index at a few MiB whatever the paste.
const maxTags = 1 << 17

type tag struct {
	pos, end int // s[pos:end] is the tag
	name     string
	close    bool
	self     bool
}

// tagIndex lists the tags of s in one pass, and where each name closes.
type tagIndex struct {
	tags   []tag
	closes []int // indexes into tags of the whole closing tags, by name, then position
}

// indexTags sizes the index by the '<' it may have to hold, so that
// indexing costs one allocation, not a doubling series: a capture's reader
// indexes one body per refused request.
func indexTags(s string, from int) *tagIndex {
	ix := &tagIndex{tags: make([]tag, 0, min(strings.Count(s[from:], "<"), maxTags))}
	closes := 0
	for i := from; i < len(s) && len(ix.tags) < maxTags; {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		j += i
		t := tag{pos: j}
		k := j + 1
		if k < len(s) && s[k] == '/' {
			t.close = true
			k++
		}
		t.name = tagName(s[k:])
		if t.name == "" {
			i = j + 1
			continue
		}
		end := strings.IndexByte(s[k:min(len(s), k+4096)], '>')
		if end < 0 {
			t.end = -1
			ix.tags = append(ix.tags, t)
			i = k
			continue
		}
		t.end = k + end + 1
		t.self = !t.close && s[t.end-2] == '/'
		ix.tags = append(ix.tags, t)
		if t.close {
			closes++
		}
		i = t.end
	}
	ix.closes = make([]int, 0, closes)
	for k, t := range ix.tags {
		if t.close && t.end >= 0 {
			ix.closes = append(ix.closes, k)
		}
	}
	slices.SortStableFunc(ix.closes, func(a, b int) int { return strings.Compare(ix.tags[a].name, ix.tags[b].name) })
	return ix
}

func tagName(s string) string {
	n := 0
	for n < len(s) && n < 128 {
		c := s[n]
		if c == '_' || c == ':' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || (n > 0 && (c == '-' || c == '.' || ('0' <= c && c <= '9'))) {
			n++
			continue
		}
		break
	}
	name := s[:n]
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// nextTag returns the index of the first tag at or after pos.
func (ix *tagIndex) nextTag(pos int) int {
	return sort.Search(len(ix.tags), func(i int) bool { return ix.tags[i].pos >= pos })
}

// closeAfter returns the position of the first "</name>" at or after pos, or -1.
func (ix *tagIndex) closeAfter(name string, pos int) int {
	c := ix.closes
	i := sort.Search(len(c), func(i int) bool {
		t := ix.tags[c[i]]
		return t.name > name || t.name == name && t.pos >= pos
	})
	if i < len(c) && ix.tags[c[i]].name == name {
		return ix.tags[c[i]].pos
	}
	return -1
}

type xmlReader struct {
	s       string
	ix      *tagIndex
	fields  []Field
	missing []string
	notes   []string
}

// extractXML reads the best <Error> body of s, or nil when s has none.
func extractXML(s string) *Body {
	from := -1
	for _, m := range []string{"<Error", "<Code>"} {
		if i := strings.Index(s, m); i >= 0 && (from < 0 || i < from) {
			from = i
		}
	}
	if from < 0 {
		return nil
	}
	ix := indexTags(s, from)
	// bodies: each <Error> up to its close, or up to the next <Error> when
	// it does not close before one opens (a cut copy followed by a whole one)
	var starts []int
	for i := range ix.tags {
		if t := ix.tags[i]; !t.close && (t.name == "Error" || t.name == "ErrorResponse") && len(starts) < maxBodies {
			if len(starts) == 0 || !inside(ix, starts[len(starts)-1], t.pos) {
				starts = append(starts, i)
			}
		}
	}
	if len(starts) == 0 {
		for i, t := range ix.tags {
			if !t.close && t.name == "Code" {
				starts = append(starts, i)
				break
			}
		}
	}
	var best *Body
	for k, st := range starts {
		limit := len(s)
		if k+1 < len(starts) {
			limit = ix.tags[starts[k+1]].pos
		}
		b := readBody(s, ix, st, limit)
		if best == nil || len(b.Fields)-2*len(b.Missing) > len(best.Fields)-2*len(best.Missing) {
			best = b
		}
	}
	if best == nil || len(best.Fields) == 0 {
		return nil
	}
	return best
}

// inside reports whether pos lies within the element opened by tag st
// (an ErrorResponse holding its Error).
func inside(ix *tagIndex, st, pos int) bool {
	t := ix.tags[st]
	if t.end < 0 || t.name != "ErrorResponse" {
		return false
	}
	end := ix.closeAfter(t.name, t.end)
	return end < 0 || pos < end
}

func readBody(s string, ix *tagIndex, st, limit int) *Body {
	r := &xmlReader{s: s, ix: ix}
	n := 0 // the elements that may become fields, to size them once
	for i := st; i < len(ix.tags) && ix.tags[i].pos < limit && n < maxFields; i++ {
		if !ix.tags[i].close {
			n++
		}
	}
	r.fields = make([]Field, 0, n)
	t := ix.tags[st]
	if t.name != "Code" {
		if t.end < 0 {
			return &Body{Missing: []string{"element " + t.name + " cut inside its tag"}}
		}
		if t.self {
			return &Body{}
		}
		end := ix.closeAfter(t.name, t.end)
		if end < 0 || end >= limit {
			r.read(t.end, limit, 0)
			r.missing = append(r.missing, "element "+t.name+" not closed")
		} else {
			r.read(t.end, end, 0)
			r.checkWellFormed(t.pos, end+len(t.name)+3)
		}
	} else {
		r.read(t.pos, limit, 0)
	}
	return &Body{Fields: r.fields, Missing: r.missing, Notes: r.notes}
}

// read reads the elements in s[from:to] as fields; containers (elements
// holding elements) are flattened into their children.
func (r *xmlReader) read(from, to, depth int) {
	for i := r.ix.nextTag(from); i < len(r.ix.tags) && len(r.fields) < maxFields; {
		t := r.ix.tags[i]
		if t.pos >= to {
			return
		}
		if t.close || t.name == "" {
			i++
			continue
		}
		if t.end < 0 || t.end > to {
			r.missing = append(r.missing, "element "+t.name+" cut inside its tag")
			return
		}
		if t.self {
			r.fields = append(r.fields, Field{Name: t.name})
			i++
			continue
		}
		end := r.ix.closeAfter(t.name, t.end)
		if end < 0 || end >= to {
			stop := r.nextFieldStart(i+1, to)
			r.fields = append(r.fields, Field{Name: t.name, Text: xmlText(r.s[t.end:stop])})
			r.missing = append(r.missing, "element "+t.name+" not closed")
			i = r.ix.nextTag(stop)
			continue
		}
		content := r.s[t.end:end]
		if depth < 3 && isContainer(content) {
			r.read(t.end, end, depth+1)
		} else {
			r.fields = append(r.fields, Field{Name: t.name, Text: xmlText(content)})
		}
		i = r.ix.nextTag(end + len(t.name) + 3)
	}
}

// nextFieldStart is where the text of an unclosed element ends: at the next
// tag that opens a known field or closes anything, else at to.
func (r *xmlReader) nextFieldStart(i, to int) int {
	for ; i < len(r.ix.tags); i++ {
		t := r.ix.tags[i]
		if t.pos >= to {
			break
		}
		if t.close || canonicalField(t.name) != "" {
			return t.pos
		}
	}
	return to
}

// isContainer reports whether an element's content is elements rather
// than text: it starts with a tag that closes inside it.
func isContainer(content string) bool {
	c := strings.TrimSpace(content)
	if len(c) < 4 || c[0] != '<' || c[1] == '/' || c[1] == '!' || c[1] == '?' {
		return false
	}
	name := tagName(c[1:])
	return name != "" && strings.HasSuffix(c, ">") && strings.Contains(c, "</"+name+">")
}

// checkWellFormed notes when the body is not well-formed XML, which is
// itself a sign of hand-editing (and why a browser shows an error page).
func (r *xmlReader) checkWellFormed(from, to int) {
	if to > len(r.s) || to-from > 1<<20 {
		return
	}
	if err := wellFormed(r.s[from:to]); err != nil {
		r.notes = append(r.notes, "the body is not well-formed XML ("+err.Error()+"); it was read tolerantly")
	}
}

// plainXML reports whether s is plainly well-formed, as a server writes a
// body: tags without attributes, comments, declarations or blanks, named
// with ASCII letters, digits and "_.-" (a letter or "_" first), nested at
// most 16 deep, each closed by the next end tag; text of XML characters
// (XML 1.0 §2.2, as encoding/xml checks them) with no reference other
// than the five predefined entities and no "]]>". The decoder accepts all
// of it, so it need not run; for anything else it does, and says why.
func plainXML(s string) bool {
	var open [16]string
	n := 0
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '<':
			j := i + 1
			end := j < len(s) && s[j] == '/'
			if end {
				j++
			}
			k := j
			for k < len(s) && (isNameStart(s[k]) || k > j && (s[k] >= '0' && s[k] <= '9' || s[k] == '.' || s[k] == '-')) {
				k++
			}
			if k == j || k >= len(s) {
				return false
			}
			name := s[j:k]
			switch {
			case s[k] == '>' && end:
				if n == 0 || open[n-1] != name {
					return false
				}
				n--
				i = k + 1
			case s[k] == '>':
				if n == len(open) {
					return false
				}
				open[n] = name
				n++
				i = k + 1
			case !end && strings.HasPrefix(s[k:], "/>"):
				i = k + 2
			default:
				return false
			}
		case c == '&':
			m := 0
			for _, e := range predefinedRefs {
				if strings.HasPrefix(s[i:], e) {
					m = len(e)
					break
				}
			}
			if m == 0 {
				return false
			}
			i += m
		case c == ']' && strings.HasPrefix(s[i:], "]]>"):
			return false
		case c < utf8.RuneSelf:
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || (r > 0xD7FF && r < 0xE000) || r == 0xFFFE || r == 0xFFFF {
				return false
			}
			i += size
		}
	}
	return n == 0
}

var predefinedRefs = [...]string{"&lt;", "&gt;", "&amp;", "&quot;", "&apos;"}

func isNameStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// maxXMLDepth is etree's default ReadSettings.MaxDepth.
const maxXMLDepth = 1024

// wellFormed returns the error etree's Document.ReadFromString returns
// for s with its default settings, or nil, without building the tree:
// the same encoding/xml decoder settings (strict, XML's own entities only,
// a declared charset read as is), the same checks (each end tag closes
// the element open, nothing is left open, nesting at most maxXMLDepth
// under the document) and the same errors. Each reading of a paste checks
// its body, and a capture has a body per refused request: the tree and the
// decoder's read buffer (a strings.Reader needs none) were most of what
// reading a body allocated. TestWellFormed_likeEtree compares the two.
func wellFormed(s string) error {
	if plainXML(s) {
		return nil
	}
	d := xml.NewDecoder(strings.NewReader(s))
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	open := []xml.Name{{}} // the document, under the elements as in etree's stack
	for {
		t, err := d.RawToken()
		switch {
		case err == io.EOF:
			if len(open) != 1 {
				return etree.ErrXML
			}
			return nil
		case err != nil:
			return err
		case len(open) == 0:
			return etree.ErrXML
		}
		switch t := t.(type) {
		case xml.StartElement:
			if len(open) > maxXMLDepth {
				return etree.ErrMaxDepth
			}
			open = append(open, t.Name)
		case xml.EndElement:
			if open[len(open)-1] != t.Name {
				return etree.ErrXML
			}
			open = open[:len(open)-1]
		}
	}
}

// xmlText decodes the character references, the five predefined entities
// and CDATA sections of element text; anything else is kept as written.
func xmlText(s string) string {
	if !strings.ContainsAny(s, "&<") {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "<![CDATA["):
			end := strings.Index(s[i+9:], "]]>")
			if end < 0 {
				sb.WriteString(s[i+9:])
				return sb.String()
			}
			sb.WriteString(s[i+9 : i+9+end])
			i += 9 + end + 3
		case s[i] == '&':
			n := decodeEntity(s[i:], &sb)
			i += n
		default:
			sb.WriteByte(s[i])
			i++
		}
	}
	return sb.String()
}

var predefinedEntities = map[string]string{"lt": "<", "gt": ">", "amp": "&", "quot": `"`, "apos": "'"}

func decodeEntity(s string, sb *strings.Builder) int {
	end := strings.IndexByte(s[:min(len(s), 12)], ';')
	if end < 2 {
		sb.WriteByte('&')
		return 1
	}
	name := s[1:end]
	if v, ok := predefinedEntities[name]; ok {
		sb.WriteString(v)
		return end + 1
	}
	if name[0] == '#' {
		var v uint64
		var err error
		if len(name) > 1 && (name[1] == 'x' || name[1] == 'X') {
			v, err = strconv.ParseUint(name[2:], 16, 32)
		} else {
			v, err = strconv.ParseUint(name[1:], 10, 32)
		}
		if err == nil && v <= 0x10ffff {
			sb.WriteRune(rune(v))
			return end + 1
		}
	}
	sb.WriteByte('&')
	return 1
}
