package s3error

import (
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Escaping layers: the body printed as a string literal of some language,
// as HTML text, as Markdown source, or as a list of byte values. Each
// un-wrapper peels one layer; unwrapEscapes repeats until none applies, so
// a doubly escaped body ("\\n") takes two rounds.

func unwrapEscapes(p *paste) {
	literals := 0
	for round := 0; round < 4; round++ {
		switch {
		case unwrapByteList(p):
		case unwrapStringLiteral(p, &literals):
		case unwrapHTMLEscaped(p):
		case unwrapMarkdown(p):
		default:
			return
		}
	}
}

var startMarkers = []string{"<?xml", "<Error", `\u003c?xml`, `\u003cError`, `\u003C?xml`, `\u003CError`, `\x3c?xml`, `\x3cError`, `\x3C?xml`, `\x3CError`}
var codeMarkers = []string{"<Code>", `\u003cCode\u003e`, `\u003CCode\u003E`, `\x3cCode\x3e`, `\x3CCode\x3E`}

// markerIndex is where the body (escaped or not) starts: the XML
// declaration or the Error element, else its Code element; -1 when absent.
func markerIndex(s string) int {
	for _, set := range [][]string{startMarkers, codeMarkers} {
		best := -1
		for _, m := range set {
			if i := strings.Index(s, m); i >= 0 && (best < 0 || i < best) {
				best = i
			}
		}
		if best >= 0 {
			return best
		}
	}
	return -1
}

var escapeSeqs = []string{`\n`, `\r`, `\t`, `\"`, `\'`, `\u00`, `\u{`, `\x`, `<\/`}

func hasEscapes(s string) bool {
	for _, e := range escapeSeqs {
		if strings.Contains(s, e) {
			return true
		}
	}
	return false
}

// litStart is where a string literal opens: the index of its quote, the
// quote (0: none, decode to the end) and the prefix before it (b, <<).
type litStart struct {
	at     int
	q      byte
	prefix string
}

// unwrapStringLiteral decodes the string literal that holds the body:
// JSON, Python (str or bytes repr, split over several pieces as pprint and
// s3cmd print them), Ruby inspect, Rust Debug, Java/Swift/Go literals,
// Erlang and Elixir binaries, Node's util.inspect (pieces joined by +).
// The escapes of all of them form one superset (decodeEscape).
func unwrapStringLiteral(p *paste, count *int) bool {
	m := markerIndex(p.s)
	if m < 0 || !hasEscapes(p.s[m:min(len(p.s), m+1<<16)]) {
		return false
	}
	best, bestScore, bestLabel := "", -1, ""
	for _, ls := range literalStarts(p.s, m) {
		dec, plus := decodeLiteralGroup(p.s, ls)
		if sc := strings.Count(dec, "</"); sc > bestScore {
			best, bestScore, bestLabel = dec, sc, literalLabel(p.s, ls, plus, dec)
		}
	}
	if best == "" || best == p.s {
		return false
	}
	*count++
	if *count > 1 {
		bestLabel = "double-escaped"
	}
	p.apply(bestLabel, best)
	return true
}

func escapedAt(s string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

func literalStarts(s string, m int) []litStart {
	if m > 0 && (s[m-1] == '"' || s[m-1] == '\'') && !escapedAt(s, m-1) {
		return []litStart{{m - 1, s[m-1], literalPrefix(s, m-1)}}
	}
	var out []litStart
	lo := max(0, m-1<<16)
	for _, q := range []byte{'"', '\''} {
		for j := m - 1; j >= lo; j-- {
			if s[j] == q && !escapedAt(s, j) {
				out = append(out, litStart{j, q, literalPrefix(s, j)})
				break
			}
		}
	}
	line := strings.LastIndexByte(s[:m], '\n') + 1
	return append(out, litStart{at: line - 1})
}

func literalPrefix(s string, q int) string {
	switch {
	case q >= 2 && s[q-2:q] == "<<":
		return "<<"
	case q >= 1 && (s[q-1] == 'b' || s[q-1] == 'B') && (q < 2 || !isWordByte(s[q-2])):
		return "b"
	}
	return ""
}

// decodeLiteralGroup decodes the literal at ls and the literals that
// follow it with only blanks, "+", "\" or "<>" between (concatenation in
// Python, JavaScript, Java, Erlang, Elixir). plus reports a "+" joint.
//
// The group is decoded twice, first only to count its bytes: a literal
// left open (or none, ls.q 0) runs to the end of the paste, which may be
// a log of megabytes, and a buffer grown by doubling would cost two or
// three times that.
func decodeLiteralGroup(s string, ls litStart) (string, bool) {
	var n byteCount
	decodeLiteralGroupTo(s, ls, &n)
	var out strings.Builder
	out.Grow(int(n))
	plus := decodeLiteralGroupTo(s, ls, &out)
	return out.String(), plus
}

// sink is where decoded bytes go: a buffer, or a count of them.
type sink interface {
	WriteByte(byte) error
	WriteRune(rune) (int, error)
}

type byteCount int

func (n *byteCount) WriteByte(byte) error { *n++; return nil }

func (n *byteCount) WriteRune(r rune) (int, error) {
	k := utf8.RuneLen(r)
	if k < 0 {
		k = len(string(utf8.RuneError)) // strings.Builder writes U+FFFD for an invalid rune
	}
	*n += byteCount(k)
	return k, nil
}

func decodeLiteralGroupTo(s string, ls litStart, out sink) bool {
	if ls.q == 0 {
		unescapeLiteral(s, ls.at+1, 0, out)
		return false
	}
	plus := false
	i := ls.at + 1
	for {
		j, closed := unescapeLiteral(s, i, ls.q, out)
		if !closed {
			break
		}
		k := j
		for k < len(s) && k-j < 256 && strings.IndexByte(" \t\r\n\\+", s[k]) >= 0 {
			plus = plus || s[k] == '+'
			k++
		}
		if k+1 < len(s) && s[k:k+2] == "<>" {
			k += 2
			for k < len(s) && strings.IndexByte(" \t\r\n", s[k]) >= 0 {
				k++
			}
		}
		if k+1 < len(s) && (s[k] == 'b' || s[k] == 'B') && s[k+1] == ls.q {
			k++
		}
		if k == j || k >= len(s) || s[k] != ls.q {
			break
		}
		i = k + 1
	}
	return plus
}

// unescapeLiteral decodes s from i up to the unescaped quote q (none when
// q is 0) and returns the index after the quote.
func unescapeLiteral(s string, i int, q byte, out sink) (int, bool) {
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\\':
			i = decodeEscape(s, i, out)
		case q != 0 && c == q:
			return i + 1, true
		default:
			out.WriteByte(c)
			i++
		}
	}
	return i, false
}

