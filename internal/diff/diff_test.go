package diff

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// canonicalRequest is a SigV4 canonical request for an UploadPart, the base
// every mistake case below changes.
const canonicalRequest = "PUT\n" +
	"/examplebucket/photos%2Fmy%20photo.jpg\n" +
	"partNumber=1&uploadId=abc\n" +
	"content-length:1024\n" +
	"content-type:text/plain;charset=UTF-8\n" +
	"host:examplebucket.s3.amazonaws.com\n" +
	"x-amz-content-sha256:UNSIGNED-PAYLOAD\n" +
	"x-amz-date:20130524T000000Z\n" +
	"\n" +
	"content-length;content-type;host;x-amz-content-sha256;x-amz-date\n" +
	"UNSIGNED-PAYLOAD"

const stringToSignV4 = "AWS4-HMAC-SHA256\n" +
	"20130524T000000Z\n" +
	"20130524/us-east-1/s3/aws4_request\n" +
	"7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"

// stringToSignV2 is the OSS V1 vector v1-header-put-object-meta.
const stringToSignV2 = "PUT\n" +
	"eB5eJF1ptWaXm4bijSPyxw==\n" +
	"text/html\n" +
	"Wed, 28 Dec 2022 10:27:41 GMT\n" +
	"x-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\n" +
	"x-oss-meta-author:alice\n" +
	"x-oss-meta-magic:abracadabra\n" +
	"/examplebucket/nelson"

// replace returns s with the first old replaced by new, failing loudly when
// old is absent so a case cannot silently compare equal strings.
func replace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic(fmt.Sprintf("%q not in base", old))
	}
	return strings.Replace(s, old, new, 1)
}

type divergenceCase struct {
	name           string
	kind           Kind
	server, client string
	line, column   int
	offset         int
	serverHex      string // checked when set
	clientHex      string
	label          string
}

