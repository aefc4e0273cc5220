package request

import (
	"fmt"
	"strings"
)

// word is one shell word after quote removal, and the input offset where it
// started.
type word struct {
	text string
	off  int
}

// bashLexer splits one command line into words as bash does for a simple
// command (bash manual, "Quoting", "Simple Commands"): blanks separate
// words; '…' is literal; "…" honours \ before $ ` " \ and newline;
// $'…' is ANSI-C quoting; an unquoted \ quotes the next character and
// \-newline joins lines. It expands nothing: $NAME, $(…) and `…` stay as
// written and a note says so, since the values are not known here. The
// command ends at an unquoted newline, | ; or &; a redirection (>FILE,
// 2>&1) is dropped with its target.
//
// Leniencies for pasted text: a "$ " prompt before the command, "> "
// continuation prompts after \-newline when there was a prompt, CRLF line
// ends (a \ before CRLF joins lines as before LF).
type bashLexer struct {
	s       string
	i       int
	words   []word
	notes   []string
	buf     []byte
	start   int  // offset of the current word; -1 between words
	discard bool // the next word is a redirection target
	prompt  bool // the command was pasted with a "$ " prompt
	cut     bool // a NUL ended the current $'…' string
	noted   map[string]bool
	errf    func(off int, format string, args ...any) error
}

func splitBash(s string, errf func(off int, format string, args ...any) error) ([]word, []string, error) {
	l := &bashLexer{s: s, start: -1, errf: errf, noted: map[string]bool{}}
	l.i = skipComments(s, 0)
	if strings.HasPrefix(s[l.i:], "$ ") {
		l.i += 2
		l.prompt = true
	}
	if err := l.run(); err != nil {
		return nil, nil, err
	}
	return l.words, l.notes, nil
}

func (l *bashLexer) note(key, format string, args ...any) {
	if !l.noted[key] {
		l.noted[key] = true
		l.notes = append(l.notes, fmt.Sprintf(format, args...))
	}
}

func (l *bashLexer) begin(off int) {
	if l.start < 0 {
		l.start = off
	}
}

func (l *bashLexer) add(b ...byte) {
	l.begin(l.i)
	l.buf = append(l.buf, b...)
}

func (l *bashLexer) end() {
	if l.start >= 0 {
		if !l.discard {
			l.words = append(l.words, word{text: string(l.buf), off: l.start})
		}
		l.discard = false
	}
	l.start, l.buf = -1, l.buf[:0]
}

func (l *bashLexer) run() error {
	for l.i < len(l.s) {
		c := l.s[l.i]
		switch {
		case c == ' ' || c == '\t':
			l.end()
			l.i++
		case c == '\n' || c == '\r' && strings.HasPrefix(l.s[l.i:], "\r\n"):
			l.end()
			return l.finish("newline")
		case c == '\\':
			l.backslash()
		case c == '\'':
			j := strings.IndexByte(l.s[l.i+1:], '\'')
			if j < 0 {
				return l.errf(l.i, "single quote is never closed")
			}
			l.begin(l.i)
			l.buf = append(l.buf, l.s[l.i+1:l.i+1+j]...)
			l.i += j + 2
		case c == '"':
			if err := l.double(l.i + 1); err != nil {
				return err
			}
		case c == '$' && strings.HasPrefix(l.s[l.i:], "$'"):
			if err := l.ansiC(); err != nil {
				return err
			}
		case c == '$' && strings.HasPrefix(l.s[l.i:], `$"`):
			if err := l.double(l.i + 2); err != nil {
				return err
			}
		case c == '$' || c == '`':
			l.expansion(l.i)
			l.add(c)
			l.i++
		case c == '#' && l.start < 0:
			for l.i < len(l.s) && l.s[l.i] != '\n' {
				l.i++
			}
		case c == '<' || c == '>' || c == '&' && strings.HasPrefix(l.s[l.i:], "&>"):
			if err := l.redirect(); err != nil {
				return err
			}
		case c == '|' || c == ';' || c == '&':
			l.end()
			l.i++
			return l.finish(string(c))
		case c == '(' || c == ')':
			return l.errf(l.i, "shell syntax %q is not read; give a plain curl command", c)
		default:
			l.add(c)
			l.i++
		}
	}
	l.end()
	return nil
}

