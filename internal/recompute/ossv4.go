package recompute

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// Alibaba Cloud OSS signature V4 (OSS4-HMAC-SHA256) shares SigV4's key
// chain, scope and string to sign through the OSS4 Family, and its own
// canonical request:
//
//	CanonicalRequest = VERB "\n" CanonicalURI "\n" CanonicalQueryString "\n"
//	                   CanonicalHeaders "\n" AdditionalHeaders "\n" HashedPayload
//	CanonicalURI     = UriEncode("/" bucket "/" key)         '/' kept; "/" alone for the service
//	CanonicalQueryString: UriEncode(name) [ "=" UriEncode(value) ], sorted; no "=" when the value is empty
//	CanonicalHeaders: content-type, content-md5, every x-oss-* header and the
//	                  additional headers, "name:trimmed value\n", sorted
//	AdditionalHeaders = the headers signed beyond those, lower case, sorted, joined with ";"
//	HashedPayload    = x-oss-content-sha256, else UNSIGNED-PAYLOAD
//	Authorization    = "OSS4-HMAC-SHA256 Credential=" AccessKeyId "/" Scope
//	                   [ ",AdditionalHeaders=" AdditionalHeaders ] ",Signature=" Signature
//
// Host is not signed unless listed. Behaviour checked against
// alibabacloud-oss-go-sdk-v2 oss/signer/v4.go and its test vectors.
// https://www.alibabacloud.com/help/en/oss/developer-reference/recommend-to-use-signature-version-4

// OSS4 is Alibaba Cloud OSS signature V4. Its services are "oss" and
// "oss-cloudbox" (OSS on CloudBox); the key chain starts from "aliyun_v4"
// + secret and ends in "aliyun_v4_request". The query form's parameters
// are all lower case; x-oss-additional-headers is optional.
var OSS4 = &Family{
	Algorithm: "OSS4-HMAC-SHA256", KeyPrefix: "aliyun_v4", Terminator: "aliyun_v4_request",
	DateHeader: "x-oss-date", ContentSHA256Header: "x-oss-content-sha256", SecurityTokenHeader: "x-oss-security-token",
	AlgorithmParam: "x-oss-signature-version", CredentialParam: "x-oss-credential", DateParam: "x-oss-date",
	ExpiresParam: "x-oss-expires", SignedHeadersParam: "x-oss-additional-headers",
	SecurityTokenParam: "x-oss-security-token", SignatureParam: "x-oss-signature",
	ObjectStorageServices: []string{"oss", "oss-cloudbox"},
}

// OSSV4 holds every step of one OSS V4 signing. The embedded V4 holds the
// steps the engine shares (its SignedHeaders lists every signed header,
// for reference: OSS does not sign that list); AdditionalHeaders is the
// fifth line of the canonical request.
type OSSV4 struct {
	V4
	Bucket, BucketSource string
	AdditionalHeaders    string
}

// ErrNoOSSExpires: an OSS V4 presigned URL without an expiry.
var ErrNoOSSExpires = errors.New("a presigned url needs an expiry: the request has no x-oss-expires parameter, and none was given")

