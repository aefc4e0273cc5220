package policy

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The policy is JSON (RFC 8259), read here by a small parser of its own
// rather than encoding/json for three reasons: object members must keep
// their order and duplicates (a signing server that re-serializes the
// policy is recreated from it, see Encode), every value needs its byte
// offset (so a failing condition is shown where it is written), and what S3
// documents goes beyond strict JSON: its own escaping table lists \$ and \v
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html,
// "Character Escaping"), and its example policy ends an array with a
// trailing comma. Those are accepted and reported in Notes.

// Kind is the JSON type of a Value.
type Kind uint8

const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "boolean"
	case Number:
		return "number"
	case String:
		return "string"
	case Array:
		return "array"
	case Object:
		return "object"
	}
	return "unknown"
}

// Value is one parsed JSON value with its place in the input.
type Value struct {
	Kind    Kind
	Str     string   // String: the decoded text; Number: the literal as written; Bool: "true" or "false"
	Elems   []*Value // Array elements
	Members []Member // Object members, in the order written, duplicates kept
	Offset  int      // byte offset of the value's first byte
	End     int      // byte offset just past its last byte
}

// Member is one "key": value pair of an object.
type Member struct {
	Key    string
	Offset int // byte offset of the key's opening quote
	Value  *Value
}

// Get returns the value of the first member named key.
func (v *Value) Get(key string) (*Value, bool) {
	for _, m := range v.Members {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}

// Caps on what the parser accepts. S3 limits a POST form, the policy
// included, to 20 KB without the file; MaxJSON leaves room for policies
// pasted with generous whitespace while keeping memory bounded.
const (
	MaxJSON  = 1 << 20
	maxDepth = 64
)

// Doc is a parsed JSON text.
type Doc struct {
	Root  *Value
	Notes []string // departures from strict JSON that were accepted, one lowercase line each
}

// ParseJSON parses data as one JSON value. Errors are *SyntaxError.
func ParseJSON(data []byte) (*Doc, error) {
	if len(data) > MaxJSON {
		return nil, syntaxErr(data, MaxJSON, "longer than the 1 MiB a policy may have here")
	}
	p := &jsonParser{data: data}
	if len(data) >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf {
		p.pos = 3
		p.note("a utf-8 byte order mark precedes the json")
	}
	p.ws()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.pos < len(data) {
		return nil, p.fail("text after the end of the json value")
	}
	return &Doc{Root: v, Notes: p.notes}, nil
}

type jsonParser struct {
	data  []byte
	pos   int
	notes []string
	buf   []byte
}

func (p *jsonParser) note(s string) {
	for _, n := range p.notes {
		if n == s {
			return
		}
	}
	if len(p.notes) < 16 {
		p.notes = append(p.notes, s)
	}
}

func (p *jsonParser) fail(reason string) error { return syntaxErr(p.data, p.pos, reason) }

func (p *jsonParser) ws() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (*Value, error) {
	if depth > maxDepth {
		return nil, p.fail("nested deeper than 64 levels")
	}
	if p.pos >= len(p.data) {
		return nil, p.fail("the json ends where a value should be")
	}
	start := p.pos
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &Value{Kind: String, Str: s, Offset: start, End: p.pos}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true", Bool)
	case c == 'f':
		return p.literal("false", Bool)
	case c == 'n':
		return p.literal("null", Null)
	case c == '\'':
		return nil, p.fail("strings need double quotes, not single quotes")
	}
	return nil, p.fail("expected a value (object, array, string, number, true, false or null)")
}

func (p *jsonParser) literal(word string, k Kind) (*Value, error) {
	start := p.pos
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return nil, p.fail("expected " + word)
	}
	p.pos += len(word)
	v := &Value{Kind: k, Offset: start, End: p.pos}
	if k == Bool {
		v.Str = word
	}
	return v, nil
}

