package clientlog

import (
	"regexp"
	"strconv"
	"strings"
)

// curl -v writes its own lines with a marker: "* " information, "> "
// request head, "< " response head, "{ "/"} " data (tool_cb_dbg.c). An
// information text is written as one piece, so only its first line has the
// marker: curl 8's lib/http_aws_sigv4.c logs
//
//   - aws_sigv4: Canonical request (enclosed in []) - [GET
//     /key
//     …
//     e3b0c442…]
//
// and the same for the string to sign, then "* aws_sigv4: Signature - …".
// With --trace-time each line starts with the time, with --trace-ids with
// "[n-m] ".
var (
	curlLead = regexp.MustCompile(`^(?:\d\d:\d\d:\d\d\.\d{6} )?(?:\[[0-9x-]+\] )?`)
	curlHead = regexp.MustCompile(`(?m)^(?:\d\d:\d\d:\d\d\.\d{6} )?(?:\[[0-9x-]+\] )?[<>] (?:[A-Z]+ \S+ HTTP/[\d.]+|HTTP/[\d.]+ \d{3}\b)`)
)

// curlLine strips the optional time and id and returns the marker ('*',
// '>', '<', '{', '}') and the text after it, or 0 for a line curl did not
// mark (the body, or the continuation of an information text).
func curlLine(line string) (byte, string) {
	if len(line) > 0 && (line[0] >= '0' && line[0] <= '9' || line[0] == '[') {
		line = line[len(curlLead.FindString(line)):]
	}
	if len(line) >= 1 && strings.IndexByte("*><{}", line[0]) >= 0 && (len(line) == 1 || line[1] == ' ') {
		return line[0], strings.TrimPrefix(line[1:], " ")
	}
	return 0, line
}

func readCurl(d *doc, emit func(event)) {
	for i := 0; i < len(d.lines); i++ {
		mark, text := curlLine(d.clean(i))
		n := i + 1
		switch mark {
		case '*':
			switch {
			case strings.Contains(text, "Canonical request (enclosed in [])"):
				v, end, ok := curlBracketed(d, i)
				ev := event{line: n, begin: true}
				if ok {
					ev.cr = []byte(v)
				} else {
					ev.notes = []string{"curl's canonical request has no closing ]: curl cut it at its message size limit"}
				}
				emit(ev)
				i = end - 1
			case strings.Contains(text, "String to sign (enclosed in [])"):
				v, end, ok := curlBracketed(d, i)
				ev := event{line: n}
				if ok {
					ev.sts = []byte(v)
				} else {
					ev.notes = []string{"curl's string to sign has no closing ]: curl cut it at its message size limit"}
				}
				emit(ev)
				i = end - 1
			default:
				if _, col, ok := label(text, "Signature - "); ok {
					emit(event{line: n, sig: strings.TrimSpace(text[col:])})
				}
			}
		case '>':
			// The head, without --trace-time's and --trace-ids' leads, in
			// the "> " form the request package reads.
			var head strings.Builder
			end := i
			for end < len(d.lines) {
				m, t := curlLine(d.clean(end))
				if m != '>' {
					break
				}
				end++
				head.WriteString("> " + t + "\r\n")
				if t == "" {
					break
				}
			}
			emit(requestEvent(n, head.String()))
			i = end - 1
		case '<':
			st, ok := curlStatus(text)
			if !ok {
				continue
			}
			ev, end := curlResponse(d, i, st)
			emit(ev)
			i = end - 1
		}
	}
}

// curlBracketed returns the text between the '[' on line i and the ']' that
// ends the information text: the last character of a line followed by a
// line curl marked, or by the end of the log.
func curlBracketed(d *doc, i int) (string, int, bool) {
	line := d.clean(i)
	k := strings.Index(line, "(enclosed in [])")
	open := strings.IndexByte(line[k+len("(enclosed in [])"):], '[')
	if open < 0 {
		return "", i + 1, false
	}
	from := d.start(i) + k + len("(enclosed in [])") + open + 1
	for j := i; j < len(d.lines); j++ {
		if j > i {
			if m, _ := curlLine(d.clean(j)); m != 0 {
				return "", j, false // the next curl line came first: no closing ]
			}
		}
		l := d.clean(j)
		last := j+1 >= len(d.lines)
		if !last {
			m, _ := curlLine(d.clean(j + 1))
			last = m != 0
		}
		if last && strings.HasSuffix(l, "]") {
			v := d.slice(from, j+1)
			v = strings.TrimSuffix(strings.TrimSuffix(v, "\r"), "]")
			return v, j + 1, true
		}
	}
	return "", len(d.lines), false
}

func curlStatus(text string) (int, bool) {
	f := strings.Fields(text)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") {
		return 0, false
	}
	st, err := strconv.Atoi(f[1])
	return st, err == nil && st >= 200 && st <= 599
}

// curlResponse reads the "< " head starting at line i, then the body curl
// wrote to stdout when stdout and stderr went to the same file: the
// unmarked lines after the head, ending at the next marked line once they
// have begun. Information lines before them ("{ [n bytes data]", "*
// Connection #0 … left intact") are skipped.
func curlResponse(d *doc, i, status int) (event, int) {
	ev := event{line: i + 1, status: status}
	j := i + 1
	for ; j < len(d.lines); j++ {
		m, t := curlLine(d.clean(j))
		if m != '<' || t == "" {
			if m == '<' {
				j++
			}
			break
		}
		name, value, ok := strings.Cut(t, ":")
		if ok {
			ev.header = append(ev.header, requestField(name, value))
		}
	}
	start := -1
	k := j
	for ; k < len(d.lines); k++ {
		m, t := curlLine(d.clean(k))
		if m == 0 {
			if start < 0 {
				start = k
			}
			continue
		}
		if start >= 0 || m == '>' || (m == '<' && strings.HasPrefix(t, "HTTP/")) || strings.Contains(t, "aws_sigv4: ") {
			break
		}
	}
	if start < 0 {
		return ev, j
	}
	body := d.slice(d.start(start), k)
	if cl, ok := contentLength(ev.header); ok && cl < len(body) {
		body = body[:cl]
	}
	ev.body = []byte(body)
	return ev, k
}
