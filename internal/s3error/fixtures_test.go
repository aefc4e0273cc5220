package s3error

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/bodies from fixtures_*_test.go")

const bodiesDir = "../../testdata/bodies"

// fixture is one file of the corpus: which body, how it is wrapped, and
// what parsing it must give beyond the base's values.
type fixture struct {
	file    string
	base    string
	wrap    func(b base, xml string) string
	form    string   // Body.Form must contain this
	cr      string   // expected canonical request when not the base's ("-": none)
	missing []string // substrings expected in Missing
	damage  int      // damage regions expected; -1: at least one
}

func xmlAsIs(_ base, x string) string { return x }

var fixtures = []fixture{
	{file: "aws-sigv4.xml", base: "aws-sigv4", wrap: xmlAsIs, form: "xml"},
	{file: "aws-sigv4.no-declaration.xml", base: "aws-sigv4", wrap: func(b base, x string) string { return strings.TrimPrefix(x, b.decl) }, form: "xml"},
	{file: "aws-sigv4.http-response.txt", base: "aws-sigv4", wrap: func(b base, x string) string { return httpResponse(b, x, false) }, form: "http-response"},
	{file: "aws-sigv4.http-chunked.txt", base: "aws-sigv4", wrap: func(b base, x string) string { return httpResponse(b, x, true) }, form: "chunked"},
	{file: "aws-sigv4.curl-verbose.txt", base: "aws-sigv4", wrap: func(_ base, x string) string { return curlVerbose(x) }, form: "curl-verbose"},
	{file: "aws-sigv4.browser-view.txt", base: "aws-sigv4", wrap: func(b base, _ string) string { return browserView(b) }, form: "browser-xml-view", damage: -1},
	{file: "aws-sigv4.json-string.txt", base: "aws-sigv4", wrap: func(_ base, x string) string {
		return goJSON(map[string]any{"status": 403, "body": x}, true) + "\n"
	}, form: "json-string"},
	{file: "aws-sigv4.python-bytes.txt", base: "aws-sigv4", wrap: func(_ base, x string) string { return pythonBytesPieces(x) }, form: "python-bytes"},
	{file: "aws-sigv4.python-dict.txt", base: "aws-sigv4", wrap: func(b base, _ string) string { return boto3Response(b) }, form: "python-dict"},
	{file: "aws-sigv4.ruby-inspect.txt", base: "aws-sigv4", wrap: func(_ base, x string) string {
		return quoteWith(x, "#<Net::HTTPForbidden 403 Forbidden readbody=true>\n=> ", `"`, "\"\n", `\x%02X`, map[string]string{"#{": `\#{`})
	}, form: "ruby-inspect"},
	{file: "aws-sigv4.rust-debug.txt", base: "aws-sigv4", wrap: func(_ base, x string) string { return rustDebug(x) }, form: "rust-debug"},
	{file: "aws-sigv4.java-string.txt", base: "aws-sigv4", wrap: func(_ base, x string) string { return javaSource(x) }, form: "java-string"},
	{file: "aws-sigv4.swift-string.txt", base: "aws-sigv4", wrap: func(_ base, x string) string {
		return quoteWith(x, "body: ", `Optional("`, "\")\n", `\u{%x}`, nil)
	}, form: "swift-string"},
	{file: "aws-sigv4.go-quoted.txt", base: "aws-sigv4", wrap: func(_ base, x string) string {
		return "resp=&{Status:403 Forbidden StatusCode:403} body=" + strconv.Quote(x) + "\n"
	}, form: "go-quoted"},
	{file: "aws-sigv4.erlang-binary.txt", base: "aws-sigv4", wrap: func(_ base, x string) string { return erlangBinaryPieces(x) }, form: "erlang-binary"},
	{file: "aws-sigv4.elixir-inspect.txt", base: "aws-sigv4", wrap: func(_ base, x string) string {
		return quoteWith(x, "%HTTPoison.Response{\n  status_code: 403,\n  body: ", `"`, "\",\n  request_url: \"https://examplebucket.s3.amazonaws.com/test.txt\"\n}\n", `\x%02X`, map[string]string{"#{": `\#{`})
	}, form: "elixir-inspect"},
	{file: "aws-sigv4.js-inspect.txt", base: "aws-sigv4", wrap: func(_ base, x string) string { return jsInspectString(x) }, form: "js-inspect"},
	{file: "aws-sigv4.js-error-object.txt", base: "aws-sigv4", wrap: func(b base, _ string) string { return jsErrorObject(b) }, form: "object-inspect"},
	{file: "aws-sigv4.double-escaped.txt", base: "aws-sigv4", wrap: func(_ base, x string) string {
		return goJSON(map[string]string{"level": "error", "msg": goJSON(map[string]string{"body": x}, true)}, true) + "\n"
	}, form: "double-escaped"},
	{file: "aws-sigv4.html-escaped.html", base: "aws-sigv4", wrap: func(_ base, x string) string { return htmlPre(x) }, form: "html-escaped"},
	{file: "aws-sigv4.xml-escaped.xml", base: "aws-sigv4", wrap: func(_ base, x string) string { return xmlAttr(x) }, form: "html-escaped"},
	{file: "aws-sigv4.markdown-escaped.md", base: "aws-sigv4", wrap: func(_ base, x string) string { return markdownEscape(x) + "\n" }, form: "markdown-escaped"},
	{file: "aws-sigv4.quote-prefixed.md", base: "aws-sigv4", wrap: func(b base, _ string) string { return "I get this:\n\n" + prefixLines(reindented(b), "> ") }, form: "quote-prefixed"},
	{file: "aws-sigv4.heading-prefixed.md", base: "aws-sigv4", wrap: func(_ base, x string) string { return prefixLines(x, "## ") }, form: "heading-prefixed"},
	{file: "aws-sigv4.log-prefixed.log", base: "aws-sigv4", wrap: func(_ base, x string) string {
		return prefixLines(x, "2024-05-01 10:00:00,123 - MainThread - botocore.parsers - DEBUG - ")
	}, form: "log-prefixed"},
	{file: "aws-sigv4.logcat.txt", base: "aws-sigv4", wrap: func(_ base, x string) string { return prefixLines(x, "05-01 10:00:00.123  4321  4350 D OkHttp  : ") }, form: "logcat"},
	{file: "aws-sigv4.shell-prompt.txt", base: "aws-sigv4", wrap: func(_ base, x string) string {
		return ">>> r = requests.get(url, headers=signed)\n>>> r.status_code\n403\n>>> print(r.text)\n" + x + "\n>>> \n"
	}, form: "shell-prompt"},
	{file: "aws-sigv4.re-indented.xml", base: "aws-sigv4", wrap: func(b base, _ string) string { return reindented(b) }, form: "re-indented"},
	{file: "aws-sigv4.console-wrapped.txt", base: "aws-sigv4", wrap: func(_ base, x string) string { return wrapAt(x, 80) }, form: "console-wrapped", damage: 1},
	{file: "aws-sigv4.whitespace-collapsed.txt", base: "aws-sigv4", wrap: func(_ base, x string) string { return strings.Join(strings.Fields(x), " ") + "\n" }, form: "whitespace-collapsed", damage: -1},
	{file: "aws-sigv4.text-only.txt", base: "aws-sigv4", wrap: func(b base, _ string) string { return safariText(b) }, form: "text-only", damage: -1},
	{file: "aws-sigv4.truncated.xml", base: "aws-sigv4", wrap: func(_ base, x string) string { return truncatedAt(x, 100) }, cr: getObjectRangeCR[:100],
		missing: []string{"CanonicalRequestBytes cut after 100 bytes", "element Error not closed", "fields the paste ends before: RequestId, HostId"}},
	{file: "aws-sigv4.key-value.txt", base: "aws-sigv4", wrap: func(b base, _ string) string { return keyValue(b, ": ") }, form: "key-value"},
	{file: "aws-sigv4.key-equals.txt", base: "aws-sigv4", wrap: func(b base, _ string) string { return keyValue(b, "=") }, form: "key-value"},
	{file: "aws-sigv4.print_r.txt", base: "aws-sigv4", wrap: func(b base, _ string) string { return printR(b, false) }, form: "print_r"},
	{file: "aws-sigv4.simplexml-print_r.txt", base: "aws-sigv4", wrap: func(b base, _ string) string { return printR(b, true) }, form: "simplexml-print_r"},
	{file: "aws-sigv4.simplexml-var_dump.txt", base: "aws-sigv4", wrap: func(b base, _ string) string { return varDump(b) }, form: "simplexml-var_dump"},
	{file: "aws-sigv4.byte-list.txt", base: "aws-sigv4", wrap: func(_ base, x string) string { return erlangIntList(x) }, form: "byte-list"},
	{file: "aws-sigv4.utf16.txt", base: "aws-sigv4", wrap: func(_ base, x string) string { return utf16LE(strings.ReplaceAll(x, "\n", "\r\n")) }, form: "utf-16"},
	{file: "aws-sigv4.crlf.xml", base: "aws-sigv4", wrap: func(_ base, x string) string { return strings.ReplaceAll(x, "\n", "\r\n") + "\r\n" }, form: "crlf-line-endings"},
	{file: "aws-sigv4.cr-raw.xml", base: "aws-sigv4-cr", wrap: xmlAsIs, form: "xml"},
	{file: "aws-sigv4.cr-lost.xml", base: "aws-sigv4-cr", wrap: func(b base, _ string) string { return renderXML(crLostText(b)) }, damage: 1},
	{file: "aws-sigv4-query.xml", base: "aws-sigv4-query", wrap: xmlAsIs},
	{file: "aws-sigv4-streaming.xml", base: "aws-sigv4-streaming", wrap: xmlAsIs},
	{file: "aws-sigv4-post.xml", base: "aws-sigv4-post", wrap: xmlAsIs},
	{file: "aws-sigv2.xml", base: "aws-sigv2", wrap: xmlAsIs},
	{file: "aws-sigv2-query.xml", base: "aws-sigv2-query", wrap: xmlAsIs},
	{file: "aws-sigv2-post.xml", base: "aws-sigv2-post", wrap: xmlAsIs},
	{file: "aws-sdk-exception.txt", base: "aws-sdk-exception", wrap: func(base, string) string { return boto3ClientError }, form: "sdk-exception"},
	{file: "aws-java-exception.txt", base: "aws-java-exception", wrap: func(base, string) string { return javaV1Exception }},
	{file: "aws-go-v2-exception.txt", base: "aws-java-exception", wrap: func(base, string) string { return goV2Error }},
	{file: "r2.xml", base: "r2", wrap: xmlAsIs},
	{file: "r2.json-php.txt", base: "r2", wrap: func(_ base, x string) string {
		return strings.ReplaceAll(goJSON(map[string]string{"error": "upload failed", "response": x}, false), "/", `\/`) + "\n"
	}, form: "json-string"},
	{file: "wasabi.xml", base: "wasabi", wrap: xmlAsIs},
	{file: "digitalocean.xml", base: "digitalocean", wrap: xmlAsIs},
	{file: "ceph.xml", base: "ceph", wrap: xmlAsIs},
	{file: "minio.xml", base: "minio", wrap: xmlAsIs},
	{file: "b2.xml", base: "b2", wrap: func(b base, _ string) string {
		return b.decl + "<Error>\n\t<Code>SignatureDoesNotMatch</Code>\n\t<Message>Signature validation failed</Message>\n</Error>\n"
	}},
	{file: "oss-v1.xml", base: "oss-v1", wrap: func(b base, _ string) string { return reindented(b) }},
	{file: "oss-v1-query.xml", base: "oss-v1-query", wrap: xmlAsIs},
	{file: "oss-v1.python-dict.txt", base: "oss-v1", wrap: func(b base, _ string) string {
		return "oss2.exceptions.SignatureDoesNotMatch: {'status': 403, 'x-oss-request-id': '65DA19AE09E59839308E9C36', 'details': " + pyDict(b.fields) + "}\n"
	}, form: "python-dict"},
	{file: "oss-v1.json-string.txt", base: "oss-v1", wrap: func(b base, _ string) string {
		return "StatusCodeError: 403 - " + goJSON(reindented(b), false) + "\n"
	}, form: "json-string"},
	{file: "oss-v1.browser-view.txt", base: "oss-v1", wrap: func(b base, _ string) string { return browserView(b) }, form: "browser-xml-view", damage: -1},
	{file: "oss-v4.xml", base: "oss-v4", wrap: xmlAsIs},
	{file: "oss-v4-query.xml", base: "oss-v4-query", wrap: xmlAsIs},
	{file: "gcs-v4-rsa.xml", base: "gcs-v4-rsa", wrap: func(b base, _ string) string { return reindented(b) }},
	{file: "gcs-v4-rsa.browser-view.txt", base: "gcs-v4-rsa", wrap: func(b base, _ string) string { return browserView(b) }, form: "whitespace-collapsed"},
	{file: "gcs-v4-hmac.xml", base: "gcs-v4-hmac", wrap: xmlAsIs},
	{file: "gcs-v2.xml", base: "gcs-v2", wrap: xmlAsIs},
	{file: "gcs-v2.browser-view.txt", base: "gcs-v2", wrap: func(b base, _ string) string { return browserView(b) }, form: "whitespace-collapsed"},
	{file: "gcs-details.xml", base: "gcs-details", wrap: xmlAsIs},
}