func (p *jsonParser) object(depth int) (*Value, error) {
	v := &Value{Kind: Object, Offset: p.pos}
	p.pos++ // {
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		v.End = p.pos
		return v, nil
	}
	for {
		p.ws()
		if p.pos >= len(p.data) {
			return nil, p.fail("the json ends inside an object: a closing } is missing")
		}
		if p.data[p.pos] != '"' {
			return nil, p.fail("expected a member name in double quotes")
		}
		keyAt := p.pos
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.fail("expected ':' after the member name")
		}
		p.pos++
		p.ws()
		m, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.Members = append(v.Members, Member{Key: key, Offset: keyAt, Value: m})
		p.ws()
		if p.pos >= len(p.data) {
			return nil, p.fail("the json ends inside an object: a closing } is missing")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
			p.ws()
			if p.pos < len(p.data) && p.data[p.pos] == '}' {
				p.note("a trailing comma before } was accepted")
				p.pos++
				v.End = p.pos
				return v, nil
			}
		case '}':
			p.pos++
			v.End = p.pos
			return v, nil
		default:
			return nil, p.fail("expected ',' or '}' after an object member")
		}
	}
}

func (p *jsonParser) array(depth int) (*Value, error) {
	v := &Value{Kind: Array, Offset: p.pos}
	p.pos++ // [
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		v.End = p.pos
		return v, nil
	}
	for {
		p.ws()
		e, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.Elems = append(v.Elems, e)
		p.ws()
		if p.pos >= len(p.data) {
			return nil, p.fail("the json ends inside an array: a closing ] is missing")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
			p.ws()
			if p.pos < len(p.data) && p.data[p.pos] == ']' {
				// S3's own example policy has one (sigv4-HTTPPOSTConstructPolicy).
				p.note("a trailing comma before ] was accepted")
				p.pos++
				v.End = p.pos
				return v, nil
			}
		case ']':
			p.pos++
			v.End = p.pos
			return v, nil
		default:
			return nil, p.fail("expected ',' or ']' after an array element")
		}
	}
}

func (p *jsonParser) number() (*Value, error) {
	start := p.pos
	d := p.data
	i := p.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(d) && d[i] == '0' {
		i++
	} else if digits() == 0 {
		p.pos = i
		return nil, p.fail("a number needs digits")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			p.pos = i
			return nil, p.fail("a number needs digits after its decimal point")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.pos = i
			return nil, p.fail("a number needs digits in its exponent")
		}
	}
	p.pos = i
	return &Value{Kind: Number, Str: string(d[start:i]), Offset: start, End: i}, nil
}

// str reads a string at p.pos (on its opening quote) and returns it decoded.
func (p *jsonParser) str() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	// Fast path: no escapes.
	for i := p.pos; i < len(p.data); i++ {
		c := p.data[i]
		if c == '"' {
			p.pos = i + 1
			return string(p.data[start:i]), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	b := p.buf[:0]
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			p.buf = b
			return string(b), nil
		case c < 0x20:
			return "", p.fail("a control character (" + strconv.QuoteRune(rune(c)) + ") inside a string must be escaped")
		case c != '\\':
			b = append(b, c)
			p.pos++
			continue
		}
		if p.pos+1 >= len(p.data) {
			break
		}
		e := p.data[p.pos+1]
		p.pos += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case '$':
			p.note(`the escape \$ (listed by S3's policy escaping table, not json) was read as $`)
			b = append(b, '$')
		case 'v':
			p.note(`the escape \v (listed by S3's policy escaping table, not json) was read as a vertical tab`)
			b = append(b, '\v')
		case 'u':
			r, ok := p.hex4(p.pos)
			if !ok {
				p.pos -= 2
				return "", p.fail(`\u must be followed by four hex digits`)
			}
			p.pos += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := p.hex4(p.pos + 2); ok && p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
					if c := utf16.DecodeRune(r, r2); c != utf8.RuneError {
						p.pos += 6
						r = c
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			p.pos -= 2
			return "", p.fail("unknown escape " + strconv.Quote(string([]byte{'\\', e})))
		}
	}
	return "", syntaxErr(p.data, start-1, "a string is not closed: its closing quote is missing")
}

func (p *jsonParser) hex4(at int) (rune, bool) {
	if at+4 > len(p.data) {
		return 0, false
	}
	var r rune
	for _, c := range p.data[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