// decodeEscape decodes the escape at s[i] (a backslash) into out and
// returns the index after it. \x is a byte (Python bytes, Go, Rust, Ruby),
// \u and \U are code points (JSON with surrogate pairs, Java, Go, Python),
// \u{…} and \x{…} are code points (Swift, Rust, Ruby, Erlang), \NNN is
// octal (Python, Go, Erlang). An unknown escape is kept as it is.
func decodeEscape(s string, i int, out sink) int {
	if i+1 >= len(s) {
		out.WriteByte('\\')
		return i + 1
	}
	c := s[i+1]
	if r, ok := simpleEscapes[c]; ok {
		out.WriteByte(r)
		return i + 2
	}
	switch c {
	case '\n':
		return i + 2 // line continuation
	case 'x', 'u', 'U':
		if n, ok := decodeHexEscape(s, i, out); ok {
			return n
		}
	case '0', '1', '2', '3', '4', '5', '6', '7':
		j, v := i+1, 0
		for j < len(s) && j < i+4 && '0' <= s[j] && s[j] <= '7' {
			v = v*8 + int(s[j]-'0')
			j++
		}
		out.WriteByte(byte(v))
		return j
	}
	out.WriteByte('\\')
	out.WriteByte(c)
	return i + 2
}

var simpleEscapes = map[byte]byte{
	'n': '\n', 'r': '\r', 't': '\t', 'f': '\f', 'v': '\v', 'a': 7, 'b': 8, 'e': 27, 's': ' ',
	'\\': '\\', '"': '"', '\'': '\'', '/': '/', '#': '#', '$': '$', '`': '`', '?': '?', ' ': ' ',
}

