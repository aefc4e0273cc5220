package clientlog

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/sigdiff/sigdiff/internal/request"
)

// aws-sdk-java logs, through whatever logging framework the application
// configures:
//
//   - v1 com.amazonaws.auth.AWS4Signer: "AWS4 Canonical Request: '\"" +
//     canonicalRequest + "\"" and "AWS4 String to Sign: '\"" + stringToSign
//   - "\"" (the opening quote pair is not closed the same way);
//     com.amazonaws.request: "Sending Request: GET https://host /path
//     Headers: (…) " and "Received error response: …AmazonS3Exception: …
//     (Service: Amazon S3; Status Code: 403; Error Code: …)".
//   - v2 software.amazon.awssdk (Aws4Signer / AwsV4HttpSigner): "AWS4
//     Canonical Request: " + canonicalRequest, "AWS4 String to sign: " +
//     stringToSign; "Sending Request: DefaultSdkHttpFullRequest(httpMethod=…,
//     protocol=…, host=…, port=…, encodedPath=…, …)", "Received failed
//     response: 403".
//   - Apache HttpClient under either: org.apache.http.headers "http-outgoing-0
//     >> GET /k HTTP/1.1", ">> Name: value", "<< HTTP/1.1 403 Forbidden";
//     org.apache.http.wire 'http-outgoing-0 << "…[\r][\n]"' with the bytes.
var (
	apacheHead = regexp.MustCompile(`http-outgoing-\d+ (>>|<<) (.*)$`)
	apacheWire = regexp.MustCompile(`http-outgoing-\d+ (>>|<<) "(.*)"$`)
	javaStatus = regexp.MustCompile(`Status Code: (\d{3})`)
	javaResp   = regexp.MustCompile(`Received (?:successful|failed) response: (\d{3})`)
	javaV2Req  = regexp.MustCompile(`httpMethod=(\w+), protocol=(\w+), host=([^,]+), (?:port=(\d+), )?encodedPath=([^,]*)`)
)

func readJava(d *doc, emit func(event)) {
	var head []string // an Apache request or response head being read
	headDir, headLine := "", 0
	var wireIn strings.Builder
	wireLine := 0
	flushHead := func() {
		if len(head) == 0 {
			return
		}
		if headDir == ">>" {
			emit(requestEvent(headLine, strings.Join(head, "\r\n")+"\r\n\r\n"))
		} else if st, hdr, _, _, ok := parseResponseDump(strings.Join(head, "\r\n") + "\r\n\r\n"); ok {
			emit(event{line: headLine, status: st, header: hdr})
		}
		head = nil
	}
	flushWire := func() {
		if wireIn.Len() == 0 {
			return
		}
		if _, body, found := cutHead(wireIn.String()); found && body != "" {
			emit(event{line: wireLine, body: []byte(body)})
		}
		wireIn.Reset()
	}
	for i := 0; i < len(d.lines); i++ {
		line := d.clean(i)
		n := i + 1
		if m := apacheWire.FindStringSubmatch(line); m != nil {
			if m[1] == "<<" {
				if wireIn.Len() == 0 {
					wireLine = n
				}
				wireIn.WriteString(unwire(m[2]))
			} else {
				flushWire()
			}
			continue
		}
		if m := apacheHead.FindStringSubmatch(line); m != nil {
			if m[1] == ">>" {
				flushWire()
			}
			if m[1] != headDir || len(head) == 0 {
				flushHead()
				headDir, headLine = m[1], n
			}
			head = append(head, m[2])
			continue
		}
		flushHead()
		switch {
		case strings.Contains(line, "AWS4 Canonical Request: "):
			prefix, col, _ := label(line, "AWS4 Canonical Request: ")
			v, end, note := javaValue(d, i, col, prefix)
			emit(event{line: n, cr: []byte(v), notes: note})
			i = end - 1
		case strings.Contains(line, "AWS4 String to Sign: "), strings.Contains(line, "AWS4 String to sign: "):
			prefix, col, ok := label(line, "AWS4 String to Sign: ")
			if !ok {
				prefix, col, _ = label(line, "AWS4 String to sign: ")
			}
			v, end, note := javaValue(d, i, col, prefix)
			emit(event{line: n, sts: []byte(v), notes: note})
			i = end - 1
		case strings.Contains(line, "Sending Request: "):
			flushWire()
			_, col, _ := label(line, "Sending Request: ")
			if ev, ok := javaSending(n, line[col:]); ok {
				emit(ev)
			}
		case strings.Contains(line, "Received error response: "):
			_, col, _ := label(line, "Received error response: ")
			ev := event{line: n, errText: line[col:]}
			if m := javaStatus.FindStringSubmatch(line); m != nil {
				ev.status, _ = strconv.Atoi(m[1])
			}
			ev.weak = true
			emit(ev)
		default:
			if m := javaResp.FindStringSubmatch(line); m != nil {
				st, _ := strconv.Atoi(m[1])
				emit(event{line: n, status: st, weak: true})
			}
		}
	}
	flushHead()
	flushWire()
}

