package request

import "strings"

// isCmdStyle reports whether a curl command was written for Windows cmd.exe,
// as DevTools' "Copy as cURL (cmd)" writes it: lines continued with a final
// ^, or the first argument in ^"…^". bash gives ^ neither meaning; a ^"
// further on may be data inside bash quotes, so only the first argument
// counts.
func isCmdStyle(s string) bool {
	if strings.Contains(s, "^\n") || strings.Contains(s, "^\r\n") {
		return true
	}
	f := strings.Fields(s[:min(len(s), 64)])
	return len(f) > 1 && strings.HasPrefix(f[1], `^"`)
}

// splitCmd splits a cmd.exe command line in the two passes Windows applies.
// cmd.exe first: outside "…", ^ makes the next character literal, ^ before
// a line break continues the line (and a second line break right after it
// is a literal newline — DevTools writes newlines in data as "^\n\n"); an
// unquoted newline or & ends the command. Then the program's C runtime
// splits the result into arguments (Microsoft, "Parsing C command-line
// arguments"): blanks separate, "…" groups, 2n backslashes before a quote
// give n and a quote, 2n+1 give n and a literal quote, "" inside quotes is
// a literal quote, other backslashes are literal.
func splitCmd(s string, errf func(off int, format string, args ...any) error) ([]word, []string, error) {
	line, offs := cmdPass(s)
	var words []word
	var buf []byte
	start, inQ := -1, false
	flush := func() {
		if start >= 0 {
			words = append(words, word{text: string(buf), off: offs[start]})
		}
		start, buf = -1, buf[:0]
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\':
			n := len(line[i:]) - len(strings.TrimLeft(line[i:], `\`))
			if start < 0 {
				start = i
			}
			if i+n < len(line) && line[i+n] == '"' {
				buf = append(buf, strings.Repeat(`\`, n/2)...)
				if n%2 == 1 {
					buf = append(buf, '"')
					i += n
				} else {
					i += n - 1 // the quote is read next
				}
			} else {
				buf = append(buf, line[i:i+n]...)
				i += n - 1
			}
		case c == '"':
			if start < 0 {
				start = i
			}
			if inQ && i+1 < len(line) && line[i+1] == '"' {
				buf = append(buf, '"')
				i++
			} else {
				inQ = !inQ
			}
		case !inQ && (c == ' ' || c == '\t'):
			flush()
		default:
			if start < 0 {
				start = i
			}
			buf = append(buf, c)
		}
	}
	if inQ {
		return nil, nil, errf(offs[len(offs)-1], "double quote is never closed")
	}
	flush()
	return words, nil, nil
}

// cmdPass is cmd.exe's pass. It returns the command line and, for each of
// its bytes, the input offset it came from.
func cmdPass(s string) (string, []int) {
	var out []byte
	var offs []int
	inQ := false
	i := len(s) - len(strings.TrimLeft(s, " \t\r\n"))
	emit := func(c byte, off int) { out, offs = append(out, c), append(offs, off) }
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			inQ = !inQ
			emit(c, i)
			i++
		case c == '^' && !inQ && i+1 < len(s):
			rest := s[i+1:]
			if nl := lineBreak(rest); nl > 0 {
				i += 1 + nl
				if nl2 := lineBreak(s[i:]); nl2 > 0 {
					emit('\n', i)
					i += nl2
				}
				continue
			}
			emit(rest[0], i+1)
			i += 2
		case c == '^' && !inQ:
			i++
		case lineBreak(s[i:]) > 0 || c == '&' && !inQ:
			return string(out), append(offs, i)
		default:
			emit(c, i)
			i++
		}
	}
	return string(out), append(offs, len(s))
}

func lineBreak(s string) int {
	switch {
	case strings.HasPrefix(s, "\n"):
		return 1
	case strings.HasPrefix(s, "\r\n"):
		return 2
	}
	return 0
}