func decodeHexEscape(s string, i int, out sink) (int, bool) {
	c := s[i+1]
	j := i + 2
	if j < len(s) && s[j] == '{' && c != 'U' {
		end := strings.IndexByte(s[j:min(len(s), j+10)], '}')
		if end < 2 {
			return 0, false
		}
		v, err := strconv.ParseUint(s[j+1:j+end], 16, 32)
		if err != nil || !utf8.ValidRune(rune(v)) {
			return 0, false
		}
		out.WriteRune(rune(v))
		return j + end + 1, true
	}
	n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
	if j+n > len(s) {
		return 0, false
	}
	v, err := strconv.ParseUint(s[j:j+n], 16, 32)
	if err != nil {
		return 0, false
	}
	if c == 'x' {
		out.WriteByte(byte(v))
		return j + n, true
	}
	r := rune(v)
	if 0xd800 <= r && r < 0xdc00 && j+n+6 <= len(s) && s[j+n:j+n+2] == `\u` {
		if lo, err := strconv.ParseUint(s[j+n+2:j+n+6], 16, 32); err == nil && 0xdc00 <= lo && lo < 0xe000 {
			out.WriteRune((r-0xd800)<<10 + rune(lo) - 0xdc00 + 0x10000)
			return j + n + 6, true
		}
	}
	if !utf8.ValidRune(r) {
		return 0, false
	}
	out.WriteRune(r)
	return j + n, true
}

// literalLabel names the language the literal was printed by, from its
// quote and prefix, its escapes and what precedes it.
func literalLabel(s string, ls litStart, plus bool, dec string) string {
	if ls.q == 0 {
		return "escaped-string"
	}
	before := s[max(0, ls.at-200):ls.at]
	body := s[ls.at:min(len(s), ls.at+1+len(dec)*2)]
	switch {
	case ls.prefix == "<<":
		return "erlang-binary"
	case ls.prefix == "b" && ls.q == '\'':
		return "python-bytes"
	case ls.prefix == "b":
		return "rust-debug"
	case ls.q == '\'' && plus:
		return "js-inspect"
	case ls.q == '\'' && strings.Contains(before, "{'"):
		return "python-dict"
	case ls.q == '\'':
		return "python-str"
	case strings.Contains(body, `\u003c`) || strings.Contains(body, `\u003C`) || strings.Contains(body, `<\/`):
		return "json-string"
	case strings.Contains(before, "Optional(") || strings.Contains(body, `\u{`):
		return "swift-string"
	case elixirStruct.MatchString(before) || strings.Contains(body, `\#{`):
		return "elixir-inspect"
	case strings.Contains(before, "=> ") || strings.Contains(before, "#<") || strings.Contains(body, `\e`):
		return "ruby-inspect"
	case plus:
		return "java-string"
	case strings.Contains(before, "&{") || strings.Contains(body, `\x`):
		return "go-quoted"
	case strings.Contains(before, `{"`) || strings.Contains(before, `":`) || (ls.q == '"' && onlyJSONEscapes(body)):
		return "json-string"
	}
	return "escaped-string"
}

var nonJSONEscape = regexp.MustCompile(`\\[^"\\/bfnrtu]`)

// onlyJSONEscapes reports a literal whose escapes are all JSON's (RFC 8259
// §7); the same text from Java or C# is indistinguishable, and JSON is
// where such pastes mostly come from.
func onlyJSONEscapes(lit string) bool {
	return !nonJSONEscape.MatchString(strings.ReplaceAll(lit, `\\`, ""))
}

var elixirStruct = regexp.MustCompile(`%[\w.]*\{[^}]*$`)

var htmlMarker = regexp.MustCompile(`&(?:amp;)*lt;(?:\?xml|Error|Code&)`)

// unwrapHTMLEscaped decodes a body shown as HTML or XML text (&lt;Error&gt;,
// newlines as &#xA; or &#10;), as it is when copied from an HTML page's
// source or a log viewer.
func unwrapHTMLEscaped(p *paste) bool {
	if !htmlMarker.MatchString(p.s) || strings.Contains(p.s, "<Code>") {
		return false
	}
	p.apply("html-escaped", html.UnescapeString(p.s))
	return true
}

var mdEscape = regexp.MustCompile("\\\\([!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~])")

// unwrapMarkdown undoes the backslashes a Markdown editor adds before
// punctuation (\_, \&, \<) when text is pasted into it.
func unwrapMarkdown(p *paste) bool {
	if !strings.Contains(p.s, `\<Error`) && !strings.Contains(p.s, `\<Code\>`) && !(markerIndex(p.s) >= 0 && (strings.Contains(p.s, `\_`) || strings.Contains(p.s, `\&`) || strings.Contains(p.s, `\*`))) {
		return false
	}
	p.apply("markdown-escaped", mdEscape.ReplaceAllString(p.s, "$1"))
	return true
}