func init() {
	for _, n := range neighbours {
		fixtures = append(fixtures, fixture{file: n.name + ".xml", base: n.name, wrap: xmlAsIs})
	}
}

func TestFixtures(t *testing.T) {
	bs := bases()
	if *update {
		for _, f := range fixtures {
			b := bs[f.base]
			if err := os.WriteFile(filepath.Join(bodiesDir, f.file), []byte(f.wrap(b, renderXML(b))), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join(bodiesDir, f.file))
			if err != nil {
				t.Fatalf("%v (run go test -run TestFixtures -update)", err)
			}
			b, err := Parse(in)
			if err != nil {
				t.Fatal(err)
			}
			checkBase(t, bs[f.base], f, b)
		})
	}
}

func checkBase(t *testing.T, want base, f fixture, b *Body) {
	t.Helper()
	eq := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s: got %q, want %q", what, got, want)
		}
	}
	eq("code", b.Code, want.code)
	eq("message", b.Message, want.message)
	eq("service", b.Service, want.service)
	eq("provider", b.Provider, want.provider)
	eq("scheme", b.Scheme, want.scheme)
	eq("access key id", b.AccessKeyID, want.akid)
	eq("string to sign", string(b.StringToSign), want.sts)
	wantCR := want.cr
	if f.cr != "" {
		wantCR = strings.TrimPrefix(f.cr, "-")
	}
	eq("canonical request", string(b.CanonicalRequest), wantCR)
	if f.form != "" && !strings.Contains(b.Form, f.form) {
		t.Errorf("form %q does not name %q", b.Form, f.form)
	}
	for _, m := range f.missing {
		if !strings.Contains(strings.Join(b.Missing, "\n"), m) {
			t.Errorf("missing %q does not say %q", b.Missing, m)
		}
	}
	if f.missing == nil && len(b.Missing) > 0 {
		t.Errorf("unexpected missing: %q", b.Missing)
	}
	switch {
	case f.damage < 0 && len(b.Damage) == 0:
		t.Errorf("no damage reported")
	case f.damage >= 0 && len(b.Damage) != f.damage:
		t.Errorf("damage: got %d regions, want %d: %+v", len(b.Damage), f.damage, b.Damage)
	}
	for _, wf := range want.fields {
		if v, ok := b.Get(wf.Name); !ok && f.missing == nil {
			t.Errorf("field %s missing", wf.Name)
		} else if ok && !strings.HasSuffix(wf.Name, "Bytes") && wf.Name != "StringToSign" && wf.Name != "CanonicalRequest" && wf.Name != "Message" &&
			strings.TrimSpace(v) != strings.Join(strings.Fields(wf.Text), " ") && strings.TrimSpace(v) != wf.Text {
			t.Errorf("field %s: got %q, want %q", wf.Name, v, wf.Text)
		}
	}
	for _, c := range Checks(b, "") {
		if c.ID == CheckCanonicalRequestHash && !c.OK {
			t.Errorf("check %s failed: %s", c.ID, c.Detail)
		}
	}
}

