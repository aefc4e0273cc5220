package s3error

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The encoders below write a body the way each tool prints it, from what
// those tools are documented (or observed in public bug reports) to do.
// They only build the fixtures (go test -run TestFixtures -update); the
// parser never sees them.

// renderXML writes the body as its service does: declaration, then the
// elements on one line.
func renderXML(b base) string {
	var sb strings.Builder
	sb.WriteString(b.decl)
	sb.WriteString("<Error>")
	for _, f := range b.fields {
		t := xmlEscape(f.Text)
		if b.entityNewlines {
			t = strings.ReplaceAll(t, "\n", "&#xA;")
		}
		fmt.Fprintf(&sb, "<%s>%s</%s>", f.Name, t, f.Name)
	}
	sb.WriteString("</Error>")
	return sb.String()
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func httpResponse(b base, body string, chunked bool) string {
	h := "HTTP/1.1 403 Forbidden\r\nx-amz-request-id: " + awsRequestIDV + "\r\nx-amz-id-2: " + awsHostIDV +
		"\r\nContent-Type: application/xml\r\n"
	if !chunked {
		h += "Content-Length: " + strconv.Itoa(len(body)) + "\r\n"
	} else {
		h += "Transfer-Encoding: chunked\r\n"
	}
	h += "Date: Fri, 24 May 2013 00:00:01 GMT\r\nServer: AmazonS3\r\n\r\n"
	if !chunked {
		return h + body
	}
	var sb strings.Builder
	sb.WriteString(h)
	for len(body) > 0 {
		n := min(256, len(body))
		fmt.Fprintf(&sb, "%x\r\n%s\r\n", n, body[:n])
		body = body[n:]
	}
	sb.WriteString("0\r\n\r\n")
	return sb.String()
}

func curlVerbose(body string) string {
	return "*   Trying 52.216.8.107:443...\n* Connected to examplebucket.s3.amazonaws.com (52.216.8.107) port 443 (#0)\n" +
		"* ALPN: offers h2,http/1.1\n> GET /test.txt HTTP/1.1\r\n> Host: examplebucket.s3.amazonaws.com\r\n> User-Agent: curl/8.5.0\r\n" +
		"> Accept: */*\r\n> Range: bytes=0-9\r\n> x-amz-date: 20130524T000000Z\r\n>\r\n< HTTP/1.1 403 Forbidden\r\n" +
		"< x-amz-request-id: " + awsRequestIDV + "\r\n< Content-Type: application/xml\r\n< Transfer-Encoding: chunked\r\n" +
		"< Server: AmazonS3\r\n<\r\n{ [" + strconv.Itoa(len(body)) + " bytes data]\n" + body +
		"* Connection #0 to host examplebucket.s3.amazonaws.com left intact\n"
}

// browserView is Chrome's raw XML view copied as text: a banner, one
// element per line, white space inside text collapsed, entities decoded.
func browserView(b base) string {
	var sb strings.Builder
	sb.WriteString("This XML file does not appear to have any style information associated with it. The document tree is shown below.\n<Error>\n")
	for _, f := range b.fields {
		fmt.Fprintf(&sb, "<%s>%s</%s>\n", f.Name, strings.Join(strings.Fields(f.Text), " "), f.Name)
	}
	sb.WriteString("</Error>")
	return sb.String()
}

func goJSON(v any, escapeHTML bool) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(v)
	return strings.TrimSuffix(buf.String(), "\n")
}

// pyRepr is Python's repr of bytes (prefix "b") or str: single quotes
// unless the text has ' and no ", \n \r \t \\, \xNN for the rest.
func pyRepr(s string, isBytes bool) string {
	q := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = '"'
	}
	var sb strings.Builder
	if isBytes {
		sb.WriteByte('b')
	}
	sb.WriteByte(q)
	sb.WriteString(cEscape(s, q, isBytes, `\x%02x`))
	sb.WriteByte(q)
	return sb.String()
}

// cEscape escapes s for a C-like literal quoted with q. Non-printable
// bytes use hexFmt; with raw false, valid UTF-8 runes stay as they are.
func cEscape(s string, q byte, raw bool, hexFmt string) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			sb.WriteString(`\\`)
		case c == q:
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\r':
			sb.WriteString(`\r`)
		case c == '\t':
			sb.WriteString(`\t`)
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		case !raw && c >= 0x80:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError {
				sb.WriteString(s[i : i+n])
				i += n
				continue
			}
			fmt.Fprintf(&sb, hexFmt, c)
		default:
			fmt.Fprintf(&sb, hexFmt, c)
		}
		i++
	}
	return sb.String()
}

// splitLiteral cuts an escaped literal body into pieces of about width
// characters, never inside an escape, as pprint and Erlang's ~p do.
func splitLiteral(esc string, width int) []string {
	var out []string
	for len(esc) > width {
		cut := width
		for cut > 0 && cut < len(esc) && trailingBackslashes(esc[:cut])%2 == 1 {
			cut--
		}
		for strings.HasSuffix(esc[:cut], `\x`) || strings.HasSuffix(esc[:cut], `\x0`) {
			cut--
		}
		out = append(out, esc[:cut])
		esc = esc[cut:]
	}
	return append(out, esc)
}

func trailingBackslashes(s string) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n
}

