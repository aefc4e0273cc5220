package clientlog

import (
	"strconv"
	"strings"

	"github.com/sigdiff/sigdiff/internal/request"
)

// awscurl -v logs through pprint.PrettyPrinter(stream=sys.stderr).pprint
// (awscurl/awscurl.py __log): its argument dict, then
// '\nCANONICAL REQUEST = ' + canonical_request and '\nSTRING_TO_SIGN = ' +
// string_to_sign as pprint'ed strings (a long one split into adjacent
// literals in parentheses, one per line of the string), '\nHEADERS+++…',
// the header dict, 'Request URL = …', '\nRESPONSE+++…', 'Response code:
// 403\n'; then it prints the response fields (with -v or -i) and the text
// to stdout.
// maxPprint bounds the text one pprint'ed object is read from, so that
// lines that only look like one (a JSON body) cost linear time.
const maxPprint = 1 << 20

const (
	awscurlCR  = "\nCANONICAL REQUEST = "
	awscurlSTS = "\nSTRING_TO_SIGN = "
)

func readAWSCurl(d *doc, emit func(event)) {
	var method, data string
	var headers []request.Field
	nextDict := ""
	inResponse := false
	for i := 0; i < len(d.lines); i++ {
		line := d.text(i)
		n := i + 1
		if line == "" || strings.IndexByte("'\"({[bu", line[0]) < 0 {
			continue
		}
		v, k, err := parsePy(d.s[d.start(i):min(len(d.s), d.start(i)+maxPprint)])
		if err != nil {
			continue
		}
		end := d.lineAt(d.start(i) + k)
		switch v.kind {
		case pyDict:
			switch {
			case nextDict == "headers":
				headers = pyFields(v)
			case nextDict == "response":
				emit(event{line: n, header: pyFields(v)})
				if ev, ok := awscurlBody(d, end+1); ok {
					emit(ev)
				}
			default:
				// The argument dict: it holds the secret key, which is
				// never read out of it.
				if m, ok := v.get("request"); ok && m.kind == pyStr {
					method = m.s
				}
				if b, ok := v.get("data"); ok && b.kind == pyStr {
					data = b.s
				}
			}
			nextDict = ""
		case pyStr:
			s := v.s
			switch {
			case strings.HasPrefix(s, awscurlCR):
				emit(event{line: n, begin: true, cr: []byte(s[len(awscurlCR):])})
			case strings.HasPrefix(s, awscurlSTS):
				emit(event{line: n, sts: []byte(s[len(awscurlSTS):])})
			case strings.HasPrefix(s, "\nHEADERS+"):
				nextDict = "headers"
			case strings.HasPrefix(s, "Request URL = "):
				emit(awscurlRequest(n, s[len("Request URL = "):], method, data, headers))
			case strings.HasPrefix(s, "\nRESPONSE+"):
				inResponse = true
			case inResponse && strings.HasPrefix(s, "Response code: "):
				st, _ := strconv.Atoi(strings.TrimSpace(s[len("Response code: "):]))
				emit(event{line: n, status: st})
				nextDict, inResponse = "response", false
				if ev, ok := awscurlBody(d, end+1); ok && !strings.HasPrefix(d.text(min(end+1, len(d.lines)-1)), "{") {
					emit(ev)
				}
			}
		}
		i = end
	}
}

// lineAt returns the index of the line holding offset off.
func (d *doc) lineAt(off int) int {
	lo, hi := 0, len(d.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if d.start(mid) <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// awscurlBody reads the response text printed after the response fields: the
// lines from i to the end, less the blank line print() puts after the
// fields and the newline it puts after the text.
func awscurlBody(d *doc, i int) (event, bool) {
	for i < len(d.lines) && d.text(i) == "" {
		i++
	}
	if i >= len(d.lines) || strings.HasPrefix(d.text(i), "{") {
		return event{}, false
	}
	return event{line: i + 1, body: []byte(d.slice(d.start(i), len(d.lines)))}, true
}

func awscurlRequest(line int, url, method, data string, headers []request.Field) event {
	ev := event{line: line}
	r, err := request.ParseURL(url)
	if err != nil {
		ev.notes = append(ev.notes, "the request url does not parse: "+err.Error())
		return ev
	}
	if method != "" {
		r.Method = method
	}
	for _, h := range headers {
		if !strings.EqualFold(h.Name, "host") {
			r.Header = append(r.Header, h)
		}
	}
	r.Body, r.HasBody = []byte(data), true
	if strings.HasPrefix(data, "@") {
		r.Body, r.HasBody = nil, false
		ev.notes = append(ev.notes, "the body was read from a file the log does not hold")
	}
	r.Notes = append(r.Notes, "the host field is the url's authority, as python requests sends it")
	ev.req = r
	return ev
}
