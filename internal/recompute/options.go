package recompute

import "time"

// Toggle is a three-way switch: Auto leaves the choice to the service's rules.
type Toggle int8

const (
	Auto Toggle = iota // the service decides (see Options.Rules)
	On
	Off
)

func (t Toggle) resolve(def bool) bool {
	switch t {
	case On:
		return true
	case Off:
		return false
	}
	return def
}

// Form says where the signature travels.
type Form uint8

const (
	FormHeader Form = iota + 1 // Authorization header
	FormQuery                  // X-Amz-* query parameters: a presigned URL
)

func (f Form) String() string {
	switch f {
	case FormHeader:
		return "header"
	case FormQuery:
		return "query"
	}
	return "unknown"
}

// Options are the inputs of a SigV4 run besides the request and the key:
// who signs where and when, and which of the rules that vary between
// services and clients apply. The zero value of each rule toggle lets the
// service decide; the aws-sig-v4-test-suite context.json flags map onto
// Normalize, SignBody, OmitSessionToken, Presign and Expires.
type Options struct {
	Family  *Family   // nil means AWS4
	Region  string    // scope region, e.g. "us-east-1"; required
	Service string    // scope service, e.g. "s3"; required
	Time    time.Time // signing time; zero: the request's own X-Amz-Date (header or parameter), else its Date header

	// Presign signs in the query (a presigned URL) instead of the
	// Authorization header. Expires (seconds) fills X-Amz-Expires; zero keeps
	// the request's own X-Amz-Expires parameter.
	Presign bool
	Expires int64

	Normalize    Toggle // remove dot segments and duplicate slashes from the path (RFC 3986 §6.2.2); Auto: not for S3
	DoubleEncode Toggle // URI-encode the already encoded path once more; Auto: not for S3
	SignBody     Toggle // add x-amz-content-sha256 with the payload hash and sign it (header form); Auto: for S3

	// OmitSessionToken leaves the session token out of the signature: the
	// client adds X-Amz-Security-Token after signing, as some services want
	// (aws-sig-v4-test-suite post-sts-header-after).
	OmitSessionToken bool

	// SignedHeaders, when not nil, is the exact list of headers to sign, as
	// the request's own Authorization or X-Amz-SignedHeaders names them.
	// When nil, every header of the request is signed except the few that
	// proxies and clients change in transit (see ignoredHeaders).
	SignedHeaders []string

	// PayloadHash, when set, is the hex SHA-256 of the body or a literal such
	// as UNSIGNED-PAYLOAD; callers that hash huge bodies while streaming pass
	// it here. It overrides every other source of the payload hash.
	PayloadHash string

	// Cache, when not nil, replaces the package's signing-key cache.
	Cache *KeyCache
}

// Rules are the per-service canonicalization rules after the Auto toggles
// are resolved.
type Rules struct {
	// S3 is true for object-storage services (Family.ObjectStorageServices):
	// the payload hash is the x-amz-content-sha256 header as sent (so
	// UNSIGNED-PAYLOAD and STREAMING-* values count), a presigned URL
	// signs UNSIGNED-PAYLOAD, and a raw '+' in the path is a space (see
	// CanonicalURI).
	// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
	S3           bool
	Normalize    bool
	DoubleEncode bool
	SignBody     bool
}

// Rules resolves the toggles against the service: S3 encodes the path once
// and never normalizes it, and requires x-amz-content-sha256; every other
// AWS service normalizes the path and encodes it twice.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
func (o *Options) Rules() Rules {
	s3 := o.family().isObjectStorage(o.Service)
	return Rules{
		S3:           s3,
		Normalize:    o.Normalize.resolve(!s3),
		DoubleEncode: o.DoubleEncode.resolve(!s3),
		SignBody:     o.SignBody.resolve(s3),
	}
}

func (o *Options) family() *Family {
	if o.Family == nil {
		return AWS4
	}
	return o.Family
}

// PayloadSource says where the payload hash came from, for explain.
type PayloadSource uint8

const (
	PayloadGiven        PayloadSource = iota + 1 // Options.PayloadHash
	PayloadHeader                                // the request's x-amz-content-sha256 header (S3 rules)
	PayloadParam                                 // the request's X-Amz-Content-Sha256 parameter (S3 presigned)
	PayloadUnsigned                              // UNSIGNED-PAYLOAD, the S3 presigned-URL default
	PayloadBody                                  // SHA-256 of the request body
	PayloadAssumedEmpty                          // no body was given: SHA-256 of the empty string
)

func (p PayloadSource) String() string {
	switch p {
	case PayloadGiven:
		return "given"
	case PayloadHeader:
		return "content-sha256 header"
	case PayloadParam:
		return "content-sha256 parameter"
	case PayloadUnsigned:
		return "unsigned payload"
	case PayloadBody:
		return "body"
	case PayloadAssumedEmpty:
		return "assumed empty"
	}
	return "unknown"
}
