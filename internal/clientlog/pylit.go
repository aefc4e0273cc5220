package clientlog

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Python literals, as repr() and pprint write them: botocore logs response
// bodies as bytes reprs (b'<?xml …\n<Error>…'), headers as dict reprs,
// s3cmd and awscurl log everything through pprint, which splits a long
// string into adjacent literals inside parentheses and a long dict over
// several lines. The escapes hold the real bytes, so unescaping must be
// exact (Python Language Reference, "String and Bytes literals").

type pyKind uint8

const (
	pyStr pyKind = iota
	pyBytes
	pyNumber
	pyName   // None, True, False, other identifiers
	pyOpaque // <object at 0x…>, Name(args): a repr that is not a literal
	pyDict
	pyList
)

type pyVal struct {
	kind  pyKind
	s     string  // string or bytes content (bytes as raw bytes), number or name text
	items []pyVal // list or tuple items; dict keys and values alternate
}

// get returns the value of the dict key name (a str key).
func (v pyVal) get(name string) (pyVal, bool) {
	if v.kind != pyDict {
		return pyVal{}, false
	}
	for i := 0; i+1 < len(v.items); i += 2 {
		if k := v.items[i]; (k.kind == pyStr || k.kind == pyBytes) && k.s == name {
			return v.items[i+1], true
		}
	}
	return pyVal{}, false
}

// text is the value of a string, bytes, number or name.
func (v pyVal) text() (string, bool) {
	switch v.kind {
	case pyStr, pyBytes, pyNumber:
		return v.s, true
	}
	return "", false
}

var errPy = errors.New("not a python literal")

// maxPyDepth caps nesting: pprint'ed dicts nest a few levels, and the cap
// bounds the work a line that only looks like a literal can cause.
const maxPyDepth = 16

type pyParser struct {
	s     string
	i     int
	depth int
	keys  []string // when set, the outermost dict keeps only these keys
	skip  int      // > 0 inside a value that is not kept: read and checked, not built
}

// parsePy reads one literal at the start of s and returns it with the
// number of bytes read. Outside brackets only blanks may separate the
// pieces of a concatenated string; inside, line breaks may too.
func parsePy(s string) (pyVal, int, error) {
	p := &pyParser{s: s}
	v, err := p.value()
	return v, p.i, err
}

// parsePyKeys is parsePy for a dict of which only the named keys are
// wanted: the outermost dict keeps the first pair of each (so get answers
// as on the whole dict), and the other values are read — a malformed one
// is still an error — but not built. botocore's "Making request" record
// is a dict of a dozen nested ones, of which only 'body' is read.
func parsePyKeys(s string, keys ...string) (pyVal, int, error) {
	p := &pyParser{s: s, keys: keys}
	v, err := p.value()
	return v, p.i, err
}

// keep reports whether the outermost dict keeps the value of key k: one
// of the wanted keys, not already kept.
func (p *pyParser) keep(k pyVal, kept []pyVal) bool {
	if p.keys == nil || p.depth != 1 {
		return p.skip == 0
	}
	if p.skip > 0 || (k.kind != pyStr && k.kind != pyBytes) || !slices.Contains(p.keys, k.s) {
		return false
	}
	for i := 0; i < len(kept); i += 2 {
		if kept[i].s == k.s {
			return false
		}
	}
	return true
}

// sink is where an escape's bytes go: the literal's buffer, or nowhere
// for a value that is not kept.
type sink interface {
	WriteByte(byte) error
	WriteRune(rune) (int, error)
}

type discard struct{}

func (discard) WriteByte(byte) error        { return nil }
func (discard) WriteRune(rune) (int, error) { return 0, nil }

func (p *pyParser) ws() {
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == ' ' || c == '\t' || (p.depth > 0 && (c == '\n' || c == '\r')) {
			p.i++
			continue
		}
		return
	}
}

