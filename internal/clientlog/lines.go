package clientlog

import (
	"regexp"
	"strings"
)

// doc is the log cut into lines. A line's text excludes its "\n" but keeps
// a "\r" before it: HTTP dumps inside a log (Go's httputil, curl -v) end
// their lines in CRLF while the log's own lines end in LF, and the bytes of
// a dumped request are evidence.
type doc struct {
	s      string
	raw    []byte                       // the input s is a copy of, or nil when s differs from it (see bytes)
	lines  []int32                      // where each line starts; MaxInput fits an int32
	shapes map[string]func(string) bool // appendTimestampShape's patterns, compiled once
}

func newDoc(s string) *doc {
	d := &doc{s: s, lines: make([]int32, 0, strings.Count(s, "\n")+1)}
	for off := 0; off < len(s) || (off == len(s) && off == 0); {
		d.lines = append(d.lines, int32(off))
		i := strings.IndexByte(s[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
		if off == len(s) {
			break
		}
	}
	return d
}

// start is the offset where line i starts.
func (d *doc) start(i int) int { return int(d.lines[i]) }

// end is the offset of line i's "\n", or len(s) for a last line without one.
func (d *doc) end(i int) int {
	if i+1 < len(d.lines) {
		return int(d.lines[i+1]) - 1
	}
	if strings.HasSuffix(d.s, "\n") {
		return len(d.s) - 1
	}
	return len(d.s)
}

// bytes returns s[from:to] as bytes, for a parser that reads bytes (an
// HTTP dump's): the input's own bytes when s is a copy of them, which the
// parser only reads, rather than another copy.
func (d *doc) bytes(from, to int) []byte {
	if d.raw != nil {
		return d.raw[from:to:to]
	}
	return []byte(d.s[from:to])
}

// text is line i without its line break.
func (d *doc) text(i int) string { return d.s[d.start(i):d.end(i)] }

// clean is line i without its line break and a CR before it.
func (d *doc) clean(i int) string { return strings.TrimSuffix(d.text(i), "\r") }

// slice returns the bytes from offset from through the end of line
// last-1, without the final line break: what a logger wrote between a label
// and the start of the next record. Empty when last-1 ends before from.
func (d *doc) slice(from, last int) string {
	if last <= 0 || last > len(d.lines) {
		last = len(d.lines)
	}
	end := d.end(last - 1)
	if end < from {
		return ""
	}
	return d.s[from:end]
}

// recordEnd returns the first line after i at which isStart says a new log
// record begins, or the number of lines.
func (d *doc) recordEnd(i int, isStart func(string) bool) int {
	for j := i + 1; j < len(d.lines); j++ {
		if isStart(d.clean(j)) {
			return j
		}
	}
	return len(d.lines)
}

// within returns the first line in [i, end) that equals want, or end.
func (d *doc) within(i, end int, want string) int {
	for ; i < end; i++ {
		if d.clean(i) == want {
			return i
		}
	}
	return end
}

// label finds name in line as a label: at the start, or after what loggers
// put before a message (a blank, a colon, a bracket, a dash). It returns
// what precedes it and the column just after it.
func label(line, name string) (prefix string, col int, ok bool) {
	from := 0
	for {
		i := strings.Index(line[from:], name)
		if i < 0 {
			return "", 0, false
		}
		i += from
		if i == 0 || strings.IndexByte(" \t:]|>-", line[i-1]) >= 0 {
			return line[:i], i + len(name), true
		}
		from = i + 1
	}
}

var (
	levelStart = regexp.MustCompile(`^(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|TRACE|FATAL|NOTICE)\b`)
	// anyStart is any line that starts like a log record: a date or a
	// time, a level word, aws-sdk-go-v2's "SDK " logger prefix.
	anyStart = regexp.MustCompile(`^(?:\[?\d{4}[-/.]\d\d[-/.]\d\d[ T]\d\d:\d\d|\[?\d\d:\d\d:\d\d|SDK \d{4}/\d\d/\d\d |(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|TRACE|FATAL|NOTICE)\b)`)
)

// startTest derives, from what a logger wrote before a message, a test for
// the first line of the next record. Loggers begin each record the same
// way: a timestamp (Python's "2024-01-31 12:00:00,123", Go's "2024/01/31
// 12:00:00", aws-sdk-go-v2's "SDK 2024/01/31 12:00:00"), else a level
// ("DEBUG: " in s3cmd, "DEBUG:botocore.auth:" from logging.basicConfig).
// The shape of the timestamp (digits as \d) is what is matched, so a line
// of a multi-line message — a canonical request, a traceback — is never
// taken for a record. Without a recognisable prefix, any line that starts
// like a log record ends the message.
func startTest(prefix string) func(string) bool {
	return (&doc{}).startTest(prefix)
}

func (d *doc) startTest(prefix string) func(string) bool {
	var buf [128]byte
	if pat := appendTimestampShape(buf[:0], prefix); len(pat) > 0 {
		match, ok := d.shapes[string(pat)] // found without a copy of pat: a log has one shape per record
		if !ok {
			if re, err := regexp.Compile(string(pat)); err == nil { // fails for a prefix that is not UTF-8
				match = re.MatchString
			}
			if d.shapes == nil {
				d.shapes = map[string]func(string) bool{}
			}
			d.shapes[string(pat)] = match
		}
		if match != nil {
			return match
		}
	}
	if levelStart.MatchString(prefix) {
		return levelStart.MatchString
	}
	return anyStart.MatchString
}

// appendTimestampShape appends to dst the pattern of the timestamp that
// starts prefix (with whatever comes before it, such as "SDK "), or
// nothing.
func appendTimestampShape(dst []byte, prefix string) []byte {
	i := strings.IndexAny(prefix, "0123456789")
	if i < 0 || i > 24 {
		return dst
	}
	j, digits := i, 0
	for j < len(prefix) && strings.IndexByte("0123456789-/:.,TZ+ ", prefix[j]) >= 0 {
		if prefix[j] >= '0' && prefix[j] <= '9' {
			digits++
		}
		j++
	}
	if digits < 6 {
		return dst
	}
	dst = append(dst, '^')
	dst = appendQuoteMeta(dst, prefix[:i])
	for _, c := range []byte(strings.TrimRight(prefix[i:j], " ")) {
		if c >= '0' && c <= '9' {
			dst = append(dst, `\d`...)
		} else {
			dst = appendQuoteMeta(dst, string(c))
		}
	}
	return dst
}

// appendQuoteMeta appends regexp.QuoteMeta(s).
func appendQuoteMeta(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`\.+*?()|[]{}^$`, s[i]) >= 0 {
			dst = append(dst, '\\')
		}
		dst = append(dst, s[i])
	}
	return dst
}

