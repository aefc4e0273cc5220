package diff

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/fatih/color"
)

// Palette styles the pieces of a rendered diff. The command decides once
// whether to colour (--color, NO_COLOR, TERM=dumb, whether the stream is a
// terminal) and passes PlainPalette or ColorPalette down; this package
// never reads or sets color.NoColor.
type Palette struct {
	Del    func(string) string // server-only bytes and their [- -] markers
	Ins    func(string) string // client-only bytes and their {+ +} markers
	Same   func(string) string // lines equal on both sides
	Label  func(string) string // unit labels and headings
	Marker func(string) string // the "~" gutter and the caret
	Escape func(string) string // escapes standing for invisible bytes
}

// PlainPalette styles nothing: the markers and escapes alone carry the diff,
// for pipes, files and NO_COLOR.
func PlainPalette() Palette {
	id := func(s string) string { return s }
	return Palette{Del: id, Ins: id, Same: id, Label: id, Marker: id, Escape: id}
}

// ColorPalette styles with ANSI colours, forced on: the caller has already
// decided that colour is wanted. Escapes use reverse video, an attribute
// with its own reset, so they nest inside the red and green of changes.
func ColorPalette() Palette {
	paint := func(attrs ...color.Attribute) func(string) string {
		c := color.New(attrs...)
		c.EnableColor()
		return func(s string) string {
			if s == "" {
				return ""
			}
			return c.Sprint(s)
		}
	}
	return Palette{
		Del:    paint(color.FgRed),
		Ins:    paint(color.FgGreen),
		Same:   paint(color.Faint),
		Label:  paint(color.FgCyan),
		Marker: paint(color.FgYellow, color.Bold),
		Escape: paint(color.ReverseVideo),
	}
}

// Rendering limits: equal runs longer than this many lines around context
// are folded; equal stretches inside changed lines and equal lines longer
// than these many bytes are cut in the middle.
const (
	contextLines = 3
	foldBytes    = 64
	labelWidth   = 30
)

// Render writes r as text: a heading, one line per unit — equal units dim,
// changed ones in git --word-diff=plain style, [-server-]{+client+} — and
// the first divergence with a caret under the diverging byte. Invisible
// bytes are shown in Visible's notation, so the output reads the same with
// and without colour.
func Render(w io.Writer, r *Result, p Palette) error {
	var b strings.Builder
	heading := fmt.Sprintf("%s (%s)", r.Part, r.Kind)
	if r.Equal() {
		fmt.Fprintf(&b, "%s: same bytes on both sides (%d bytes)\n", p.Label(heading), len(r.Server))
		_, err := io.WriteString(w, b.String())
		return err
	}
	differ := 0
	for _, u := range r.Units {
		if u.Op != Equal {
			differ++
		}
	}
	fmt.Fprintf(&b, "%s: %d of %d lines differ (server %d bytes, client %d bytes)\n",
		p.Label(heading), differ, len(r.Units), len(r.Server), len(r.Client))
	fmt.Fprintf(&b, "  %s server only  %s client only  %s changed: %s%s  %s trailing space  %s CR  %s LF\n",
		p.Del("-"), p.Ins("+"), p.Marker("~"), p.Del("[-server-]"), p.Ins("{+client+}"),
		p.Escape(trailingSpace), p.Escape(`\r`), p.Escape(`\n`))
	width := 0
	for _, u := range r.Units {
		width = max(width, utf8.RuneCountInString(u.Label))
	}
	width = min(width, labelWidth)
	for i := 0; i < len(r.Units); {
		j := i
		for j < len(r.Units) && r.Units[j].Op == Equal {
			j++
		}
		if j > i { // a run of equal units [i, j)
			renderEqualRun(&b, r, p, i, j, width)
			i = j
			continue
		}
		renderUnit(&b, r, p, r.Units[i], width)
		i++
	}
	renderDivergence(&b, r, p)
	_, err := io.WriteString(w, b.String())
	return err
}

// renderEqualRun shows equal units i..j-1, folding the middle of a long run
// (keeping context next to changes, none at the ends of the text).
func renderEqualRun(b *strings.Builder, r *Result, p Palette, i, j, width int) {
	head, tail := contextLines, contextLines
	if i == 0 {
		head = 0
	}
	if j == len(r.Units) {
		tail = 0
	}
	if j-i <= head+tail+contextLines {
		head, tail = j-i, 0
	}
	for k := i; k < i+head; k++ {
		renderUnit(b, r, p, r.Units[k], width)
	}
	if hidden := j - i - head - tail; hidden > 0 {
		fmt.Fprintf(b, "    %s\n", p.Same(fmt.Sprintf("... %d equal lines", hidden)))
	}
	for k := j - tail; k < j; k++ {
		renderUnit(b, r, p, r.Units[k], width)
	}
}

func renderUnit(b *strings.Builder, r *Result, p Palette, u Unit, width int) {
	var gutter, text string
	switch u.Op {
	case Equal:
		gutter, text = " ", styled(r.Server, lineBody(r.Server, u.Server), p.Same, p, true)
	case ServerOnly:
		gutter, text = p.Del("-"), styled(r.Server, lineBody(r.Server, u.Server), p.Del, p, false)
	case ClientOnly:
		gutter, text = p.Ins("+"), styled(r.Client, lineBody(r.Client, u.Client), p.Ins, p, false)
	case Changed:
		gutter, text = p.Marker("~"), wordDiff(r, u, p)
	}
	label := u.Label
	if n := utf8.RuneCountInString(label); n < width {
		label += strings.Repeat(" ", width-n)
	}
	line := fmt.Sprintf("  %s %s  %s", gutter, p.Label(label), text)
	b.WriteString(strings.TrimRight(line, " "))
	b.WriteByte('\n')
}