func (p *pyParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *pyParser) value() (pyVal, error) {
	if p.depth > maxPyDepth {
		return pyVal{}, errPy
	}
	p.ws()
	if p.i >= len(p.s) {
		return pyVal{}, errPy
	}
	switch c := p.s[p.i]; {
	case p.stringStart():
		return p.strings()
	case c == '{':
		return p.seq('{', '}', pyDict)
	case c == '[':
		return p.seq('[', ']', pyList)
	case c == '(':
		return p.seq('(', ')', pyList)
	case c == '<':
		return p.opaque()
	case c == '-' || (c >= '0' && c <= '9'):
		j := p.i + 1
		for j < len(p.s) && strings.IndexByte("0123456789.eExXabcdefABCDEF_+-", p.s[j]) >= 0 {
			j++
		}
		v := pyVal{kind: pyNumber, s: p.s[p.i:j]}
		p.i = j
		return v, nil
	case isIdentStart(c):
		j := p.i
		for j < len(p.s) && (isIdentStart(p.s[j]) || p.s[j] == '.' || (p.s[j] >= '0' && p.s[j] <= '9')) {
			j++
		}
		name := p.s[p.i:j]
		p.i = j
		if p.peek() == '(' { // a call-like repr: OperationModel(name=PutObject)
			if err := p.skipBalanced('(', ')'); err != nil {
				return pyVal{}, err
			}
			return pyVal{kind: pyOpaque, s: name}, nil
		}
		return pyVal{kind: pyName, s: name}, nil
	}
	return pyVal{}, errPy
}

func isIdentStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }

// stringStart reports whether a string literal starts here: a quote after
// at most two prefix letters (b, r, u, and their pairs).
func (p *pyParser) stringStart() bool {
	for k := 0; k <= 2 && p.i+k < len(p.s); k++ {
		c := p.s[p.i+k]
		if c == '\'' || c == '"' {
			return true
		}
		if strings.IndexByte("bBrRuU", c) < 0 {
			return false
		}
	}
	return false
}

// strings reads one literal and every literal that follows it: Python
// joins adjacent literals ('a' 'b' == 'ab'), which is how pprint writes a
// long string. The pieces are joined once, at the end: pprint splits a
// long string into one piece per line, and joining piece by piece would
// copy the string once per piece.
func (p *pyParser) strings() (pyVal, error) {
	v, err := p.str()
	if err != nil {
		return v, err
	}
	var joined strings.Builder
	for {
		save := p.i
		p.ws()
		if !p.stringStart() {
			p.i = save
			if joined.Len() > 0 {
				v.s = joined.String()
			}
			return v, nil
		}
		w, err := p.str()
		if err != nil {
			return v, err
		}
		if p.skip > 0 {
			continue
		}
		if joined.Len() == 0 {
			joined.WriteString(v.s)
		}
		joined.WriteString(w.s)
	}
}