// value reads what follows a label at column col of line i, up to the end
// of the record: on the label's line ("Signature: abc") or, when the label
// ends its line, on the lines after it (botocore's "CanonicalRequest:\n%s").
// A value that is a single string literal (Python repr, JSON, Go %q) is
// unquoted. It returns the value and the line after the record.
func (d *doc) value(i, col int, isStart func(string) bool) (string, int) {
	end := d.recordEnd(i, isStart)
	line := d.clean(i)
	rest := strings.TrimLeft(line[col:], " \t")
	if rest == "" {
		if i+1 >= end {
			return "", end
		}
		v := d.slice(d.start(i+1), end)
		if s, ok := wholeLiteral(v); ok {
			return s, end
		}
		return v, end
	}
	from := d.start(i) + len(line) - len(rest)
	v := d.slice(from, end)
	if s, ok := wholeLiteral(v); ok {
		return s, end
	}
	return v, end
}

// wholeLiteral unquotes v when it is one Python, JSON or Go string literal
// (or several side by side, as pprint splits a long one) and nothing else.
func wholeLiteral(v string) (string, bool) {
	t := strings.TrimRight(v, " \t\r\n")
	if t == "" || strings.IndexByte("'\"(bBuU", t[0]) < 0 {
		return "", false
	}
	pv, n, err := parsePy(t)
	if err != nil || n != len(t) || (pv.kind != pyStr && pv.kind != pyBytes) {
		return "", false
	}
	return pv.s, true
}
