package s3error

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Damage finding: walk the text and the dump's bytes together; where they
// part, find the nearest place (by total bytes skipped on both sides) where
// they agree again for anchorLen bytes, and report the region between.
// Every region is reported, not only the first. The search is bounded by
// resyncWindow on each side and maxDamage regions, so a text unrelated to
// its dump costs at most a few million byte comparisons.
const (
	maxDamage    = 64
	resyncWindow = 256
	anchorLen    = 8
	excerptCtx   = 16
)

// compareText returns every region where text and the dump disagree.
// A side that was cut by truncation (textCut, dumpCut) is not faulted for
// ending early.
func compareText(part, text string, by []byte, textCut, dumpCut bool) []Damage {
	t := []byte(text)
	var out []Damage
	i, j := 0, 0
	for len(out) < maxDamage {
		for i < len(t) && j < len(by) && t[i] == by[j] {
			i++
			j++
		}
		if (i == len(t) && j == len(by)) || (i == len(t) && textCut) || (j == len(by) && dumpCut) {
			break
		}
		a, b := resync(t, by, i, j)
		if a == len(t) && b == len(by) && ((textCut && a-i < b-j) || (dumpCut && b-j < a-i)) {
			// the rest differs only as much as the cut explains
			break
		}
		out = append(out, Damage{
			Part:   part,
			Offset: j,
			Text:   excerpt(t, i, a),
			Bytes:  excerpt(by, j, b),
			Note:   damageNote(t[i:a], by[j:b], b == len(by) || by[b] == '\n'),
		})
		i, j = a, b
	}
	return out
}

// resync finds the nearest (a, b) past (i, j) where text and bytes agree
// again; balanced skips (a substitution) are tried first at each distance.
func resync(t, by []byte, i, j int) (int, int) {
	maxD := 2 * resyncWindow
	for d := 1; d <= maxD; d++ {
		for k := 0; k <= d; k++ {
			x := d/2 + (k+1)/2*sign(k)
			if x < 0 || x > d {
				continue
			}
			a, b := i+x, j+(d-x)
			if a > len(t) || b > len(by) {
				continue
			}
			if anchored(t, by, a, b) {
				return a, b
			}
		}
	}
	return len(t), len(by)
}

func sign(k int) int {
	if k%2 == 1 {
		return 1
	}
	return -1
}

func anchored(t, by []byte, a, b int) bool {
	rt, rb := len(t)-a, len(by)-b
	if rt == 0 && rb == 0 {
		return true
	}
	k := min(anchorLen, rt, rb)
	if k == 0 {
		return false
	}
	if k < anchorLen {
		return rt == rb && string(t[a:]) == string(by[b:])
	}
	return string(t[a:a+k]) == string(by[b:b+k])
}

// excerpt is s[from:to] with a little context, cut at rune boundaries.
func excerpt(s []byte, from, to int) string {
	lo, hi := max(0, from-excerptCtx), min(len(s), to+excerptCtx)
	for lo > 0 && lo < len(s) && !utf8.RuneStart(s[lo]) {
		lo--
	}
	for hi < len(s) && !utf8.RuneStart(s[hi]) {
		hi++
	}
	return string(s[lo:hi])
}

func damageNote(tp, bp []byte, bytesLineEnd bool) string {
	ts, bs := string(tp), string(bp)
	switch {
	case ts == "" && strings.Trim(bs, "\r") == "", ts == "\n" && bs == "\r\n":
		return "CR (0d) in the bytes is missing from the text"
	case strings.Trim(ts, "\n") == "" && bs == strings.Repeat("\r", len(ts)) && ts != "":
		return "CR (0d) in the bytes is LF in the text"
	case ts == "" && strings.Trim(bs, " \t") == "" && bytesLineEnd:
		if len(bs) == 1 {
			return "trailing space lost"
		}
		return fmt.Sprintf("%d trailing blanks lost", len(bs))
	case ts == "" && strings.Trim(bs, " \t") == "":
		return fmt.Sprintf("%d blank(s) in the bytes are missing from the text", len(bs))
	case bs == "\u00a0" && ts == " ":
		return "non-breaking space (c2 a0) in the bytes is a plain space in the text"
	case strings.Trim(ts, " ") == "" && ts != "" && strings.Trim(bs, "\n") == "" && bs != "":
		if len(bs) > 1 {
			return fmt.Sprintf("%d line breaks (0a) in the bytes are a space in the text (white space collapsed)", len(bs))
		}
		return "line break (0a) in the bytes is a space in the text (white space collapsed)"
	case bs == "" && strings.Trim(ts, "\n") == "":
		return "text has a line break (0a) that the bytes do not"
	case bs == "" && strings.Trim(ts, "\r") == "":
		return "text has CR (0d) that the bytes do not"
	case bs == "" && strings.Trim(ts, " \t") == "":
		return fmt.Sprintf("text has %d blank(s) that the bytes do not", len(ts))
	case isPlaceholder(ts):
		return fmt.Sprintf("redacted: text has `%s`, bytes have `%s`", visible(ts), visible(bs))
	case strings.ContainsRune(ts, utf8.RuneError) && !utf8.Valid(bp):
		return "the bytes are not valid UTF-8 where the text shows U+FFFD"
	case bs == "":
		return fmt.Sprintf("text has `%s` that the bytes do not", visible(ts))
	case ts == "":
		return fmt.Sprintf("bytes have `%s` that the text does not", visible(bs))
	}
	return fmt.Sprintf("text has `%s`, bytes have `%s`", visible(ts), visible(bs))
}

// isPlaceholder reports text that people put in place of a secret or a
// name when they publish a body: <your bucket>, [redacted], ***, XXXX.
func isPlaceholder(s string) bool {
	l := strings.ToLower(s)
	pairs := [][2]string{{"<", ">"}, {"[", "]"}, {"{", "}"}}
	for _, p := range pairs {
		if i := strings.Index(l, p[0]); i >= 0 && strings.Contains(l[i:], p[1]) {
			return true
		}
	}
	for _, w := range []string{"***", "xxx", "...", "…", "redact", "your", "hidden", "removed", "example"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// visible shows invisible bytes as escapes and shortens long runs, for
// the notes.
func visible(s string) string {
	var sb strings.Builder
	for i, r := range s {
		if sb.Len() > 60 {
			sb.WriteString("…")
			break
		}
		switch {
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r == '\u00a0':
			sb.WriteString(`\u00a0`)
		case r == utf8.RuneError && !utf8.ValidString(s[i:min(len(s), i+4)]):
			sb.WriteString(fmt.Sprintf(`\x%02x`, s[i]))
		case r < 0x20 || r == 0x7f || r == '\u200b' || r == '\ufeff':
			sb.WriteString(fmt.Sprintf(`\x%02x`, r))
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}
