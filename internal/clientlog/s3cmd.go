package clientlog

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/sigdiff/sigdiff/internal/request"
)

// s3cmd logs with logging.basicConfig(format='%(levelname)s: %(message)s')
// (s3cmd main). Its records, from S3/Crypto.py, S3/S3.py and
// S3/Exceptions.py:
//
//	DEBUG: Canonical Request:\n<canonical request>\n----------------------
//	DEBUG: SignHeaders: '<string to sign, repr>'              (SigV2)
//	DEBUG: Sending request method_string='GET', uri='/b/k', headers={…}, body=(0 bytes)
//	DEBUG: Response:\n{'data': b'…', 'headers': {…}, 'reason': 'Forbidden', 'status': 403}
//	DEBUG: ErrorXML: Code: 'SignatureDoesNotMatch'
const s3cmdDashes = "----------------------"

var (
	s3cmdCR      = regexp.MustCompile(`(?m)^DEBUG: Canonical Request:\r?$`)
	s3cmdConn    = regexp.MustCompile(`ConnMan\.get\(\): (?:creating new|re-using) connection: (https?)://([^#\s]+)`)
	s3cmdHost    = regexp.MustCompile(`get_hostname\([^)]*\): (\S+)$`)
	s3cmdS3Error = regexp.MustCompile(`S3Error: (\d{3}) \(`)
	s3cmdErrXML  = regexp.MustCompile(`ErrorXML: (\w+): (.*)$`)
	s3cmdBody    = regexp.MustCompile(`, body=\((\d+) bytes\)$`)
)

func readS3cmd(d *doc, emit func(event)) {
	scheme, host := "", ""
	var xmlFields [][2]string
	xmlLine := 0
	flushXML := func() {
		if len(xmlFields) == 0 {
			return
		}
		var b strings.Builder
		b.WriteString("<Error>")
		for _, f := range xmlFields {
			fmt.Fprintf(&b, "<%s>%s</%s>", f[0], xmlEscape(f[1]), f[0])
		}
		b.WriteString("</Error>")
		emit(event{line: xmlLine, weak: true, body: []byte(b.String()),
			notes: []string{"the error body is rebuilt from s3cmd's ErrorXML lines"}})
		xmlFields = nil
	}
	for i := 0; i < len(d.lines); i++ {
		line := d.clean(i)
		n := i + 1
		if m := errorXMLLine(line); m != nil {
			if v, k, err := parsePy(m[2]); err == nil && k == len(m[2]) && v.kind == pyStr {
				if len(xmlFields) == 0 {
					xmlLine = n
				}
				xmlFields = append(xmlFields, [2]string{m[1], v.s})
			}
			continue
		}
		flushXML()
		if strings.Contains(line, "ConnMan.get(): ") {
			if m := s3cmdConn.FindStringSubmatch(line); m != nil {
				scheme, host = m[1], m[2]
			}
		}
		if strings.Contains(line, "get_hostname(") {
			if m := s3cmdHost.FindStringSubmatch(line); m != nil {
				host = m[1]
			}
		}
		switch {
		case strings.HasSuffix(line, "Using signature v4"), strings.HasSuffix(line, "Using signature v2"):
			emit(event{line: n, begin: true})
		case strings.HasSuffix(line, "Canonical Request:"):
			prefix, _, _ := label(line, "Canonical Request:")
			end := d.recordEnd(i, d.startTest(prefix))
			j := d.within(i+1, end, s3cmdDashes)
			emit(event{line: n, cr: []byte(d.between(i, j))})
			if j < end {
				i = j // the dashes close the record
			} else {
				i = end - 1
			}
		default:
			if _, col, ok := label(line, "SignHeaders: "); ok {
				if s, ok := wholeLiteral(line[col:]); ok {
					emit(event{line: n, sts: []byte(s)})
				}
			} else if _, col, ok := label(line, "Sending request method_string="); ok {
				emit(s3cmdRequest(n, line[col:], scheme, host))
			} else if prefix, col, ok := label(line, "Response:"); ok {
				raw, end := d.rawValue(i, col, d.startTest(prefix))
				emit(s3cmdResponse(n, raw))
				i = end - 1
			} else if m := s3cmdS3Error.FindStringSubmatch(line); m != nil {
				st, _ := strconv.Atoi(m[1])
				emit(event{line: n, weak: true, status: st})
			}
		}
	}
	flushXML()
}

func errorXMLLine(line string) []string {
	if !strings.Contains(line, "ErrorXML: ") {
		return nil
	}
	return s3cmdErrXML.FindStringSubmatch(line)
}

// s3cmdRequest reads "method_string=%r, uri=%r, headers=%r, body=(%i bytes)".
// http.client adds Host (the connection's host and port) before the fields.
func s3cmdRequest(line int, s, scheme, host string) event {
	ev := event{line: line}
	method, n, err := parsePy(s)
	if err != nil || method.kind != pyStr {
		return ev
	}
	s = s[n:]
	_, s, _ = strings.Cut(s, ", uri=")
	uri, n, err := parsePy(s)
	if err != nil || uri.kind != pyStr {
		return ev
	}
	s = s[n:]
	_, s, _ = strings.Cut(s, ", headers=")
	hdrs, _, err := parsePy(s)
	if err != nil || hdrs.kind != pyDict {
		return ev
	}
	r := &request.Request{Method: method.s, Scheme: "https", Host: host, HasBody: true}
	if scheme != "" {
		r.Scheme = scheme
	} else {
		r.Notes = append(r.Notes, "the log does not say http or https; https is assumed")
	}
	target := uri.s
	if i := strings.Index(target, "://"); i > 0 { // through a proxy: an absolute uri
		r.Scheme = strings.ToLower(target[:i])
		rest := target[i+3:]
		k := strings.IndexAny(rest, "/?")
		if k < 0 {
			k = len(rest)
		}
		r.Host, target = rest[:k], rest[k:]
	}
	r.RawPath, r.RawQuery, _ = strings.Cut(target, "?")
	if r.RawPath == "" {
		r.RawPath = "/"
	}
	if r.Host != "" {
		r.Header = append(r.Header, request.Field{Name: "Host", Value: r.Host})
		r.Notes = append(r.Notes, "the host field is the connection's host, as http.client sends it")
	}
	r.Header = append(r.Header, pyFields(hdrs)...)
	if m := s3cmdBody.FindStringSubmatch(s); m != nil && m[1] != "0" {
		r.HasBody = false
		ev.notes = append(ev.notes, "s3cmd logs the body's length only ("+m[1]+" bytes)")
	}
	ev.req = r
	return ev
}

// s3cmdResponse reads the pprint'ed response dict.
func s3cmdResponse(line int, raw string) event {
	ev := event{line: line}
	v, _, err := parsePyKeys(strings.TrimSpace(raw), "status", "headers", "data")
	if err != nil || v.kind != pyDict {
		ev.notes = append(ev.notes, "the response record does not parse")
		return ev
	}
	if st, ok := v.get("status"); ok {
		ev.status, _ = strconv.Atoi(st.s)
	}
	if h, ok := v.get("headers"); ok && h.kind == pyDict {
		ev.header = pyFields(h)
	}
	if b, ok := v.get("data"); ok && (b.kind == pyBytes || b.kind == pyStr) {
		ev.body = []byte(b.s)
	}
	return ev
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
