package recompute

// Family holds the names that tell one HMAC-SHA256 "version 4" signing scheme
// from another. AWS Signature Version 4, Google Cloud Storage HMAC V4
// (GOOG4-HMAC-SHA256) and Alibaba OSS V4 (OSS4-HMAC-SHA256) share the key
// chain kDate → kRegion → kService → kSigning and the shape of the string to
// sign; they differ in these constants, so one engine serves them all.
//
// A Family is read-only once built; share it by pointer.
type Family struct {
	Algorithm  string // first line of the string to sign and of Authorization: "AWS4-HMAC-SHA256"
	KeyPrefix  string // prepended to the secret to key the first HMAC: "AWS4"
	Terminator string // last element of the credential scope: "aws4_request"

	// Header names, lower case, as they appear in the canonical headers.
	DateHeader          string // "x-amz-date"
	ContentSHA256Header string // "x-amz-content-sha256"
	SecurityTokenHeader string // "x-amz-security-token"

	// Query parameter names of the presigned (query) form, spelled the way the
	// scheme's servers require: they compare them case-sensitively.
	AlgorithmParam     string // "X-Amz-Algorithm"
	CredentialParam    string // "X-Amz-Credential"
	DateParam          string // "X-Amz-Date"
	ExpiresParam       string // "X-Amz-Expires"
	SignedHeadersParam string // "X-Amz-SignedHeaders"
	SecurityTokenParam string // "X-Amz-Security-Token"
	SignatureParam     string // "X-Amz-Signature"
	ContentSHA256Param string // "X-Amz-Content-Sha256"

	// ObjectStorageServices lists, sorted, the service names of the scope
	// whose servers follow the object-storage rules (see Rules.S3).
	ObjectStorageServices []string
}

// NewFamily builds a Family from its algorithm name, key prefix, scope
// terminator, the lower-case header prefix ("x-amz-") and the query parameter
// prefix ("X-Amz-"), and the services that follow object-storage rules
// (given sorted).
func NewFamily(algorithm, keyPrefix, terminator, headerPrefix, queryPrefix string, objectStorageServices ...string) *Family {
	return &Family{
		Algorithm:             algorithm,
		KeyPrefix:             keyPrefix,
		Terminator:            terminator,
		DateHeader:            headerPrefix + "date",
		ContentSHA256Header:   headerPrefix + "content-sha256",
		SecurityTokenHeader:   headerPrefix + "security-token",
		AlgorithmParam:        queryPrefix + "Algorithm",
		CredentialParam:       queryPrefix + "Credential",
		DateParam:             queryPrefix + "Date",
		ExpiresParam:          queryPrefix + "Expires",
		SignedHeadersParam:    queryPrefix + "SignedHeaders",
		SecurityTokenParam:    queryPrefix + "Security-Token",
		SignatureParam:        queryPrefix + "Signature",
		ContentSHA256Param:    queryPrefix + "Content-Sha256",
		ObjectStorageServices: objectStorageServices,
	}
}

// AWS4 is AWS Signature Version 4.
//
// The services signed with S3's rules are those the S3 clients sign for:
// "s3", S3 Object Lambda ("s3-object-lambda"), S3 on Outposts
// ("s3-outposts") and S3 Express One Zone sessions ("s3express"); the AWS
// SDKs' S3 clients disable double path encoding for all of them
// (aws-sdk-go-v2 service/s3, DisableURIPathEscaping).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
var AWS4 = NewFamily("AWS4-HMAC-SHA256", "AWS4", "aws4_request", "x-amz-", "X-Amz-",
	"s3", "s3-object-lambda", "s3-outposts", "s3express")

// families are the schemes ParseAuth recognises, tried in order.
var families = []*Family{AWS4}

// isObjectStorage reports whether service is signed with object-storage rules.
func (f *Family) isObjectStorage(service string) bool {
	for _, s := range f.ObjectStorageServices {
		if s == service {
			return true
		}
	}
	return false
}
