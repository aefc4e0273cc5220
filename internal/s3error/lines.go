package s3error

import (
	"regexp"
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
	if !browserBanner.MatchString(p.s) {
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
	re    *regexp.Regexp
}

// linePrefixes are matched in order; every rule is anchored and bounded.
var linePrefixes = []linePrefix{
	{"shell-prompt", regexp.MustCompile(`^(?:>>> |\.\.\. |\$ |% |PS [^>\n]{0,200}> |[\w.-]{1,64}@[\w.-]{1,64}:[^\n$#]{0,200}[$#] |irb\([^)\n]{0,50}\):\d+:\d+[>*"'] |iex\(\d+\)> |\(Pdb\) |In \[\d+\]: )`)},
	{"quote-prefixed", regexp.MustCompile(`^(?:> ?)+`)},
	{"heading-prefixed", regexp.MustCompile(`^#{1,6} `)},
	{"logcat", regexp.MustCompile(`^(?:\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\s+\d+\s+\d+ [VDIWEFA] [^:\n]{0,80}: |[VDIWEFA]/[^(:\n]{1,80}\(\s*\d+\): |[VDIWEFA]/[\w.$-]{1,80}: )`)},
	{"log-prefixed", regexp.MustCompile(`^\[?\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?\]?(?: - [^\n]{0,160}? - (?:TRACE|DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL) - | +\[?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\]?(?: [^\n]{0,160}? : | \[[^\]\n]{0,80}\] [\w.$]{1,120} - |:? )| )`)},
	{"log-prefixed", regexp.MustCompile(`^(?:\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})? (?:\[[^\]\n]{0,80}\] )?(?:TRACE|DEBUG|INFO|WARN|ERROR)\s+[\w.$]{1,120} - |[DIWEF], \[[^\]\n]{0,60}\]\s+[A-Z]+ -- [^:\n]{0,60}: |(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):[\w.]{1,120}:|[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \S{1,64} [^:\n]{1,60}: )`)},
}

// unwrapLinePrefixes strips quote markers, prompts and log prefixes from
// every line. A prefix that occurs on one line only (a prompt before the
// command, a log line that starts a multi-line message) is stripped but not
// named as the form.
func unwrapLinePrefixes(p *paste) {
	for round := 0; round < 3; round++ {
		lines := strings.Split(p.s, "\n")
		changed := false
		for _, lp := range linePrefixes {
			n := 0
			for i, l := range lines {
				if loc := lp.re.FindStringIndex(l); loc != nil && loc[1] > 0 {
					lines[i] = l[loc[1]:]
					n++
				}
			}
			if n > 0 {
				changed = true
				s := strings.Join(lines, "\n")
				if n >= 2 {
					p.apply(lp.layer, s)
				} else {
					p.s = s
				}
			}
		}
		if !changed {
			return
		}
	}
}

// consoleWidth returns the width a terminal wrapped the paste at, or 0.
// A wrapped paste has several lines of exactly the terminal's width and
// none longer; one of them at least ends inside a word.
func consoleWidth(s string) int {
	lines := strings.Split(s, "\n")
	if len(lines) < 3 {
		return 0
	}
	w := 0
	for _, l := range lines {
		w = max(w, utf8.RuneCountInString(strings.TrimSuffix(l, "\r")))
	}
	if w < 40 {
		return 0
	}
	full, midWord := 0, 0
	for i, l := range lines[:len(lines)-1] {
		l = strings.TrimSuffix(l, "\r")
		if utf8.RuneCountInString(l) != w {
			continue
		}
		full++
		next := lines[i+1]
		if l != "" && next != "" && isWordByte(l[len(l)-1]) && isWordByte(next[0]) {
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
	lines := strings.Split(p.s, "\n")
	var sb strings.Builder
	for i, l := range lines {
		l2 := strings.TrimSuffix(l, "\r")
		if i < len(lines)-1 && utf8.RuneCountInString(l2) == w {
			sb.WriteString(l2)
			continue
		}
		sb.WriteString(l)
		if i < len(lines)-1 {
			sb.WriteByte('\n')
		}
	}
	p.apply("console-wrapped", sb.String())
}

// candidates returns the readings of the paste to try, most likely first:
// every un-wrapper that recognises its form applied in the documented
// order; the same without joining console-wrapped lines (a paste can have
// several lines of one length by chance); and the paste as it is.
func candidates(p *paste) []*paste {
	var out []*paste
	build := func(w int) *paste {
		c := p.clone()
		unwrapBrowserView(c)
		unwrapCRLF(c)
		if w > 0 {
			unwrapConsole(c, w)
		}
		unwrapLinePrefixes(c)
		unwrapEscapes(c)
		return c
	}
	if w := consoleWidth(p.s); w > 0 {
		out = append(out, build(w))
	}
	out = append(out, build(0))
	if out[len(out)-1].s != p.s {
		out = append(out, p.clone())
	}
	return out
}
