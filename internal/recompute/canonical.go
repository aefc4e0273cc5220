package recompute

import "strings"

// CanonicalRequest grammar (SigV4, "Create a canonical request"):
//
//	CanonicalRequest = HTTPMethod "\n"
//	                   CanonicalURI "\n"
//	                   CanonicalQueryString "\n"
//	                   CanonicalHeaders "\n"      (each header ends in "\n" too)
//	                   SignedHeaders "\n"
//	                   HashedPayload
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request
// S3's variant (single encoding, no normalization, x-amz-content-sha256):
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html

// CanonicalRequest joins the six parts; canonicalHeaders ends in "\n".
func CanonicalRequest(method, canonicalURI, canonicalQueryString, canonicalHeaders, signedHeaders, payloadHash string) string {
	var b strings.Builder
	b.Grow(len(method) + len(canonicalURI) + len(canonicalQueryString) + len(canonicalHeaders) + len(signedHeaders) + len(payloadHash) + 5)
	for i, s := range [...]string{method, canonicalURI, canonicalQueryString, canonicalHeaders, signedHeaders, payloadHash} {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s)
	}
	return b.String()
}

// CanonicalURI grammar:
//
//	CanonicalURI = UriEncode(path)            S3, and DoubleEncode off: encoded once
//	CanonicalURI = UriEncode(encoded path)    other services: encoded twice
//
// The path arrives encoded (request.Request.RawPath). Encoding it once means
// what S3 does on receipt: decode, then UriEncode with '/' kept (MinIO
// cmd/signature-v4.go, getCanonicalRequest: s3utils.EncodePath(req.URL.Path)),
// so "/test$file.text" signs "/test%24file.text" and "%7e" signs "~".
// S3 decodes a raw '+' in the path as a space: S3's own canonical request
// for GET /libstdc++-docs.x86_64.rpm reads /libstdc%20%20-docs.x86_64.rpm
// (anomalizer/ngx_aws_auth#87), and Ceph RGW does the same for s3cmd
// (ceph/ceph#10919); the AWS SDKs therefore send '+' in keys as %2B.
// MinIO keeps '+' (it decodes with Go's url.PathUnescape).
// Encoding twice encodes the path as sent once more, '%' included, which is
// what aws-sdk-go-v2 and aws-c-auth do for every service but S3
// (httpbinding.EscapePath(URL.EscapedPath())). With Normalize the path is
// first normalized as RFC 3986 §6.2.2 says: escapes of unreserved characters
// decoded, hex upper-cased, dot segments and duplicate slashes removed.
// S3 never normalizes: "my-object//example//photo.user" is a key of its own
// (aws-sig-v4-test-suite classic/normalize-path/normalize-path.txt).
func CanonicalURI(rawPath string, r Rules) string {
	return string(appendCanonicalURI(make([]byte, 0, canonicalURILen(rawPath, r)), rawPath, r))
}

// canonicalURILen bounds the length of CanonicalURI(rawPath, r) closely:
// exactly in the common cases, so the canonical request is allocated once
// and not much larger than it needs.
func canonicalURILen(rawPath string, r Rules) int {
	switch {
	case rawPath == "":
		return 1
	case r.DoubleEncode:
		n := len(rawPath) + 1 // normalization adds at most the leading '/'
		for i := 0; i < len(rawPath); i++ {
			if !keeps(rawPath[i], true) {
				n += 2
			}
		}
		return n
	case !r.Normalize && isRecoded(rawPath, true):
		return len(rawPath)
	}
	return 3*len(rawPath) + 1
}

func appendCanonicalURI(dst []byte, rawPath string, r Rules) []byte {
	p := rawPath
	if p == "" {
		p = "/"
	}
	if r.Normalize {
		p = removeDotSegments(normalizeEscapes(p))
	}
	if r.DoubleEncode {
		return appendURIEncode(dst, p, true)
	}
	if isRecoded(p, true) {
		return append(dst, p...)
	}
	return appendRecode(dst, p, true, r.S3)
}

// splitCanonicalRequest finds the parts of a canonical request given as
// text (the server's). It reports false, leaving the parts empty, when the
// text does not have the six-part shape.
func splitCanonicalRequest(cr string) (method, uri, query, headers, signed, payload string, ok bool) {
	method, rest, ok1 := strings.Cut(cr, "\n")
	uri, rest, ok2 := strings.Cut(rest, "\n")
	query, rest, ok3 := strings.Cut(rest, "\n")
	last := strings.LastIndexByte(rest, '\n')
	if !ok1 || !ok2 || !ok3 || last < 0 {
		return "", "", "", "", "", "", false
	}
	payload, rest = rest[last+1:], rest[:last]
	prev := strings.LastIndexByte(rest, '\n')
	if prev < 0 {
		return "", "", "", "", "", "", false
	}
	return method, uri, query, rest[:prev], rest[prev+1:], payload, true
}
