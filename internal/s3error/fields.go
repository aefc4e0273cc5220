package s3error

import "strings"

// knownFields are the element names of the signature error and its
// neighbours, as S3 (Amazon S3 API Reference, "Error responses"), the
// S3-compatible stores, OSS and GCS's XML API spell them. In XML every
// element is kept; in XML-less pastes only these names (and the aliases
// below) are taken as keys, so that free text is not read as fields.
var knownFields = []string{
	"AWSAccessKeyId", "AccessKeyId", "ArgumentName", "ArgumentValue", "Bucket",
	"BucketName", "CanonicalRequest", "CanonicalRequestBytes",
	"ClientComputedContentSHA256", "Code", "Details", "EC", "Endpoint", "Expires",
	"GoogleAccessId", "HeadersNotSigned", "HostId", "Key", "MaxAllowedSkewMilliseconds",
	"Message", "OSSAccessKeyId", "Operation", "RecommendDoc", "Region", "RequestId",
	"RequestTime", "Resource", "S3ComputedContentSHA256", "ServerTime",
	"SignatureProvided", "StatusCode", "StringToSign", "StringToSignBytes",
	"X-Amz-Expires",
}

// fieldAliases maps how SDKs and loggers name the same facts (after
// foldKey) to the element name.
var fieldAliases = map[string]string{
	"errorcode":                  "Code",
	"errormessage":               "Message",
	"requestid":                  "RequestId",
	"xamzrequestid":              "RequestId",
	"hostid":                     "HostId",
	"extendedrequestid":          "HostId",
	"s3extendedrequestid":        "HostId",
	"xamzid2":                    "HostId",
	"ec":                         "EC",
	"statuscode":                 "StatusCode",
	"httpstatuscode":             "StatusCode",
	"status":                     "StatusCode",
	"stringtosignbytes":          "StringToSignBytes",
	"canonicalrequestbytes":      "CanonicalRequestBytes",
	"awsaccesskeyid":             "AWSAccessKeyId",
	"ossaccesskeyid":             "OSSAccessKeyId",
	"accesskeyid":                "AccessKeyId",
	"signatureprovided":          "SignatureProvided",
	"stringtosign":               "StringToSign",
	"canonicalrequest":           "CanonicalRequest",
	"maxallowedskewms":           "MaxAllowedSkewMilliseconds",
	"maxallowedskewmilliseconds": "MaxAllowedSkewMilliseconds",
}

var knownByFold = func() map[string]string {
	m := map[string]string{}
	for _, f := range knownFields {
		m[foldKey(f)] = f
	}
	for k, v := range fieldAliases {
		m[k] = v
	}
	return m
}()

// foldKey folds the spellings of one key together: case, and the spaces,
// underscores and hyphens that loggers put between words ("request id",
// "request_id", "RequestID").
func foldKey(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '_' || c == '-' || c == '$':
		case 'A' <= c && c <= 'Z':
			sb.WriteByte(c + 'a' - 'A')
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

// canonicalField returns the element name for a key, or "" when the key is
// not one sigdiff knows.
func canonicalField(name string) string {
	return knownByFold[foldKey(name)]
}

// knownCodes are error codes that may appear in free text (SDK exception
// messages) without any field around them.
var knownCodes = []string{
	"SignatureDoesNotMatch", "RequestTimeTooSkewed", "AuthorizationHeaderMalformed",
	"XAmzContentSHA256Mismatch", "InvalidAccessKeyId", "AuthorizationQueryParametersError",
	"ExpiredToken", "InvalidToken", "TokenRefreshRequired", "MissingSecurityHeader",
	"RequestExpired", "InvalidSignatureException", "AccessDenied", "InvalidRequest",
	"InvalidArgument", "BadDigest", "InvalidDigest", "SignatureNotMatch",
}
