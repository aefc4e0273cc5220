package diagnose

// Entry is one cause of ../shared/CAUSES.md: its stable id, what it is and
// what to change. Ids are public interface (`causes[].id` in --json): never
// rename one, add new ones.
type Entry struct {
	ID      string
	Summary string
	Fix     string
}

// Catalogue lists every cause sigdiff reports, sorted by id.
var Catalogue = []Entry{
	{"access-key-unknown", "the access key id is unknown to this endpoint", "check the endpoint and account; a temporary key needs its session token (X-Amz-Security-Token)"},
	{"addressing-style", "path-style and virtual-hosted addressing mixed: the bucket is in the host on one side and in the path on the other", "sign the URL you send: set the client's addressing_style (path or virtual) to what the endpoint expects"},
	{"checksum-trailer", "new SDK default checksums (x-amz-checksum-*, STREAMING-UNSIGNED-PAYLOAD-TRAILER) that this store does not accept", "set request_checksum_calculation / response_checksum_validation to when_required (AWS_REQUEST_CHECKSUM_CALCULATION=when_required)"},
	{"chunk-length", "x-amz-decoded-content-length or Content-Length disagree with the chunks sent", "send the decoded length of the payload in x-amz-decoded-content-length and the encoded length in Content-Length"},
	{"chunk-signature-chain", "an aws-chunked chunk signature is wrong: the chain from the seed signature is broken", "sign each chunk with the previous chunk's signature, starting from the seed signature"},
	{"clock-skew", "the client's clock is off by more than the server allows (15 minutes on S3)", "synchronise the client's clock (NTP); for SDKs, enable clock-skew correction"},
	{"content-type-changed", "Content-Type was added, removed or rewritten after signing (browser/axios/fetch defaults, `; charset=UTF-8`, a runtime, a presign made with another type)", "sign the Content-Type that is sent: pass ContentType to the presign call and send exactly that value, or set it explicitly in the client"},
	{"date-mismatch", "the request date and the scope date disagree (local time, a cached date, the SigV4 date sent in Date)", "take x-amz-date and the scope date from one UTC timestamp"},
	{"header-case-or-order", "header names not lower-cased or not sorted in the canonical request", "lower-case header names and sort them by code point before joining"},
	{"header-whitespace", "header values not trimmed, inner runs of spaces not collapsed, or repeated headers not comma-joined", "trim each value, collapse runs of spaces to one, join repeated headers with commas"},
	{"host-port", "a default port (:443/:80) was signed but stripped on the wire, or a real port left out of the signed host", "sign the Host header exactly as sent: no default port, but a non-default port included"},
	{"host-rewritten", "a reverse proxy rewrote Host, or a presigned URL's host was swapped", "sign with the public host the server sees, or make the proxy keep Host (nginx: proxy_set_header Host $http_host)"},
	{"method-changed", "the HTTP method changed after signing (a CDN turned HEAD into GET, a PUT-presigned URL opened with GET, a preflight)", "sign the method that reaches the server; presign separately for HEAD, GET and PUT"},
	{"paste-damaged", "the pasted text lost or changed bytes (carriage returns, trailing spaces, redaction, console wrapping): the byte dump is authoritative", "nothing to fix in your client: sigdiff uses the *Bytes dumps; paste them whole next time"},
	{"payload-hash", "the payload hash signed is not the hash of the body sent (empty-body hash with a body, UNSIGNED-PAYLOAD vs a hash, another body)", "hash the exact bytes sent, or sign UNSIGNED-PAYLOAD where the service allows it"},
	{"policy-condition-failed", "a form field breaks a POST policy condition", "make each form field satisfy its condition (eq, starts-with, content-length-range) and cover every field with one"},
	{"policy-expired", "the POST policy's expiration has passed", "issue a fresh policy with an expiration in the future"},
	{"policy-signed-wrong-bytes", "the signer signed the policy JSON instead of its base64, or re-serialized the policy after signing", "sign the exact base64 string that is sent as the policy field"},
	{"presign-expired", "the presigned URL was used after X-Amz-Expires (or before its date), or its temporary credentials expired earlier", "presign closer to use with a longer expiry; temporary credentials cap the lifetime"},
	{"query-encoding", "a query value encoded differently: `+` vs `%20`, `~` encoded, reserved characters raw", "percent-encode query names and values per RFC 3986 (space is %20, `~` stays), once"},
	{"query-order", "query parameters not sorted by code point", "sort parameters by name, then value, comparing bytes (case-sensitive)"},
	{"query-param-changed", "a query parameter was added or removed after signing (SDK x-id, a CDN cache-buster, the signature signed)", "sign the final URL; add parameters before signing, never after"},
	{"query-valueless", "a valueless parameter such as `?uploads` signed without `=`, or the reverse", "in the canonical query string every parameter has `=`: `uploads=`"},
	{"reflected-header-signed", "the client copied response or hop headers (x-amz-request-id, x-amz-id-2) into the request and signed them", "do not copy response headers into requests; sign only headers you send"},
	{"secret-key-mismatch", "the server holds a different secret for this access key id (wrong pair, rotated key, wrong profile or provider)", "use the secret that belongs to this access key id; check the profile and environment the client really reads"},
	{"secret-key-polluted", "the secret key carries whitespace, a newline, quotes or a shell artefact", "strip the secret where it is read (trailing newline from a file, quotes from .env)"},
	{"server-detail-missing", "the server returned no StringToSign/CanonicalRequest (MinIO, Ceph, Backblaze B2, older R2)", "verify the request with your key instead: sigdiff verify --request REQ"},
	{"signature-encoding", "the signature was emitted as base64 instead of lower-case hex, or otherwise mangled", "send the HMAC as lower-case hex"},
	{"signed-header-changed", "a signed header's value was rewritten in transit (accept-encoding, user-agent, a folded header)", "do not sign headers that hops rewrite; sign only host, x-amz-* and the content headers you control"},
	{"signed-header-missing", "a header named in SignedHeaders was not sent, or a hop dropped it", "send every header you sign, or stop signing it"},
	{"signed-headers-list", "the SignedHeaders list differs from the headers canonicalized", "build SignedHeaders from the same sorted, lower-cased names as the canonical headers"},
	{"signing-key-derivation", "the signing key was derived with another date, region or service than the scope, or without the AWS4 prefix", "derive kDate from \"AWS4\"+secret (\"GOOG4\" for GCS, \"aliyun_v4\" for OSS) and the scope date, then region, service and the terminator, exactly as the scope says"},
	{"sts-framing", "newlines in the canonical request or string to sign are wrong (`n` for `\\n`, CR LF, a missing blank line)", "join lines with a single LF; keep the blank line after the canonical headers"},
	{"sts-hashed-wrong-bytes", "the signer hashed something other than the canonical request (a slice at a fixed offset, a stripped string, the whole payload)", "hash exactly the canonical request bytes you received, without stripping or slicing"},
	{"sts-not-hashed", "the raw canonical request was signed instead of its SHA-256 hex (or the reverse)", "the string to sign's last line is hex(SHA-256(canonical request))"},
	{"unsigned-headers-present", "headers that must be signed were sent unsigned", "add the headers the error names to SignedHeaders"},
	{"uri-encoding", "a path segment encoded differently (double-encoded, not encoded, `+`, space, `~`, unicode, reserved characters)", "S3: URI-encode each path segment once, keep `/`, never encode `~`; other services: encode twice"},
	{"uri-normalization", "the path was normalized (`//` collapsed, `.`/`..` resolved, a slash added or removed), which S3 does not do", "for S3 sign the path as sent, without normalization"},
	{"v2-canonical-headers", "x-amz-*/x-oss-* headers not lower-cased, sorted, trimmed or joined, or one added in transit", "lower-case, sort, trim and comma-join x-amz-* (x-oss-*) headers, one per line"},
	{"v2-content-md5", "Content-MD5 signed differently from what was sent", "sign the Content-MD5 header value that is sent (empty line when none)"},
	{"v2-date", "the SigV2 date line is wrong: x-amz-date with a non-empty Date line, another format, Expires vs Date", "use the Date header value as sent (RFC 1123), an empty line when x-amz-date is sent, Expires for URLs"},
	{"v2-not-supported", "Signature Version 2 was sent where only Signature Version 4 is accepted", "switch the client to SigV4 (signature_version='s3v4')"},
	{"v2-resource", "the CanonicalizedResource is wrong: bucket missing for virtual-hosted style, sub-resources unlisted, unsorted or encoded", "sign /bucket/key with only the signed sub-resources, sorted, values decoded"},
	{"v2-signature-not-url-encoded", "the base64 signature was not URL-encoded in the query string (`+` read as space)", "URL-encode the Signature parameter"},
	{"wrong-region", "the scope's region is not the bucket's region", "sign with the bucket's region (R2 and GCS: auto); point the client at the regional endpoint"},
	{"wrong-service", "the scope's service is not the one the endpoint expects", "use service s3 for S3 and S3-compatible stores"},
}

// Lookup returns the catalogue entry for id.
func Lookup(id string) (Entry, bool) {
	for _, e := range Catalogue {
		if e.ID == id {
			return e, true
		}
	}
	return Entry{}, false
}
