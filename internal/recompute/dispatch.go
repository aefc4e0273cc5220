package recompute

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// One entry point per question, whatever the scheme: which scheme does a
// request use (DetectScheme), what signing fields does it carry
// (ParseAnyAuth), what is its correct signing (Sign), and what signature
// does a server's string to sign call for (SignStringToSign).

// Public scheme ids, as --json and the s3error package name them.
const (
	SchemeSigV4Header    = "sigv4-header"
	SchemeSigV4Query     = "sigv4-query"
	SchemeSigV4Streaming = "sigv4-streaming"
	SchemeSigV2Header    = "sigv2-header"
	SchemeSigV2Query     = "sigv2-query"
	SchemeOSSV1Header    = "oss-v1-header"
	SchemeOSSV1Query     = "oss-v1-query"
	SchemeOSSV4Header    = "oss-v4-header"
	SchemeOSSV4Query     = "oss-v4-query"
)

// schemeList names the schemes Sign knows, for messages.
const schemeList = "sigv4-header, sigv4-query, sigv4-streaming, sigv2-header, sigv2-query, oss-v1-header, oss-v1-query, oss-v4-header, oss-v4-query, gcs-v4-hmac, gcs-v4-rsa, gcs-v2, sigv4a-header, sigv4a-query"

// ErrUnknownScheme is wrapped by the error for a scheme id Sign does not know.
var ErrUnknownScheme = errors.New("unknown signing scheme")

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

// parseV2Authorization reads "AWS AccessKeyId:Signature" (or "OSS …"):
// the access key id is what precedes the last colon. The time comes from
// x-amz-date (x-oss-date), else Date; a date sigdiff cannot read leaves
// Time zero, since the Date line is signed as sent.
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

// Sign recomputes req in scheme; "" means the scheme of the signature req
// carries, else sigv4-header (sigv4-query with Options.Presign). For
// sigv2-* and oss-v1-*, Options.Time is the signing time of the header
// form and Options.Expires the Expires parameter (Unix seconds, not a
// duration); the other fields do not apply, nor do V2Options' host style,
// bucket and x-amz-date rule (call SigV2 or SigOSSV1 for those). For
// oss-v4-*, Family is OSS4 and Region and Service default to the host's
// (see SigOSSV4); for sigv4-*, Family is not OSS4.
func Sign(req *request.Request, creds credentials.Credentials, opts Options, scheme string) (*Result, error) {
	return SignWithKey(req, creds, opts, scheme, nil)
}

// SignWithKey is Sign with a key file for the RSA schemes (gcs-v4-rsa,
// gcs-v2): a service-account JSON key or a PEM key (see gcskey.Parse).
// Without one, or with a public key, those stop after the string to sign.
// gcs-v4-hmac runs SigGCS (region auto, service storage by default);
// sigv4a-* runs SigV4A (Options.Region is the region set) and signs with
// a fresh nonce; gcs-v2 takes Options.Expires as the Expires parameter.
func SignWithKey(req *request.Request, creds credentials.Credentials, opts Options, scheme string, keyFile []byte) (*Result, error) {
	if scheme == "" {
		scheme = DetectScheme(req)
	}
	if scheme == "" {
		scheme = SchemeSigV4Header
		if opts.Presign {
			scheme = SchemeSigV4Query
		}
	}
	query := strings.HasSuffix(scheme, "-query")
	v2opts := V2Options{Time: opts.Time, Presign: query, Expires: opts.Expires}
	switch scheme {
	case SchemeGCSV4HMAC, SchemeGCSV4RSA:
		opts.Presign = opts.Presign || DetectScheme(req) == scheme && queryScheme(req.RawQuery) == scheme
		if scheme == SchemeGCSV4HMAC {
			v, err := SigGCS(req, creds, opts)
			if err != nil {
				return nil, err
			}
			return v.Result(), nil
		}
		key, err := parseKeyFile(keyFile)
		if err != nil {
			return nil, err
		}
		v, err := SigGCSRSA(req, creds, key, opts)
		if err != nil {
			return nil, err
		}
		return v.Result(), nil
	case SchemeGCSV2:
		key, err := parseKeyFile(keyFile)
		if err != nil {
			return nil, err
		}
		v, err := SigGCSV2(req, creds, key, v2opts)
		if err != nil {
			return nil, err
		}
		return v.Result(), nil
	case SchemeSigV4AHeader, SchemeSigV4AQuery:
		opts.Presign = query
		v, err := SigV4A(req, creds, opts)
		if err != nil {
			return nil, err
		}
		return v.Result(), nil
	case SchemeSigV4Header, SchemeSigV4Query, SchemeSigV4Streaming:
		opts.Presign = query
		if opts.Family == OSS4 {
			opts.Family = AWS4
		}
		v, err := SigV4(req, creds, opts)
		if err != nil {
			return nil, err
		}
		return v.Result(), nil
	case SchemeSigV2Header, SchemeSigV2Query:
		v, err := SigV2(req, creds, v2opts)
		if err != nil {
			return nil, err
		}
		return v.Result(), nil
	case SchemeOSSV1Header, SchemeOSSV1Query:
		v, err := SigOSSV1(req, creds, v2opts)
		if err != nil {
			return nil, err
		}
		return v.Result(), nil
	case SchemeOSSV4Header, SchemeOSSV4Query:
		opts.Presign = query
		if opts.Family == AWS4 {
			opts.Family = OSS4 // the scheme names the family
		}
		v, err := SigOSSV4(req, creds, opts)
		if err != nil {
			return nil, err
		}
		return v.Result(), nil
	}
	return nil, unknownScheme(scheme)
}

