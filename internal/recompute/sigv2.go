package recompute

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// AWS Signature Version 2 for S3 ("Signing and authenticating REST
// requests"), and through the same builder Alibaba OSS V1:
//
//	StringToSign  = HTTP-Verb "\n" Content-MD5 "\n" Content-Type "\n" Date "\n"
//	                CanonicalizedAmzHeaders CanonicalizedResource
//	Signature     = Base64( HMAC-SHA1( SecretAccessKey, StringToSign ) )
//	Authorization = "AWS" SP AWSAccessKeyId ":" Signature
//
// In the query form (a presigned URL) the Date line holds the Expires
// parameter, Unix seconds, and the URL carries AWSAccessKeyId, Expires and
// Signature. See subresources.go for the CanonicalizedResource.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html

// V2 holds every step of one HMAC-SHA1 signing: SigV2 (Algorithm "AWS")
// or OSS V1 (Algorithm "OSS"). Fields up to StringToSign are filled
// without a secret; Signature and Authorization or URL need one. A session
// token the signer adds is signed, so it appears in
// CanonicalizedAmzHeaders (or the resource), StringToSign, Added and URL,
// as in the server's own string to sign; renderers pass those through
// RedactToken.
type V2 struct {
	Scheme      string // sigv2-header, sigv2-query, oss-v1-header, oss-v1-query
	Algorithm   string // the Authorization scheme word: "AWS" or "OSS"
	Form        Form
	AccessKeyID string

	Bucket       string // the bucket the resource starts with; empty for path style
	BucketSource string // where Bucket came from, in one line

	Method      string // HTTP-Verb, as sent
	ContentMD5  string // the Content-MD5 header, blanks trimmed; empty when not sent
	ContentType string // the Content-Type header, blanks trimmed; empty when not sent
	Date        string // the Date line: a date, empty, or Expires (query form)
	DateSource  string // the rule that chose the Date line, in one line

	// CanonicalizedAmzHeaders are the x-amz-* headers (OSS V1: the
	// CanonicalizedOSSHeaders, x-oss-*), each "name:value\n".
	CanonicalizedAmzHeaders string
	CanonicalizedResource   string
	StringToSign            string

	Signature     string // Base64 HMAC-SHA1
	Authorization string // header form
	URL           string // query form: the presigned URL
	Expires       int64  // query form: the Expires parameter, Unix seconds

	// Added lists what the signer adds to the request as given: a Date
	// header for Options' time, the session token header or parameter.
	Added []request.Field

	dialect *v2Dialect
}

// AmzDateRule says what SigV2 puts on the Date line when the request sends
// x-amz-date: S3's guide, its clients and servers disagree.
type AmzDateRule uint8

const (
	// AmzDateEmptiesDateLine: an empty Date line, x-amz-date signed among
	// the x-amz-* headers. The guide's rule ("use the empty string for the
	// Date"), boto's, and Ceph RGW's (ceph/ceph#15467).
	AmzDateEmptiesDateLine AmzDateRule = iota
	// AmzDateOnDateLine: the x-amz-date value on the Date line, and not
	// repeated among the headers, as the guide's own Delete example signs.
	AmzDateOnDateLine
	// AmzDateIgnored: the Date header on the Date line, x-amz-date among
	// the headers: MinIO's server (cmd/signature-v2.go) and botocore.
	AmzDateIgnored
)

// V2Options are the inputs of a SigV2 or OSS V1 run besides the request
// and the key.
type V2Options struct {
	// Time, in the header form, replaces the request's Date header (as an
	// SDK re-signing it would); zero keeps the request's own date fields.
	Time time.Time
	// Presign signs the query form. Expires is then the Expires
	// parameter (Unix seconds); zero keeps the request's own.
	Presign bool
	Expires int64

	HostStyle HostStyle
	Bucket    string // the bucket, when the host does not say (a CNAME); implies virtual hosting

	AmzDate AmzDateRule // SigV2 only: OSS V1 always signs x-oss-date's value on the Date line

	// SubResources are more parameter names to sign in the resource: the
	// OSS v2 SDK lets each operation declare its own.
	SubResources []string
}

// ErrNoV2Expires: a V2-style presigned URL without an expiry.
var ErrNoV2Expires = errors.New("a presigned url needs an expiry: the request has no expires parameter, and none was given")