var divergenceCases = []divergenceCase{
	{name: "method", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "PUT", "PUN"),
		line: 1, column: 3, offset: 2, serverHex: "540a", clientHex: "4e0a",
		label: "line 1: method: server has `PUT`, client has `PUN`"},
	{name: "uri percent-encoding case", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "%2F", "%2f"),
		line: 2, column: 24, offset: 27,
		label: "line 2: uri: server has `/examplebucket/photos%2Fmy%20photo.jpg`, client has `/examplebucket/photos%2fmy%20photo.jpg`"},
	{name: "one header value byte", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "length:1024", "length:1025"),
		line: 4, column: 19, offset: 87,
		label: "header content-length: server has `1024`, client has `1025`"},
	{name: "header value cut", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "text/plain;charset=UTF-8", "text/plain"),
		line: 5, column: 24, offset: 112, serverHex: "3b63686172736574", clientHex: "0a",
		label: "header content-type: server has `text/plain;charset=UTF-8`, client has `text/plain`"},
	{name: "trailing space", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "000000Z\n", "000000Z \n"),
		line: 8, column: 28, offset: 228, serverHex: "0a", clientHex: "200a",
		label: "header x-amz-date: trailing space: server has `20130524T000000Z`, client has `20130524T000000Z␠`"},
	{name: "leading space in a header value", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "x-amz-date:", "x-amz-date: "),
		line: 8, column: 12, offset: 212,
		label: "header x-amz-date: leading space: server has `20130524T000000Z`, client has ` 20130524T000000Z`"},
	{name: "CR before LF", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "amazonaws.com\n", "amazonaws.com\r\n"),
		line: 6, column: 36, offset: 162, serverHex: "0a", clientHex: "0d0a",
		label: "line endings: server has LF, client has CR LF"},
	{name: "CR LF on the server", kind: Generic, server: "GET\r\n/\r\n", client: "GET\n/\n",
		line: 1, column: 4, offset: 3, serverHex: "0d0a", clientHex: "0a",
		label: "line endings: server has CR LF, client has LF"},
	{name: "query order", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "partNumber=1&uploadId=abc", "uploadId=abc&partNumber=1"),
		line: 3, column: 1, offset: 43, serverHex: "706172744e756d62", clientHex: "75706c6f61644964",
		label: "query: parameter order"},
	{name: "query value", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "partNumber=1", "partNumber=2"),
		line: 3, column: 12, offset: 54,
		label: "query: parameter `partNumber`: server has `partNumber=1`, client has `partNumber=2`"},
	{name: "query parameter missing", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "partNumber=1&", ""),
		line: 3, column: 1, offset: 43,
		label: "query: server has parameter `partNumber=1`, client has `uploadId=abc`"},
	{name: "extra final newline", kind: CanonicalRequestV4, server: canonicalRequest, client: canonicalRequest + "\n",
		line: 11, column: 17, offset: len(canonicalRequest), serverHex: "", clientHex: "0a",
		label: "extra final newline: client ends with LF, server does not"},
	{name: "missing final newline", kind: Generic, server: "a\nb\n", client: "a\nb",
		line: 2, column: 2, offset: 3, serverHex: "0a", clientHex: "",
		label: "missing final newline: server ends with LF, client does not"},
	{name: "extra line at the end", kind: CanonicalRequestV4, server: canonicalRequest, client: canonicalRequest + "\nUNSIGNED-PAYLOAD",
		line: 11, column: 17, offset: len(canonicalRequest),
		label: "line 12: only the client has it: `UNSIGNED-PAYLOAD`"},
	{name: "extra header", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "host:", "x-amz-acl:private\nhost:"),
		line: 6, column: 1, offset: 127,
		label: "header x-amz-acl: only the client has it: `x-amz-acl:private`"},
	{name: "header missing", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "content-type:text/plain;charset=UTF-8\n", ""),
		line: 5, column: 1, offset: 89,
		label: "header content-type: only the server has it: `content-type:text/plain;charset=UTF-8`"},
	{name: "header name one byte", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "x-amz-date:", "x-amz-datf:"),
		line: 8, column: 10, offset: 210,
		label: "header x-amz-date: only the server has it: `x-amz-date:20130524T000000Z`; the client has `x-amz-datf:20130524T000000Z` there"},
	{name: "header name case", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "host:", "Host:"),
		line: 6, column: 1, offset: 127,
		label: "header host: name: server has `host`, client has `Host`"},
	{name: "header order", kind: CanonicalRequestV4, server: canonicalRequest,
		client: replace(canonicalRequest, "content-length:1024\ncontent-type:text/plain;charset=UTF-8\n", "content-type:text/plain;charset=UTF-8\ncontent-length:1024\n"),
		line:   4, column: 9, offset: 77,
		label: "headers: order: header content-length is on line 4 for the server, line 5 for the client"},
	{name: "blank line missing", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, "Z\n\n", "Z\n"),
		line: 9, column: 1, offset: 229,
		label: "line 9: blank line: only the server has it"},
	{name: "signed headers", kind: CanonicalRequestV4, server: canonicalRequest, client: replace(canonicalRequest, ";content-type;", ";"),
		line: 10, column: 16, offset: 245,
		label: "line 10: signed headers: only the server signs content-type"},
	{name: "string to sign date", kind: StringToSignV4, server: stringToSignV4, client: replace(stringToSignV4, "20130524T", "20130525T"),
		line: 2, column: 8, offset: 24,
		label: "line 2: request date: server has `20130524T000000Z`, client has `20130525T000000Z`"},
	{name: "string to sign region", kind: StringToSignV4, server: stringToSignV4, client: replace(stringToSignV4, "us-east-1", "us-west-1"),
		line: 3, column: 13, offset: 46,
		label: "line 3: scope: server has `20130524/us-east-1/s3/aws4_request`, client has `20130524/us-west-1/s3/aws4_request`"},
	{name: "v2 content-type left out", kind: StringToSignV2, server: stringToSignV2, client: replace(stringToSignV2, "text/html", ""),
		line: 3, column: 1, offset: 29,
		label: "line 3: content-type: server has `text/html`, client has ``"},
	{name: "v2 header NBSP", kind: StringToSignV2, server: stringToSignV2, client: replace(stringToSignV2, "author:alice", "author:alice\u00a0"),
		line: 6, column: 24, offset: 133,
		label: "header x-oss-meta-author: server has `alice`, client has `alice<NBSP>`"},
	{name: "v2 resource", kind: StringToSignV2, server: stringToSignV2, client: replace(stringToSignV2, "/nelson", "/Nelson"),
		line: 8, column: 16, offset: 178,
		label: "line 8: resource: server has `/examplebucket/nelson`, client has `/examplebucket/Nelson`"},
	{name: "generic invalid byte", kind: Generic, server: "one\ntwo\nthree\n", client: "one\ntw\xffo\nthree\n",
		line: 2, column: 3, offset: 6, serverHex: "6f0a", clientHex: "ff6f0a",
		label: "line 2: server has `two`, client has `tw\\xFFo`"},
	{name: "generic inserted line", kind: Generic, server: "one\ntwo\nthree\n", client: "one\ntwo\n2.5\nthree\n",
		line: 3, column: 1, offset: 8,
		label: "line 3: only the client has it: `2.5`"},
	{name: "empty server", kind: CanonicalRequestV4, server: "", client: "GET\n/",
		line: 1, column: 1, offset: 0, serverHex: "", clientHex: "4745540a",
		label: "line 1: method: only the client has it: `GET`"},
}

