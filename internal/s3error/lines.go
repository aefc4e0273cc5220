package s3error

import (
	"iter"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Line-level un-wrappers: what a browser, a terminal, a logger or a chat
// client did to the lines of the body. None of their patterns can match a
// line of the body itself (XML, a string to sign, a canonical request or a
// byte dump never starts with "> ", a timestamp or a prompt), so each is
// applied to every line it matches.

var browserBanner = regexp.MustCompile(`(?m)^.*This XML file does not appear to have any style information associated with it\..*$`)

// browserToggle is the expand/collapse marker that XML tree views put in
// front of elements with children (Firefox's "-", Chrome's triangles).
var browserToggle = regexp.MustCompile(`(?m)^(\s*)(?:[-−▼▶▾▸]\s?)(<)`)

// unwrapBrowserView removes the banner of Chrome's and Firefox's raw XML
// view. The view also collapses the white space inside text, which
// finish notices from the dumps or the string shapes.
func unwrapBrowserView(p *paste) {
	if !strings.Contains(p.s, "does not appear to have any style information") || !browserBanner.MatchString(p.s) {
		return
	}
	s := browserBanner.ReplaceAllString(p.s, "")
	s = browserToggle.ReplaceAllString(s, "$1$2")
	p.apply("browser-xml-view", s)
}

// unwrapCRLF turns CRLF into LF when every line break of the paste is CRLF:
// that is the clipboard or editor of a Windows machine, not the server
// (S3 writes LF). A lone CR or a mix is kept: it may be the server's.
func unwrapCRLF(p *paste) {
	lf := strings.Count(p.s, "\n")
	if lf == 0 || strings.Count(p.s, "\r\n") != lf {
		return
	}
	p.apply("crlf-line-endings", strings.ReplaceAll(p.s, "\r\n", "\n"))
}

type linePrefix struct {
	layer string
	first string // the bytes a matching line can start with ("" = any), to skip the regexp cheaply
	re    *regexp.Regexp
}

const (
	digits    = "0123456789"
	logLevels = "TDIWEFCV"
	months    = "ADFJMNOS"
)

// linePrefixes are matched in order; every rule is anchored and bounded.
var linePrefixes = []linePrefix{
	{"shell-prompt", ">.$%PI(i", regexp.MustCompile(`^(?:>>> |\.\.\. |\$ |% |PS [^>\n]{0,200}> |irb\([^)\n]{0,50}\):\d+:\d+[>*"'] |iex\(\d+\)> |\(Pdb\) |In \[\d+\]: )`)},
	{"shell-prompt", "", regexp.MustCompile(`^[\w.-]{1,64}@[\w.-]{1,64}:[^\n$#]{0,200}[$#] `)},
	{"quote-prefixed", ">", regexp.MustCompile(`^(?:> ?)+`)},
	{"heading-prefixed", "#", regexp.MustCompile(`^#{1,6} `)},
	{"logcat", digits + "VDIWEFA", regexp.MustCompile(`^(?:\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\s+\d+\s+\d+ [VDIWEFA] [^:\n]{0,80}: |[VDIWEFA]/[^(:\n]{1,80}\(\s*\d+\): |[VDIWEFA]/[\w.$-]{1,80}: )`)},
	{"log-prefixed", "[" + digits, regexp.MustCompile(`^\[?\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?\]?(?: - [^\n]{0,160}? - (?:TRACE|DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL) - | +\[?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\]?(?: [^\n]{0,160}? : | \[[^\]\n]{0,80}\] [\w.$]{1,120} - |:? )| )`)},
	{"log-prefixed", digits + logLevels + months, regexp.MustCompile(`^(?:\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})? (?:\[[^\]\n]{0,80}\] )?(?:TRACE|DEBUG|INFO|WARN|ERROR)\s+[\w.$]{1,120} - |[DIWEF], \[[^\]\n]{0,60}\]\s+[A-Z]+ -- [^:\n]{0,60}: |(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):[\w.]{1,120}:|[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \S{1,64} [^:\n]{1,60}: )`)},
}

// stripPrefix removes the first prefix that matches l, returning its rule.
func stripPrefix(l string) (string, int) {
	return stripPrefixOf(l, (*regexp.Regexp).FindStringIndex)
}

// stripPrefixBytes is stripPrefix for a line held in a buffer.
func stripPrefixBytes(l []byte) ([]byte, int) {
	return stripPrefixOf(l, (*regexp.Regexp).FindIndex)
}

func stripPrefixOf[T string | []byte](l T, find func(*regexp.Regexp, T) []int) (T, int) {
	if len(l) == 0 {
		return l, -1
	}
	for k, lp := range linePrefixes {
		if lp.first != "" && strings.IndexByte(lp.first, l[0]) < 0 {
			continue
		}
		if loc := find(lp.re, l); loc != nil && loc[1] > 0 {
			return l[loc[1]:], k
		}
	}
	return l, -1
}

// unwrapLinePrefixes strips quote markers, prompts and log prefixes from
// every line, nested ones too ("> 2024-… DEBUG …"). A prefix that occurs
// on one line only (a prompt before the command, a log line that starts a
// multi-line message) is stripped but not named as the form.
//
// The text is copied once, from the first line that loses a prefix on: a
// paste of megabytes (a whole log) costs one copy, not one per line.
func unwrapLinePrefixes(p *paste) {
	counts := make([]int, len(linePrefixes))
	var sb strings.Builder
	changed := false
	for off, l := range eachLine(p.s) {
		orig := l
		for depth := 0; depth < 3; depth++ {
			rest, k := stripPrefix(l)
			if k < 0 {
				break
			}
			counts[k]++
			l = rest
		}
		if !changed && len(l) == len(orig) {
			continue
		}
		if !changed {
			changed = true
			sb.Grow(len(p.s))
			sb.WriteString(p.s[:off])
		}
		sb.WriteString(l)
		if end := off + len(orig); end < len(p.s) {
			sb.WriteByte('\n')
		}
	}
	if !changed {
		return
	}
	p.s = sb.String()
	for k, n := range counts {
		if n >= 2 {
			p.layers = append(p.layers, linePrefixes[k].layer)
		}
	}
}

// consoleWidth returns the width a terminal wrapped the paste at, or 0.
// A wrapped paste has several lines of exactly the terminal's width and
// none longer; one of them at least ends inside a word.
func consoleWidth(s string) int {
	if strings.Count(s, "\n") < 2 {
		return 0
	}
	w := 0
	for _, l := range eachLine(s) {
		w = max(w, utf8.RuneCountInString(strings.TrimSuffix(l, "\r")))
	}
	if w < 40 {
		return 0
	}
	full, midWord := 0, 0
	for off, l := range eachLine(s) {
		next := off + len(l) + 1 // where the next line starts
		if next > len(s) {
			break // the last line continues nothing
		}
		l = strings.TrimSuffix(l, "\r")
		if utf8.RuneCountInString(l) != w {
			continue
		}
		full++
		if l != "" && next < len(s) && s[next] != '\n' && isWordByte(l[len(l)-1]) && isWordByte(s[next]) {
			midWord++
		}
	}
	if full >= 3 || (full >= 2 && midWord >= 1) {
		return w
	}
	return 0
}

func isWordByte(c byte) bool {
	return c >= 0x80 || c == '_' || c == '-' || c == '/' ||
		('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// unwrapConsole joins the lines a terminal broke at width w: a line of
// exactly w characters continues on the next.
func unwrapConsole(p *paste, w int) {
	var sb strings.Builder
	sb.Grow(len(p.s)) // joining only removes bytes: one allocation
	for off, l := range eachLine(p.s) {
		last := off+len(l) == len(p.s)
		l2 := strings.TrimSuffix(l, "\r")
		if !last && utf8.RuneCountInString(l2) == w {
			sb.WriteString(l2)
			continue
		}
		sb.WriteString(l)
		if !last {
			sb.WriteByte('\n')
		}
	}
	p.apply("console-wrapped", sb.String())
}

// unwrapConsolePrefixed is unwrapConsole(p, w) and then
// unwrapLinePrefixes(p) in one pass with one copy of the text, not two: a
// joined line is put together in a buffer sized for it (and kept for the
// next), and its prefixes are stripped there.
func unwrapConsolePrefixed(p *paste, w int) {
	var sb strings.Builder
	sb.Grow(len(p.s))
	counts := make([]int, len(linePrefixes))
	var joined []byte
	for from := 0; ; {
		// The line the terminal wrapped: pieces of exactly w characters
		// (their CRs dropped), then a last piece, which keeps its CR.
		end, size, final := from, 0, from
		for {
			i := strings.IndexByte(p.s[end:], '\n')
			if i < 0 {
				size += len(p.s) - end
				final, end = end, len(p.s)
				break
			}
			l := strings.TrimSuffix(p.s[end:end+i], "\r")
			if utf8.RuneCountInString(l) != w {
				size += i
				final, end = end, end+i
				break
			}
			size += len(l)
			end += i + 1
		}
		if final == from {
			l := p.s[from:end]
			for depth := 0; depth < 3; depth++ {
				rest, k := stripPrefix(l)
				if k < 0 {
					break
				}
				counts[k]++
				l = rest
			}
			sb.WriteString(l)
		} else {
			joined = slices.Grow(joined[:0], size)
			for at := from; at < final; {
				i := strings.IndexByte(p.s[at:], '\n')
				joined = append(joined, strings.TrimSuffix(p.s[at:at+i], "\r")...)
				at += i + 1
			}
			line := append(joined, p.s[final:end]...)
			for depth := 0; depth < 3; depth++ {
				rest, k := stripPrefixBytes(line)
				if k < 0 {
					break
				}
				counts[k]++
				line = rest
			}
			sb.Write(line)
		}
		if end == len(p.s) {
			break
		}
		sb.WriteByte('\n')
		from = end + 1
	}
	p.apply("console-wrapped", sb.String())
	for k, n := range counts {
		if n >= 2 {
			p.layers = append(p.layers, linePrefixes[k].layer)
		}
	}
}

// eachLine yields the lines of s as strings.Split(s, "\n") would, with the
// offset each starts at, without building the slice.
func eachLine(s string) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		for off := 0; ; {
			i := strings.IndexByte(s[off:], '\n')
			if i < 0 {
				yield(off, s[off:])
				return
			}
			if !yield(off, s[off:off+i]) {
				return
			}
			off += i + 1
		}
	}
}

// candidates returns the readings of the paste to try, most likely first:
// every un-wrapper that recognises its form applied in the documented
// order, joining console-wrapped lines before the line prefixes are
// stripped (the terminal wrapped a quoted or logged text) or after (the
// wrapped text was quoted); the same without joining (a paste can have
// several lines of one length by chance); and the paste as it is.
func candidates(p *paste) []*paste {
	base := p.clone()
	unwrapBrowserView(base)
	unwrapCRLF(base)
	stripped := base.clone()
	unwrapLinePrefixes(stripped)
	finish := func(c *paste, w int) *paste {
		if w > 0 {
			unwrapConsole(c, w)
		}
		unwrapEscapes(c)
		return c
	}
	var out []*paste
	if stripped.s != base.s {
		if w := consoleWidth(stripped.s); w > 0 {
			out = append(out, finish(stripped.clone(), w))
		}
	}
	if w := consoleWidth(base.s); w > 0 {
		c := base.clone()
		unwrapConsolePrefixed(c, w)
		out = append(out, finish(c, 0))
	}
	out = append(out, finish(stripped, 0))
	if out[len(out)-1].s != p.s {
		out = append(out, p.clone())
	}
	return out
}