func (l *bashLexer) backslash() {
	rest := l.s[l.i+1:]
	switch {
	case strings.HasPrefix(rest, "\n"), strings.HasPrefix(rest, "\r\n"):
		l.i += 1 + strings.IndexByte(rest, '\n') + 1
		if l.prompt && strings.HasPrefix(l.s[l.i:], "> ") {
			l.i += 2 // bash's PS2 prompt, pasted from a terminal
		}
	case rest == "":
		l.add('\\')
		l.i++
	default:
		l.add(rest[0])
		l.i += 2
	}
}

// double reads "…" whose content starts at k.
func (l *bashLexer) double(k int) error {
	open := l.i
	l.begin(open)
	for k < len(l.s) {
		c := l.s[k]
		switch {
		case c == '"':
			l.i = k + 1
			return nil
		case c == '\\' && k+1 < len(l.s) && strings.IndexByte("$`\"\\", l.s[k+1]) >= 0:
			l.buf = append(l.buf, l.s[k+1])
			k += 2
		case c == '\\' && strings.HasPrefix(l.s[k+1:], "\n"):
			k += 2
		case c == '\\' && strings.HasPrefix(l.s[k+1:], "\r\n"):
			k += 3
		case c == '$' || c == '`':
			l.expansion(k)
			l.buf = append(l.buf, c)
			k++
		default:
			l.buf = append(l.buf, c)
			k++
		}
	}
	return l.errf(open, "double quote is never closed")
}

// expansion notes a $NAME, ${…}, $(…) or `…` left as written.
func (l *bashLexer) expansion(k int) {
	rest := l.s[k+1:]
	if l.s[k] == '`' {
		l.note("`", "a `command` substitution was not run; its text is kept as written")
		return
	}
	n := 0
	for n < len(rest) && n < 32 && (rest[n] == '_' || 'a' <= rest[n]|0x20 && rest[n]|0x20 <= 'z' || n > 0 && '0' <= rest[n] && rest[n] <= '9') {
		n++
	}
	switch {
	case n > 0:
		l.note("$"+rest[:n], "shell variable $%s was not expanded; its text is kept as written", rest[:n])
	case strings.HasPrefix(rest, "{") || strings.HasPrefix(rest, "("):
		l.note("${", "a shell ${…} or $(…) expansion was not expanded; its text is kept as written")
	}
}

// redirect drops a redirection: an fd number written against the operator
// (2>), the operator, and its target word.
func (l *bashLexer) redirect() error {
	if l.start >= 0 && strings.Trim(string(l.buf), "0123456789") == "" && l.start+len(l.buf) == l.i {
		l.start, l.buf = -1, l.buf[:0]
	}
	l.end()
	rest := l.s[l.i:]
	if strings.HasPrefix(rest, "<<") && !strings.HasPrefix(rest, "<<<") {
		return l.errf(l.i, "here-documents (<<) are not read; give a plain curl command")
	}
	n := len(rest) - len(strings.TrimLeft(rest, "<>&|"))
	l.i += n
	l.discard = true
	l.note("redirect", "shell redirections are ignored")
	return nil
}

// skipComments skips blank lines and # comment lines from i on.
func skipComments(s string, i int) int {
	for {
		i = len(s) - len(strings.TrimLeft(s[i:], " \t\r\n"))
		if i >= len(s) || s[i] != '#' {
			return i
		}
		for i < len(s) && s[i] != '\n' {
			i++
		}
	}
}

// finish checks what follows the end of the command.
func (l *bashLexer) finish(op string) error {
	if op != "newline" {
		if op == "|" {
			l.note("pipe", "the command's output is piped on; only the curl command is read")
		} else {
			l.note("more", "only the first command is read")
		}
		return nil
	}
	rest := l.s[skipComments(l.s, l.i):]
	switch {
	case rest == "":
		return nil
	case strings.HasPrefix(rest, "curl ") || strings.HasPrefix(rest, "$ curl "):
		l.note("more", "only the first command is read")
		return nil
	}
	return l.errf(len(l.s)-len(rest), "text follows the end of the command on the line before (is a \\ missing at the end of that line?)")
}