func TestCompare_firstDivergence(t *testing.T) {
	for _, tc := range divergenceCases {
		t.Run(tc.name, func(t *testing.T) {
			r := Compare(partOf(tc.kind), tc.kind, []byte(tc.server), []byte(tc.client))
			checkEdits(t, r)
			d := r.First
			if d == nil {
				t.Fatal("no divergence found")
			}
			if d.Line != tc.line || d.Column != tc.column || d.Offset != tc.offset || d.ClientOffset != tc.offset {
				t.Errorf("at line %d column %d offset %d/%d, want line %d column %d offset %d",
					d.Line, d.Column, d.Offset, d.ClientOffset, tc.line, tc.column, tc.offset)
			}
			if tc.server[:d.Offset] != tc.client[:d.Offset] {
				t.Errorf("bytes before offset %d differ", d.Offset)
			}
			if tc.serverHex != "" || tc.clientHex != "" {
				if d.Server != tc.serverHex || d.Client != tc.clientHex {
					t.Errorf("hex server %q client %q, want %q %q", d.Server, d.Client, tc.serverHex, tc.clientHex)
				}
			}
			if d.Label != tc.label {
				t.Errorf("label\nhave %s\nwant %s", d.Label, tc.label)
			}
			if r.Equal() {
				t.Error("Equal() true for different bytes")
			}
		})
	}
}

// checkEdits checks the invariants every Result must hold: units cover both
// sides in order without gaps, a Changed unit's edits cover its spans, and
// applying all edits to the server bytes yields the client bytes.
func checkEdits(t *testing.T, r *Result) {
	t.Helper()
	sp, cp := 0, 0
	for i, u := range r.Units {
		if u.Server.Offset != sp || u.Client.Offset != cp {
			t.Fatalf("unit %d (%s) at %d/%d, want %d/%d", i, u.Label, u.Server.Offset, u.Client.Offset, sp, cp)
		}
		switch u.Op {
		case Equal:
			if !bytes.Equal(r.Server[u.Server.Offset:u.Server.End()], r.Client[u.Client.Offset:u.Client.End()]) {
				t.Fatalf("equal unit %d (%s) differs", i, u.Label)
			}
		case ServerOnly:
			if u.Client.Len != 0 || u.Server.Len == 0 {
				t.Fatalf("server-only unit %d has spans %v %v", i, u.Server, u.Client)
			}
		case ClientOnly:
			if u.Server.Len != 0 || u.Client.Len == 0 {
				t.Fatalf("client-only unit %d has spans %v %v", i, u.Server, u.Client)
			}
		case Changed:
			if len(u.Edits) == 0 {
				t.Fatalf("changed unit %d has no edits", i)
			}
			es, ec := u.Server.Offset, u.Client.Offset
			for _, e := range u.Edits {
				if e.Server.Offset != es || e.Client.Offset != ec {
					t.Fatalf("unit %d: edit at %d/%d, want %d/%d", i, e.Server.Offset, e.Client.Offset, es, ec)
				}
				es, ec = e.Server.End(), e.Client.End()
			}
			if es != u.Server.End() || ec != u.Client.End() {
				t.Fatalf("unit %d: edits end at %d/%d, unit at %d/%d", i, es, ec, u.Server.End(), u.Client.End())
			}
		}
		if u.Op != Changed && u.Edits != nil {
			t.Fatalf("unit %d (%s) has edits", i, u.Op)
		}
		sp, cp = u.Server.End(), u.Client.End()
	}
	if sp != len(r.Server) || cp != len(r.Client) {
		t.Fatalf("units end at %d/%d, sides are %d/%d bytes", sp, cp, len(r.Server), len(r.Client))
	}
	if got := apply(t, r.Server, r.Client, r.Edits()); !bytes.Equal(got, r.Client) {
		t.Fatalf("server + edits = %q, want %q", got, r.Client)
	}
}

