package diff

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The notation of Visible and of every renderer in this package. The
// bytes that decide a signature are the ones a terminal hides: pastes lose
// CR and trailing spaces, editors turn spaces into NBSP, and copying from
// web pages adds zero-width characters.
//
//	\r \t           CR, TAB
//	\n              LF inside a changed fragment (elsewhere LF ends the line)
//	\\              a backslash, so that the escapes above stay unambiguous
//	␠               a trailing space: a space followed only by spaces or
//	                tabs up to the end of its line (LF, CR LF, or the end)
//	<NBSP>          U+00A0 no-break space
//	<SHY>           U+00AD soft hyphen
//	<ZWSP> <ZWNJ> <ZWJ> <WJ> <BOM>
//	                U+200B, U+200C, U+200D, U+2060, U+FEFF
//	<U+XXXX>        any other invisible character: C1 controls, format
//	                characters (Cf), spaces other than U+0020 (Zs), line and
//	                paragraph separators, and ␠ itself (U+2420)
//	\xNN            another control byte (00–1F, 7F) or a byte that is not
//	                part of valid UTF-8, in upper-case hex
//	<no final newline>
//	                appended by Visible when the bytes do not end with LF
//
// Everything else is shown as itself. Renderers pass each escape through
// Palette.Escape so that, in colour, it cannot be mistaken for text.

const (
	trailingSpace  = "␠"
	noFinalNewline = "<no final newline>"
)

var named = map[rune]string{
	0x00A0: "<NBSP>",
	0x00AD: "<SHY>",
	0x200B: "<ZWSP>",
	0x200C: "<ZWNJ>",
	0x200D: "<ZWJ>",
	0x2060: "<WJ>",
	0xFEFF: "<BOM>",
}

// piece is a run of visible text: esc marks an escape standing for
// invisible bytes.
type piece struct {
	text string
	esc  bool
}

// Visible returns b with its invisible bytes made visible in the notation
// above, LF kept as line breaks and a final "<no final newline>" marker when
// b is not empty and does not end with LF.
func Visible(b []byte) string {
	var sb strings.Builder
	for _, p := range visiblePieces(b, 0, len(b), false) {
		sb.WriteString(p.text)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		sb.WriteString(noFinalNewline)
	}
	return sb.String()
}

// VisibleFragment shows one line or an excerpt of one — a header value, a
// line of a signed string — in Visible's notation, with LF escaped as \n and
// no final-newline marker.
func VisibleFragment(s string) string { return visibleString(s) }

// visibleString shows a fragment that ends its line (a label, a value),
// with LF escaped.
func visibleString(s string) string {
	var sb strings.Builder
	for _, p := range visiblePieces([]byte(s), 0, len(s), true) {
		sb.WriteString(p.text)
	}
	return sb.String()
}

// visiblePieces shows b[start:end]. Whether a space is trailing is decided
// on all of b, so a fragment cut out of a line is shown as it reads in the
// line. lfEsc shows LF as \n (inside a changed fragment) rather than as a
// line break.
func visiblePieces(b []byte, start, end int, lfEsc bool) []piece {
	var ps []piece
	var plain strings.Builder
	emit := func(s string, esc bool) {
		if !esc {
			plain.WriteString(s)
			return
		}
		if plain.Len() > 0 {
			ps = append(ps, piece{plain.String(), false})
			plain.Reset()
		}
		ps = append(ps, piece{s, true})
	}
	for i := start; i < end; {
		c := b[i]
		switch {
		case c == ' ' || c == '\t':
			j := i
			for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
				j++
			}
			trailing := j == len(b) || b[j] == '\n' || (b[j] == '\r' && (j+1 == len(b) || b[j+1] == '\n'))
			for ; i < j && i < end; i++ {
				switch {
				case b[i] == '\t':
					emit(`\t`, true)
				case trailing:
					emit(trailingSpace, true)
				default:
					emit(" ", false)
				}
			}
			continue
		case c == '\n' && !lfEsc:
			emit("\n", false)
		case c == '\n':
			emit(`\n`, true)
		case c == '\r':
			emit(`\r`, true)
		case c == '\\':
			emit(`\\`, true)
		case c < 0x20 || c == 0x7F:
			emit(fmt.Sprintf(`\x%02X`, c), true)
		case c < utf8.RuneSelf:
			plain.WriteByte(c)
		default:
			r, n := utf8.DecodeRune(b[i:end])
			if r == utf8.RuneError && n <= 1 {
				emit(fmt.Sprintf(`\x%02X`, c), true)
				i++
				continue
			}
			if s, ok := named[r]; ok {
				emit(s, true)
			} else if invisible(r) {
				emit(fmt.Sprintf("<U+%04X>", r), true)
			} else {
				plain.WriteString(string(b[i : i+n]))
			}
			i += n
			continue
		}
		i++
	}
	if plain.Len() > 0 {
		ps = append(ps, piece{plain.String(), false})
	}
	return ps
}

// invisible reports whether r prints as nothing or as a blank that could be
// mistaken for a space, or is the ␠ symbol the notation uses.
func invisible(r rune) bool {
	return (r >= 0x80 && r <= 0x9F) || r == 0x2420 ||
		unicode.In(r, unicode.Cf, unicode.Zs, unicode.Zl, unicode.Zp)
}