// SigOSSV4 recomputes the OSS V4 signing of req. Options.Family defaults
// to OSS4; Region and Service default to what the host names
// (oss-cn-hangzhou: cn-hangzhou, oss), Service to "oss"; Options.SignedHeaders is the list
// of additional headers the client asked to sign (as the SDKs' option
// AdditionalHeaders, before filtering).
func SigOSSV4(req *request.Request, creds credentials.Credentials, opts Options) (*OSSV4, error) {
	if req == nil {
		return nil, ErrNoRequest
	}
	if requestSize(req) > maxRequestPart {
		return nil, ErrTooLarge
	}
	if opts.Family == nil {
		opts.Family = OSS4
	}
	host := parseOSSHost(requestHost(req))
	if opts.Region == "" {
		opts.Region = host.region
	}
	if opts.Service == "" {
		opts.Service = cmp.Or(host.product, "oss")
	}
	nv, err := newV4(creds, &opts)
	if err != nil {
		return nil, err
	}
	o := &OSSV4{V4: *nv}
	v := &o.V4
	v.Method = req.Method
	t, fromRequest, err := ossTime(req, v.Family, &opts)
	if err != nil {
		return nil, err
	}
	if err := v.setTime(t); err != nil {
		return nil, err
	}
	if o.Bucket, o.BucketSource, err = ossBucket(requestHost(req)); err != nil {
		return nil, err
	}
	o.payload(req, &opts)
	hs, additional := o.headers(req, creds, &opts, fromRequest)
	o.AdditionalHeaders = strings.Join(additional, ";")
	var q queryBuilder
	if v.Form == FormQuery {
		if err := o.presignQuery(&q, req, creds, &opts); err != nil {
			return nil, err
		}
	} else {
		q.parse(req.RawQuery, nil, 0)
	}
	var stackOrder [64]int32
	cr := o.canonicalRequest(req.RawPath, appendOSSQuery(nil, &q, q.finish(stackOrder[:0])), hs)
	sum := sha256.Sum256([]byte(cr))
	if creds.Secret.Empty() {
		v.stringToSign(&sum, 0)
		return o, nil
	}
	u := urlParts(req)
	sts := v.stringToSign(&sum, u.len(v.Family, v.CanonicalQueryString, ""))
	mac := v.sign(creds.Secret, &opts, sts)
	v.Signature = hex.EncodeToString(mac[:])
	if v.Form == FormQuery {
		v.PresignedURL = v.appendPresignedURL(sts, u, v.CanonicalQueryString, "", &mac)
		return o, nil
	}
	v.Authorization = v.Family.Algorithm + " Credential=" + v.AccessKeyID + "/" + v.Scope
	if o.AdditionalHeaders != "" {
		v.Authorization += ",AdditionalHeaders=" + o.AdditionalHeaders
	}
	v.Authorization += ",Signature=" + v.Signature
	return o, nil
}

// ossTime is Options.Time, else x-oss-date (the parameter of a presigned
// URL, else the header, yyyymmddThhmmssZ), else the Date header.
func ossTime(req *request.Request, f *Family, opts *Options) (time.Time, bool, error) {
	if opts.Presign && opts.Time.IsZero() {
		if s, ok := queryValue(req.RawQuery, f.DateParam); ok {
			t, err := ParseAmzDate(s)
			if err != nil {
				return t, true, &AuthError{Field: f.DateParam + " parameter", Offset: -1, Reason: err.Error()}
			}
			return t, true, nil
		}
	}
	return signingTime(req, f, &Options{Time: opts.Time})
}

// payload picks HashedPayload: given, else the x-oss-content-sha256 header,
// else UNSIGNED-PAYLOAD (the SDKs never hash the body).
func (o *OSSV4) payload(req *request.Request, opts *Options) {
	v := &o.V4
	switch h, ok := req.Get(v.Family.ContentSHA256Header); {
	case opts.PayloadHash != "":
		v.PayloadHash, v.PayloadSource = opts.PayloadHash, PayloadGiven
	case ok:
		v.PayloadHash, v.PayloadSource = trimOWS(h), PayloadHeader
	default:
		v.PayloadHash, v.PayloadSource = UnsignedPayload, PayloadUnsigned
	}
}

// isOSSDefaultSigned: the headers OSS V4 always signs.
func isOSSDefaultSigned(lowerName string) bool {
	return lowerName == "content-type" || lowerName == "content-md5" || strings.HasPrefix(lowerName, "x-oss-")
}

