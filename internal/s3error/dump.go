package s3error

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DumpError reports a token of a byte dump that is not a byte.
type DumpError struct {
	Offset int    // byte offset of the token in the dump text
	Index  int    // 0-based index of the token among the dump's tokens
	Token  string // the token as written
	Msg    string
}

func (e *DumpError) Error() string {
	return fmt.Sprintf("byte dump token %d %q at byte %d: %s", e.Index+1, e.Token, e.Offset, e.Msg)
}

// DecodeDump decodes a byte dump as S3 and OSS print them in
// StringToSignBytes and CanonicalRequestBytes: hex bytes separated by
// blanks ("41 57 53 34 2d 0a"). AWS writes lower case and drops the
// leading zero of nothing; OSS writes upper case; people re-wrap the dump
// over lines and indent it, and browsers turn spaces into U+00A0, so any
// Unicode space separates tokens and a one-digit token is one byte ("a" is
// 0x0a). A token of more than two hex digits is an error, not two bytes:
// the spaces that would tell where bytes begin are gone.
func DecodeDump(s string) ([]byte, error) {
	b, err := decodeDumpPartial(s)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// decodeDumpPartial decodes up to the first bad token and returns what it
// decoded with the error, so that a damaged paste still yields its prefix.
func decodeDumpPartial(s string) ([]byte, *DumpError) {
	out := make([]byte, 0, len(s)/3+1)
	index := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			i += size
			continue
		}
		start := i
		for i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
				break
			}
			i += size
		}
		tok := s[start:i]
		v, msg := hexToken(tok)
		if msg != "" {
			if len(tok) > 40 {
				tok = tok[:40]
			}
			return out, &DumpError{Offset: start, Index: index, Token: tok, Msg: msg}
		}
		out = append(out, v)
		index++
	}
	return out, nil
}

func hexToken(tok string) (byte, string) {
	if len(tok) > 2 {
		return 0, "not one byte: more than two hex digits"
	}
	var v byte
	for i := 0; i < len(tok); i++ {
		d, ok := hexDigit(tok[i])
		if !ok {
			return 0, "not a hex byte"
		}
		v = v<<4 | d
	}
	return v, ""
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// EncodeDump writes b the way S3 does: lower-case two-digit hex bytes
// separated by single spaces. Tests and renderers use it to show bytes in
// the form the user saw them.
func EncodeDump(b []byte) string {
	const digits = "0123456789abcdef"
	var sb strings.Builder
	sb.Grow(len(b) * 3)
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteByte(digits[c>>4])
		sb.WriteByte(digits[c&15])
	}
	return sb.String()
}
