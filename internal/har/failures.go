package har

import (
	"regexp"
	"strings"

	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/s3error"
)

// Failure is an entry that the service refused with a signing error.
type Failure struct {
	Index   int              // the entry's 1-based index, for --entry N
	Entry   *Entry           // the whole entry (form fields, notes, response)
	Request *request.Request // Entry.Request
	Body    *s3error.Body    // the error body, parsed
}

// Failures returns, in file order, the entries whose response is a signing
// error (see SigningError) of any service.
func Failures(h *HAR) []Failure {
	var fs []Failure
	for _, e := range h.Entries {
		if f, ok := FailureOf(e); ok {
			fs = append(fs, f)
		}
	}
	return fs
}

// FailureOf reports whether the entry's response is a signing error, and
// reads it. Scan callers use it to keep only the failures of a large
// capture.
func FailureOf(e *Entry) (Failure, bool) {
	st := e.Response.Status
	if (st != 400 && st != 403) || !e.Response.HasBody || len(e.Response.Body) == 0 {
		return Failure{}, false
	}
	b, err := s3error.Parse(e.Response.Body)
	if err != nil || !SigningError(st, b) {
		return Failure{}, false
	}
	return Failure{Index: e.Index, Entry: e, Request: e.Request, Body: b}, true
}

// Unexplained returns the entries answered 400 or 403 that Failures does not
// list: the body is missing (S3 sends no body to HEAD, and exports may leave
// bodies out) or names no signing error. A summary can say how many refusals
// sigdiff could not read.
func Unexplained(h *HAR) []*Entry {
	var es []*Entry
	for _, e := range h.Entries {
		if st := e.Response.Status; st != 400 && st != 403 {
			continue
		}
		if _, ok := FailureOf(e); !ok {
			es = append(es, e)
		}
	}
	return es
}

// signingCodes are the error codes that always concern signing: S3's and
// the S3-compatible stores', Aliyun OSS's (same names) and GCS's XML API's
// (MalformedSecurityHeader: "Your request has a malformed header").
var signingCodes = map[string]bool{
	"SignatureDoesNotMatch":             true,
	"RequestTimeTooSkewed":              true,
	"AuthorizationHeaderMalformed":      true,
	"AuthorizationQueryParametersError": true,
	"XAmzContentSHA256Mismatch":         true,
	"InvalidAccessKeyId":                true,
	"MalformedSecurityHeader":           true,
}

// signingMessage picks out, among the broad codes (InvalidRequest,
// InvalidArgument), the messages about signing: "Please use
// AWS4-HMAC-SHA256", "X-Amz-Expires must be less than a week", OSS's
// "Authorization header is invalid", GCS's "Missing required credential".
var signingMessage = regexp.MustCompile(`(?i)signature|sigv4|aws4-hmac-sha256|authoriz|credential|x-amz-content-sha256|x-amz-date|x-amz-expires|x-goog-|presign|access ?key`)

// SigningError reports whether an error response concerns signing: status
// 400 or 403, and one of the codes sigdiff diagnoses. AccessDenied is a
// signing error only for an expired presigned URL ("Request has expired",
// S3, OSS and GCS alike), a POST form that breaks its policy ("Invalid
// according to Policy") or unsigned headers (HeadersNotSigned); otherwise it
// is a permissions answer.
func SigningError(status int, b *s3error.Body) bool {
	if b == nil || (status != 400 && status != 403) {
		return false
	}
	msg := strings.ToLower(b.Message)
	switch b.Code {
	case "AccessDenied":
		_, notSigned := b.Get("HeadersNotSigned")
		return notSigned || strings.Contains(msg, "request has expired") || strings.Contains(msg, "not yet valid") ||
			strings.Contains(msg, "invalid according to policy")
	case "InvalidRequest", "InvalidArgument":
		return signingMessage.MatchString(b.Message)
	}
	return signingCodes[b.Code]
}
