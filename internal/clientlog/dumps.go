package clientlog

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/sigdiff/sigdiff/internal/request"
)

// parseResponseDump reads an HTTP/1.x response as Go's httputil.DumpResponse
// writes it (status line, fields, blank line, body), with LF or CRLF line
// ends. The body is cut to Content-Length when the log added a line break
// after it; hasBody is false when the dump left out a body the fields
// announce.
func parseResponseDump(s string) (status int, hdr []request.Field, body []byte, hasBody, ok bool) {
	head, rest, found := cutHead(s)
	lines := strings.Split(head, "\n")
	first := strings.TrimSuffix(lines[0], "\r")
	f := strings.Fields(first)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") || len(f[1]) != 3 {
		return 0, nil, nil, false, false
	}
	st, err := strconv.Atoi(f[1])
	if err != nil {
		return 0, nil, nil, false, false
	}
	hdr = make([]request.Field, 0, len(lines)-1)
	for _, l := range lines[1:] {
		l = strings.TrimSuffix(l, "\r")
		if name, value, ok := strings.Cut(l, ":"); ok && name != "" {
			hdr = append(hdr, request.Field{Name: name, Value: strings.TrimLeft(value, " \t")})
		}
	}
	if !found {
		return st, hdr, nil, false, true
	}
	cl := -1
	chunked := false
	for _, h := range hdr {
		switch strings.ToLower(h.Name) {
		case "content-length":
			if n, err := strconv.Atoi(strings.TrimSpace(h.Value)); err == nil {
				cl = n
			}
		case "transfer-encoding":
			chunked = strings.Contains(strings.ToLower(h.Value), "chunked")
		}
	}
	switch {
	case chunked:
		if dc, ok := dechunk(rest); ok {
			return st, hdr, dc, true, true
		}
	case cl >= 0 && len(rest) > cl:
		rest = rest[:cl]
	case cl > 0 && len(rest) == 0:
		return st, hdr, nil, false, true // the dump left the body out
	}
	return st, hdr, []byte(rest), true, true
}

// cutHead splits a message at the blank line after its fields.
func cutHead(s string) (head, rest string, found bool) {
	i := strings.Index(s, "\r\n\r\n")
	j := strings.Index(s, "\n\n")
	switch {
	case i >= 0 && (j < 0 || i < j):
		return s[:i], s[i+4:], true
	case j >= 0:
		return s[:j], s[j+2:], true
	}
	return s, "", false
}

// dechunk undoes chunked framing (RFC 9112 §7.1), leniently about CRs.
func dechunk(s string) ([]byte, bool) {
	var out []byte
	for {
		line, rest, ok := strings.Cut(s, "\n")
		if !ok {
			return nil, false
		}
		size := strings.TrimSpace(strings.SplitN(line, ";", 2)[0])
		n, err := strconv.ParseInt(size, 16, 32)
		if err != nil || n < 0 || int(n) > len(rest) {
			return nil, false
		}
		if n == 0 {
			return out, true
		}
		out = append(out, rest[:n]...)
		s = strings.TrimPrefix(strings.TrimPrefix(rest[n:], "\r"), "\n")
	}
}

const (
	minioStart = "---------START-HTTP---------"
	minioEnd   = "---------END-HTTP---------"
)

// readMinioGo reads minio-go's trace (api.go dumpHTTP): START, the request
// head (httputil.DumpRequestOut without body, Authorization redacted), the
// response (with its body when the status is an error), END — right after
// the body, on the body's last line, when the body has no final newline.
func readMinioGo(d *doc, emit func(event)) {
	for i := 0; i < len(d.lines); i++ {
		if d.clean(i) != minioStart {
			continue
		}
		from := d.s[d.end(i):]
		from = strings.TrimPrefix(from, "\n")
		// The next START bounds the search for END, so that a trace of
		// many unfinished dumps is still read in linear time.
		block := from
		if next := strings.Index(from, "\n"+minioStart); next >= 0 {
			block = from[:next+1]
		}
		if k := strings.Index(block, minioEnd); k >= 0 {
			block = block[:k]
		}
		start := len(d.s) - len(from)
		reqHead, resp, found := cutHead(block)
		n := i + 1
		if found {
			ev := requestEvent(n, reqHead+"\r\n\r\n")
			if ev.req != nil {
				if a, _ := ev.req.Get("Authorization"); strings.Contains(a, "**REDACTED**") {
					ev.req.Notes = append(ev.req.Notes, "minio-go redacts the access key and signature in its trace")
				}
				if !ev.req.HasBody {
					ev.notes = append(ev.notes, "minio-go traces no request body")
				}
			}
			emit(ev)
			emit(responseEvent(n, resp))
		}
		// continue after the END marker
		endOff := start + len(block)
		for i+1 < len(d.lines) && d.start(i+1) <= endOff {
			i++
		}
	}
}

// rcloneRecord is a record of rclone's log: the date and time (log.LstdFlags,
// optionally with microseconds) and the level padded to six ("DEBUG : ").
var rcloneRecord = regexp.MustCompile(`^(?:\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)? )?(?:DEBUG|INFO|NOTICE|ERROR|CRITICAL|EMERGENCY|ALERT|WARNING) *: `)

var rcloneDump = regexp.MustCompile(`HTTP (REQUEST|RESPONSE) \(req (0x[0-9a-f]+)\)$`)

// readRclone reads rclone's --dump (fs/fshttp): a record "HTTP REQUEST (req
// 0x…)" followed by a record holding the httputil dump, and likewise for
// the response. The pointer tells requests apart when transfers run in
// parallel and their records interleave.
func readRclone(d *doc, emit func(event)) {
	for i := 0; i < len(d.lines); i++ {
		m := rcloneDump.FindStringSubmatch(d.clean(i))
		if m == nil || i+1 >= len(d.lines) {
			continue
		}
		j := i + 1
		loc := rcloneRecord.FindStringIndex(d.clean(j))
		if loc == nil {
			continue
		}
		end := d.recordEnd(j, rcloneRecord.MatchString)
		dump := d.slice(d.start(j)+loc[1], end)
		var ev event
		if m[1] == "REQUEST" {
			ev = requestEvent(j+1, dump)
			if ev.req != nil {
				if a, _ := ev.req.Get("Authorization"); a == "XXXX" || strings.HasPrefix(a, "XXXX") {
					ev.req.Notes = append(ev.req.Notes, "rclone hides the authorization field unless --dump includes auth")
				}
			}
		} else if strings.HasPrefix(dump, "Error: ") {
			ev = event{line: j + 1, notes: []string{"rclone got no response: " + firstLine(dump[len("Error: "):])}}
		} else {
			ev = responseEvent(j+1, dump)
		}
		ev.key = m[2]
		emit(ev)
		i = end - 1
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return strings.TrimSuffix(l, "\r")
}

func requestField(name, value string) request.Field {
	return request.Field{Name: strings.TrimSpace(name), Value: strings.Trim(value, " \t")}
}

// contentLength returns the Content-Length field's value.
func contentLength(hdr []request.Field) (int, bool) {
	for _, h := range hdr {
		if strings.EqualFold(h.Name, "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(h.Value))
			return n, err == nil && n >= 0
		}
	}
	return 0, false
}
