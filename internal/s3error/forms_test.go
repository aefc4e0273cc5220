package s3error

import (
	"strings"
	"testing"
)

func TestDechunk(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"crlf", "5\r\n<Erro\r\n3\r\nr/>\r\n0\r\n\r\n", "<Error/>"},
		{"lost CRs", "5\n<Erro\n3\nr/>\n0\n\n", "<Error/>"},
		{"extension", "5;name=v\r\n<Erro\r\n3\r\nr/>\r\n0\r\n", "<Error/>"},
		{"cut short", "10\r\n<Error><Co", "<Error><Co"},
		{"sizes wrong", "4\n<Error>\n2\n<Code/>\n0\n", "<Error>\n<Code/>\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := dechunk(c.in)
			if !ok || got != c.want {
				t.Errorf("got %q %v, want %q", got, ok, c.want)
			}
		})
	}
}

func TestConsoleWidth(t *testing.T) {
	long := strings.Repeat("0123456789", 20)
	if w := consoleWidth(wrapAt(long+"\n"+long, 80)); w != 80 {
		t.Errorf("wrapped: width %d", w)
	}
	if w := consoleWidth(renderXML(bases()["aws-sigv4"])); w != 0 {
		t.Errorf("unwrapped body seen as wrapped at %d", w)
	}
	if w := consoleWidth(reindented(bases()["aws-sigv4"])); w != 0 {
		t.Errorf("pretty body seen as wrapped at %d", w)
	}
}

func TestLinePrefixes(t *testing.T) {
	for _, line := range []string{
		"> <Code>x</Code>", "> > <Code>x</Code>", "## <Code>x</Code>", ">>> <Code>x</Code>", "... <Code>x</Code>", "$ <Code>x</Code>",
		"PS C:\\Users\\me> <Code>x</Code>", "me@box:~/src$ <Code>x</Code>", "irb(main):001:0> <Code>x</Code>", "iex(1)> <Code>x</Code>",
		"05-01 10:00:00.123  4321  4350 D OkHttp  : <Code>x</Code>", "D/OkHttp( 4321): <Code>x</Code>", "D/OkHttp: <Code>x</Code>",
		"2024-05-01 10:00:00,123 - MainThread - botocore.parsers - DEBUG - <Code>x</Code>",
		"2024-05-01T10:00:00.123Z DEBUG 1234 --- [main] o.a.h.wire : <Code>x</Code>",
		"[2024-05-01 10:00:00] DEBUG <Code>x</Code>", "2024/05/01 10:00:00 <Code>x</Code>",
		"10:00:00.123 [main] DEBUG org.apache.http.wire - <Code>x</Code>",
		"D, [2010-06-01T08:40:12.897096 #18502] DEBUG -- : <Code>x</Code>",
		"DEBUG:botocore.parsers:<Code>x</Code>", "May  1 10:00:00 host app[123]: <Code>x</Code>",
	} {
		p := &paste{s: line + "\n" + line}
		unwrapLinePrefixes(p)
		if p.s != "<Code>x</Code>\n<Code>x</Code>" {
			t.Errorf("%q: got %q", line, p.s)
		}
	}
}

// No prefix rule may match a line of what the servers sign.
func TestLinePrefixes_neverMatchBodyLines(t *testing.T) {
	var lines []string
	for _, b := range bases() {
		lines = append(lines, strings.Split(b.sts+"\n"+b.cr, "\n")...)
		for _, f := range b.fields {
			lines = append(lines, strings.Split(f.Text, "\n")...)
		}
	}
	lines = append(lines, "Tue, 27 Mar 2007 19:36:42 +0000", "x-amz-date:Tue, 27 Mar 2007 19:36:42 +0000", "20130524T000000Z",
		"D/x:y", "expires:Thu, 01 Dec 1994 16:00:00 GMT")
	for _, l := range lines {
		for _, lp := range linePrefixes {
			if lp.re.MatchString(l) {
				t.Errorf("%s rule matches body line %q", lp.layer, l)
			}
		}
	}
}