// TestFixtures_crlf fails when a fixture holding CR lost it (an editor, or
// git without the -text attribute) or when a CR fixture is not marked
// -text in testdata/bodies/.gitattributes.
func TestFixtures_crlf(t *testing.T) {
	attrs, err := os.ReadFile(filepath.Join(bodiesDir, ".gitattributes"))
	if err != nil {
		t.Fatal(err)
	}
	marked := map[string]bool{}
	for _, l := range strings.Split(string(attrs), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[1] == "-text" {
			marked[f[0]] = true
		}
	}
	if len(marked) == 0 {
		t.Fatal(".gitattributes marks no file -text")
	}
	for name := range marked {
		data, err := os.ReadFile(filepath.Join(bodiesDir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Contains(data, []byte("\r")) {
			t.Errorf("%s is marked -text for its CR bytes but holds no CR: it lost them", name)
		}
	}
	entries, _ := os.ReadDir(bodiesDir)
	var unmarked []string
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(bodiesDir, e.Name()))
		if bytes.Contains(data, []byte("\r")) && !marked[e.Name()] {
			unmarked = append(unmarked, e.Name())
		}
	}
	sort.Strings(unmarked)
	if len(unmarked) > 0 {
		t.Errorf("fixtures holding CR not marked -text in .gitattributes: %v", unmarked)
	}
}