func pythonBytesPieces(body string) string {
	esc := cEscape(body, '\'', true, `\x%02x`)
	pieces := splitLiteral(esc, 70)
	var sb strings.Builder
	sb.WriteString("DEBUG: Response:\n{'data': ")
	for i, p := range pieces {
		if i > 0 {
			sb.WriteString("\n         ")
		}
		sb.WriteString("b'" + p + "'")
	}
	sb.WriteString(",\n 'headers': {'x-amz-request-id': '" + awsRequestIDV + "', 'server': 'AmazonS3'},\n 'reason': 'Forbidden',\n 'status': 403}\n")
	return sb.String()
}

// boto3Response is botocore's parsed error (ClientError.response) printed
// with print(): the fields as a dict of str reprs.
func boto3Response(b base) string {
	return "{'Error': " + pyDict(b.fields) + ", 'ResponseMetadata': {'RequestId': '" + awsRequestIDV +
		"', 'HostId': '" + awsHostIDV + "', 'HTTPStatusCode': 403, 'HTTPHeaders': {'x-amz-request-id': '" + awsRequestIDV +
		"', 'server': 'AmazonS3'}, 'RetryAttempts': 0}}\n"
}

func pyDict(fs []Field) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, pyRepr(f.Name, false)+": "+pyRepr(f.Text, false))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func quoteWith(body string, pre, open, close, hexFmt string, extra map[string]string) string {
	esc := cEscape(body, '"', false, hexFmt)
	for k, v := range extra {
		esc = strings.ReplaceAll(esc, k, v)
	}
	return pre + open + esc + close
}

func rustDebug(body string) string {
	return "Error: unexpected status 403 Forbidden, body: b\"" + cEscape(body, '"', true, `\x%02x`) + "\"\n"
}

func javaSource(body string) string {
	lines := strings.SplitAfter(body, "\n")
	var sb strings.Builder
	sb.WriteString("String body = ")
	for i, l := range lines {
		if i > 0 {
			sb.WriteString(" +\n        ")
		}
		sb.WriteString(`"` + cEscape(l, '"', false, `\u%04x`) + `"`)
	}
	sb.WriteString(";\n")
	return sb.String()
}

func erlangBinaryPieces(body string) string {
	pieces := splitLiteral(cEscape(body, '"', true, `\x{%x}`), 60)
	return `{ok,{{"HTTP/1.1",403,"Forbidden"},` + "\n     [{\"server\",\"AmazonS3\"}],\n     <<\"" + strings.Join(pieces, "\"\n       \"") + "\">>}}\n"
}

func jsInspectString(body string) string {
	lines := strings.SplitAfter(body, "\n")
	var out []string
	for _, l := range lines {
		out = append(out, "'"+cEscape(l, '\'', false, `\x%02x`)+"'")
	}
	return "> console.log(util.inspect(res.body))\n" + strings.Join(out, " +\n  ") + "\n"
}

// jsErrorObject is how Node prints an aws-sdk-js v3 S3ServiceException:
// the stack, then its fields; multi-line strings are cut after each \n.
func jsErrorObject(b base) string {
	var sb strings.Builder
	sb.WriteString(b.code + ": " + b.message + "\n    at throwDefaultError (/app/node_modules/@smithy/smithy-client/dist-cjs/index.js:867:20)\n")
	sb.WriteString("    at process.processTicksAndRejections (node:internal/process/task_queues:95:5) {\n  '$fault': 'client',\n")
	sb.WriteString("  '$metadata': {\n    httpStatusCode: 403,\n    requestId: '" + awsRequestIDV + "',\n    attempts: 1\n  },\n")
	for _, f := range b.fields {
		lines := strings.SplitAfter(f.Text, "\n")
		var parts []string
		for _, l := range lines {
			parts = append(parts, "'"+cEscape(l, '\'', false, `\x%02x`)+"'")
		}
		sb.WriteString("  " + f.Name + ": " + strings.Join(parts, " +\n    ") + ",\n")
	}
	sb.WriteString("}\n")
	return sb.String()
}

func utf16LE(s string) string {
	u := utf16.Encode([]rune(s))
	out := []byte{0xff, 0xfe}
	for _, c := range u {
		out = append(out, byte(c), byte(c>>8))
	}
	return string(out)
}

func htmlPre(body string) string {
	return "<html><body><h1>Upload failed</h1>\n<pre>" + html.EscapeString(body) + "</pre></body></html>\n"
}

func xmlAttr(body string) string {
	e := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\n", "&#10;").Replace(body)
	return `<event time="2013-05-24T00:00:01Z" level="error" status="403" body="` + e + "\"/>\n"
}

func markdownEscape(body string) string {
	return strings.NewReplacer(`\`, `\\`, "_", `\_`, "*", `\*`, "<", `\<`, ">", `\>`, "&", `\&`, "[", `\[`, "]", `\]`, "`", "\\`").Replace(body)
}

func prefixLines(body, prefix string) string {
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		if l == "" && prefix == "> " {
			lines[i] = ">"
			continue
		}
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n") + "\n"
}

func wrapAt(s string, w int) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		r := []rune(line)
		for len(r) > w {
			out = append(out, string(r[:w]))
			r = r[w:]
		}
		out = append(out, string(r))
	}
	return strings.Join(out, "\n") + "\n"
}