// apply rebuilds the client from the server bytes: Equal edits copy server
// bytes (checked to be the client's too), ServerOnly drops them, Changed
// and ClientOnly insert the client's bytes.
func apply(t *testing.T, server, client []byte, es []Edit) []byte {
	t.Helper()
	var out []byte
	for _, e := range es {
		s := server[e.Server.Offset:e.Server.End()]
		c := client[e.Client.Offset:e.Client.End()]
		switch e.Op {
		case Equal:
			if !bytes.Equal(s, c) {
				t.Fatalf("equal edit %v/%v: %q vs %q", e.Server, e.Client, s, c)
			}
			out = append(out, s...)
		case ServerOnly:
			if len(c) != 0 || len(s) == 0 {
				t.Fatalf("server-only edit with spans %v %v", e.Server, e.Client)
			}
		case ClientOnly:
			if len(s) != 0 || len(c) == 0 {
				t.Fatalf("client-only edit with spans %v %v", e.Server, e.Client)
			}
			out = append(out, c...)
		case Changed:
			if len(s) == 0 || len(c) == 0 {
				t.Fatalf("changed edit with spans %v %v", e.Server, e.Client)
			}
			out = append(out, c...)
		}
	}
	return out
}

func TestCompare_equal(t *testing.T) {
	for _, kind := range []Kind{Generic, CanonicalRequestV4, StringToSignV4, StringToSignV2} {
		for _, s := range []string{"", canonicalRequest, stringToSignV4, stringToSignV2, "a\r\n\n"} {
			r := Compare("x", kind, []byte(s), []byte(s))
			checkEdits(t, r)
			if !r.Equal() || r.First != nil {
				t.Errorf("%s %q: not equal", kind, s)
			}
			for _, u := range r.Units {
				if u.Op != Equal {
					t.Errorf("%s %q: unit %s is %s", kind, s, u.Label, u.Op)
				}
			}
		}
	}
}