// v2Dialect holds what SigV2 and OSS V1 do differently; the builder is
// the same.
type v2Dialect struct {
	algorithm   string // Authorization scheme word: "AWS", "OSS"
	headersStep string // the step's name: CanonicalizedAmzHeaders, CanonicalizedOSSHeaders

	prefix, dateHeader        string // "x-amz-", "x-amz-date"
	tokenHeader, tokenParam   string // where a session token goes: header form, query form
	accessKeyParam            string // "AWSAccessKeyId", "OSSAccessKeyId"
	schemeHeader, schemeQuery string
	subResources              []string // sorted

	prefixParams bool // OSS: every x-oss-* parameter is a sub-resource
	queryHeaders bool // S3: the x-amz-* parameters of a presigned URL are headers
	decodePath   bool // OSS: the resource holds the decoded key
	sortedURL    bool // OSS: a presigned URL's parameters sorted, as its SDKs write them
	ossy         bool // OSS: x-oss-date on the Date line, whatever AmzDate says

	bucket func(host string) (bucket, source string, err error) // the HostAuto rule
}

var sigV2Dialect = &v2Dialect{
	algorithm: "AWS", headersStep: "CanonicalizedAmzHeaders",
	prefix: "x-amz-", dateHeader: "x-amz-date",
	// botocore's HmacV1QueryAuth moves x-amz-* headers into the query; S3
	// reads them back as headers, the session token among them.
	tokenHeader: "x-amz-security-token", tokenParam: "x-amz-security-token",
	accessKeyParam: "AWSAccessKeyId",
	schemeHeader:   "sigv2-header", schemeQuery: "sigv2-query",
	subResources: s3SubResources, queryHeaders: true,
	bucket: func(host string) (string, string, error) {
		b, src := s3Bucket(host)
		return b, src, nil
	},
}

// SigV2 recomputes the SigV2 signing of req. It never reads the clock.
func SigV2(req *request.Request, creds credentials.Credentials, opts V2Options) (*V2, error) {
	return signV2(sigV2Dialect, req, creds, &opts)
}

func signV2(d *v2Dialect, req *request.Request, creds credentials.Credentials, opts *V2Options) (*V2, error) {
	if req == nil {
		return nil, ErrNoRequest
	}
	if requestSize(req) > maxRequestPart {
		return nil, ErrTooLarge
	}
	v := &V2{Scheme: d.schemeHeader, Algorithm: d.algorithm, Form: FormHeader, AccessKeyID: creds.AccessKeyID, Method: req.Method, dialect: d}
	if opts.Presign {
		v.Scheme, v.Form = d.schemeQuery, FormQuery
	}
	hs, dates := v.headers(req)
	subs, keep, expires, sawToken := v.query(req.RawQuery, opts, &hs)
	if token := creds.SessionToken.Reveal(); token != "" && !sawToken && !dates.sawToken {
		switch {
		case v.Form == FormHeader || d.queryHeaders:
			hs = append(hs, hdr{d.tokenHeader, token})
		default:
			subs = append(subs, subResource{d.tokenParam, token})
		}
		name := d.tokenHeader
		if v.Form == FormQuery {
			name = d.tokenParam
		}
		v.Added = append(v.Added, request.Field{Name: name, Value: token})
	}
	if err := v.dateLine(opts, dates, expires); err != nil {
		return nil, err
	}
	bucket, src, err := d.resolveBucket(requestHost(req), opts)
	if err != nil {
		return nil, err
	}
	v.Bucket, v.BucketSource = bucket, src
	if opts.AmzDate == AmzDateOnDateLine && !d.ossy && dates.sawPrefixDate {
		hs = slices.DeleteFunc(hs, func(h hdr) bool { return equalFold(h.name, d.dateHeader) })
	}
	lowerNames(hs)
	v.CanonicalizedAmzHeaders = string(appendV2Headers(nil, sortHeaders(make([]hdr, 0, len(hs)), hs)))
	v.CanonicalizedResource = v.resource(req.RawPath, subs)
	v.StringToSign = v.Method + "\n" + v.ContentMD5 + "\n" + v.ContentType + "\n" + v.Date + "\n" + v.CanonicalizedAmzHeaders + v.CanonicalizedResource
	if creds.Secret.Empty() {
		return v, nil
	}
	v.Signature = signHMACSHA1(creds.Secret, v.StringToSign)
	if v.Form == FormHeader {
		v.Authorization = d.algorithm + " " + v.AccessKeyID + ":" + v.Signature
	} else {
		v.URL = v.presignedURL(req, keep)
	}
	return v, nil
}

