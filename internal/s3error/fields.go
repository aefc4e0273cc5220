package s3error

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
	return string(appendFoldKey(nil, s))
}

func appendFoldKey(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '_' || c == '-' || c == '$':
		case 'A' <= c && c <= 'Z':
			dst = append(dst, c+'a'-'A')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// canonicalField returns the element name for a key, or "" when the key is
// not one sigdiff knows. It is asked for every field of every reading, so
// the folded key is built on the stack (a map index by string(bytes) does
// not allocate).
func canonicalField(name string) string {
	var buf [64]byte
	return knownByFold[string(appendFoldKey(buf[:0], name))]
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