func unknownScheme(scheme string) error {
	return &AuthError{Field: "scheme", Offset: -1, Reason: strconv.Quote(truncate(scheme, 40)) + " is not one of " + schemeList, Err: ErrUnknownScheme}
}

// SignStringToSign signs a server's string to sign as scheme does: the V4
// schemes with the key derived from the scope it names (FromStringToSign;
// the family is the one its first line names, else opts.Family, else the
// scheme's), the V2 schemes with Base64 HMAC-SHA1 over its bytes. "" means
// the scheme the first line names, else sigv2-header.
func SignStringToSign(scheme, stringToSign string, creds credentials.Credentials, opts Options) (*Result, error) {
	return SignStringToSignWithKey(scheme, stringToSign, creds, opts, nil)
}

// SignStringToSignWithKey is SignStringToSign with a key file for the RSA
// schemes. gcs-v4-rsa and gcs-v2 sign the text with the private key (hex
// and Base64 RSA-SHA256); sigv4a-* with the key derived from creds (hex
// DER ECDSA, randomized); without a key the Result has no Signature.
// gcs-v4-hmac derives its key from the GOOG4 scope on the third line.
func SignStringToSignWithKey(scheme, stringToSign string, creds credentials.Credentials, opts Options, keyFile []byte) (*Result, error) {
	first, _, _ := strings.Cut(stringToSign, "\n")
	if scheme == "" {
		switch first {
		case GOOG4RSA.Algorithm:
			scheme = SchemeGCSV4RSA
		case SigV4AAlgorithm:
			scheme = SchemeSigV4AHeader
		}
	}
	switch scheme {
	case SchemeGCSV4RSA, SchemeGCSV2, SchemeSigV4AHeader, SchemeSigV4AQuery:
		return signTextAsymmetric(scheme, stringToSign, creds, keyFile)
	case SchemeGCSV4HMAC:
		if opts.Family == nil || first != opts.Family.Algorithm {
			opts.Family = GOOG4
		}
	}
	if f := familyNamed(first); f != nil && (opts.Family == nil || opts.Family.Algorithm != first) {
		opts.Family = f
	}
	switch scheme {
	case "":
		scheme = SchemeSigV2Header
		if opts.Family != nil && opts.Family.Algorithm == first {
			scheme = schemeOf(opts.Family, FormHeader)
		}
	case SchemeOSSV4Header, SchemeOSSV4Query:
		if opts.Family == nil {
			opts.Family = OSS4
		}
	}
	switch scheme {
	case SchemeSigV2Header, SchemeSigV2Query, SchemeOSSV1Header, SchemeOSSV1Query:
		v, err := V2FromStringToSign(scheme, stringToSign, creds)
		if err != nil {
			return nil, err
		}
		return v.Result(), nil
	case SchemeSigV4Header, SchemeSigV4Query, SchemeSigV4Streaming, SchemeOSSV4Header, SchemeOSSV4Query, SchemeGCSV4HMAC:
	default:
		return nil, unknownScheme(scheme)
	}
	v, err := FromStringToSign(stringToSign, creds, opts)
	if err != nil {
		return nil, err
	}
	r := &Result{Scheme: scheme, Algorithm: v.Family.Algorithm, AccessKeyID: v.AccessKeyID, StringToSign: v.StringToSign, Signature: v.Signature}
	r.Steps = []Step{
		{Name: "StringToSign", Rule: "as given", Value: v.StringToSign},
		{Name: "CredentialScope", Rule: "date/region/service/" + v.Family.Terminator + ", from the string to sign's third line, else from the options", Value: v.Family.Scope(v.Date, v.Region, v.Service)},
	}
	r.Steps = append(r.Steps, keySteps(v)...)
	if v.Signature != "" {
		r.Steps = append(r.Steps, Step{Name: "Signature", Rule: "lower-case hex of HMAC-SHA256(kSigning, string to sign)", Value: v.Signature})
	}
	return r, nil
}

