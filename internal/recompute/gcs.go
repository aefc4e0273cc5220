package recompute

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/gcskey"
	"github.com/sigdiff/sigdiff/internal/request"
)

// Google Cloud Storage V4 signing (XML API) is SigV4 under Google's names:
//
//	CanonicalRequest = SigV4's, with x-goog-* headers and X-Goog-* parameters
//	CredentialScope  = yyyymmdd "/auto/storage/goog4_request"
//	StringToSign     = Algorithm "\n" x-goog-date "\n" Scope "\n" hex(SHA-256(CanonicalRequest))
//	GOOG4-HMAC-SHA256: Signature = hex(HMAC-SHA256(kSigning, StringToSign)), kDate keyed by "GOOG4" + secret
//	GOOG4-RSA-SHA256:  Signature = hex(RSASSA-PKCS1-v1_5(SHA-256(StringToSign))) with a service account's key
//
// Two rules differ from AWS: header values collapse runs of tabs as well
// as spaces (the conformance test "Headers should be trimmed"), and the
// payload line is the x-goog-content-sha256 header when sent, else
// UNSIGNED-PAYLOAD in both forms (the signed-URL conformance tests; GCS's
// "Canonical requests" page). Both run through the SigV4 engine.
// https://cloud.google.com/storage/docs/authentication/canonical-requests
// https://cloud.google.com/storage/docs/authentication/signatures

// GOOG4 is GCS HMAC V4 (GOOG4-HMAC-SHA256), signed with HMAC keys
// (credentials: GOOGLE_HMAC_ACCESS_ID / GOOGLE_HMAC_SECRET).
var GOOG4 = NewFamily("GOOG4-HMAC-SHA256", "GOOG4", "goog4_request", "x-goog-", "X-Goog-", "storage")

// GOOG4RSA is GCS V4 signed with a service account's RSA key
// (GOOG4-RSA-SHA256). Its KeyPrefix is never used: no key chain.
var GOOG4RSA = NewFamily("GOOG4-RSA-SHA256", "GOOG4", "goog4_request", "x-goog-", "X-Goog-", "storage")

// GCS scheme ids. Each covers the header and the query (signed URL) form;
// Result.URL or Result.Authorization says which one ran.
const (
	SchemeGCSV4HMAC = "gcs-v4-hmac"
	SchemeGCSV4RSA  = "gcs-v4-rsa"
)

// GCSRegion and GCSService are the scope GCS expects: the region is
// always "auto".
const (
	GCSRegion  = "auto"
	GCSService = "storage"
)

// ErrNoKey: an RSA or ECDSA verification needs a key and none was given.
var ErrNoKey = errors.New("no key to verify with: give the service account's key file, or its public key or certificate")

// GCSV4 holds every step of one GCS V4 signing: the engine's steps, and for
// GOOG4-RSA-SHA256 the key used (nil when none was given: the run stops
// after the string to sign). RSASignature is the raw RSA signature.
type GCSV4 struct {
	V4
	Key          *gcskey.Key
	RSASignature []byte

	unsignedDefault bool // UNSIGNED-PAYLOAD by GCS's rule, not given
}

// SigGCS recomputes the GOOG4-HMAC-SHA256 signing of req. Options.Family
// defaults to GOOG4, Region to "auto", Service to "storage"; Presign
// chooses the signed-URL form. Without a secret it stops after the string
// to sign.
func SigGCS(req *request.Request, creds credentials.Credentials, opts Options) (*GCSV4, error) {
	if opts.Family == nil || opts.Family == AWS4 {
		opts.Family = GOOG4
	}
	return sigGCS(req, creds, opts)
}