func TestCompare_unitLabels(t *testing.T) {
	tests := []struct {
		kind Kind
		text string
		want []string
	}{
		{CanonicalRequestV4, canonicalRequest, []string{"method", "uri", "query", "header content-length", "header content-type",
			"header host", "header x-amz-content-sha256", "header x-amz-date", "blank line", "signed headers", "payload hash"}},
		{CanonicalRequestV4, "GET\n/\n\nhost:a\n\nhost\nUNSIGNED-PAYLOAD\nextra", []string{"method", "uri", "query", "header host",
			"blank line", "signed headers", "payload hash", "line 8"}},
		{CanonicalRequestV4, "GET\n/\n\nhost:a\nnot a header\nhost\nUNSIGNED-PAYLOAD", []string{"method", "uri", "query", "header host",
			"line 5", "signed headers", "payload hash"}},
		{StringToSignV4, stringToSignV4 + "\nmore", []string{"algorithm", "request date", "scope", "canonical request hash", "line 5"}},
		{StringToSignV2, stringToSignV2, []string{"method", "content-md5", "content-type", "date", "header x-oss-date",
			"header x-oss-meta-author", "header x-oss-meta-magic", "resource"}},
		{Generic, "a\nb", []string{"line 1", "line 2"}},
	}
	for _, tt := range tests {
		r := Compare("x", tt.kind, []byte(tt.text), []byte(tt.text))
		var got []string
		for _, u := range r.Units {
			got = append(got, u.Label)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s %q:\nhave %q\nwant %q", tt.kind, tt.text, got, tt.want)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, text string
		want       Kind
	}{
		{"canonical request", canonicalRequest, CanonicalRequestV4},
		{"canonical request CR LF", strings.ReplaceAll(canonicalRequest, "\n", "\r\n"), CanonicalRequestV4},
		{"oss v4 canonical request, empty additional headers", "PUT\n/bucket/1.txt\n\ncontent-type:text/plain\nx-oss-date:20231216T162057Z\n\n\nUNSIGNED-PAYLOAD", CanonicalRequestV4},
		{"sigv4 string to sign", stringToSignV4, StringToSignV4},
		{"gcs string to sign", "GOOG4-RSA-SHA256\n20190201T190859Z\n20190201/auto/storage/goog4_request\nabc", StringToSignV4},
		{"oss v4 string to sign", "OSS4-HMAC-SHA256\n20231216T162057Z\n20231216/cn-hangzhou/oss/aliyun_v4_request\nf4", StringToSignV4},
		{"oss v1 string to sign", stringToSignV2, StringToSignV2},
		{"sigv2 query string to sign", "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg", StringToSignV2},
		{"sigv2 with md5 starting with a slash", "PUT\n/4JE4saaMU4BqNR0kLY+lw==\n\n\nx-amz-date:Tue, 27 Mar 2007 21:06:08 +0000\n/b/k", StringToSignV2},
		{"empty", "", Generic},
		{"prose", "hello\nworld\n", Generic},
		{"algorithm alone", "AWS4-HMAC-SHA256", Generic},
	}
	for _, tt := range tests {
		if got := Detect([]byte(tt.text)); got != tt.want {
			t.Errorf("%s: Detect = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestCompare_caps(t *testing.T) {
	// A unit whose differing middle exceeds MaxUnitBytes becomes one
	// Changed edit, still exact, and the divergence still points at the
	// first differing byte.
	a := "x:" + strings.Repeat("a", 3*MaxUnitBytes) + "\n"
	b := "x:" + strings.Repeat("b", 3*MaxUnitBytes) + "\n"
	r := Compare("p", Generic, []byte(a), []byte(b))
	checkEdits(t, r)
	if r.First.Offset != 2 || len(r.Units) != 1 || len(r.Units[0].Edits) != 3 {
		t.Errorf("offset %d, %d units, edits %v", r.First.Offset, len(r.Units), r.Units[0].Edits)
	}
	// More lines than MaxLines: common head and tail pair, the rest is one gap.
	var sb, cb strings.Builder
	for i := 0; i < MaxLines+10; i++ {
		fmt.Fprintf(&sb, "line %d\n", i)
		fmt.Fprintf(&cb, "line %d\n", i)
		if i == 100 {
			cb.WriteString("inserted\n")
		}
	}
	r = Compare("p", Generic, []byte(sb.String()), []byte(cb.String()))
	checkEdits(t, r)
	if r.First.Line != 102 || r.First.Column != 1 {
		t.Errorf("first divergence at line %d column %d, want 102:1", r.First.Line, r.First.Column)
	}
}

func TestKindOp_String(t *testing.T) {
	if got := fmt.Sprint(Generic, CanonicalRequestV4, StringToSignV4, StringToSignV2, Kind(9)); got != "generic canonical-request-v4 string-to-sign-v4 string-to-sign-v2 kind(9)" {
		t.Error(got)
	}
	if got := fmt.Sprint(Equal, Changed, ServerOnly, ClientOnly, Op(-1)); got != "equal changed server-only client-only op(-1)" {
		t.Error(got)
	}
}