func TestDecodeEscape(t *testing.T) {
	for in, want := range map[string]string{
		`a\nb\r\t`:        "a\nb\r\t",
		`\"q\" \'s\' \/`:  `"q" 's' /`,
		`\x41\x0a`:        "A\n",
		`\u0041\u00e9`:    "Aé",
		`\ud83d\ude00`:    "😀",
		`\u{41}\u{1F600}`: "A😀",
		`\x{41}`:          "A",
		`\U0001F600`:      "😀",
		`\101\12\0`:       "A\n\x00",
		`\#{x} \e \s`:     "#{x} \x1b  ",
		"a\\\nb":          "ab",
		`\q \xZZ \u{zz}`:  `\q \xZZ \u{zz}`,
		`\uD83D alone`:    "\\uD83D alone",
		`trailing \`:      `trailing \`,
	} {
		var sb strings.Builder
		unescapeLiteral(in, 0, 0, &sb)
		if sb.String() != want {
			t.Errorf("%q: got %q, want %q", in, sb.String(), want)
		}
	}
}

func TestLiteralGroup(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"python pieces", "b'<Er'\n   b'ror/>' + 1", "<Error/>"},
		{"js pieces", "'<Er' +\n  'ror/>'", "<Error/>"},
		{"elixir concat", `"<Er" <> "ror/>"`, "<Error/>"},
		{"escaped quote", `"<E\"r" x "no"`, `<E"r`},
		{"unclosed", `"<Error`, "<Error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := strings.IndexAny(c.in, `'"`)
			got, _ := decodeLiteralGroup(c.in, litStart{at: q, q: c.in[q]})
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestKV_varDumpLength(t *testing.T) {
	in := "object(SimpleXMLElement)#2 (2) {\n  [\"Code\"]=>\n  string(21) \"SignatureDoesNotMatch\"\n  [\"StringToSign\"]=>\n  string(8) \"a\"b\nc\"\nd\"\n}\n"
	b := mustParse(t, in)
	if v, _ := b.Get("StringToSign"); v != "a\"b\nc\"\nd" {
		t.Errorf("StringToSign = %q", v)
	}
}

func TestKV_inlineLists(t *testing.T) {
	b := mustParse(t, "oss: service returned error: StatusCode=403, ErrorCode=SignatureDoesNotMatch, ErrorMessage=\"The request signature we calculated does not match\", RequestId=65DA19AE09E59839308E9C36, Ec=0002-00000040")
	for name, want := range map[string]string{"Code": "SignatureDoesNotMatch", "Message": "The request signature we calculated does not match",
		"RequestId": "65DA19AE09E59839308E9C36", "EC": "0002-00000040", "StatusCode": "403"} {
		if v, _ := b.Get(name); v != want {
			t.Errorf("%s = %q, want %q", name, v, want)
		}
	}
	if b.Service != "oss" {
		t.Errorf("service %q", b.Service)
	}
}

func TestUncollapse(t *testing.T) {
	collapse := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, cr := range []string{getObjectRangeCR, presignedCR, ossV4CR, chunkedCR} {
		if got := uncollapseCR(collapse(cr)); got != cr && !strings.Contains(cr, "\n\n\n") {
			t.Errorf("CR: got %q, want %q", got, cr)
		}
	}
	for _, sts := range []string{sigv2STS, sigv2QuerySTS, ossV1STS, ossV1QuerySTS, gcsV2STS, "PUT\n\nimage/png\nSat, 16 Apr 2022 07:43:21 GMT\n/ljp-blog/1.png"} {
		if got := uncollapseV2STS(collapse(sts)); got != sts {
			t.Errorf("V2: got %q, want %q", got, sts)
		}
	}
	if got := uncollapseV4STS(collapse(getObjectRangeSTS)); got != getObjectRangeSTS {
		t.Errorf("V4: got %q", got)
	}
	for _, bad := range []string{"GET / x", "hello world", "GET /x host;a b"} {
		if uncollapseCR(bad) != "" || uncollapseV2STS(bad) != "" && !strings.HasPrefix(bad, "GET /") {
			t.Errorf("%q rebuilt", bad)
		}
	}
}

func TestDeindent(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"AWS4\n    2013\n    scope\n  ", "AWS4\n2013\nscope"},
		{"\n    GET\n    /\n\n    host:h\n  ", "GET\n/\n\nhost:h"},
		{"\nPOST\n/key", "\nPOST\n/key"},
		{"GET\n /\nhost", "GET\n /\nhost"},
	} {
		if got, _ := deindent(c.in); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDecodeText_utf16(t *testing.T) {
	le := utf16LE("<Error/>")
	if got, _ := decodeText([]byte(le)); got != "<Error/>" {
		t.Errorf("LE with BOM: %q", got)
	}
	if got, _ := decodeText([]byte(le[2:] + le[2:])); got != "<Error/><Error/>" {
		t.Errorf("LE without BOM: %q", got)
	}
	be := []byte{0xfe, 0xff, 0, '<', 0, 'a', 0, '>'}
	if got, _ := decodeText(be); got != "<a>" {
		t.Errorf("BE: %q", got)
	}
}

func TestDecodeText_utf8BOM(t *testing.T) {
	b := mustParse(t, "\ufeff"+renderXML(bases()["aws-sigv4"]))
	if b.Form != "xml" {
		t.Errorf("form %q", b.Form)
	}
}

func TestSDKException(t *testing.T) {
	for _, c := range []struct{ in, code, msg string }{
		{boto3ClientError, "SignatureDoesNotMatch", awsMessage},
		{goV2Error, "SignatureDoesNotMatch", awsMessage},
		{"SignatureDoesNotMatch: Signature validation failed\n    at Request.extractError", "SignatureDoesNotMatch", "Signature validation failed"},
		{"failed with InvalidAccessKeyId", "InvalidAccessKeyId", ""},
	} {
		code, msg, _ := sdkException(c.in)
		if code != c.code || msg != c.msg {
			t.Errorf("%.40q: got %q %q", c.in, code, msg)
		}
	}
}