// SigGCSRSA recomputes the GOOG4-RSA-SHA256 signing of req and, when key
// holds a private key, signs it. The signer's id (X-Goog-Credential's
// first part) is creds.AccessKeyID, else key.ClientEmail; creds' secret is
// not used. key may be nil or public: the run then stops after the string
// to sign, and Verify checks a signature against it.
func SigGCSRSA(req *request.Request, creds credentials.Credentials, key *gcskey.Key, opts Options) (*GCSV4, error) {
	opts.Family = GOOG4RSA
	if creds.AccessKeyID == "" && key != nil {
		creds.AccessKeyID = key.ClientEmail
	}
	g, err := sigGCS(req, credentials.Credentials{AccessKeyID: creds.AccessKeyID, SessionToken: creds.SessionToken}, opts)
	if err != nil {
		return nil, err
	}
	g.Key = key
	if !key.HasPrivate() {
		return g, nil
	}
	if g.RSASignature, err = key.Sign([]byte(g.StringToSign)); err != nil {
		return nil, err
	}
	g.Signature = hex.EncodeToString(g.RSASignature)
	if g.Form == FormQuery {
		g.PresignedURL = gcsSignedURL(req, g.CanonicalQueryString, g.Family.SignatureParam, g.Signature)
	} else {
		g.Authorization = g.Family.Authorization(g.AccessKeyID, g.Scope, g.SignedHeaders, g.Signature)
	}
	return g, nil
}

func sigGCS(req *request.Request, creds credentials.Credentials, opts Options) (*GCSV4, error) {
	if req == nil {
		return nil, ErrNoRequest
	}
	if opts.Region == "" {
		opts.Region = GCSRegion
	}
	if opts.Service == "" {
		opts.Service = GCSService
	}
	if opts.SignBody == Auto {
		opts.SignBody = Off // GCS clients do not add x-goog-content-sha256
	}
	f := opts.family()
	unsigned := false
	if _, ok := req.Get(f.ContentSHA256Header); !ok && opts.PayloadHash == "" && (!opts.Presign || !f.isObjectStorage(opts.Service)) {
		opts.PayloadHash, unsigned = UnsignedPayload, true
	}
	v, err := SigV4(gcsTabs(req), creds, opts)
	if err != nil {
		return nil, err
	}
	return &GCSV4{V4: *v, unsignedDefault: unsigned}, nil
}

// gcsTabs returns req with each tab in a header value made a space, so that
// the engine's Trimall collapses tab runs as GCS does; req itself is
// not changed, and is returned as is when no value holds a tab.
func gcsTabs(req *request.Request) *request.Request {
	n := -1
	for i, h := range req.Header {
		if strings.IndexByte(h.Value, '\t') >= 0 {
			n = i
			break
		}
	}
	if n < 0 {
		return req
	}
	c := *req
	c.Header = make([]request.Field, len(req.Header))
	for i, h := range req.Header {
		c.Header[i] = request.Field{Name: h.Name, Value: strings.ReplaceAll(h.Value, "\t", " ")}
	}
	return &c
}

// gcsSignedURL is the URL a GCS client hands out: the canonical query
// string, then the signature parameter last (googleapis conformance tests).
func gcsSignedURL(req *request.Request, cq, sigParam, sig string) string {
	u := urlParts(req)
	buf := make([]byte, 0, len(u.scheme)+len(u.host)+3*len(u.path)+len(cq)+len(sigParam)+len(sig)+6)
	buf = append(buf, u.scheme...)
	buf = append(buf, "://"...)
	buf = append(buf, u.host...)
	buf = appendURLPath(buf, u.path)
	buf = append(buf, '?')
	buf = append(buf, cq...)
	buf = append(buf, '&')
	buf = append(buf, sigParam...)
	buf = append(buf, '=')
	buf = append(buf, sig...)
	return string(buf)
}

// Scheme names the run: gcs-v4-hmac or gcs-v4-rsa.
func (g *GCSV4) Scheme() string {
	if g.Family.Algorithm == GOOG4RSA.Algorithm {
		return SchemeGCSV4RSA
	}
	return SchemeGCSV4HMAC
}

