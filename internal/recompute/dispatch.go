package recompute

import (
	"errors"
	"strconv"
	"strings"

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
const schemeList = "sigv4-header, sigv4-query, sigv4-streaming, sigv2-header, sigv2-query, oss-v1-header, oss-v1-query, oss-v4-header, oss-v4-query, gcs-v4-hmac, gcs-v4-rsa, gcs-v2, gcs-v2-hmac-header, sigv4a-header, sigv4a-query"

// ErrUnknownScheme is wrapped by the error for a scheme id Sign does not know.
var ErrUnknownScheme = errors.New("unknown signing scheme")

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
	case SchemeGCSV2HMACHeader:
		v, err := SigGOOG1(req, creds, v2opts)
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
// scheme's), the V2 schemes (and gcs-v2-hmac-header) with Base64
// HMAC-SHA1 over its bytes. "" means
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
	case SchemeSigV2Header, SchemeSigV2Query, SchemeOSSV1Header, SchemeOSSV1Query, SchemeGCSV2HMACHeader:
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
	case SchemeGCSV2HMACHeader:
		d = gcsHMACDialect
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