// javaValue reads a signed string: to the end of its record, without v1's
// opening '" and closing ".
func javaValue(d *doc, i, col int, prefix string) (string, int, []string) {
	end := d.recordEnd(i, d.startTest(prefix))
	v := d.slice(d.start(i)+col, end)
	if strings.HasPrefix(v, `'"`) {
		if !strings.HasSuffix(v, `"`) {
			return v[2:], end, []string{"the logged string has no closing quote: the log may be cut"}
		}
		return v[2 : len(v)-1], end, nil
	}
	return v, end, nil
}

// unwire decodes Apache HttpClient's wire log: printable bytes as they are,
// CR and LF as [\r] and [\n], other bytes as [0xhh].
func unwire(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], `[\r]`):
			b.WriteByte('\r')
			i += 3
		case strings.HasPrefix(s[i:], `[\n]`):
			b.WriteByte('\n')
			i += 3
		case strings.HasPrefix(s[i:], "[0x") && i+5 < len(s) && s[i+5] == ']':
			if v, err := strconv.ParseUint(s[i+3:i+5], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 5
				continue
			}
			b.WriteByte(s[i])
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// javaSending reads the SDK's summary of the request it sends. It is a
// fallback for logs without Apache's header log: v1 shows the header values
// but not the query's encoding, v2 shows header names only.
func javaSending(line int, s string) (event, bool) {
	ev := event{line: line, weak: true}
	if m := javaV2Req.FindStringSubmatch(s); m != nil {
		host := m[3]
		if m[4] != "" && !(m[2] == "https" && m[4] == "443") && !(m[2] == "http" && m[4] == "80") {
			host += ":" + m[4]
		}
		r := &request.Request{Method: m[1], Scheme: m[2], Host: host, RawPath: m[5], Header: []request.Field{{Name: "Host", Value: host}}}
		if r.RawPath == "" {
			r.RawPath = "/"
		}
		r.Notes = append(r.Notes, "from the sdk's summary of the request, which names the fields but not their values")
		ev.req = r
		return ev, true
	}
	f := strings.SplitN(s, " ", 4)
	if len(f) < 3 {
		return ev, false
	}
	r, err := request.ParseURL(f[1])
	if err != nil {
		return ev, false
	}
	r.Method = f[0]
	path := f[2]
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	r.RawPath = strings.TrimSuffix(r.RawPath, "/") + path
	if len(f) == 4 {
		if _, hs, ok := strings.Cut(f[3], "Headers: ("); ok {
			for _, kv := range strings.Split(strings.TrimSuffix(strings.TrimSpace(hs), ")"), ", ") {
				if k, v, ok := strings.Cut(kv, ": "); ok && k != "" {
					r.Header = append(r.Header, request.Field{Name: k, Value: v})
				}
			}
		}
		if strings.Contains(f[3], "Parameters: (") {
			ev.notes = append(ev.notes, "the sdk's summary gives the query parameters decoded; the query sent is not known")
		}
	}
	r.Notes = append(r.Notes, "from the sdk's summary of the request (the path as the sdk held it, the fields it set before the http client added its own)")
	ev.req = r
	return ev, true
}
