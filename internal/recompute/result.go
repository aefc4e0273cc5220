package recompute

import (
	"encoding/hex"
	"strings"
)

// Result is one signing in any scheme, as the command and the diagnosis
// see it: the strings that were signed, the signature, and every step in
// order with the rule applied at it, for explain. Each scheme's own type
// (V4, …) holds more; Result is what they have in common.
type Result struct {
	Scheme           string // public scheme id, as --json names it: sigv4-header, sigv4-query, sigv2-header, oss-v1-query, …
	Algorithm        string // AWS4-HMAC-SHA256, AWS (SigV2), OSS, OSS4-HMAC-SHA256, GOOG4-HMAC-SHA256, …
	AccessKeyID      string
	CanonicalRequest string // empty for schemes that have none (SigV2, OSS V1)
	StringToSign     string
	Signature        string // empty when no secret was given
	Authorization    string // header form
	URL              string // query form: the signed URL
	Steps            []Step
}

// Step is one intermediate of a signing, named as its spec names it.
type Step struct {
	Name  string // "CanonicalURI", "StringToSign", "kSigning", …
	Rule  string // the rule applied at this step, in one line, for people learning it
	Value string
	// Secret marks values derived from the secret key (the signing keys):
	// credentials in their own right, shown only when asked for.
	Secret bool
}

// Result returns the scheme-neutral view of a SigV4 signing.
func (v *V4) Result() *Result {
	r := &Result{
		Scheme:           v.Scheme(),
		Algorithm:        v.Family.Algorithm,
		AccessKeyID:      v.AccessKeyID,
		CanonicalRequest: v.CanonicalRequest,
		StringToSign:     v.StringToSign,
		Signature:        v.Signature,
		Authorization:    v.Authorization,
		URL:              v.PresignedURL,
	}
	add := func(name, rule, value string) { r.Steps = append(r.Steps, Step{Name: name, Rule: rule, Value: value}) }
	add("HTTPMethod", "the method as sent, upper case", v.Method)
	add("CanonicalURI", v.uriRule(), v.CanonicalURI)
	add("CanonicalQueryString", "each name and value URI-encoded (A-Z a-z 0-9 - . _ ~ stay, space is %20), sorted by name then value by code point (upper case before lower), joined with &; a valueless parameter gets =", v.CanonicalQueryString)
	add("CanonicalHeaders", "the signed headers: names lower-cased, values trimmed with inner runs of spaces collapsed, repeated headers comma-joined, sorted by name, each line ending in LF", strings.TrimSuffix(v.CanonicalHeaders, "\n"))
	add("SignedHeaders", "the same names, sorted, joined with ; — it tells the server which headers to canonicalize", v.SignedHeaders)
	add("HashedPayload", v.payloadRule(), v.PayloadHash)
	add("CanonicalRequest", "method, URI, query, headers, blank line, signed headers, payload hash, joined with LF, no final LF", v.CanonicalRequest)
	add("HashedCanonicalRequest", "lower-case hex of SHA-256 over the canonical request's bytes", v.CanonicalRequestHash)
	add("CredentialScope", "date/region/service/"+v.Family.Terminator+": the key below is derived through the same four values", v.Scope)
	add("StringToSign", "algorithm, request date-time, credential scope, hashed canonical request, joined with LF", v.StringToSign)
	if v.KSigning != nil {
		prefix := v.Family.KeyPrefix
		r.Steps = append(r.Steps,
			Step{Name: "kDate", Rule: "HMAC-SHA256(\"" + prefix + "\" + secret, date)", Value: hex.EncodeToString(v.KDate), Secret: true},
			Step{Name: "kRegion", Rule: "HMAC-SHA256(kDate, region)", Value: hex.EncodeToString(v.KRegion), Secret: true},
			Step{Name: "kService", Rule: "HMAC-SHA256(kRegion, service)", Value: hex.EncodeToString(v.KService), Secret: true},
			Step{Name: "kSigning", Rule: "HMAC-SHA256(kService, \"" + v.Family.Terminator + "\"): the signing key", Value: hex.EncodeToString(v.KSigning), Secret: true},
		)
		add("Signature", "lower-case hex of HMAC-SHA256(kSigning, string to sign)", v.Signature)
	}
	if v.Authorization != "" {
		add("Authorization", "algorithm, then Credential=access key id/scope, SignedHeaders=…, Signature=…", v.Authorization)
	}
	if v.PresignedURL != "" {
		add("PresignedURL", "the request's URL with the signing parameters added to its query and the signature last", v.PresignedURL)
	}
	return r
}

// Scheme names a SigV4 run as --json's scheme field does.
func (v *V4) Scheme() string {
	switch {
	case v.Form == FormQuery:
		return "sigv4-query"
	case strings.HasPrefix(v.PayloadHash, "STREAMING-"):
		return "sigv4-streaming"
	}
	return "sigv4-header"
}

func (v *V4) uriRule() string {
	r := v.Rules
	switch {
	case r.S3:
		return "S3: the path as sent, each byte other than A-Z a-z 0-9 - . _ ~ / URI-encoded once; never normalized, since S3 keys may hold // and dots"
	case r.Normalize && r.DoubleEncode:
		return "other AWS services: dot segments and duplicate slashes removed, then the encoded path encoded once more"
	case r.DoubleEncode:
		return "encoded twice, not normalized"
	case r.Normalize:
		return "normalized, encoded once"
	}
	return "the path as sent, encoded once, not normalized"
}

func (v *V4) payloadRule() string {
	switch v.PayloadSource {
	case PayloadGiven:
		return "given: the hash of the body file, or a value passed in"
	case PayloadHeader:
		return "S3: the " + v.Family.ContentSHA256Header + " header as sent (a hash, UNSIGNED-PAYLOAD or STREAMING-…)"
	case PayloadParam:
		return "S3 presigned: the " + v.Family.ContentSHA256Param + " parameter as sent"
	case PayloadUnsigned:
		return "S3 presigned URLs sign UNSIGNED-PAYLOAD: the body is not known when the URL is made"
	case PayloadBody:
		return "lower-case hex SHA-256 of the request body"
	case PayloadAssumedEmpty:
		return "no body given: SHA-256 of the empty string (give --body FILE if the request had one)"
	}
	return "the payload hash"
}
