package clientlog

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/sigdiff/sigdiff/internal/request"
)

// urllib3 logs every response as
// '%s://%s:%s "%s %s %s" %s %s' (scheme, host, port, method, target,
// version, status, length): connectionpool.py, _make_request.
var urllib3Status = regexp.MustCompile(`(https?)://(\S+) "(\S+) (\S+) (HTTP/[\d.]+)" (\d{3}) \S+$`)

// readBotocore reads botocore's records (auth.py, endpoint.py, parsers.py)
// whatever the logging format: each label is found where the logger put
// it, and the record ends where the next one starts (see startTest).
func readBotocore(d *doc, emit func(event)) {
	var body []byte // the request body from the last "Making request" record
	bodyKnown := false
	for i := 0; i < len(d.lines); i++ {
		line := d.clean(i)
		n := i + 1
		if _, _, ok := label(line, "Calculating signature using "); ok && strings.HasSuffix(line, " auth.") {
			emit(event{line: n, begin: true})
			continue
		}
		if prefix, col, ok := label(line, "CanonicalRequest:"); ok {
			v, end := d.value(i, col, d.startTest(prefix))
			emit(event{line: n, cr: []byte(v)})
			i = end - 1
			continue
		}
		if prefix, col, ok := label(line, "StringToSign:"); ok {
			v, end := d.value(i, col, d.startTest(prefix))
			emit(event{line: n, sts: []byte(v)})
			i = end - 1
			continue
		}
		if prefix, col, ok := label(line, "Signature:"); ok {
			v, end := d.value(i, col, d.startTest(prefix))
			emit(event{line: n, sig: strings.TrimSpace(v)})
			i = end - 1
			continue
		}
		if _, col, ok := label(line, "Making request for "); ok {
			body, bodyKnown = requestBody(line[col:])
			continue
		}
		if _, col, ok := label(line, "Sending http request: "); ok {
			ev := event{line: n}
			ev.req, ev.notes = preparedRequest(line[col:], body, bodyKnown)
			emit(ev)
			continue
		}
		if strings.Contains(line, "\" ") { // the cheap test first: most lines are not urllib3's
			if m := urllib3Status.FindStringSubmatch(line); m != nil {
				st, _ := strconv.Atoi(m[6])
				emit(event{line: n, status: st})
				continue
			}
		}
		if _, col, ok := label(line, "Response headers: "); ok {
			if v, _, err := parsePy(line[col:]); err == nil && v.kind == pyDict {
				emit(event{line: n, header: pyFields(v)})
			}
			continue
		}
		if prefix, col, ok := label(line, "Response body:"); ok {
			raw, end := d.rawValue(i, col, d.startTest(prefix))
			if v, m, err := parsePy(strings.TrimSpace(raw)); err == nil && m == len(strings.TrimSpace(raw)) && (v.kind == pyBytes || v.kind == pyStr) {
				emit(event{line: n, body: []byte(v.s)})
			} else {
				emit(event{line: n, notes: []string{"the response body is a stream the log does not show"}})
			}
			i = end - 1
		}
	}
}

// rawValue is value without unquoting.
func (d *doc) rawValue(i, col int, isStart func(string) bool) (string, int) {
	end := d.recordEnd(i, isStart)
	line := d.clean(i)
	if strings.TrimSpace(line[col:]) != "" {
		return d.slice(d.start(i)+col, end), end
	}
	if i+1 >= end {
		return "", end
	}
	return d.slice(d.start(i+1), end), end
}

// requestBody reads the 'body' of a "Making request … with params: {…}"
// record: bytes or str when the body was in memory; a file or stream
// (<_io.BufferedReader …>) is not in the log.
func requestBody(s string) ([]byte, bool) {
	_, params, ok := strings.Cut(s, " with params: ")
	if !ok {
		return nil, false
	}
	v, _, err := parsePyKeys(params, "body")
	if err != nil {
		return nil, false
	}
	b, ok := v.get("body")
	if !ok {
		return nil, false
	}
	switch b.kind {
	case pyBytes, pyStr:
		return []byte(b.s), true
	}
	return nil, false
}

// preparedRequest reads AWSPreparedRequest's repr (awsrequest.py):
// "<AWSPreparedRequest stream_output=%s, method=%s, url=%s, headers=%s>",
// headers a dict of str names to bytes (or str) values. http.client sends
// Host first (the URL's authority without a default port) and then these
// fields in order.
func preparedRequest(s string, body []byte, bodyKnown bool) (*request.Request, []string) {
	_, rest, ok := strings.Cut(s, ", method=")
	if !ok {
		return nil, nil
	}
	method, rest, ok := strings.Cut(rest, ", url=")
	if !ok {
		return nil, nil
	}
	url, rest, ok := strings.Cut(rest, ", headers=")
	if !ok {
		return nil, nil
	}
	r, err := request.ParseURL(url)
	if err != nil {
		return nil, []string{"the request url in the log is unusable: " + err.Error()}
	}
	r.Method = method
	if v, _, err := parsePy(rest); err == nil && v.kind == pyDict {
		r.Header = append(r.Header, pyFields(v)...)
	}
	r.Body, r.HasBody = body, bodyKnown
	var notes []string
	if !bodyKnown {
		r.Body = nil
		if method != "GET" && method != "HEAD" && method != "DELETE" {
			notes = append(notes, "the request body was a file or stream; the log does not hold it")
		} else {
			r.HasBody = true
		}
	}
	r.Notes = append(r.Notes, "the host field is the url's authority, as http.client sends it")
	return r, notes
}

// pyFields turns a dict of header names to str or bytes values into fields.
func pyFields(v pyVal) []request.Field {
	fs := []request.Field{}
	for i := 0; i+1 < len(v.items); i += 2 {
		k, ok1 := v.items[i].text()
		val, ok2 := v.items[i+1].text()
		if ok1 && ok2 {
			fs = append(fs, request.Field{Name: k, Value: val})
		}
	}
	return fs
}
