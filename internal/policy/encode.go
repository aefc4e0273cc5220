package policy

import (
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Style is a way of writing JSON, as the serializers signing servers use
// write it. A server that parses the policy and serializes it again signs
// bytes the browser never sends; recreating those bytes is how the mistake
// is recognised (see internal/fineuploader).
type Style struct {
	Name     string // short id, e.g. "python-json-dumps"
	ItemSep  string // between array elements and object members: ", " (Python), "," (compact)
	KeySep   string // between a key and its value: ": " (Python), ":" (compact)
	Indent   string // when not empty, one level of indentation; elements go on their own lines (Python indent=N)
	SortKeys bool   // object members sorted by key (Python sort_keys=True)
	ASCII    bool   // non-ASCII escaped as \uXXXX (Python ensure_ascii=True, its default)
}

// Styles are the serializations tried when looking for a re-serialized
// policy: Python's json.dumps with its defaults (separators ", " and ": ",
// ensure_ascii=True) and common options, and JavaScript's JSON.stringify
// (compact, non-ASCII kept), which is also what Go's json.Marshal writes
// for these documents apart from its HTML escaping.
var Styles = []Style{
	{Name: "python-json-dumps", ItemSep: ", ", KeySep: ": ", ASCII: true},
	{Name: "python-json-dumps-sort-keys", ItemSep: ", ", KeySep: ": ", ASCII: true, SortKeys: true},
	{Name: "python-json-dumps-compact", ItemSep: ",", KeySep: ":", ASCII: true},
	{Name: "python-json-dumps-compact-sort-keys", ItemSep: ",", KeySep: ":", ASCII: true, SortKeys: true},
	{Name: "python-json-dumps-indent-2", ItemSep: ",", KeySep: ": ", ASCII: true, Indent: "  "},
	{Name: "python-json-dumps-indent-4", ItemSep: ",", KeySep: ": ", ASCII: true, Indent: "    "},
	{Name: "python-json-dumps-unicode", ItemSep: ", ", KeySep: ": "},
	{Name: "json-stringify", ItemSep: ",", KeySep: ":"},
}

// Encode writes v in style s. Numbers are written as they were in the
// input (Python would print 1e3 as 1000.0; policies hold integers).
func Encode(v *Value, s Style) []byte {
	return appendValue(nil, v, s, 0)
}

func appendValue(b []byte, v *Value, s Style, level int) []byte {
	switch v.Kind {
	case Null:
		return append(b, "null"...)
	case Bool, Number:
		return append(b, v.Str...)
	case String:
		return appendString(b, v.Str, s.ASCII)
	case Array:
		if len(v.Elems) == 0 {
			return append(b, "[]"...)
		}
		b = append(b, '[')
		for i, e := range v.Elems {
			if i > 0 {
				b = append(b, s.ItemSep...)
			}
			b = newline(b, s, level+1)
			b = appendValue(b, e, s, level+1)
		}
		b = newline(b, s, level)
		return append(b, ']')
	case Object:
		if len(v.Members) == 0 {
			return append(b, "{}"...)
		}
		ms := v.Members
		if s.SortKeys {
			// Python sorts str keys by code point; Go compares UTF-8
			// bytes, which orders valid UTF-8 the same way. Stable, as
			// Python's sort is, for duplicate keys.
			ms = slices.Clone(ms)
			slices.SortStableFunc(ms, func(a, b Member) int { return strings.Compare(a.Key, b.Key) })
		}
		b = append(b, '{')
		for i, m := range ms {
			if i > 0 {
				b = append(b, s.ItemSep...)
			}
			b = newline(b, s, level+1)
			b = appendString(b, m.Key, s.ASCII)
			b = append(b, s.KeySep...)
			b = appendValue(b, m.Value, s, level+1)
		}
		b = newline(b, s, level)
		return append(b, '}')
	}
	return b
}

func newline(b []byte, s Style, level int) []byte {
	if s.Indent == "" {
		return b
	}
	b = append(b, '\n')
	for range level {
		b = append(b, s.Indent...)
	}
	return b
}

// appendString quotes str as Python's json.dumps and JSON.stringify do:
// \" \\ \b \f \n \r \t by name, other control characters as \u00xx (lower
// case hex), '/' and DEL left alone; with ascii, every non-ASCII character
// as \uxxxx (UTF-16 surrogate pairs above U+FFFF).
func appendString(b []byte, str string, ascii bool) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(str); {
		c := str[i]
		if c >= 0x80 && ascii {
			r, n := utf8.DecodeRuneInString(str[i:])
			i += n
			if r >= 0x10000 {
				r1, r2 := utf16.EncodeRune(r)
				b = appendU(b, r1)
				b = appendU(b, r2)
			} else {
				b = appendU(b, r)
			}
			continue
		}
		i++
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}

func appendU(b []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(b, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
}