// ansiC reads $'…' (bash manual, "ANSI-C Quoting"). \xHH and octal escapes
// give single bytes; \u and \U give the code point in UTF-8, as bash does in
// a UTF-8 locale (the only one assumed here), and like bash without checking
// it: a surrogate half — JavaScript, and so DevTools' Copy as cURL, writes a
// character beyond U+FFFF as two \u escapes — becomes 3 bytes of its own.
// Like bash, the string ends at a NUL byte: what follows it up to the
// closing quote is lost.
func (l *bashLexer) ansiC() error {
	open := l.i
	l.begin(open)
	l.cut = false
	k := l.i + 2
	for k < len(l.s) {
		c := l.s[k]
		switch {
		case c == '\'':
			l.i = k + 1
			return nil
		case c != '\\' || k+1 >= len(l.s):
			l.emit(c)
			k++
		default:
			k = l.escape(k + 1)
		}
	}
	return l.errf(open, "$' quote is never closed")
}

func (l *bashLexer) emit(b ...byte) {
	for _, c := range b {
		if c == 0 && !l.cut {
			l.cut = true
			l.note("nul", "bash ends a $'…' string at its first \\0 (\\x00, \\u0000); the rest of that string is dropped, as bash drops it")
		}
		if !l.cut {
			l.buf = append(l.buf, c)
		}
	}
}

// escape decodes the escape whose letter is at k and returns where the
// string continues.
func (l *bashLexer) escape(k int) int {
	e := l.s[k]
	k++
	if v, ok := map[byte]byte{'a': 7, 'b': 8, 'e': 27, 'E': 27, 'f': 12, 'n': 10, 'r': 13, 't': 9, 'v': 11,
		'\\': '\\', '\'': '\'', '"': '"', '?': '?'}[e]; ok {
		l.emit(v)
		return k
	}
	switch e {
	case '0', '1', '2', '3', '4', '5', '6', '7':
		v, n := hexOrOctal(l.s[k-1:], 8, 3)
		l.emit(byte(v))
		return k - 1 + n
	case 'x':
		v, n := hexOrOctal(l.s[k:], 16, 2)
		if n == 0 {
			l.emit('\\', 'x')
			return k
		}
		l.emit(byte(v))
		return k + n
	case 'u', 'U':
		v, n := hexOrOctal(l.s[k:], 16, map[byte]int{'u': 4, 'U': 8}[e])
		if n == 0 {
			l.emit('\\', e)
			return k
		}
		k += n
		if v == 0 {
			l.emit(0)
			return k
		}
		if 0xD800 <= v && v < 0xE000 {
			l.note("surrogate", "a \\u escape names half of a utf-16 surrogate pair (as DevTools writes characters beyond U+FFFF); bash turns each half into 3 bytes that are not utf-8 and curl sends those, where a browser sends the character itself")
		}
		l.emit(bashUTF8(v)...)
		return k
	case 'c':
		if k < len(l.s) {
			l.emit(l.s[k] & 0x1f)
			return k + 1
		}
	}
	l.emit('\\', e)
	return k
}

// bashUTF8 encodes v the way bash's u32toutf8 does: the UTF-8 bit pattern
// for any value up to 0x7FFFFFFF (5 and 6 byte forms included), surrogates
// not refused; nothing above.
func bashUTF8(v int) []byte {
	cont := func(shift uint) byte { return byte(0x80 | v>>shift&0x3f) }
	switch {
	case v < 0x80:
		return []byte{byte(v)}
	case v < 0x800:
		return []byte{byte(0xc0 | v>>6), cont(0)}
	case v < 0x10000:
		return []byte{byte(0xe0 | v>>12), cont(6), cont(0)}
	case v < 0x200000:
		return []byte{byte(0xf0 | v>>18), cont(12), cont(6), cont(0)}
	case v < 0x4000000:
		return []byte{byte(0xf8 | v>>24), cont(18), cont(12), cont(6), cont(0)}
	case v <= 0x7fffffff:
		return []byte{byte(0xfc | v>>30), cont(24), cont(18), cont(12), cont(6), cont(0)}
	}
	return nil
}

// hexOrOctal reads up to n digits of base from s.
func hexOrOctal(s string, base, n int) (v, read int) {
	for read < n && read < len(s) {
		d := strings.IndexByte("0123456789abcdef"[:base], s[read]|0x20)
		if s[read] < '0' || d < 0 || base == 8 && s[read] > '7' {
			break
		}
		v = v*base + d
		read++
	}
	return v, read
}
