package recompute

import (
	"strconv"
	"strings"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// DetectScheme names the scheme of the signature req carries, by the
// Authorization header's first word or the query's signing parameters;
// "" when it carries none. It does not check the fields (ParseAnyAuth does).
func DetectScheme(req *request.Request) string {
	if req == nil {
		return ""
	}
	if v, ok := req.Get("Authorization"); ok {
		switch authScheme(v) {
		case OSS4.Algorithm:
			return SchemeOSSV4Header
		case GOOG4.Algorithm:
			return SchemeGCSV4HMAC
		case GOOG4RSA.Algorithm:
			return SchemeGCSV4RSA
		case SigV4AAlgorithm:
			return SchemeSigV4AHeader
		case "AWS":
			return SchemeSigV2Header
		case "OSS":
			return SchemeOSSV1Header
		case gcsHMACDialect.algorithm:
			return SchemeGCSV2HMACHeader
		case AWS4.Algorithm:
			if h, ok := req.Get(AWS4.ContentSHA256Header); ok && strings.HasPrefix(strings.TrimSpace(h), "STREAMING-") {
				return SchemeSigV4Streaming
			}
			return SchemeSigV4Header
		}
		return ""
	}
	return queryScheme(req.RawQuery)
}

// queryScheme names the scheme whose signing parameters rawQuery carries.
// A V2-style URL needs its access key parameter: Signature and Expires
// alone are also CloudFront's, which is not a storage signature.
func queryScheme(rawQuery string) string {
	if s := extraQueryScheme(rawQuery); s != "" {
		return s
	}
	if _, ok := queryFamily(rawQuery); ok {
		return SchemeSigV4Query
	}
	for _, name := range [...]string{OSS4.AlgorithmParam, OSS4.CredentialParam, OSS4.SignatureParam} {
		if _, ok := queryValue(rawQuery, name); ok {
			return SchemeOSSV4Query
		}
	}
	if _, ok := queryValue(rawQuery, sigV2Dialect.accessKeyParam); ok {
		return SchemeSigV2Query
	}
	if _, ok := queryValue(rawQuery, ossV1Dialect.accessKeyParam); ok {
		return SchemeOSSV1Query
	}
	return ""
}

// ParseAnyAuth reads the signing fields of req in any scheme sigdiff
// recomputes (ParseAuth reads SigV4's alone). It returns ErrNoSignature
// when there are none, and an *AuthError naming the field otherwise.
func ParseAnyAuth(req *request.Request) (*AuthParams, error) {
	if req == nil {
		return nil, ErrNoRequest
	}
	authz := req.Values("Authorization")
	qs := queryScheme(req.RawQuery)
	switch {
	case len(authz) > 1:
		return ParseAuth(req) // its error
	case len(authz) == 1 && qs != "":
		return nil, &AuthError{Field: "authorization header", Offset: -1, Reason: "sent together with " + qs + " query parameters; servers accept only one way of signing"}
	case len(authz) == 1:
		switch authScheme(authz[0]) {
		case GOOG4.Algorithm, GOOG4RSA.Algorithm:
			p, err := parseV4Authorization(authz[0], []*Family{GOOG4, GOOG4RSA}, "SignedHeaders", true)
			if err != nil {
				return nil, err
			}
			return p, p.headerTime(req)
		case SigV4AAlgorithm:
			return parseSigV4AAuthorization(req, authz[0])
		case OSS4.Algorithm:
			p, err := parseV4Authorization(authz[0], []*Family{OSS4}, "AdditionalHeaders", false)
			if err != nil {
				return nil, err
			}
			return p, p.headerTime(req)
		case "AWS":
			return parseV2Authorization(req, authz[0], sigV2Dialect)
		case "OSS":
			return parseV2Authorization(req, authz[0], ossV1Dialect)
		case gcsHMACDialect.algorithm:
			return parseV2Authorization(req, authz[0], gcsHMACDialect)
		}
		return ParseAuth(req)
	}
	switch qs {
	case SchemeGCSV4HMAC:
		return parseAuthQuery(GOOG4, req.RawQuery, false)
	case SchemeGCSV4RSA:
		return parseAuthQuery(GOOG4RSA, req.RawQuery, false)
	case SchemeSigV4AQuery:
		return parseSigV4AQuery(req.RawQuery)
	case SchemeGCSV2:
		return parseV2Query(req.RawQuery, gcsV2Dialect)
	case SchemeOSSV4Query:
		return parseAuthQuery(OSS4, req.RawQuery, true)
	case SchemeSigV2Query:
		return parseV2Query(req.RawQuery, sigV2Dialect)
	case SchemeOSSV1Query:
		return parseV2Query(req.RawQuery, ossV1Dialect)
	}
	return ParseAuth(req)
}

// authScheme is the first word of an Authorization value.
func authScheme(value string) string {
	v := strings.TrimLeft(value, " \t")
	if i := strings.IndexAny(v, " \t"); i >= 0 {
		return v[:i]
	}
	return v
}

// parseV2Authorization reads "AWS AccessKeyId:Signature" (or "OSS …",
// "GOOG1 …"): the access key id is what precedes the last colon. The time
// comes from x-amz-date (x-oss-date, x-goog-date), else Date; a date
// sigdiff cannot read leaves Time zero, since the Date line is signed as
// sent.
func parseV2Authorization(req *request.Request, value string, d *v2Dialect) (*AuthParams, error) {
	fail := func(off int, reason string) (*AuthParams, error) {
		return nil, &AuthError{Field: "authorization header", Offset: off, Reason: reason}
	}
	lead := len(value) - len(strings.TrimLeft(value, " \t"))
	if !strings.HasPrefix(value[lead:], d.algorithm) {
		return fail(lead, "scheme "+schemeName(authScheme(value))+" is not "+d.algorithm)
	}
	rest := value[lead+len(d.algorithm):]
	start := lead + len(d.algorithm) + len(rest) - len(strings.TrimLeft(rest, " \t"))
	cred := strings.TrimRight(value[start:], " \t")
	i := strings.LastIndexByte(cred, ':')
	switch {
	case i < 0:
		return fail(start, "want "+d.algorithm+" access-key-id:signature, found no \":\"")
	case i == 0:
		return fail(start, "empty access key id")
	case i == len(cred)-1:
		return fail(start+i+1, "empty signature")
	case strings.ContainsAny(cred, " \t"):
		return fail(start+strings.IndexAny(cred, " \t"), "a blank inside access-key-id:signature")
	}
	p := &AuthParams{Scheme: d.schemeHeader, Form: FormHeader, AccessKeyID: cred[:i], Signature: cred[i+1:]}
	if s, ok := req.Get(d.dateHeader); ok {
		p.Time, p.TimeSource = parseV2Date(s), d.dateHeader+" header"
	} else if s, ok := req.Get("Date"); ok {
		p.Time, p.TimeSource = parseV2Date(s), "date header"
	}
	if p.Time.IsZero() {
		p.TimeSource = ""
	}
	return p, nil
}

// parseV2Date reads an HTTP date, and the numeric zone the S3 guide's
// examples use ("Tue, 27 Mar 2007 19:36:42 +0000"); zero when neither.
func parseV2Date(s string) time.Time {
	s = trimOWS(s)
	if t, err := parseHTTPDate(s); err == nil {
		return t
	}
	for _, layout := range []string{time.RFC1123Z, time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// parseV2Query reads AWSAccessKeyId (OSSAccessKeyId), Signature and
// Expires, and the session token parameter, of a V2-style presigned URL.
func parseV2Query(rawQuery string, d *v2Dialect) (*AuthParams, error) {
	vals := map[string]string{}
	for rest := rawQuery; rest != ""; {
		var piece string
		piece, rest, _ = strings.Cut(rest, "&")
		k, v, _ := strings.Cut(piece, "=")
		switch k = decodeLenient(k, true); k {
		case d.accessKeyParam, "Signature", "Expires", d.tokenParam:
			if _, dup := vals[k]; dup {
				return nil, &AuthError{Field: k + " parameter", Offset: -1, Reason: "appears twice"}
			}
			vals[k] = decodeLenient(v, true)
		}
	}
	for _, name := range []string{d.accessKeyParam, "Signature", "Expires"} {
		if vals[name] == "" {
			reason := "missing"
			if _, ok := vals[name]; ok {
				reason = "empty value"
			}
			return nil, &AuthError{Field: name + " parameter", Offset: -1, Reason: reason}
		}
	}
	s := vals["Expires"]
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || s[0] == '+' {
		return nil, &AuthError{Field: "Expires parameter", Offset: -1, Reason: strconv.Quote(truncate(s, 20)) + " is not a number of seconds"}
	}
	p := &AuthParams{Scheme: d.schemeQuery, Form: FormQuery, AccessKeyID: vals[d.accessKeyParam], Signature: vals["Signature"],
		Expires: n, Time: time.Unix(n, 0).UTC(), TimeSource: "Expires parameter"}
	if t, ok := vals[d.tokenParam]; ok {
		p.SecurityToken = credentials.NewSecret(t)
	}
	return p, nil
}