// Result is the engine's Result under the GCS scheme id, with GCS's rules
// at the steps where they differ from AWS.
func (g *GCSV4) Result() *Result {
	r := g.V4.Result()
	r.Scheme = g.Scheme()
	for i := range r.Steps {
		s := &r.Steps[i]
		switch s.Name {
		case "CanonicalHeaders":
			s.Rule = "GCS: the signed headers, names lower-cased, values trimmed with inner runs of spaces and tabs made one space, repeated headers comma-joined, sorted by name, each line ending in LF"
		case "HashedPayload":
			if g.unsignedDefault {
				s.Rule = "GCS: UNSIGNED-PAYLOAD unless x-goog-content-sha256 is sent"
			}
		case "CredentialScope":
			s.Rule = "date/auto/storage/goog4_request: GCS's region is always auto"
		}
	}
	if g.Family.Algorithm != GOOG4RSA.Algorithm {
		return r
	}
	key := "no key given: the signature is checked with the public key, or not at all"
	if g.Key != nil {
		key = g.Key.String()
	}
	r.Steps = append(r.Steps, Step{Name: "SigningKey", Rule: "the service account's RSA key (GOOG4-RSA-SHA256 has no key chain)", Value: key})
	if g.Signature != "" {
		r.Steps = append(r.Steps, Step{Name: "Signature", Rule: "lower-case hex of RSASSA-PKCS1-v1_5 over SHA-256 of the string to sign, with the private key", Value: g.Signature})
		if g.Authorization != "" {
			r.Steps = append(r.Steps, Step{Name: "Authorization", Rule: "algorithm, then Credential=client email/scope, SignedHeaders=…, Signature=…", Value: g.Authorization})
		}
		if g.PresignedURL != "" {
			r.Steps = append(r.Steps, Step{Name: "SignedURL", Rule: "the URL with the canonical query string and X-Goog-Signature last", Value: g.PresignedURL})
		}
	}
	return r
}

// VerifyGCSRSA checks a hex GOOG4-RSA-SHA256 signature of stringToSign
// with key (its public half is enough). It returns false with no error
// when the signature does not verify, and an error when it is not hex or
// no key was given.
func VerifyGCSRSA(stringToSign, signatureHex string, key *gcskey.Key) (bool, error) {
	if key == nil || key.Public == nil {
		return false, ErrNoKey
	}
	sig, err := hex.DecodeString(signatureHex)
	if err != nil {
		return false, &AuthError{Field: "signature", Offset: -1, Reason: "not hex: gcs v4 rsa signatures are lower-case hex"}
	}
	return key.Verify([]byte(stringToSign), sig) == nil, nil
}

// SchemeGCSV4RSAPost names a GOOG4-RSA-SHA256 POST policy signing.
const SchemeGCSV4RSAPost = "gcs-v4-rsa-post"

// SignGCSPostPolicy recomputes a GOOG4-RSA-SHA256 POST policy: as for S3,
// the string to sign is the base64 policy field as sent, and the
// x-goog-signature field is hex RSASSA-PKCS1-v1_5 over its SHA-256. The
// scope comes from the x-goog-credential field. With a private key the
// signature is computed; VerifyGCSRSA checks a sent one with a public key.
// https://cloud.google.com/storage/docs/authentication/signatures#policy-document
func SignGCSPostPolicy(in PostPolicyInput, key *gcskey.Key) (*PostPolicy, error) {
	p := &PostPolicy{Version: 4, Family: GOOG4RSA}
	if err := p.setPolicy(in.Policy); err != nil {
		return nil, err
	}
	if c, ok := postField(in.Fields, "x-goog-credential"); ok {
		p.Credential, p.CredentialSource = c, "form field"
		if err := p.readCredential(); err != nil {
			return nil, err
		}
		p.Scope = p.Family.Scope(p.Date, p.Region, p.Service)
	}
	if p.AccessKeyID == "" && key != nil {
		p.AccessKeyID = key.ClientEmail
	}
	if key.HasPrivate() {
		sig, err := key.Sign([]byte(p.StringToSign))
		if err != nil {
			return nil, err
		}
		p.Signature = hex.EncodeToString(sig)
	}
	return p, nil
}

