package clientlog

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestPy(t *testing.T) {
	for _, c := range []struct {
		in   string
		kind pyKind
		want string
	}{
		{`'GET\n/k\n\nhost:h'`, pyStr, "GET\n/k\n\nhost:h"},
		{`b'<?xml version="1.0"?>\n<Error>\r\t\\'`, pyBytes, "<?xml version=\"1.0\"?>\n<Error>\r\t\\"},
		{`"it's"`, pyStr, "it's"},
		{`'a\'b'`, pyStr, "a'b"},
		{`b'\xe9\x00\xff'`, pyBytes, "\xe9\x00\xff"},
		{`'\xe9'`, pyStr, "é"},
		{`'\u00e9\U0001F600'`, pyStr, "é😀"},
		{`b'\u00e9'`, pyBytes, `\u00e9`},
		{`'\101\0'`, pyStr, "A\x00"},
		{`'caf` + "é" + `'`, pyStr, "café"},
		{`'\q'`, pyStr, `\q`},
		{`'a' 'b'  "c"`, pyStr, "abc"},
		{"('\\n'\n 'CANONICAL REQUEST = GET\\n'\n '/')", pyStr, "\nCANONICAL REQUEST = GET\n/"},
		{"(b'ab'\n b'cd')", pyBytes, "abcd"},
		{`r'a\nb'`, pyStr, `a\nb`},
		{`403`, pyNumber, "403"},
		{`None`, pyName, "None"},
		{`<_io.BufferedReader name='/etc/x'>`, pyOpaque, "<_io.BufferedReader name='/etc/x'>"},
	} {
		v, n, err := parsePy(c.in)
		if err != nil || n != len(c.in) || v.kind != c.kind || v.s != c.want {
			t.Errorf("parsePy(%s) = kind %d %q, read %d of %d, %v; want kind %d %q", c.in, v.kind, v.s, n, len(c.in), err, c.kind, c.want)
		}
	}
	for _, bad := range []string{`'open`, "'a\nb'", `'\x4'`, `{'a' 1}`, `[1, 2`, `<a`, `)`, strings.Repeat("[", 100) + strings.Repeat("]", 100)} {
		if _, n, err := parsePy(bad); err == nil && n == len(bad) {
			t.Errorf("parsePy(%q) accepted", bad)
		}
	}
}

func TestPy_dict(t *testing.T) {
	in := "{'data': b'<Error>'\n         b'</Error>',\n 'headers': {'content-type': 'application/xml',\n             'x-amz-request-id': '4442587FB7D0A2F9'},\n 'reason': 'Forbidden',\n 'status': 403,\n 'body': <_io.BytesIO object at 0x7f>,\n 'ctx': OperationModel(name=PutObject),\n 'list': [1, (2, 3), None],}"
	v, n, err := parsePy(in)
	if err != nil || n != len(in) || v.kind != pyDict {
		t.Fatalf("parsePy: %v, read %d of %d", err, n, len(in))
	}
	data, _ := v.get("data")
	st, _ := v.get("status")
	h, _ := v.get("headers")
	body, _ := v.get("body")
	if data.s != "<Error></Error>" || st.s != "403" || len(pyFields(h)) != 2 || body.kind != pyOpaque {
		t.Errorf("data %q status %q headers %v body %v", data.s, st.s, pyFields(h), body)
	}
	if _, ok := v.get("missing"); ok {
		t.Error("get of a missing key")
	}
}

func TestStartTest(t *testing.T) {
	for _, c := range []struct {
		prefix string
		yes    []string
		no     []string
	}{
		{"2024-01-31 12:00:00,123 - MainThread - botocore.auth - DEBUG - ", []string{"2024-02-01 00:00:00,000 - MainThread - x - INFO - y"}, []string{"GET", "host:h", "2024-01-31", "e3b0c442", "  File \"x.py\", line 3"}},
		{"SDK 2024/01/31 12:00:00 DEBUG ", []string{"SDK 2024/01/31 12:00:01 DEBUG Response"}, []string{"2024/01/31 12:00:01 x", "PUT /k HTTP/1.1\r"}},
		{"DEBUG: ", []string{"DEBUG: x", "INFO: y", "ERROR: z"}, []string{"----------------------", "x-amz-date:20240131T000000Z"}},
		{"DEBUG:botocore.auth:", []string{"DEBUG:botocore.endpoint:x"}, []string{"/key"}},
		{"", []string{"2024-01-31 12:00:00 x", "12:00:00 x", "WARNING x"}, []string{"GET", "/k"}},
	} {
		is := startTest(c.prefix)
		for _, y := range c.yes {
			if !is(y) {
				t.Errorf("prefix %q: %q should start a record", c.prefix, y)
			}
		}
		for _, n := range c.no {
			if is(n) {
				t.Errorf("prefix %q: %q should not start a record", c.prefix, n)
			}
		}
	}
}

