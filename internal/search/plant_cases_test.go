package search

import (
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// plants holds one planted mistake per operator (and the output
// encodings), then a few pairs.
var plants = []plant{
	// Method.
	{name: "method-swapped", client: signs(replace("GET\n", "HEAD\n")), want: []string{"method-swapped"}, args: []string{"HEAD"}},
	{name: "method-lower-case", client: signs(replace("GET\n", "get\n")), want: []string{"method-lower-case"}},

	// URI.
	{name: "uri-space-as-plus", server: uri("/my%20photo.txt"), client: signs(uri("/my+photo.txt")), want: []string{"uri-space-as-plus"}},
	{name: "uri-space-raw", server: uri("/my%20photo.txt"), client: signs(uri("/my photo.txt")), want: []string{"uri-space-raw"}},
	{name: "uri-space-as-2b", server: uri("/my%20photo.txt"), client: signs(uri("/my%2Bphoto.txt")), want: []string{"uri-space-as-2b"}},
	{name: "uri-plus-raw", server: uri("/a%2Bb.txt"), client: signs(uri("/a+b.txt")), want: []string{"uri-plus-raw"}},
	{name: "uri-plus-as-space", server: uri("/a%2Bb.txt"), client: signs(uri("/a%20b.txt")), want: []string{"uri-plus-as-space"}},
	{name: "uri-tilde-encoded", server: uri("/~user/a.txt"), client: signs(uri("/%7Euser/a.txt")), want: []string{"uri-tilde-encoded"}},
	{name: "uri-tilde-decoded", server: uri("/%7Euser/a.txt"), client: signs(uri("/~user/a.txt")), want: []string{"uri-tilde-decoded"}},
	{name: "uri-slash-encoded", server: uri("/photos/2024/a.txt"), client: signs(uri("/photos%2F2024%2Fa.txt")), want: []string{"uri-slash-encoded"}},
	{name: "uri-slash-decoded", server: uri("/photos%2F2024.txt"), client: signs(uri("/photos/2024.txt")), want: []string{"uri-slash-decoded"}},
	{name: "uri-hex-lower-case", server: uri("/a%3Ab.txt"), client: signs(uri("/a%3ab.txt")), want: []string{"uri-hex-lower-case"}},
	{name: "uri-js-encodeuricomponent", server: uri("/a%28b%29%21.txt"), client: signs(uri("/a(b)!.txt")), want: []string{"uri-js-encodeuricomponent"}},
	{name: "uri-js-encodeuri", server: uri("/a%3Ab%40c%28.txt"), client: signs(uri("/a:b@c(.txt")), want: []string{"uri-js-encodeuri"}},
	{name: "uri-not-encoded", server: uri("/caf%C3%A9.txt"), client: signs(uri("/café.txt")), want: []string{"uri-not-encoded"}},
	{name: "uri-encoded-once", server: uri("/my%2520photo.txt"), client: signs(uri("/my%20photo.txt")), want: []string{"uri-encoded-once"}},
	{name: "uri-encoded-twice", server: uri("/my%20photo.txt"), client: signs(uri("/my%2520photo.txt")), want: []string{"uri-encoded-twice"}},
	{name: "uri-raw-path", req: &request.Request{Method: "GET", Host: "examplebucket.s3.amazonaws.com", RawPath: "/%74est.txt"},
		client: signs(uri("/%74est.txt")), want: []string{"uri-raw-path"}},
	{name: "uri-slashes-collapsed", server: uri("/photos//a.txt"), client: signs(uri("/photos/a.txt")), want: []string{"uri-slashes-collapsed"}},
	{name: "uri-dot-segments-removed", server: uri("/photos/./a/../b.txt"), client: signs(uri("/photos/b.txt")), want: []string{"uri-dot-segments-removed"}},
	{name: "uri-leading-slash-removed", client: signs(uri("test.txt")), want: []string{"uri-leading-slash-removed"}},
	{name: "uri-leading-slash-doubled", client: signs(uri("//test.txt")), want: []string{"uri-leading-slash-doubled"}},
	{name: "uri-leading-slash-added", server: uri("test.txt"), client: signs(uri("/test.txt")), want: []string{"uri-leading-slash-added"}},
	{name: "uri-trailing-slash-added", server: uri("/photos"), client: signs(uri("/photos/")), want: []string{"uri-trailing-slash-added"}},
	{name: "uri-trailing-slash-removed", server: uri("/photos/"), client: signs(uri("/photos")), want: []string{"uri-trailing-slash-removed"}},
	{name: "uri-bucket-added", client: signs(uri("/examplebucket/test.txt")), want: []string{"uri-bucket-added"}, args: []string{"examplebucket"}},
	{name: "uri-bucket-removed", server: then(uri("/examplebucket/test.txt"), replace("host:examplebucket.s3.amazonaws.com", "host:s3.amazonaws.com")),
		client: signs(uri("/test.txt")), want: []string{"uri-bucket-removed"}},
	{name: "addressing-path-style", client: signs(then(uri("/examplebucket/test.txt"), replace("host:examplebucket.s3.amazonaws.com", "host:s3.amazonaws.com"))),
		want: []string{"addressing-path-style"}},
	{name: "addressing-virtual-style", server: then(uri("/examplebucket/test.txt"), replace("host:examplebucket.s3.amazonaws.com", "host:s3.amazonaws.com")),
		client: signs(then(uri("/test.txt"), replace("host:s3.amazonaws.com", "host:examplebucket.s3.amazonaws.com"))), want: []string{"addressing-virtual-style"}},

	// Query.
	{name: "query-order-as-sent", server: query("list-type=2&prefix=a"), req: &request.Request{Method: "GET", RawPath: "/test.txt", RawQuery: "prefix=a&list-type=2"},
		client: signs(query("prefix=a&list-type=2")), want: []string{"query-order-as-sent"}},
	{name: "query-sorted-case-insensitive", server: query("Zeta=1&alpha=2"), client: signs(query("alpha=2&Zeta=1")), want: []string{"query-sorted-case-insensitive"}},
	{name: "query-sorted-by-pair", server: query("a=2&a-b=1"), client: signs(query("a-b=1&a=2")), want: []string{"query-sorted-by-pair"}},
	{name: "query-space-as-plus", server: query("prefix=my%20photos"), client: signs(query("prefix=my+photos")), want: []string{"query-space-as-plus"}},
	{name: "query-space-as-2b", server: query("prefix=my%20photos"), client: signs(query("prefix=my%2Bphotos")), want: []string{"query-space-as-2b"}},
	{name: "query-plus-raw", server: query("prefix=a%2Bb"), client: signs(query("prefix=a+b")), want: []string{"query-plus-raw"}},
	{name: "query-plus-as-space", server: query("prefix=a%2Bb"), client: signs(query("prefix=a%20b")), want: []string{"query-plus-as-space"}},
	{name: "query-tilde-encoded", server: query("prefix=~me"), client: signs(query("prefix=%7Eme")), want: []string{"query-tilde-encoded"}},
	{name: "query-reserved-raw", server: query("uploadId=a%2Fb%3D%3D"), client: signs(query("uploadId=a/b==")), want: []string{"query-reserved-raw"}},
	{name: "query-not-encoded", server: query("prefix=caf%C3%A9"), client: signs(query("prefix=café")), want: []string{"query-not-encoded"}},
	{name: "query-encoded-twice", server: query("prefix=my%20photos"), client: signs(query("prefix=my%2520photos")), want: []string{"query-encoded-twice"}},
	{name: "query-hex-lower-case", server: query("prefix=a%3Ab"), client: signs(query("prefix=a%3ab")), want: []string{"query-hex-lower-case"}},
	{name: "query-valueless-without-equals", server: query("uploads="), client: signs(query("uploads")), want: []string{"query-valueless-without-equals"}},
	{name: "query-valueless-with-equals", server: query("uploads"), client: signs(query("uploads=")), want: []string{"query-valueless-with-equals"}},
	{name: "query-param-dropped", server: query("list-type=2&prefix=a"), client: signs(query("list-type=2")), want: []string{"query-param-dropped"}, args: []string{"prefix"}},
	{name: "query-param-added", client: signs(query("x-id=GetObject")), want: []string{"query-param-added"}, args: []string{"x-id=GetObject"}},
	{name: "query-signature-included", server: query("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20130524T000000Z"),
		client: signs(query("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20130524T000000Z&X-Amz-Signature=")), want: []string{"query-signature-included"}},

	// Headers.
	{name: "content-type-variant", server: withHeader("content-type", "application/octet-stream"),
		client: signs(replace("content-type:application/octet-stream", "content-type:application/x-www-form-urlencoded")),
		want:   []string{"content-type-variant"}, args: []string{"application/x-www-form-urlencoded"}},
	{name: "content-type-dropped", server: withHeader("content-type", "text/plain"),
		client: signs(then(replace("content-type:text/plain\n", ""), replace("content-type;", ""))), want: []string{"content-type-dropped"}},
	{name: "header-dropped", client: signs(then(replace("range:bytes=0-9\n", ""), replace(";range;", ";"))), want: []string{"header-dropped"}, args: []string{"range"}},
	{name: "header-line-dropped", client: signs(replace("range:bytes=0-9\n", "")), want: []string{"header-line-dropped"}, args: []string{"range"}},
	{name: "header-list-entry-dropped", client: signs(replace(";range;", ";")), want: []string{"header-list-entry-dropped"}, args: []string{"range"}},
	{name: "headers-dropped", client: signs(then(replace("range:bytes=0-9\n", ""), replace("x-amz-date:20130524T000000Z\n", ""), replace(";range;", ";"), replace(";x-amz-date\n", "\n"))),
		want: []string{"headers-dropped"}, args: []string{"range;x-amz-date"}},
	{name: "headers-lines-dropped", client: signs(then(replace("range:bytes=0-9\n", ""), replace("x-amz-content-sha256:"+emptyHash+"\n", ""), replace("x-amz-date:20130524T000000Z\n", ""))),
		want: []string{"headers-lines-dropped"}, args: []string{"range;x-amz-content-sha256;x-amz-date"}},
	{name: "pair-two-header-lines-dropped", client: signs(then(replace("range:bytes=0-9\n", ""), replace("x-amz-date:20130524T000000Z\n", ""))),
		want: []string{"header-line-dropped", "header-line-dropped"}, args: []string{"range", "x-amz-date"}},
	{name: "header-value-emptied", client: signs(replace("range:bytes=0-9", "range:")), want: []string{"header-value-emptied"}, args: []string{"range"}},
	{name: "header-value-filled", server: withHeader("expect", ""), client: signs(replace("expect:\n", "expect:100-continue\n")),
		want: []string{"header-value-filled"}, args: []string{"expect=100-continue"}},
	{name: "header-value-from-request", server: withHeader("x-amz-meta-user", "proxy"),
		req:    &request.Request{Method: "GET", Host: "examplebucket.s3.amazonaws.com", RawPath: "/test.txt", Header: []request.Field{{Name: "X-Amz-Meta-User", Value: "Jane"}}},
		client: signs(replace("x-amz-meta-user:proxy", "x-amz-meta-user:Jane")), want: []string{"header-value-from-request"}},
	{name: "header-value-as-sent", server: withHeader("x-amz-meta-user", "two spaces"),
		req:    &request.Request{Method: "GET", Host: "examplebucket.s3.amazonaws.com", RawPath: "/test.txt", Header: []request.Field{{Name: "X-Amz-Meta-User", Value: "  two  spaces "}}},
		client: signs(replace("x-amz-meta-user:two spaces", "x-amz-meta-user:  two  spaces ")), want: []string{"header-value-as-sent"}},
	{name: "header-value-uncollapsed", server: withHeader("x-amz-meta-user", "two words"), client: signs(replace("two words", "two  words")), want: []string{"header-value-uncollapsed"}},
	{name: "header-value-untrimmed", client: signs(replace("range:bytes", "range: bytes")), want: []string{"header-value-untrimmed"}, args: []string{"range leading"}},
	{name: "header-values-joined-with-comma-space", server: withHeader("x-amz-meta-tags", "a,b"), client: signs(replace("a,b", "a, b")), want: []string{"header-values-joined-with-comma-space"}},
	{name: "header-values-joined-with-comma", server: withHeader("x-amz-meta-tags", "a, b"), client: signs(replace("a, b", "a,b")), want: []string{"header-values-joined-with-comma"}},
	{name: "header-first-value-only", server: withHeader("x-amz-meta-tags", "a,b"), client: signs(replace("tags:a,b", "tags:a")), want: []string{"header-first-value-only"}},
	{name: "header-last-value-only", server: withHeader("x-amz-meta-tags", "a,b"), client: signs(replace("tags:a,b", "tags:b")), want: []string{"header-last-value-only"}},
	{name: "header-names-title-case", client: signs(then(replace("host:", "Host:"), replace("range:", "Range:"), replace("x-amz-content-sha256:", "X-Amz-Content-Sha256:"),
		replace("x-amz-date:", "X-Amz-Date:"), replace("host;range;x-amz-content-sha256;x-amz-date", "Host;Range;X-Amz-Content-Sha256;X-Amz-Date"))), want: []string{"header-names-title-case"}},
	{name: "header-names-title-case-in-block", client: signs(then(replace("host:", "Host:"), replace("range:", "Range:"), replace("x-amz-content-sha256:", "X-Amz-Content-Sha256:"),
		replace("x-amz-date:", "X-Amz-Date:"))), want: []string{"header-names-title-case-in-block"}},
	{name: "header-names-as-sent", req: &request.Request{Method: "GET", Host: "examplebucket.s3.amazonaws.com", RawPath: "/test.txt",
		Header: []request.Field{{Name: "HOST", Value: "examplebucket.s3.amazonaws.com"}, {Name: "range", Value: "bytes=0-9"}, {Name: "x-amz-content-sha256", Value: emptyHash}, {Name: "X-AMZ-DATE", Value: exampleAmzDate}}},
		client: signs(then(replace("host:", "HOST:"), replace("x-amz-date:", "X-AMZ-DATE:"), replace("host;range;x-amz-content-sha256;x-amz-date", "HOST;range;x-amz-content-sha256;X-AMZ-DATE"))),
		want:   []string{"header-names-as-sent"}},
	{name: "header-order-as-sent", req: sentInOrder(),
		client: signs(then(reorderBlock(), replace("host;range;x-amz-content-sha256;x-amz-date", "x-amz-date;range;host;x-amz-content-sha256"))), want: []string{"header-order-as-sent"}},
	{name: "header-order-as-sent-in-block", req: sentInOrder(), client: signs(reorderBlock()), want: []string{"header-order-as-sent-in-block"}},
	{name: "header-moved", client: signs(then(replace("host:examplebucket.s3.amazonaws.com\n", ""), replace("\n\nhost;range;x-amz-content-sha256;x-amz-date", "\nhost:examplebucket.s3.amazonaws.com\n\nrange;x-amz-content-sha256;x-amz-date;host"))),
		want: []string{"header-moved"}, args: []string{"host@3"}},
	{name: "host-as-sent", req: &request.Request{Method: "GET", Host: "minio:9000", RawPath: "/test.txt"},
		client: signs(replace("host:examplebucket.s3.amazonaws.com", "host:minio:9000")), want: []string{"host-as-sent"}},
	{name: "host-port-added", client: signs(replace("host:examplebucket.s3.amazonaws.com", "host:examplebucket.s3.amazonaws.com:443")), want: []string{"host-port-added"}, args: []string{":443"}},
	{name: "host-port-removed", server: replace("host:examplebucket.s3.amazonaws.com", "host:localhost:9000"),
		client: signs(replace("host:localhost:9000", "host:localhost")), want: []string{"host-port-removed"}},
	{name: "host-port-as-sent", req: &request.Request{Method: "GET", Host: "examplebucket.s3.amazonaws.com:8443", RawPath: "/test.txt"},
		client: signs(replace("host:examplebucket.s3.amazonaws.com", "host:examplebucket.s3.amazonaws.com:8443")), want: []string{"host-port-as-sent"}, args: []string{":8443"}},

	// Payload.
	{name: "payload-body-hash", server: payload("UNSIGNED-PAYLOAD"), body: recompute.HashHex("hello"), client: signs(payload(recompute.HashHex("hello"))), want: []string{"payload-body-hash"}},
	{name: "payload-empty-hash", server: payload("UNSIGNED-PAYLOAD"), client: signs(payload(emptyHash)), want: []string{"payload-empty-hash"}},
	{name: "payload-unsigned", client: signs(payload("UNSIGNED-PAYLOAD")), want: []string{"payload-unsigned"}},
	{name: "payload-streaming", client: signs(payload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")), want: []string{"payload-streaming"}},
	{name: "payload-streaming-trailer", client: signs(payload("STREAMING-UNSIGNED-PAYLOAD-TRAILER")), want: []string{"payload-streaming-trailer"}},
	{name: "payload-upper-case-hex", client: signs(payload(strings.ToUpper(emptyHash))), want: []string{"payload-upper-case-hex"}},

	// Framing of the canonical request.
	{name: "cr-newline-as-n", client: signs(func(cr string) string { return strings.ReplaceAll(cr, "\n", "n") }), want: []string{"cr-newline-as-n"}},
	{name: "cr-crlf", client: signs(func(cr string) string { return strings.ReplaceAll(cr, "\n", "\r\n") }), want: []string{"cr-crlf"}},
	{name: "cr-blank-line-missing", client: signs(replace("\n\nhost;", "\nhost;")), want: []string{"cr-blank-line-missing"}},
	{name: "cr-extra-final-newline", client: signs(func(cr string) string { return cr + "\n" }), want: []string{"cr-extra-final-newline"}},
	{name: "cr-extra-leading-newline", client: signs(func(cr string) string { return "\n" + cr }), want: []string{"cr-extra-leading-newline"}},
	// Fine Uploader: a server cutting headers[70:] for a us-east-1 scope
	// (69 bytes of prefix) loses the method's first letter.
	{name: "cr-sliced", client: signs(func(cr string) string { return (fuPrefix + cr)[70:] }), want: []string{"cr-sliced"}, args: []string{"70"}},
	// A server canonical request that ends in a newline (not the six-part
	// shape): strip() before hashing removes it.
	{name: "cr-stripped", server: func(cr string) string { return cr + "\n" }, client: signs(strings.TrimSpace), want: []string{"cr-stripped"}},
	{name: "cr-sliced-stripped", server: func(cr string) string { return cr + "\n" }, client: signs(func(cr string) string { return strings.TrimSpace((fuPrefix + cr)[70:]) }),
		want: []string{"cr-sliced-stripped"}, args: []string{"70"}},

	// String to sign.
	{name: "sts-not-hashed", client: func(string) client { return client{mode: "raw"} }, want: []string{"sts-not-hashed"}},
	{name: "sts-hash-of-hash", client: func(string) client { return client{mode: "hash-of-hash"} }, want: []string{"sts-hash-of-hash"}},
	{name: "sts-newline-as-n", client: func(string) client { return client{sep: "n"} }, want: []string{"sts-newline-as-n"}},
	{name: "sts-crlf", client: func(string) client { return client{sep: "\r\n"} }, want: []string{"sts-crlf"}},
	{name: "sts-extra-final-newline", client: func(string) client { return client{tail: "\n"} }, want: []string{"sts-extra-final-newline"}},

	// Scope and key.
	{name: "scope-region", client: func(string) client { return client{sRegion: "eu-west-1"} }, want: []string{"scope-region"}, args: []string{"eu-west-1"}},
	{name: "scope-region-from-host", server: replace("host:examplebucket.s3.amazonaws.com", "host:examplebucket.s3.eu-central-1.amazonaws.com"),
		client: func(string) client { return client{sRegion: "eu-central-1"} }, want: []string{"scope-region"}, args: []string{"eu-central-1"}},
	{name: "scope-service", client: func(string) client { return client{sService: "storage"} }, want: []string{"scope-service"}, args: []string{"storage"}},
	{name: "scope-date-shifted", client: func(string) client { return client{sDate: "20130523"} }, want: []string{"scope-date-shifted"}, args: []string{"-1 day"}},
	{name: "scope-date-timestamp", client: func(string) client { return client{sDate: exampleAmzDate} }, want: []string{"scope-date-timestamp"}},
	{name: "key-region", client: func(string) client { return client{kRegion: "cn-north-1"} }, want: []string{"key-region"}, args: []string{"cn-north-1"}},
	{name: "key-service", client: func(string) client { return client{kService: "S3"} }, want: []string{"key-service"}, args: []string{"S3"}},
	{name: "key-date-shifted", client: func(string) client { return client{kDate: "20130525"} }, want: []string{"key-date-shifted"}, args: []string{"+1 day"}},
	{name: "key-date-timestamp", client: func(string) client { return client{kDate: exampleAmzDate} }, want: []string{"key-date-timestamp"}},
	{name: "key-prefix-missing", client: func(string) client { return client{noPrefix: true} }, want: []string{"key-prefix-missing"}},
	{name: "key-chain-hex", client: func(string) client { return client{chain: "hex"} }, want: []string{"key-chain-hex"}},
	{name: "key-not-derived", client: func(string) client { return client{chain: "none"} }, want: []string{"key-not-derived"}},
	{name: "secret-polluted", client: func(string) client { return client{secret: exampleSecret + "\n"} }, want: []string{"secret-polluted"}, args: []string{"trailing newline"}},
	{name: "secret-polluted-quotes", client: func(string) client { return client{secret: `"` + exampleSecret + `"`} }, want: []string{"secret-polluted"}, args: []string{"double quotes"}},

	// Output.
	{name: "signature-base64", client: func(string) client { return client{encode: "base64"} }, want: []string{"signature-base64"}},
	{name: "signature-upper-hex", client: func(string) client { return client{encode: "upper"} }, want: []string{"signature-upper-hex"}},

	// Pairs.
	{name: "pair-method-and-key-region", client: func(s string) client {
		return client{cr: strings.Replace(s, "GET\n", "HEAD\n", 1), kRegion: "cn-north-1"}
	},
		want: []string{"method-swapped", "key-region"}},
	{name: "pair-fine-uploader-slice-and-key-date", client: func(s string) client { return client{cr: (fuPrefix + s)[70:], kDate: "20130523"} },
		want: []string{"cr-sliced", "key-date-shifted"}, args: []string{"70", "-1 day"}},
	{name: "pair-payload-and-host-port", client: signs(then(payload("UNSIGNED-PAYLOAD"), replace("amazonaws.com\n", "amazonaws.com:443\n"))),
		want: []string{"host-port-added", "payload-unsigned"}},
	{name: "pair-secret-and-key-date", client: func(string) client { return client{secret: exampleSecret + " ", kDate: "20130523"} },
		want: []string{"secret-polluted", "key-date-shifted"}},
	{name: "pair-title-case-and-base64", client: func(s string) client {
		return client{cr: strings.NewReplacer("host:", "Host:", "range:", "Range:", "x-amz-content-sha256:", "X-Amz-Content-Sha256:", "x-amz-date:", "X-Amz-Date:").Replace(s), encode: "base64"}
	}, want: []string{"header-names-title-case-in-block", "signature-base64"}},
}

// fuPrefix is what Fine Uploader's v4 signer posts before the canonical
// request: the string to sign without its last line.
const fuPrefix = "AWS4-HMAC-SHA256\n" + exampleAmzDate + "\n" + exampleDate + "/us-east-1/s3/aws4_request\n"

func sentInOrder() *request.Request {
	return &request.Request{Method: "GET", Host: "examplebucket.s3.amazonaws.com", RawPath: "/test.txt", Header: []request.Field{
		{Name: "x-amz-date", Value: exampleAmzDate}, {Name: "Range", Value: "bytes=0-9"}, {Name: "Host", Value: "examplebucket.s3.amazonaws.com"}, {Name: "x-amz-content-sha256", Value: emptyHash}}}
}

// reorderBlock writes the example's header lines in sentInOrder's order.
func reorderBlock() func(string) string {
	return replace("host:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:"+emptyHash+"\nx-amz-date:20130524T000000Z\n",
		"x-amz-date:20130524T000000Z\nrange:bytes=0-9\nhost:examplebucket.s3.amazonaws.com\nx-amz-content-sha256:"+emptyHash+"\n")
}

func TestPlanted(t *testing.T) {
	for _, p := range plants {
		t.Run(p.name, func(t *testing.T) { run(t, p) })
	}
}

// TestPlanted_everyOperator checks that the tables (V4 and V2) plant
// every operator of the catalogue.
func TestPlanted_everyOperator(t *testing.T) {
	planted := map[string]bool{}
	for _, p := range plants {
		for _, id := range p.want {
			planted[id] = true
		}
	}
	for _, p := range v2Plants {
		for _, id := range p.want {
			planted[id] = true
		}
	}
	for _, o := range catalogue {
		if !planted[o.ID] {
			t.Errorf("operator %s has no planted mistake", o.ID)
		}
	}
}