// headers picks the signed headers and adds those the SDKs add in the
// header form: x-oss-date, x-oss-security-token, x-oss-content-sha256.
// The additional headers are the requested names, lower-cased, that are
// not signed anyway and that the request carries with a value, sorted
// (getCommonAdditionalHeaders in the SDK).
func (o *OSSV4) headers(req *request.Request, creds credentials.Credentials, opts *Options, keepDate bool) (hs []hdr, additional []string) {
	v := &o.V4
	f := v.Family
	for _, n := range opts.SignedHeaders {
		n = strings.ToLower(strings.TrimSpace(n))
		if val, ok := req.Get(n); ok && n != "" && trimOWS(val) != "" && !isOSSDefaultSigned(n) {
			additional = append(additional, n)
		}
	}
	slices.Sort(additional)
	additional = slices.Compact(additional)
	header := v.Form == FormHeader
	var haveDate, haveToken, haveSHA bool
	for _, h := range req.Header {
		name := strings.ToLower(h.Name)
		switch name {
		case f.DateHeader:
			if header && !keepDate {
				continue
			}
			haveDate = true
		case f.SecurityTokenHeader:
			haveToken = true
		case f.ContentSHA256Header:
			haveSHA = true
		}
		if isOSSDefaultSigned(name) || slices.Contains(additional, name) {
			hs = append(hs, hdr{name, h.Value})
		}
	}
	add := func(name, value string) {
		v.Added = append(v.Added, request.Field{Name: name, Value: value})
		hs = append(hs, hdr{name, value})
	}
	if header && !haveDate {
		add(f.DateHeader, v.AmzDate)
	}
	if header && !haveToken && !creds.SessionToken.Empty() {
		add(f.SecurityTokenHeader, creds.SessionToken.Reveal())
	}
	if header && !haveSHA {
		add(f.ContentSHA256Header, v.PayloadHash)
	}
	return sortHeaders(make([]hdr, 0, len(hs)), hs), additional
}

// presignQuery fills q with the request's parameters and the signing
// parameters, all signed but x-oss-signature.
func (o *OSSV4) presignQuery(q *queryBuilder, req *request.Request, creds credentials.Credentials, opts *Options) error {
	v := &o.V4
	f := v.Family
	a := authFilter{f: f, dropExpires: opts.Expires > 0}
	token := creds.SessionToken.Reveal()
	credential := v.AccessKeyID + "/" + f.Scope(v.Date, v.Region, v.Service)
	q.parse(req.RawQuery, &a, 3*(len(f.Algorithm)+len(credential)+len(o.AdditionalHeaders)+len(token))+16+20)
	if !a.dropExpires && !a.sawExpires {
		return ErrNoOSSExpires
	}
	param := func(name, value string) {
		off := len(q.arena)
		q.arena = appendURIEncode(q.arena, value, false)
		q.add(name, off)
	}
	param(f.AlgorithmParam, f.Algorithm)
	param(f.CredentialParam, credential)
	param(f.DateParam, v.AmzDate)
	if a.dropExpires {
		param(f.ExpiresParam, strconv.FormatInt(opts.Expires, 10))
	}
	if o.AdditionalHeaders != "" {
		param(f.SignedHeadersParam, o.AdditionalHeaders)
	}
	if token != "" && !a.sawToken {
		param(f.SecurityTokenParam, token)
	}
	return nil
}

// appendOSSQuery writes the canonical query: a parameter whose value is
// empty is its name alone (alibabacloud-oss-go-sdk-v2 calcCanonicalRequest).
func appendOSSQuery(dst []byte, q *queryBuilder, order []int32) []byte {
	for i, j := range order {
		p := &q.ps[j]
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, p.key...)
		if p.value != "" {
			dst = append(append(dst, '='), p.value...)
		}
	}
	return dst
}

// canonicalRequest joins the six parts and sets the part fields.
func (o *OSSV4) canonicalRequest(rawPath string, query []byte, hs []hdr) string {
	v := &o.V4
	p := rawPath
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if o.Bucket != "" {
		p = "/" + o.Bucket + p
	}
	v.CanonicalURI = string(appendURIEncode(nil, decodeLenient(p, false), true))
	v.CanonicalQueryString = string(query)
	v.CanonicalHeaders = string(appendV2Headers(nil, hs))
	v.SignedHeaders = string(appendSignedHeaders(nil, hs))
	v.CanonicalRequest = strings.Join([]string{v.Method, v.CanonicalURI, v.CanonicalQueryString, v.CanonicalHeaders, o.AdditionalHeaders, v.PayloadHash}, "\n")
	return v.CanonicalRequest
}

