package search

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// SigV2 and OSS V1 sign their string to sign itself, with HMAC-SHA1 and
// the secret as the key, and send the digest in base64:
//
//	StringToSign = Verb "\n" Content-MD5 "\n" Content-Type "\n" Date-or-Expires "\n"
//	               CanonicalizedAmzHeaders CanonicalizedResource
//
// There is no canonical request, scope or key derivation: what a client
// gets wrong is one of these lines, its secret, or how it sends the
// signature. RunV2 takes the server's string to sign (or the one sigdiff
// recomputed) apart into those lines and tries the mistakes real V2
// clients make, line by line (see v2gen.go), singly and in pairs.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
// https://www.alibabacloud.com/help/en/oss/developer-reference/include-signatures-in-the-authorization-header

// The schemes RunV2 searches (recompute's scheme names).
const (
	schemeSigV2Header = "sigv2-header"
	schemeSigV2Query  = "sigv2-query"
	schemeOSSV1Header = "oss-v1-header"
	schemeOSSV1Query  = "oss-v1-query"
	// GCS's GOOG1 header: SigV2's layout with x-goog-* headers (and
	// x-goog-date emptying the Date line, as x-amz-date does); boto signs it.
	schemeGCSV2HMAC = "gcs-v2-hmac-header"
)

// IsV2 reports whether scheme is one RunV2 searches: sigv2-header,
// sigv2-query, oss-v1-header, oss-v1-query, gcs-v2-hmac-header.
func IsV2(scheme string) bool {
	switch scheme {
	case schemeSigV2Header, schemeSigV2Query, schemeOSSV1Header, schemeOSSV1Query, schemeGCSV2HMAC:
		return true
	}
	return false
}

// V2Input is what a SigV2 or OSS V1 search starts from.
type V2Input struct {
	// Scheme is sigv2-header, sigv2-query, oss-v1-header, oss-v1-query or
	// gcs-v2-hmac-header: it says which headers are canonicalized
	// (x-amz-*, x-oss-*, x-goog-*) and
	// whether the Date line holds Expires.
	Scheme string
	// StringToSign is the server's (the StringToSignBytes dump, not the
	// pasted text), or, when the server gave none, the one recomputed from
	// the request (Recomputed: true).
	StringToSign string
	// Recomputed: StringToSign was recomputed by sigdiff; it only changes
	// what an empty hit means (see Hit.Causes).
	Recomputed bool
	// Credentials holds the user's key; the secret is required.
	Credentials credentials.Credentials
	// Signature is SignatureProvided, or the signature the request
	// carries: the base64 of 20 bytes (other encodings are client
	// mistakes the search names).
	Signature string
	// Request, when given, is what was sent: it supplies the header
	// values, names and order as sent, the Date and x-amz-date headers,
	// the query parameters the resource left out, and the body's MD5.
	Request *request.Request
}

// v2Setup is a V2Input checked and taken apart.
type v2Setup struct {
	scheme    string
	algorithm string // "AWS", "OSS" or "GOOG1": the Authorization scheme word
	prefix    string // "x-amz-", "x-oss-" or "x-goog-"
	query     bool   // the Date line holds Expires
	oss       bool

	sts        string
	secret     credentials.Secret
	target     [20]byte
	output     *Op    // how the client encoded it, when not standard base64
	signature  string // as given, trimmed
	req        *request.Request
	recomputed bool
}

func newV2Setup(in *V2Input) (*v2Setup, error) {
	s := &v2Setup{scheme: in.Scheme, sts: in.StringToSign, secret: in.Credentials.Secret, req: in.Request, recomputed: in.Recomputed}
	switch in.Scheme {
	case schemeSigV2Header, schemeSigV2Query:
		s.algorithm, s.prefix = "AWS", "x-amz-"
	case schemeOSSV1Header, schemeOSSV1Query:
		s.algorithm, s.prefix, s.oss = "OSS", "x-oss-", true
	case schemeGCSV2HMAC:
		s.algorithm, s.prefix = "GOOG1", "x-goog-"
	default:
		return nil, &InputError{Field: "scheme", Reason: "want sigv2-header, sigv2-query, oss-v1-header, oss-v1-query or gcs-v2-hmac-header, have " + quote(truncate(in.Scheme, 40))}
	}
	s.query = strings.HasSuffix(in.Scheme, "-query")
	sig := strings.TrimSpace(in.Signature)
	switch {
	case s.secret.Empty():
		return nil, ErrNoSecret
	case sig == "":
		return nil, ErrNoSignature
	case in.StringToSign == "":
		return nil, ErrNoInput
	case len(in.StringToSign) > maxInput:
		return nil, ErrTooLarge
	}
	if n := strings.Count(in.StringToSign, "\n") + 1; n < 5 {
		return nil, &InputError{Field: "string to sign", Reason: "want five lines or more (verb, content-md5, content-type, date, resource), have " + itoa(n)}
	} else if n-5 > maxHeaders {
		return nil, ErrTooLarge
	}
	s.signature = sig
	var err error
	if s.target, s.output, err = decodeV2Signature(sig); err != nil {
		return nil, err
	}
	return s, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// decodeV2Signature reads a V2 signature: the standard base64 of the
// 20-byte HMAC-SHA1 is the spec's form. The others are client mistakes
// found by decoding, so they cost nothing per candidate: a query-string
// signature whose '+' reached the server as a space (not URL-encoded), one
// URL-encoded twice ("%2B" reaching the server), URL-safe or unpadded
// base64, and the hex digest.
func decodeV2Signature(sig string) (t [20]byte, out *Op, err error) {
	try := func(s string, enc *base64.Encoding) bool {
		b, err := enc.DecodeString(s)
		if err != nil || len(b) != len(t) {
			return false
		}
		copy(t[:], b)
		return true
	}
	mark := func(id, arg string) *Op {
		o := newOp(id, arg, "")
		return &o
	}
	switch {
	case try(sig, base64.StdEncoding):
		return t, nil, nil
	case strings.Contains(sig, " ") && try(strings.ReplaceAll(sig, " ", "+"), base64.StdEncoding):
		return t, mark("v2-signature-not-url-encoded", ""), nil
	case len(sig) == 2*len(t) && isHex(sig):
		hex.Decode(t[:], []byte(sig))
		return t, mark("v2-signature-encoding", "hex"), nil
	case try(sig, base64.RawStdEncoding):
		return t, mark("v2-signature-encoding", "unpadded"), nil
	case try(sig, base64.URLEncoding) || try(sig, base64.RawURLEncoding):
		return t, mark("v2-signature-encoding", "url-safe"), nil
	}
	if d, err := url.QueryUnescape(sig); err == nil && d != sig && try(d, base64.StdEncoding) {
		return t, mark("v2-signature-encoding", "url-encoded"), nil
	}
	return t, nil, &InputError{Field: "signature", Reason: "want the base64 of 20 bytes (hmac-sha1), have " + itoa(len(sig)) + " characters"}
}

// RunV2 searches the SigV2 or OSS V1 client mistakes that reproduce
// in.Signature, as Run does for the V4 schemes: the singles and pairs
// tiers within the budget (Quick: Options.QuickTime, DefaultQuickTime
// when zero), triples too under Deep. A hit's StringToSign is the exact
// bytes the client signed, its CanonicalRequest is empty, and its Key is
// the secret variant used (Chain "none": V2 keys the HMAC with the secret
// itself). It returns an error only for input it cannot search from.
func RunV2(ctx context.Context, in V2Input, opts Options) (*Result, error) {
	return runEngine(ctx, opts, func() (*v2Engine, error) { return newV2Engine(&in) })
}
