package search

import "sort"

// Operator describes one kind of client mistake the search tries. Its
// instances (one per method, region, header, offset, …) appear in a hit as
// Op values with the same ID.
type Operator struct {
	ID      string
	Group   string
	Cause   string // cause id of ../shared/CAUSES.md
	Summary string
}

// Operators returns the catalogue, sorted by ID. Ids are public interface
// (they appear in --json): never rename one, add new ones.
func Operators() []Operator { return append([]Operator(nil), catalogue...) }

// catalogue is sorted by ID (a test checks it). Each entry cites the
// client or situation that makes the mistake.
var catalogue = []Operator{
	{"addressing-path-style", "uri", "addressing-style", "signed path-style (bucket in the path, not the host) while the request went virtual-hosted"},
	{"addressing-virtual-style", "uri", "addressing-style", "signed virtual-hosted (bucket in the host, not the path) while the request went path-style"},
	{"content-type-dropped", "headers", "content-type-changed", "content-type left out of the canonical headers and SignedHeaders the client signed"},
	{"content-type-variant", "headers", "content-type-changed", "another content-type signed than the one sent (browser, axios, fetch or runtime default; charset added)"},
	{"cr-blank-line-missing", "framing", "sts-framing", "the blank line after the canonical headers left out"},
	{"cr-crlf", "framing", "sts-framing", "canonical request lines joined with CR LF"},
	{"cr-extra-final-newline", "framing", "sts-framing", "a newline added after the payload hash"},
	{"cr-extra-leading-newline", "framing", "sts-framing", "a newline added before the method"},
	{"cr-newline-as-n", "framing", "sts-framing", "canonical request lines joined with the letter n (an escaped \\n written as text)"},
	{"cr-sliced", "framing", "sts-hashed-wrong-bytes", "the signer hashed its input from a fixed offset (Fine Uploader servers cutting headers[70:]) instead of the canonical request"},
	{"cr-sliced-stripped", "framing", "sts-hashed-wrong-bytes", "the signer hashed its input from a fixed offset, then stripped of surrounding whitespace"},
	{"cr-stripped", "framing", "sts-hashed-wrong-bytes", "the canonical request stripped of surrounding whitespace before hashing"},
	{"header-dropped", "headers", "signed-headers-list", "a header left out of both the canonical headers and SignedHeaders, though the request's SignedHeaders lists it"},
	{"header-first-value-only", "headers", "header-whitespace", "only the first of a repeated header's values signed"},
	{"header-last-value-only", "headers", "header-whitespace", "only the last of a repeated header's values signed"},
	{"header-line-dropped", "headers", "signed-headers-list", "a header named in SignedHeaders left out of the canonical headers"},
	{"header-list-entry-dropped", "headers", "signed-headers-list", "a canonical header left out of the SignedHeaders line"},
	{"header-moved", "headers", "header-case-or-order", "a header out of sorted order (appended last, or inserted where the client added it)"},
	{"header-names-as-sent", "headers", "header-case-or-order", "header names signed with the case they were sent in, not lower-cased"},
	{"header-names-title-case", "headers", "header-case-or-order", "header names signed in Title-Case, not lower-cased"},
	{"header-names-title-case-in-block", "headers", "header-case-or-order", "header names in Title-Case in the canonical headers, lower case in SignedHeaders"},
	{"header-order-as-sent", "headers", "header-case-or-order", "headers signed in the order sent, not sorted"},
	{"header-order-as-sent-in-block", "headers", "header-case-or-order", "canonical headers in the order sent, SignedHeaders sorted"},
	{"header-value-as-sent", "headers", "header-whitespace", "a header value signed as sent, not trimmed or not collapsed"},
	{"header-value-emptied", "headers", "signed-header-changed", "a header signed empty that reached the server with a value (set after signing)"},
	{"header-value-filled", "headers", "signed-header-missing", "a header signed with a value that did not reach the server (dropped by a hop, or never sent)"},
	{"header-value-from-request", "headers", "signed-header-changed", "the header value the request shows was signed; the server saw another"},
	{"header-value-uncollapsed", "headers", "header-whitespace", "inner spaces of a header value not collapsed"},
	{"header-value-untrimmed", "headers", "header-whitespace", "a header value signed with a leading or trailing space"},
	{"header-values-joined-with-comma", "headers", "header-whitespace", "repeated header values joined with \",\" where the server joined with \", \" or the sender sent one line"},
	{"header-values-joined-with-comma-space", "headers", "header-whitespace", "repeated header values joined with \", \" instead of \",\""},
	{"headers-dropped", "headers", "signed-headers-list", "several headers left out of both the canonical headers and SignedHeaders"},
	{"headers-lines-dropped", "headers", "signed-headers-list", "several headers named in SignedHeaders left out of the canonical headers"},
	{"host-as-sent", "headers", "host-rewritten", "the Host the request was sent with was signed; a proxy or a swapped URL changed it before the server"},
	{"host-port-added", "headers", "host-port", "the host signed with a default port (:443, :80) that the wire request does not carry"},
	{"host-port-as-sent", "headers", "host-port", "the host signed with the port the request was sent to; the server saw it without"},
	{"host-port-removed", "headers", "host-port", "the host signed without its port"},
	{"key-chain-hex", "key", "signing-key-derivation", "each intermediate key hex-encoded before the next HMAC (hex key used as text)"},
	{"key-date-shifted", "key", "signing-key-derivation", "the signing key derived with the day before or after the scope's date (local time, a cached date)"},
	{"key-date-timestamp", "key", "signing-key-derivation", "the signing key derived with the full timestamp instead of yyyymmdd"},
	{"key-not-derived", "key", "signing-key-derivation", "the secret itself used as the signing key, without the kDate→kSigning chain"},
	{"key-prefix-missing", "key", "signing-key-derivation", "the signing key derived without the \"AWS4\" prefix on the secret"},
	{"key-region", "key", "signing-key-derivation", "the signing key derived for another region than the scope says (a signing server with a fixed region)"},
	{"key-service", "key", "signing-key-derivation", "the signing key derived for another service than the scope says"},
	{"method-lower-case", "method", "method-changed", "the method signed in lower case"},
	{"method-swapped", "method", "method-changed", "another method signed than the server received (HEAD turned into GET by a CDN, a PUT URL opened with GET, a preflight)"},
	{"payload-body-hash", "payload", "payload-hash", "the SHA-256 of the body sent signed, where the server expected another payload hash"},
	{"payload-empty-hash", "payload", "payload-hash", "the empty-body hash signed"},
	{"payload-streaming", "payload", "payload-hash", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD signed (aws-chunked upload)"},
	{"payload-streaming-trailer", "payload", "checksum-trailer", "a STREAMING-…-TRAILER payload signed (the SDK's default checksums)"},
	{"payload-unsigned", "payload", "payload-hash", "UNSIGNED-PAYLOAD signed"},
	{"payload-upper-case-hex", "payload", "payload-hash", "the payload hash signed in upper-case hex"},
	{"query-encoded-twice", "query", "query-encoding", "query names or values percent-encoded twice"},
	{"query-hex-lower-case", "query", "query-encoding", "query escapes signed with lower-case hex"},
	{"query-not-encoded", "query", "query-encoding", "query names and values signed without percent-encoding"},
	{"query-order-as-sent", "query", "query-order", "query parameters signed in the order sent, not sorted"},
	{"query-param-added", "query", "query-param-changed", "a parameter signed that the server did not receive (the SDK's x-id, one dropped in transit)"},
	{"query-param-dropped", "query", "query-param-changed", "a parameter left out of the signed query (added after signing: a cache-buster, x-id)"},
	{"query-plus-as-space", "query", "query-encoding", "a + in a query value signed as %20"},
	{"query-plus-raw", "query", "query-encoding", "a + in a query value signed raw"},
	{"query-reserved-raw", "query", "query-encoding", "reserved characters (/ = : , @ +) in query values signed raw (uploadId, continuation tokens)"},
	{"query-signature-included", "query", "query-param-changed", "the signature parameter included in the signed query"},
	{"query-sorted-by-pair", "query", "query-order", "query parameters sorted as name=value strings, not by name then value"},
	{"query-sorted-case-insensitive", "query", "query-order", "query parameters sorted ignoring case, not by code point"},
	{"query-space-as-2b", "query", "query-encoding", "a space in a query value signed as %2B"},
	{"query-space-as-plus", "query", "query-encoding", "a space in a query value signed as +"},
	{"query-tilde-encoded", "query", "query-encoding", "~ in the query signed as %7E"},
	{"query-valueless-with-equals", "query", "query-valueless", "a valueless parameter signed with ="},
	{"query-valueless-without-equals", "query", "query-valueless", "a valueless parameter signed without = (uploads, not uploads=)"},
	{"scope-date-shifted", "scope", "date-mismatch", "the scope's date (and the key's) a day off the server's"},
	{"scope-date-timestamp", "scope", "date-mismatch", "the full timestamp used as the scope's date (and the key's)"},
	{"scope-region", "scope", "wrong-region", "another region in the scope and the key than the server used"},
	{"scope-service", "scope", "wrong-service", "another service in the scope and the key than the server used"},
	{"secret-polluted", "secret", "secret-key-polluted", "the secret carried whitespace, a newline, quotes, a shell % or an encoding"},
	{"signature-base64", "output", "signature-encoding", "the signature sent as base64 instead of hex"},
	{"signature-upper-hex", "output", "signature-encoding", "the signature sent in upper-case hex"},
	{"sts-crlf", "string-to-sign", "sts-framing", "string to sign lines joined with CR LF"},
	{"sts-extra-final-newline", "string-to-sign", "sts-framing", "a newline added after the string to sign's hash line"},
	{"sts-hash-of-hash", "string-to-sign", "sts-hashed-wrong-bytes", "the hex hash of the canonical request hashed once more"},
	{"sts-newline-as-n", "string-to-sign", "sts-framing", "string to sign lines joined with the letter n"},
	{"sts-not-hashed", "string-to-sign", "sts-not-hashed", "the canonical request written into the string to sign raw, not as its SHA-256"},
	{"uri-bucket-added", "uri", "addressing-style", "the bucket signed in the path as well as in the host"},
	{"uri-bucket-removed", "uri", "addressing-style", "the bucket left out of the signed path"},
	{"uri-dot-segments-removed", "uri", "uri-normalization", "dot segments (. and ..) resolved in the signed path"},
	{"uri-encoded-once", "uri", "uri-encoding", "the path percent-encoded once where the service encodes it twice (every AWS service but S3)"},
	{"uri-encoded-twice", "uri", "uri-encoding", "the path percent-encoded twice (%2520)"},
	{"uri-hex-lower-case", "uri", "uri-encoding", "path escapes signed with lower-case hex"},
	{"uri-js-encodeuri", "uri", "uri-encoding", "the path encoded like JavaScript's encodeURI: ; , ? : @ & = + $ # ! ' ( ) * left raw"},
	{"uri-js-encodeuricomponent", "uri", "uri-encoding", "the path encoded like JavaScript's encodeURIComponent: ! ' ( ) * left raw"},
	{"uri-leading-slash-added", "uri", "uri-normalization", "a leading slash added to the signed path"},
	{"uri-leading-slash-doubled", "uri", "uri-normalization", "the signed path starts with two slashes"},
	{"uri-leading-slash-removed", "uri", "uri-normalization", "the leading slash left out of the signed path"},
	{"uri-not-encoded", "uri", "uri-encoding", "the path signed without percent-encoding"},
	{"uri-plus-as-space", "uri", "uri-encoding", "a + in the path signed as %20"},
	{"uri-plus-raw", "uri", "uri-encoding", "a + in the path signed raw"},
	{"uri-raw-path", "uri", "uri-encoding", "the path signed exactly as it appears in the request, not re-encoded"},
	{"uri-slash-decoded", "uri", "uri-encoding", "%2F in the path signed as /"},
	{"uri-slash-encoded", "uri", "uri-encoding", "/ inside the key signed as %2F"},
	{"uri-slashes-collapsed", "uri", "uri-normalization", "// collapsed to / in the signed path (S3 keys keep them)"},
	{"uri-space-as-2b", "uri", "uri-encoding", "a space in the path signed as %2B (S3 reads a raw + in a path as a space)"},
	{"uri-space-as-plus", "uri", "uri-encoding", "a space in the path signed as +"},
	{"uri-space-raw", "uri", "uri-encoding", "a space in the path signed raw"},
	{"uri-tilde-decoded", "uri", "uri-encoding", "%7E in the path signed as ~"},
	{"uri-tilde-encoded", "uri", "uri-encoding", "~ in the path signed as %7E"},
	{"uri-trailing-slash-added", "uri", "uri-normalization", "a trailing slash added to the signed path"},
	{"uri-trailing-slash-removed", "uri", "uri-normalization", "the trailing slash left out of the signed path"},
	{"v2-content-md5-added", "content-md5", "v2-content-md5", "a Content-MD5 signed that the server received otherwise or not at all (the header as sent, the body's MD5 in base64 or hex)"},
	{"v2-content-md5-empty", "content-md5", "v2-content-md5", "an empty Content-MD5 line signed though the request carries the header (set after signing)"},
	{"v2-date-amz-date-among-headers", "date", "v2-date", "x-amz-date signed among the headers with an empty or Date-header Date line, where the server put it on the Date line alone"},
	{"v2-date-amz-date-on-date-line", "date", "v2-date", "x-amz-date's (x-oss-date's) value signed on the Date line and left out of the headers (the S3 guide's Delete example)"},
	{"v2-date-format", "date", "v2-date", "the Date line's time written in another format (ISO 8601, milliseconds, a numeric zone, Unix time)"},
	{"v2-date-line-amz-date", "date", "v2-date", "x-amz-date's (x-oss-date's) value signed on the Date line where the server signed an empty line or the Date header"},
	{"v2-date-line-date-header", "date", "v2-date", "the Date header signed on the Date line where the server used x-amz-date, x-oss-date or Expires"},
	{"v2-date-line-empty", "date", "v2-date", "an empty Date line signed (the rule when x-amz-date is sent) where the server signed a date"},
	{"v2-expires-milliseconds", "date", "v2-date", "Expires signed in milliseconds instead of seconds"},
	{"v2-expires-shifted", "date", "v2-date", "another Expires signed than the URL carries (the expiry computed twice, a second or two apart)"},
	{"v2-header-added", "headers", "signed-header-missing", "an x-amz-*/x-oss-* header signed that did not reach the server (dropped by a hop)"},
	{"v2-header-dropped", "headers", "v2-canonical-headers", "an x-amz-*/x-oss-* header left out of the signed headers (added after signing by an SDK, a proxy or a CDN)"},
	{"v2-header-moved", "headers", "v2-canonical-headers", "an x-amz-*/x-oss-* header out of sorted order"},
	{"v2-header-name-not-lower-cased", "headers", "v2-canonical-headers", "x-amz-*/x-oss-* header names signed as sent or in Title-Case, not lower-cased"},
	{"v2-header-value-untrimmed", "headers", "v2-canonical-headers", "x-amz-*/x-oss-* header values signed with blanks around them (as sent, or \"name: value\")"},
	{"v2-header-values-not-joined", "headers", "v2-canonical-headers", "a repeated x-amz-*/x-oss-* header signed as separate lines, joined with \", \", or one value only, not joined with \",\""},
	{"v2-headers-blank-line", "framing", "sts-framing", "an empty line signed between the headers and the resource (an empty element joined with newlines)"},
	{"v2-headers-newline-missing", "framing", "sts-framing", "the last x-amz-*/x-oss-* header line not ended by a newline before the resource"},
	{"v2-headers-order-as-sent", "headers", "v2-canonical-headers", "x-amz-*/x-oss-* headers signed in the order sent, not sorted"},
	{"v2-resource-bucket-doubled", "resource", "addressing-style", "the bucket signed twice in the resource (in the path and again from the host)"},
	{"v2-resource-bucket-missing", "resource", "v2-resource", "the bucket left out of the resource (a virtual-hosted client signing /key)"},
	{"v2-resource-key-decoded", "resource", "uri-encoding", "the key signed decoded where the server signs it encoded"},
	{"v2-resource-key-encoded", "resource", "uri-encoding", "the key signed percent-encoded (or as the request sent it) where the server signs it otherwise (OSS: decoded)"},
	{"v2-resource-key-encoded-twice", "resource", "uri-encoding", "the key percent-encoded twice (%2520)"},
	{"v2-resource-plus-space", "resource", "uri-encoding", "a space or + in the key signed as another of +, %20, %2B or a space"},
	{"v2-resource-trailing-slash", "resource", "v2-resource", "a slash added to the resource's path or taken from it (botocore signs /bucket/ for /bucket)"},
	{"v2-signature-encoding", "output", "signature-encoding", "the signature sent in another encoding than standard base64: hex, unpadded or URL-safe base64, URL-encoded twice"},
	{"v2-signature-not-url-encoded", "output", "v2-signature-not-url-encoded", "the base64 signature put in a URL without encoding: the server read each + as a space"},
	{"v2-sts-final-newline", "framing", "sts-framing", "a newline added after the resource"},
	{"v2-subresource-dropped", "resource", "v2-resource", "a sub-resource left out of the resource (uploadId, versionId, a response-* override, OSS's security-token)"},
	{"v2-subresource-extra", "resource", "v2-resource", "a query parameter signed as a sub-resource that the scheme does not list (list-type, prefix, x-id)"},
	{"v2-subresource-value-encoded", "resource", "v2-resource", "a sub-resource value signed percent-encoded (the S3 guide: values are not encoded)"},
	{"v2-subresource-valueless-with-equals", "resource", "query-valueless", "a valueless sub-resource signed with = (uploads=)"},
	{"v2-subresources-twice", "resource", "v2-resource", "the sub-resources written twice (botocore's /b/k?uploads?uploads)"},
	{"v2-subresources-unsorted", "resource", "v2-resource", "sub-resources signed unsorted (in the order sent)"},
}

// operator returns the catalogue entry of id; an unknown id is a bug in
// this package, caught by the tests that plant every operator.
func operator(id string) Operator {
	i := sort.Search(len(catalogue), func(i int) bool { return catalogue[i].ID >= id })
	if i < len(catalogue) && catalogue[i].ID == id {
		return catalogue[i]
	}
	panic("search: operator " + id + " is not in the catalogue")
}

func newOp(id, arg, summary string) Op {
	o := operator(id)
	if summary == "" {
		summary = o.Summary
	}
	return Op{ID: o.ID, Group: o.Group, Cause: o.Cause, Arg: arg, Summary: summary}
}