// GCSPostResult is the scheme-neutral view of a SignGCSPostPolicy run.
func GCSPostResult(p *PostPolicy) *Result {
	r := &Result{Scheme: SchemeGCSV4RSAPost, Algorithm: GOOG4RSA.Algorithm, AccessKeyID: p.AccessKeyID, StringToSign: p.StringToSign, Signature: p.Signature}
	add := func(name, rule, value string) { r.Steps = append(r.Steps, Step{Name: name, Rule: rule, Value: value}) }
	add("PolicyDocument", "the policy as UTF-8 JSON, byte for byte: its conditions include x-goog-date, x-goog-credential and x-goog-algorithm", p.PolicyJSON)
	add("Policy", "Base64 of the policy document's bytes: the policy form field, sent as is", p.Policy)
	add("StringToSign", "for a POST policy the string to sign is the base64 policy itself; there is no canonical request", p.StringToSign)
	add("CredentialScope", "date/auto/storage/goog4_request from the x-goog-credential "+p.CredentialSource, p.Scope)
	if p.Signature != "" {
		add("Signature", "lower-case hex of RSASSA-PKCS1-v1_5 over SHA-256 of the base64 policy: the x-goog-signature form field", p.Signature)
	}
	return r
}

// parseKeyFile reads a key file for the RSA schemes; nil for no input.
func parseKeyFile(keyFile []byte) (*gcskey.Key, error) {
	if len(keyFile) == 0 {
		return nil, nil
	}
	return gcskey.Parse(keyFile)
}

// extraQueryScheme names the query schemes whose parameters overlap
// others' names: SigV4A (X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256), GCS V4
// (X-Goog-*, RSA by its algorithm) and GCS V2 (GoogleAccessId); "" else.
func extraQueryScheme(rawQuery string) string {
	if alg, ok := queryValue(rawQuery, AWS4A.AlgorithmParam); ok && alg == SigV4AAlgorithm {
		return SchemeSigV4AQuery
	}
	if alg, ok := queryValue(rawQuery, GOOG4.AlgorithmParam); ok && alg == GOOG4RSA.Algorithm {
		return SchemeGCSV4RSA
	}
	for _, name := range [...]string{GOOG4.AlgorithmParam, GOOG4.CredentialParam, GOOG4.SignatureParam} {
		if _, ok := queryValue(rawQuery, name); ok {
			return SchemeGCSV4HMAC
		}
	}
	if _, ok := queryValue(rawQuery, gcsV2Dialect.accessKeyParam); ok {
		return SchemeGCSV2
	}
	return ""
}

// signTextAsymmetric signs a string to sign given as text in the RSA and
// ECDSA schemes (see SignStringToSignWithKey).
func signTextAsymmetric(scheme, sts string, creds credentials.Credentials, keyFile []byte) (*Result, error) {
	r := &Result{Scheme: scheme, AccessKeyID: creds.AccessKeyID, StringToSign: sts}
	r.Steps = []Step{{Name: "StringToSign", Rule: "as given", Value: sts}}
	switch scheme {
	case SchemeSigV4AHeader, SchemeSigV4AQuery:
		r.Algorithm = SigV4AAlgorithm
		if creds.Secret.Empty() {
			return r, nil
		}
		a := &V4A{}
		a.StringToSign = sts
		if err := a.sign(creds); err != nil {
			return nil, err
		}
		r.Signature = a.Signature
		r.Steps = append(r.Steps, Step{Name: "Signature", Rule: "hex of the DER ECDSA P-256 signature of SHA-256(string to sign) with the key derived from the key pair; randomized", Value: a.Signature})
		return r, nil
	}
	key, err := parseKeyFile(keyFile)
	if err != nil {
		return nil, err
	}
	r.Algorithm = GOOG4RSA.Algorithm
	if scheme == SchemeGCSV2 {
		r.Algorithm = "GOOG-V2-RSA-SHA256"
	}
	if key != nil && r.AccessKeyID == "" {
		r.AccessKeyID = key.ClientEmail
	}
	if !key.HasPrivate() {
		return r, nil
	}
	sig, err := key.Sign([]byte(sts))
	if err != nil {
		return nil, err
	}
	if scheme == SchemeGCSV2 {
		r.Signature = base64.StdEncoding.EncodeToString(sig)
		r.Steps = append(r.Steps, Step{Name: "Signature", Rule: "Base64 of RSASSA-PKCS1-v1_5 over SHA-256 of the string to sign", Value: r.Signature})
	} else {
		r.Signature = hex.EncodeToString(sig)
		r.Steps = append(r.Steps, Step{Name: "Signature", Rule: "lower-case hex of RSASSA-PKCS1-v1_5 over SHA-256 of the string to sign", Value: r.Signature})
	}
	return r, nil
}