func one(t *testing.T, in string) *Log {
	t.Helper()
	l, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestBotocore_exactBlocks(t *testing.T) {
	const cr = "GET\n/k\n\nhost:h\nx-amz-date:20240131T000000Z\n\nhost;x-amz-date\nUNSIGNED-PAYLOAD"
	t.Run("block", func(t *testing.T) {
		l := one(t, "2024-01-31 12:00:00,001 - MainThread - botocore.auth - DEBUG - CanonicalRequest:\n"+cr+"\n2024-01-31 12:00:00,002 - MainThread - botocore.auth - DEBUG - StringToSign:\nAWS4-HMAC-SHA256\nX\n2024-01-31 12:00:00,003 - MainThread - botocore.auth - DEBUG - Signature:\nabc\n")
		x := l.Exchanges[0]
		if string(x.CanonicalRequest) != cr || string(x.StringToSign) != "AWS4-HMAC-SHA256\nX" || x.Signature != "abc" {
			t.Errorf("cr %q sts %q sig %q", x.CanonicalRequest, x.StringToSign, x.Signature)
		}
	})
	t.Run("a final newline that is the string's own", func(t *testing.T) {
		l := one(t, "DEBUG:botocore.auth:CanonicalRequest:\n"+cr+"\n\nDEBUG:botocore.auth:StringToSign:\nS\n")
		if got := string(l.Exchanges[0].CanonicalRequest); got != cr+"\n" {
			t.Errorf("cr %q", got)
		}
	})
	t.Run("repr on the label line", func(t *testing.T) {
		l := one(t, "DEBUG:botocore.auth:CanonicalRequest: 'GET\\n/k\\n\\nhost:h\\n\\nhost\\nUNSIGNED-PAYLOAD'\nDEBUG:botocore.auth:StringToSign: b'AWS4-HMAC-SHA256\\nX'\n")
		x := l.Exchanges[0]
		if string(x.CanonicalRequest) != "GET\n/k\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD" || string(x.StringToSign) != "AWS4-HMAC-SHA256\nX" {
			t.Errorf("cr %q sts %q", x.CanonicalRequest, x.StringToSign)
		}
	})
	t.Run("crlf file", func(t *testing.T) {
		l := one(t, strings.ReplaceAll("DEBUG:botocore.auth:CanonicalRequest:\n"+cr+"\nDEBUG:botocore.auth:Signature:\nabc\n", "\n", "\r\n"))
		if string(l.Exchanges[0].CanonicalRequest) != cr || !slices.ContainsFunc(l.Notes, func(n string) bool { return strings.Contains(n, "crlf") }) {
			t.Errorf("cr %q notes %q", l.Exchanges[0].CanonicalRequest, l.Notes)
		}
	})
}

func TestPairing(t *testing.T) {
	rec := func(msg string) string { return "2024-01-31 12:00:00,000 botocore.x [DEBUG] " + msg + "\n" }
	sign := func(c string) string {
		return rec("Calculating signature using v4 auth.") + rec("CanonicalRequest:") + c + "\n" + rec("StringToSign:") + "S" + c + "\n" + rec("Signature:") + "sig" + c + "\n"
	}
	send := func(path string) string {
		return rec("Sending http request: <AWSPreparedRequest stream_output=False, method=GET, url=https://h"+path+", headers={'X-Amz-Date': b'20240131T000000Z'}>") +
			rec(`https://h:443 "GET `+path+` HTTP/1.1" 500 0`)
	}
	t.Run("retries and a presign", func(t *testing.T) {
		in := sign("1") + send("/a") + sign("2") + send("/a") + rec("Response headers: {'x-amz-request-id': 'R'}") + rec("Response body:") + "b'ok'\n" + sign("3") + sign("4") + send("/b")
		l := one(t, in)
		if len(l.Exchanges) != 4 {
			t.Fatalf("%d exchanges", len(l.Exchanges))
		}
		want := []struct {
			cr, path string
			status   int
		}{{"1", "/a", 500}, {"2", "/a", 500}, {"3", "", 0}, {"4", "/b", 500}}
		for i, w := range want {
			x := l.Exchanges[i]
			path := ""
			if x.Request != nil {
				path = x.Request.RawPath
			}
			if string(x.CanonicalRequest) != w.cr || string(x.StringToSign) != "S"+w.cr || x.Signature != "sig"+w.cr || path != w.path || x.Status != w.status {
				t.Errorf("exchange %d: cr %q sts %q sig %q path %q status %d", i+1, x.CanonicalRequest, x.StringToSign, x.Signature, path, x.Status)
			}
		}
		if x := l.Exchanges[1]; string(x.ResponseBody) != "ok" || len(x.ResponseHeader) != 1 {
			t.Errorf("response of exchange 2: %q %v", x.ResponseBody, x.ResponseHeader)
		}
	})
	t.Run("rclone interleaved transfers", func(t *testing.T) {
		r := func(msg string) string { return "2024/01/31 12:00:00 DEBUG : " + msg + "\n" }
		in := r("HTTP REQUEST (req 0xc000a)") + r("PUT /b/one HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r") +
			r("HTTP REQUEST (req 0xc000b)") + r("PUT /b/two HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r") +
			r("HTTP RESPONSE (req 0xc000b)") + r("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r") +
			r("HTTP RESPONSE (req 0xc000a)") + r("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r") +
			r("HTTP RESPONSE (req 0xc000c)") + r("Error: dial tcp: connection refused")
		l := one(t, in)
		if len(l.Exchanges) != 2 {
			t.Fatalf("%d exchanges", len(l.Exchanges))
		}
		if a, b := l.Exchanges[0], l.Exchanges[1]; a.Request.RawPath != "/b/one" || a.Status != 200 || b.Request.RawPath != "/b/two" || b.Status != 403 {
			t.Errorf("paired %s→%d, %s→%d", a.Request.RawPath, a.Status, b.Request.RawPath, b.Status)
		}
	})
}

func TestCurl(t *testing.T) {
	t.Run("trace-time and cut canonical request", func(t *testing.T) {
		in := "12:00:00.000001 * aws_sigv4: Canonical request (enclosed in []) - [GET\n/k\n" + strings.Repeat("x-amz-meta-a:b\n", 3) +
			"12:00:00.000002 * aws_sigv4: String to sign (enclosed in []) - [AWS4-HMAC-SHA256\n20240131T000000Z\ns/us-east-1/s3/aws4_request\nabc]\n" +
			"12:00:00.000003 > GET /k HTTP/1.1\r\n12:00:00.000003 > Host: h\r\n12:00:00.000003 > \r\n" +
			"12:00:00.000004 < HTTP/1.1 100 Continue\r\n12:00:00.000004 < HTTP/1.1 403 Forbidden\r\n12:00:00.000004 < Content-Length: 7\r\n12:00:00.000004 < \r\n<Error>\n"
		l := one(t, in)
		x := l.Exchanges[0]
		if x.CanonicalRequest != nil || len(x.Notes) == 0 || !strings.Contains(x.Notes[0], "no closing ]") {
			t.Errorf("cut canonical request: %q, notes %q", x.CanonicalRequest, x.Notes)
		}
		if string(x.StringToSign) != "AWS4-HMAC-SHA256\n20240131T000000Z\ns/us-east-1/s3/aws4_request\nabc" {
			t.Errorf("sts %q", x.StringToSign)
		}
		if x.Request == nil || x.Request.Host != "h" || x.Status != 403 || string(x.ResponseBody) != "<Error>" {
			t.Errorf("request %v status %d body %q", x.Request, x.Status, x.ResponseBody)
		}
	})
	t.Run("a bracket inside the string", func(t *testing.T) {
		l := one(t, "* aws_sigv4: Canonical request (enclosed in []) - [GET\n/a]b\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD]\n* aws_sigv4: Signature - ff\n")
		if got := string(l.Exchanges[0].CanonicalRequest); got != "GET\n/a]b\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD" || l.Exchanges[0].Signature != "ff" {
			t.Errorf("cr %q", got)
		}
	})
}

func TestJavaValue(t *testing.T) {
	in := "2024-01-31 12:00:00,000 DEBUG [main] com.amazonaws.auth.AWS4Signer - AWS4 Canonical Request: '\"GET\n/k\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD\"\n" +
		"2024-01-31 12:00:00,001 DEBUG [main] com.amazonaws.auth.AWS4Signer - AWS4 String to Sign: '\"AWS4-HMAC-SHA256\nT\nS\nH\"\n"
	x := one(t, in).Exchanges[0]
	if string(x.CanonicalRequest) != "GET\n/k\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD" || string(x.StringToSign) != "AWS4-HMAC-SHA256\nT\nS\nH" {
		t.Errorf("cr %q sts %q", x.CanonicalRequest, x.StringToSign)
	}
	if got := unwire(`a[\r][\n][0x00][0xzz]"`); got != "a\r\n\x00[0xzz]\"" {
		t.Errorf("unwire %q", got)
	}
}

func TestParse_errors(t *testing.T) {
	for _, in := range []string{"", "hello\nworld\n", "<Error><Code>SignatureDoesNotMatch</Code></Error>"} {
		if _, err := Parse([]byte(in)); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("Parse(%q) = %v, want ErrUnknownFormat", in, err)
		}
	}
	_, err := Parse([]byte("2024-01-31 12:00:00,000 botocore.hooks [DEBUG] Event x\n"))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Format != FormatBotocore || strings.Contains(err.Error(), "\n") {
		t.Errorf("err %v", err)
	}
	big := make([]byte, MaxInput+1)
	if _, err := Parse(big); !errors.As(err, &pe) || !strings.Contains(err.Error(), "more than") {
		t.Errorf("err %v", err)
	}
}

func TestExchange_Signed(t *testing.T) {
	l := one(t, "DEBUG:botocore.auth:StringToSign:\nGET\n\n\nDate\n/b/k\nDEBUG:botocore.auth:Signature:\nabc\n")
	s := l.Exchanges[0].Signed()
	if s == nil || string(s.StringToSign) != "GET\n\n\nDate\n/b/k" || s.CanonicalRequest != nil || s.Signature != "abc" || s.Form != "client-log" {
		t.Errorf("Signed() = %+v", s)
	}
	if (&Exchange{Status: 403}).Signed() != nil {
		t.Error("an exchange without signing has no Signed")
	}
}