// V2FromStringToSign signs stringToSign as the HMAC-SHA1 scheme does,
// over its bytes as given, and fills the line fields from it: verb,
// Content-MD5, Content-Type and date (Expires in the query form), the
// prefixed header lines, then the resource on the last line. A text of
// fewer than five lines fills StringToSign and Signature alone.
func V2FromStringToSign(scheme, stringToSign string, creds credentials.Credentials) (*V2, error) {
	d := sigV2Dialect
	switch scheme {
	case SchemeSigV2Header, SchemeSigV2Query:
	case SchemeOSSV1Header, SchemeOSSV1Query:
		d = ossV1Dialect
	default:
		return nil, unknownScheme(scheme)
	}
	v := &V2{Scheme: scheme, Algorithm: d.algorithm, Form: FormHeader, AccessKeyID: creds.AccessKeyID, StringToSign: stringToSign, dialect: d,
		DateSource: "line 4 of the string to sign as given", BucketSource: "the string to sign as given"}
	if strings.HasSuffix(scheme, "-query") {
		v.Form = FormQuery
	}
	if lines := strings.Split(stringToSign, "\n"); len(lines) >= 5 {
		v.Method, v.ContentMD5, v.ContentType, v.Date = lines[0], lines[1], lines[2], lines[3]
		v.CanonicalizedResource = lines[len(lines)-1]
		if n := len(lines) - 5; n > 0 {
			v.CanonicalizedAmzHeaders = strings.Join(lines[4:4+n], "\n") + "\n"
		}
		if n, err := strconv.ParseInt(v.Date, 10, 64); err == nil && v.Form == FormQuery {
			v.Expires = n
		}
	}
	if !creds.Secret.Empty() {
		v.Signature = signHMACSHA1(creds.Secret, stringToSign)
	}
	return v, nil
}

// familyNamed returns the V4 family whose algorithm is alg, or nil.
func familyNamed(alg string) *Family {
	for _, f := range append([]*Family{OSS4, GOOG4}, families...) {
		if f.Algorithm == alg {
			return f
		}
	}
	return nil
}

// ErrNoSecret: an HMAC signature or a SigV4A key needs the secret key.
var ErrNoSecret = errors.New("no secret key: the signature cannot be recomputed without it")

// Verify answers "is the signature req carries right?" in whatever scheme
// it carries (DetectScheme): it reads the signing fields (ParseAnyAuth),
// recomputes with them — their scope, time, signed headers and expiry —
// and decides. The HMAC schemes compare the recomputed signature with the
// sent one (creds needs the secret); gcs-v4-rsa and gcs-v2 verify the sent
// RSA signature over the recomputed string to sign with keyFile (a
// service-account key file, or a PEM public key or certificate); sigv4a-*
// verifies the sent DER ECDSA signature with the key derived from creds,
// since ECDSA signatures are randomized and never equal. opts supplies the
// rules the request does not carry (toggles, PayloadHash, Cache). An
// access key id missing from creds is taken from the request.
//
// The Result is the recomputation (its Signature is the recomputed one,
// empty for RSA without a private key); ok is false with a nil error when
// the signature is wrong, and an error means the question could not be
// answered (no signature, a malformed field, no secret or key).
func Verify(req *request.Request, creds credentials.Credentials, opts Options, keyFile []byte) (*Result, bool, error) {
	p, err := ParseAnyAuth(req)
	if err != nil {
		return nil, false, err
	}
	if creds.AccessKeyID == "" {
		creds.AccessKeyID = p.AccessKeyID
	}
	o := opts
	if p.Family != nil {
		o = p.Options()
		o.Normalize, o.DoubleEncode, o.SignBody, o.OmitSessionToken = opts.Normalize, opts.DoubleEncode, opts.SignBody, opts.OmitSessionToken
		o.PayloadHash, o.Cache = opts.PayloadHash, opts.Cache
	} else {
		o.Presign, o.Expires = p.Form == FormQuery, p.Expires
		if p.Form == FormQuery {
			o.Time = p.Time
		}
	}
	switch p.Scheme {
	case SchemeGCSV4RSA, SchemeGCSV2:
		if len(keyFile) == 0 {
			return nil, false, ErrNoKey
		}
	case SchemeSigV4AHeader, SchemeSigV4AQuery:
		if creds.Secret.Empty() {
			return nil, false, ErrNoSecret
		}
	default:
		if creds.Secret.Empty() {
			return nil, false, ErrNoSecret
		}
	}
	pub := creds
	if p.Scheme == SchemeSigV4AHeader || p.Scheme == SchemeSigV4AQuery {
		pub.Secret = credentials.Secret{} // stop at the string to sign: the key verifies, it does not re-sign
	}
	r, err := SignWithKey(req, pub, o, p.Scheme, keyFile)
	if err != nil {
		return nil, false, err
	}
	var ok bool
	switch p.Scheme {
	case SchemeGCSV4RSA:
		key, _ := parseKeyFile(keyFile)
		ok, err = VerifyGCSRSA(r.StringToSign, p.Signature, key)
	case SchemeGCSV2:
		key, _ := parseKeyFile(keyFile)
		ok, err = VerifyGCSV2(r.StringToSign, p.Signature, key)
	case SchemeSigV4AHeader, SchemeSigV4AQuery:
		key, kerr := DeriveSigV4AKey(creds)
		if kerr != nil {
			return nil, false, kerr
		}
		ok, err = VerifySigV4A(r.StringToSign, p.Signature, &key.PublicKey)
	default:
		ok = r.Signature == p.Signature
	}
	if err != nil {
		return r, false, err
	}
	return r, ok, nil
}