// Scheme names the run as --json's scheme field does.
func (o *OSSV4) Scheme() string {
	if o.Form == FormQuery {
		return "oss-v4-query"
	}
	return "oss-v4-header"
}

// Result returns the scheme-neutral view of the signing.
func (o *OSSV4) Result() *Result {
	v := &o.V4
	r := &Result{Scheme: o.Scheme(), Algorithm: v.Family.Algorithm, AccessKeyID: v.AccessKeyID, CanonicalRequest: v.CanonicalRequest,
		StringToSign: v.StringToSign, Signature: v.Signature, Authorization: v.Authorization, URL: v.PresignedURL}
	add := func(name, rule, value string) { r.Steps = append(r.Steps, Step{Name: name, Rule: rule, Value: value}) }
	add("HTTPMethod", "the method as sent", v.Method)
	add("CanonicalURI", "\"/\" + bucket ("+o.BucketSource+") + \"/\" + key decoded, then URI-encoded once with / kept", v.CanonicalURI)
	add("CanonicalQueryString", "each name and value URI-encoded, sorted by name; a parameter with an empty value is its name alone, without =", v.CanonicalQueryString)
	add("CanonicalHeaders", "content-type, content-md5, every x-oss-* header and the additional headers: names lower-cased, values trimmed, repeated headers comma-joined, sorted, each line ending in LF", strings.TrimSuffix(v.CanonicalHeaders, "\n"))
	add("AdditionalHeaders", "the headers asked for beyond those always signed, lower case, sorted, joined with ; — only those the request carries", o.AdditionalHeaders)
	add("HashedPayload", v.payloadRule(), v.PayloadHash)
	add("CanonicalRequest", "verb, URI, query, headers, blank line, additional headers, payload hash, joined with LF", v.CanonicalRequest)
	add("HashedCanonicalRequest", "lower-case hex of SHA-256 over the canonical request's bytes", v.CanonicalRequestHash)
	add("Scope", "date/region/product/aliyun_v4_request", v.Scope)
	add("StringToSign", "OSS4-HMAC-SHA256, request date-time, scope, hashed canonical request, joined with LF", v.StringToSign)
	r.Steps = append(r.Steps, keySteps(v)...)
	if v.Signature != "" {
		add("Signature", "lower-case hex of HMAC-SHA256(signing key, string to sign)", v.Signature)
	}
	if v.Authorization != "" {
		add("Authorization", "OSS4-HMAC-SHA256 Credential=access key id/scope, then ,AdditionalHeaders=… when there are any, then ,Signature=…", v.Authorization)
	}
	if v.PresignedURL != "" {
		add("PresignedURL", "the request's URL with the x-oss-* signing parameters in its query and x-oss-signature last", v.PresignedURL)
	}
	return r
}

// keySteps are the derived keys of a V4-family run, marked secret.
func keySteps(v *V4) []Step {
	if v.KSigning == nil {
		return nil
	}
	f := v.Family
	return []Step{
		{Name: "kDate", Rule: "HMAC-SHA256(\"" + f.KeyPrefix + "\" + secret, date)", Value: hex.EncodeToString(v.KDate), Secret: true},
		{Name: "kRegion", Rule: "HMAC-SHA256(kDate, region)", Value: hex.EncodeToString(v.KRegion), Secret: true},
		{Name: "kService", Rule: "HMAC-SHA256(kRegion, service)", Value: hex.EncodeToString(v.KService), Secret: true},
		{Name: "kSigning", Rule: "HMAC-SHA256(kService, \"" + f.Terminator + "\"): the signing key", Value: hex.EncodeToString(v.KSigning), Secret: true},
	}
}