// signHMACSHA1 is Base64(HMAC-SHA1(secret, s)), the V2 and OSS V1 signature.
func signHMACSHA1(secret credentials.Secret, s string) string {
	m := hmac.New(sha1.New, []byte(secret.Reveal()))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// v2Dates are the date fields a request sends.
type v2Dates struct {
	date, prefixDate         string
	sawDate, sawPrefixDate   bool
	sawToken, sawContentType bool
}

// headers reads Content-MD5, Content-Type (the first of each, trimmed as
// an HTTP parser trims them), the date fields and the prefixed headers.
func (v *V2) headers(req *request.Request) ([]hdr, v2Dates) {
	d := v.dialect
	var hs []hdr
	var dt v2Dates
	var sawMD5 bool
	for _, h := range req.Header {
		switch {
		case equalFold(h.Name, "content-md5") && !sawMD5:
			v.ContentMD5, sawMD5 = trimOWS(h.Value), true
		case equalFold(h.Name, "content-type") && !dt.sawContentType:
			v.ContentType, dt.sawContentType = trimOWS(h.Value), true
		case equalFold(h.Name, "date") && !dt.sawDate:
			dt.date, dt.sawDate = trimOWS(h.Value), true
		}
		if !hasPrefixFold(h.Name, d.prefix) {
			continue
		}
		switch {
		case equalFold(h.Name, d.dateHeader) && !dt.sawPrefixDate:
			dt.prefixDate, dt.sawPrefixDate = trimOWS(h.Value), true
		case equalFold(h.Name, d.tokenHeader):
			dt.sawToken = true
		}
		hs = append(hs, hdr{h.Name, h.Value})
	}
	return hs, dt
}

// dateLine fills Date and DateSource.
func (v *V2) dateLine(opts *V2Options, dt v2Dates, expires string) error {
	d := v.dialect
	if v.Form == FormQuery {
		switch {
		case opts.Expires > 0:
			v.Expires = opts.Expires
			v.DateSource = "the Expires parameter: when the URL expires, in Unix seconds (given)"
		case expires != "":
			n, err := strconv.ParseInt(expires, 10, 64)
			if err != nil || n < 0 || expires[0] == '+' {
				return &AuthError{Field: "Expires parameter", Offset: -1, Reason: strconv.Quote(truncate(expires, 20)) + " is not a number of seconds"}
			}
			v.Expires = n
			v.DateSource = "the Expires parameter: when the URL expires, in Unix seconds"
		default:
			return ErrNoV2Expires
		}
		v.Date = strconv.FormatInt(v.Expires, 10)
		return nil
	}
	// A given time replaces Date, unless Date already says that time: a
	// run fed the request's own time (AuthParams.Options) signs Date as
	// sent, in whatever form it was written.
	given := !opts.Time.IsZero() && !(dt.sawDate && parseV2Date(dt.date).Equal(opts.Time))
	if given {
		dt.date, dt.sawDate = opts.Time.UTC().Format(httpDateLayout), true
		v.Added = append(v.Added, request.Field{Name: "Date", Value: dt.date})
	}
	switch {
	case d.ossy && dt.sawPrefixDate:
		v.Date, v.DateSource = dt.prefixDate, "the x-oss-date header, which OSS reads in place of Date (it is also signed among the x-oss-* headers)"
	case !d.ossy && dt.sawPrefixDate && opts.AmzDate == AmzDateEmptiesDateLine:
		v.Date, v.DateSource = "", "empty: x-amz-date is sent, so S3 ignores Date; x-amz-date is signed among the x-amz-* headers"
		if d.prefix != sigV2Dialect.prefix {
			v.DateSource = "empty: " + d.dateHeader + " is sent, so the Date header is not signed; " + d.dateHeader + " is signed among the " + d.prefix + "* headers (boto)"
		}
	case !d.ossy && dt.sawPrefixDate && opts.AmzDate == AmzDateOnDateLine:
		v.Date, v.DateSource = dt.prefixDate, "the x-amz-date value, not repeated among the x-amz-* headers (the S3 guide's Delete example)"
	case dt.sawDate:
		v.Date, v.DateSource = dt.date, "the Date header as sent"
		if given {
			v.DateSource = "the signing time given, as an HTTP date; it replaces the Date header"
		}
	default:
		return ErrNoTime
	}
	return nil
}

// httpDateLayout is the IMF-fixdate of RFC 9110, as SDKs write Date.
const httpDateLayout = "Mon, 02 Jan 2006 15:04:05 GMT"

// appendV2Headers appends "name:value\n" per name of the sorted hs, values
// of a repeated name joined by ",", each trimmed and unfolded (S3 guide,
// "Constructing the CanonicalizedAmzHeaders Element").
func appendV2Headers(dst []byte, hs []hdr) []byte {
	for i := 0; i < len(hs); {
		dst = append(append(dst, hs[i].name...), ':')
		j := i
		for ; j < len(hs) && hs[j].name == hs[i].name; j++ {
			if j > i {
				dst = append(dst, ',')
			}
			dst = appendUnfolded(dst, trimOWS(hs[j].value))
		}
		dst = append(dst, '\n')
		i = j
	}
	return dst
}

// appendUnfolded replaces each line fold (CR LF or LF and the blanks after
// it) with one space; other blanks stay, as the guide asks only to unfold.
func appendUnfolded(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' || c == '\n' {
			for i+1 < len(s) && isOWS(s[i+1]) {
				i++
			}
			dst = append(dst, ' ')
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

func trimOWS(s string) string { return strings.Trim(s, " \t\r\n") }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFold(s[:len(prefix)], prefix)
}

// presignedURL writes the URL a client sends: the request's own
// parameters, then the access key id, Expires, the session token when the
// signer added it, and the signature, as the S3 guide's example orders
// them. OSS's SDKs write every parameter sorted by name instead
// (url.Values.Encode), which is what the OSS dialect does.
func (v *V2) presignedURL(req *request.Request, keep []string) string {
	d := v.dialect
	auth := []subResource{{d.accessKeyParam, v.AccessKeyID}, {"Expires", v.Date}}
	for _, a := range v.Added {
		if a.Name == d.tokenParam {
			auth = append(auth, subResource{a.Name, a.Value})
		}
	}
	auth = append(auth, subResource{"Signature", v.Signature})
	u := urlParts(req)
	b := []byte(u.scheme + "://" + u.host)
	b = append(appendURLPath(b, u.path), '?')
	if d.sortedURL {
		for _, piece := range keep {
			k, val, _ := strings.Cut(piece, "=")
			auth = append(auth, subResource{decodeLenient(k, true), decodeLenient(val, true)})
		}
		slices.SortStableFunc(auth, func(a, b subResource) int { return strings.Compare(a.name, b.name) })
		keep = nil
	}
	for _, piece := range keep {
		b = append(append(b, piece...), '&')
	}
	for i, a := range auth {
		if i > 0 {
			b = append(b, '&')
		}
		b = appendURIEncode(append(appendURIEncode(b, a.name, false), '='), a.value, false)
	}
	return string(b)
}

// Result returns the scheme-neutral view of the signing.
func (v *V2) Result() *Result {
	d := v.dialect
	r := &Result{Scheme: v.Scheme, Algorithm: v.Algorithm, AccessKeyID: v.AccessKeyID, StringToSign: v.StringToSign,
		Signature: v.Signature, Authorization: v.Authorization, URL: v.URL}
	add := func(name, rule, value string) { r.Steps = append(r.Steps, Step{Name: name, Rule: rule, Value: value}) }
	add("HTTP-Verb", "the method as sent, upper case", v.Method)
	add("Content-MD5", "the Content-MD5 header as sent, or an empty line", v.ContentMD5)
	add("Content-Type", "the Content-Type header as sent, or an empty line", v.ContentType)
	dateStep := "Date"
	if v.Form == FormQuery {
		dateStep = "Expires"
	}
	add(dateStep, v.DateSource, v.Date)
	add(d.headersStep, "every "+d.prefix+"* header: name lower-cased, value trimmed and unfolded, repeated headers joined with a comma, sorted by name, each line ending in LF", strings.TrimSuffix(v.CanonicalizedAmzHeaders, "\n"))
	add("CanonicalizedResource", v.resourceRule(), v.CanonicalizedResource)
	add("StringToSign", "verb, Content-MD5, Content-Type, date, one LF after each, then the headers and the resource", v.StringToSign)
	if v.Signature != "" {
		add("Signature", "Base64 of HMAC-SHA1(secret key, string to sign)", v.Signature)
	}
	if v.Authorization != "" {
		add("Authorization", "\""+v.Algorithm+" \" + access key id + \":\" + signature", v.Authorization)
	}
	if v.URL != "" {
		add("URL", "the request's URL with "+d.accessKeyParam+", Expires and Signature (URL-encoded) added to its query", v.URL)
	}
	return r
}