func (p *pyParser) str() (pyVal, error) {
	bytesLit, raw := false, false
	for p.s[p.i] != '\'' && p.s[p.i] != '"' {
		switch p.s[p.i] | 0x20 {
		case 'b':
			bytesLit = true
		case 'r':
			raw = true
		}
		p.i++
	}
	q := p.s[p.i]
	p.i++
	kind := pyStr
	if bytesLit {
		kind = pyBytes
	}
	// Most literals hold no escape: their value is the text between the
	// quotes, taken without a copy. Otherwise it is unescaped into a buffer
	// sized by the literal (unescaping never lengthens it).
	start, end := p.i, p.i
	for ; end < len(p.s); end++ {
		c := p.s[end]
		if c == q || c == '\n' {
			break
		}
		if c == '\\' && !raw {
			end++
		}
	}
	if end < len(p.s) && p.s[end] == q && (raw || strings.IndexByte(p.s[start:end], '\\') < 0) {
		p.i = end + 1
		return pyVal{kind: kind, s: p.s[start:end]}, nil
	}
	var buf strings.Builder
	var b sink = discard{}
	if p.skip == 0 {
		buf.Grow(min(end, len(p.s)) - start)
		b = &buf
	}
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return pyVal{kind: kind, s: buf.String()}, nil
		case c == '\n':
			return pyVal{}, errPy // a one-line literal does not span lines
		case c == '\\' && !raw:
			if err := p.escape(b, bytesLit); err != nil {
				return pyVal{}, err
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return pyVal{}, errPy
}

// escape reads one backslash escape. In bytes, \xhh is the byte hh; in
// str it is the character U+00hh, written in UTF-8. An unknown escape is
// kept as written, as Python keeps it.
func (p *pyParser) escape(b sink, bytesLit bool) error {
	p.i++ // the backslash
	if p.i >= len(p.s) {
		return errPy
	}
	c := p.s[p.i]
	p.i++
	switch c {
	case '\\', '\'', '"':
		b.WriteByte(c)
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'a':
		b.WriteByte(7)
	case 'b':
		b.WriteByte(8)
	case 'f':
		b.WriteByte(12)
	case 'v':
		b.WriteByte(11)
	case '\n':
	case '0', '1', '2', '3', '4', '5', '6', '7':
		j := p.i
		for j < len(p.s) && j < p.i+2 && p.s[j] >= '0' && p.s[j] <= '7' {
			j++
		}
		n, _ := strconv.ParseUint(p.s[p.i-1:j], 8, 16)
		p.i = j
		p.put(b, rune(n), bytesLit)
	case 'x', 'u', 'U':
		n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
		if c != 'x' && bytesLit {
			b.WriteByte('\\')
			b.WriteByte(c)
			return nil
		}
		if p.i+n > len(p.s) {
			return errPy
		}
		v, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
		if err != nil {
			return errPy
		}
		p.i += n
		p.put(b, rune(v), bytesLit)
	default:
		b.WriteByte('\\')
		b.WriteByte(c)
	}
	return nil
}

func (p *pyParser) put(b sink, r rune, bytesLit bool) {
	if bytesLit {
		b.WriteByte(byte(r))
		return
	}
	if !utf8.ValidRune(r) {
		r = utf8.RuneError
	}
	b.WriteRune(r)
}

// seq reads a dict, list or tuple. A parenthesised single value without a
// comma is that value: pprint's ('a'\n 'b') is one string.
func (p *pyParser) seq(open, close byte, kind pyKind) (pyVal, error) {
	p.i++
	p.depth++
	defer func() { p.depth-- }()
	v := pyVal{kind: kind}
	comma := false
	for {
		p.ws()
		if p.peek() == close {
			p.i++
			if open == '(' && len(v.items) == 1 && !comma {
				return v.items[0], nil
			}
			return v, nil
		}
		item, err := p.value()
		if err != nil {
			return pyVal{}, err
		}
		keep := p.keep(item, v.items)
		if keep || (p.skip == 0 && kind != pyDict) {
			v.items = append(v.items, item)
		}
		p.ws()
		if kind == pyDict {
			if p.peek() != ':' {
				return pyVal{}, errPy
			}
			p.i++
			if !keep {
				p.skip++
			}
			val, err := p.value()
			if !keep {
				p.skip--
			}
			if err != nil {
				return pyVal{}, err
			}
			if keep {
				v.items = append(v.items, val)
			}
			p.ws()
		}
		switch p.peek() {
		case ',':
			p.i++
			comma = true
		case close:
		default:
			return pyVal{}, errPy
		}
	}
}

// opaque reads a <…> repr (<_io.BufferedReader name='f'>), which may hold
// quotes and nested angle brackets.
func (p *pyParser) opaque() (pyVal, error) {
	start := p.i
	if err := p.skipBalanced('<', '>'); err != nil {
		return pyVal{}, err
	}
	return pyVal{kind: pyOpaque, s: p.s[start:p.i]}, nil
}

func (p *pyParser) skipBalanced(open, close byte) error {
	depth := 0
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == open:
			depth++
		case c == close:
			depth--
			if depth == 0 {
				p.i++
				return nil
			}
		case c == '\'' || c == '"':
			if _, err := p.str(); err != nil {
				return err
			}
			continue
		case c == '\n' && p.depth == 0:
			return errPy
		}
		p.i++
	}
	return errPy
}