// lineBody is a unit's span without its final LF.
func lineBody(all []byte, s Span) Span {
	if s.Len > 0 && all[s.End()-1] == '\n' {
		s.Len--
	}
	return s
}

// styled shows all[s] with style, escapes in Escape; fold cuts the middle
// of a long stretch (equal bytes only: changed bytes are always shown).
func styled(all []byte, s Span, style func(string) string, p Palette, fold bool) string {
	if fold && s.Len > 2*foldBytes {
		lo := s.Offset + foldBytes/2
		for lo > s.Offset && continuation(all, lo) {
			lo--
		}
		hi := s.End() - foldBytes/2
		for hi < s.End() && continuation(all, hi) {
			hi++
		}
		return styled(all, Span{s.Offset, lo - s.Offset}, style, p, false) +
			p.Escape("…") + styled(all, Span{hi, s.End() - hi}, style, p, false)
	}
	var b strings.Builder
	for _, pc := range visiblePieces(all, s.Offset, s.End(), true) {
		if pc.esc {
			b.WriteString(style(p.Escape(pc.text)))
		} else {
			b.WriteString(style(pc.text))
		}
	}
	return b.String()
}

// wordDiff shows a changed unit as git --word-diff=plain does.
func wordDiff(r *Result, u Unit, p Palette) string {
	id := func(s string) string { return s }
	var b strings.Builder
	for _, e := range u.Edits {
		switch e.Op {
		case Equal:
			s := e.Server
			if s.End() == u.Server.End() {
				s = lineBody(r.Server, s)
			}
			b.WriteString(styled(r.Server, s, id, p, true))
		case ServerOnly:
			b.WriteString(p.Del("[-") + styled(r.Server, e.Server, p.Del, p, false) + p.Del("-]"))
		case ClientOnly:
			b.WriteString(p.Ins("{+") + styled(r.Client, e.Client, p.Ins, p, false) + p.Ins("+}"))
		case Changed:
			b.WriteString(p.Del("[-") + styled(r.Server, e.Server, p.Del, p, false) + p.Del("-]"))
			b.WriteString(p.Ins("{+") + styled(r.Client, e.Client, p.Ins, p, false) + p.Ins("+}"))
		}
	}
	return b.String()
}

// renderDivergence writes the first-divergence block: where, what, the
// bytes in hex, and each side's line with a caret under the byte.
func renderDivergence(b *strings.Builder, r *Result, p Palette) {
	d := r.First
	fmt.Fprintf(b, "%s %s byte %d, line %d, column %d\n", p.Label("first divergence:"), d.Part, d.Offset, d.Line, d.Column)
	fmt.Fprintf(b, "  %s\n", d.Label)
	hexOrEnd := func(h string) string {
		if h == "" {
			return "(none: the bytes end here)"
		}
		return h
	}
	fmt.Fprintf(b, "  server bytes  %s\n", p.Del(hexOrEnd(d.Server)))
	fmt.Fprintf(b, "  client bytes  %s\n", p.Ins(hexOrEnd(d.Client)))
	cl, _ := lineCol(r.Client, d.ClientOffset)
	sh := fmt.Sprintf("server line %d", d.Line)
	ch := fmt.Sprintf("client line %d", cl)
	wd := max(len(sh), len(ch))
	caretLine(b, p, sh, wd, r.Server, d.Offset)
	caretLine(b, p, ch, wd, r.Client, d.ClientOffset)
}

// caretLine shows the line of all holding offset at (a window of it when
// long, with the LF as \n and "<end>" where the bytes end) and a caret
// under that byte. The caret assumes one column per character.
func caretLine(b *strings.Builder, p Palette, head string, wd int, all []byte, at int) {
	const room = 60
	start := at
	for start > 0 && all[start-1] != '\n' && at-start < room {
		start--
	}
	for start > 0 && start < len(all) && continuation(all, start) {
		start++
	}
	end := at
	for end < len(all) && all[end] != '\n' && end-at < room {
		end++
	}
	if end < len(all) && all[end] == '\n' {
		end++
	}
	for end < len(all) && continuation(all, end) {
		end++
	}
	id := func(s string) string { return s }
	pre := ""
	if start > 0 && all[start-1] != '\n' {
		pre = p.Escape("…")
	}
	before := styled(all, Span{start, at - start}, id, p, false)
	col := utf8.RuneCountInString(plainWidth(all, start, at))
	if pre != "" {
		col++
	}
	text := pre + before + styled(all, Span{at, end - at}, id, p, false)
	if end == len(all) {
		text += p.Escape("<end>")
	} else if all[end-1] != '\n' {
		text += p.Escape("…")
	}
	fmt.Fprintf(b, "  %-*s  %s\n", wd, head, text)
	fmt.Fprintf(b, "  %-*s  %s%s\n", wd, "", strings.Repeat(" ", col), p.Marker("^"))
}

// plainWidth is the visible text of all[start:at] without styling.
func plainWidth(all []byte, start, at int) string {
	var s strings.Builder
	for _, pc := range visiblePieces(all, start, at, true) {
		s.WriteString(pc.text)
	}
	return s.String()
}
