package recompute

import (
	"encoding/hex"

	"github.com/sigdiff/sigdiff/internal/credentials"
)

// A GCS V4 POST policy signed with an HMAC key (GOOG4-HMAC-SHA256) is
// SigV4's POST policy under Google's names:
//
//	StringToSign = the policy form field, the Base64 policy document as sent
//	SigningKey   = GOOG4's chain: HMAC-SHA256("GOOG4" + secret, yyyymmdd), then
//	               region (auto), service (storage), "goog4_request"
//	Signature    = Hex(HMAC-SHA256(SigningKey, StringToSign))   the x-goog-signature field
//
// with the form fields x-goog-algorithm=GOOG4-HMAC-SHA256, x-goog-credential
// (HMAC access id/date/auto/storage/goog4_request) and x-goog-date. GCS's
// "Signatures" page lists "HTML form with an HMAC key: derive from the HMAC
// key's secret; Base64-encoded policy document"; its policy-document page
// names both algorithms for x-goog-algorithm. Google's client libraries
// sign POST policies with RSA only (cloud.google.com/go/storage
// GenerateSignedPostPolicyV4 writes GOOG4-RSA-SHA256 whatever signs), so
// the HMAC form comes from S3-style signers pointed at GCS and from
// hand-written code.
// https://cloud.google.com/storage/docs/authentication/signatures#policy-document
// https://cloud.google.com/storage/docs/xml-api/post-object-forms

// SchemeGCSV4HMACPost names a GOOG4-HMAC-SHA256 POST policy signing.
const SchemeGCSV4HMACPost = "gcs-v4-hmac-post"

// SignGCSHMACPostPolicy recomputes a GOOG4-HMAC-SHA256 POST policy with an
// HMAC key. The scope comes from the x-goog-credential form field, else
// the policy's x-goog-credential condition, else opts (Time's date;
// Region and Service default to auto and storage). Without a secret it
// stops after the string to sign and the scope. opts.Cache applies.
func SignGCSHMACPostPolicy(in PostPolicyInput, creds credentials.Credentials, opts Options) (*PostPolicy, error) {
	p := &PostPolicy{Version: 4, Family: GOOG4, AccessKeyID: creds.AccessKeyID}
	if err := p.setPolicy(in.Policy); err != nil {
		return nil, err
	}
	if a, ok := postField(in.Fields, "x-goog-algorithm"); ok && a != GOOG4.Algorithm {
		p.note("the x-goog-algorithm field is " + postQuote(a) + ", not " + GOOG4.Algorithm + "; the signature was recomputed as " + GOOG4.Algorithm)
	}
	if c, ok := postField(in.Fields, "x-goog-credential"); ok {
		p.Credential, p.CredentialSource = c, "form field"
	}
	if c, ok := p.exact("x-goog-credential"); ok {
		if p.Credential == "" {
			p.Credential, p.CredentialSource = c, "policy condition"
		} else if c != p.Credential {
			p.note("the x-goog-credential form field differs from the policy's condition; gcs derives the key from the form field and rejects the form for the condition")
		}
	}
	if opts.Region == "" {
		opts.Region = GCSRegion
	}
	if opts.Service == "" {
		opts.Service = GCSService
	}
	if p.Credential != "" {
		if err := p.readCredential(); err != nil {
			return nil, err
		}
	} else {
		if opts.Time.IsZero() {
			return nil, ErrNoTime
		}
		p.Date, p.Region, p.Service, p.CredentialSource = opts.Time.UTC().Format("20060102"), opts.Region, opts.Service, "options"
	}
	p.Scope = p.Family.Scope(p.Date, p.Region, p.Service)
	if creds.Secret.Empty() {
		return p, nil
	}
	cache := opts.Cache
	if cache == nil {
		cache = defaultKeyCache
	}
	k := cache.Keys(p.Family, creds.Secret, p.Date, p.Region, p.Service)
	p.KDate, p.KRegion, p.KService, p.KSigning = k.Date[:], k.Region[:], k.Service[:], k.Signing[:]
	p.Signature = Signature(k.Signing, p.StringToSign)
	return p, nil
}

// exact is the policy's exact-match condition on field, if it parsed.
func (p *PostPolicy) exact(field string) (string, bool) {
	if p.Document == nil {
		return "", false
	}
	return p.Document.Exact(field)
}

// isGCSHMACPost reports a form that names GOOG4-HMAC-SHA256 or carries a
// x-goog-credential or x-goog-signature field: SignPostPolicy signs it as
// GCS does.
func isGCSHMACPost(in PostPolicyInput) bool {
	if a, ok := postField(in.Fields, "x-goog-algorithm"); ok {
		return a == GOOG4.Algorithm
	}
	_, cred := postField(in.Fields, "x-goog-credential")
	_, sig := postField(in.Fields, "x-goog-signature")
	return cred || sig
}

// gcsHMACPostResult is the scheme-neutral view of a
// SignGCSHMACPostPolicy run (PostPolicy.Result calls it).
func gcsHMACPostResult(p *PostPolicy) *Result {
	r := &Result{Scheme: SchemeGCSV4HMACPost, Algorithm: GOOG4.Algorithm, AccessKeyID: p.AccessKeyID, StringToSign: p.StringToSign, Signature: p.Signature}
	add := func(name, rule, value string) { r.Steps = append(r.Steps, Step{Name: name, Rule: rule, Value: value}) }
	add("PolicyDocument", "the policy as UTF-8 JSON, byte for byte: its conditions include x-goog-date, x-goog-credential and x-goog-algorithm", p.PolicyJSON)
	add("Policy", "Base64 of the policy document's bytes: the policy form field, sent as is", p.Policy)
	add("StringToSign", "for a POST policy the string to sign is the base64 policy itself; there is no canonical request", p.StringToSign)
	add("CredentialScope", "date/auto/storage/goog4_request from the x-goog-credential "+p.CredentialSource+": the key is derived through these values", p.Scope)
	if p.KSigning != nil {
		r.Steps = append(r.Steps,
			Step{Name: "kDate", Rule: "HMAC-SHA256(\"GOOG4\" + HMAC secret, date)", Value: hex.EncodeToString(p.KDate), Secret: true},
			Step{Name: "kRegion", Rule: "HMAC-SHA256(kDate, region)", Value: hex.EncodeToString(p.KRegion), Secret: true},
			Step{Name: "kService", Rule: "HMAC-SHA256(kRegion, service)", Value: hex.EncodeToString(p.KService), Secret: true},
			Step{Name: "kSigning", Rule: "HMAC-SHA256(kService, \"goog4_request\"): the signing key", Value: hex.EncodeToString(p.KSigning), Secret: true},
		)
		add("Signature", "lower-case hex of HMAC-SHA256(kSigning, base64 policy): the x-goog-signature form field", p.Signature)
	}
	return r
}
