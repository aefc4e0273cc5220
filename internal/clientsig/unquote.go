package clientsig

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// unquote reads a one-line string literal as Python (repr, with an optional
// b prefix), JSON or Go print them: '…' or "…" with backslash escapes.
func unquote(s string) (string, bool) {
	s = strings.TrimPrefix(s, "b")
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[len(s)-1] != s[0] {
		return "", false
	}
	q := s[0]
	body := s[1 : len(s)-1]
	var out strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == q {
			return "", false // an unescaped quote: not one literal
		}
		if c != '\\' {
			out.WriteByte(c)
			continue
		}
		i++
		if i >= len(body) {
			return "", false
		}
		switch e := body[i]; e {
		case 'n':
			out.WriteByte('\n')
		case 'r':
			out.WriteByte('\r')
		case 't':
			out.WriteByte('\t')
		case '0':
			out.WriteByte(0)
		case '\\', '\'', '"', '/':
			out.WriteByte(e)
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+1+n > len(body) {
				return "", false
			}
			v, err := strconv.ParseUint(body[i+1:i+1+n], 16, 32)
			if err != nil {
				return "", false
			}
			if e == 'x' {
				out.WriteByte(byte(v)) // Python bytes repr: one byte
			} else if utf8.ValidRune(rune(v)) {
				out.WriteRune(rune(v))
			} else {
				return "", false
			}
			i += n
		default:
			return "", false
		}
	}
	return out.String(), true
}
