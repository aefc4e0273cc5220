package recompute

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/policy"
	"github.com/sigdiff/sigdiff/internal/request"
)

// POST policy signing (browser form uploads).
//
// SigV4 (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-authentication-HTTPPOST.html):
//
//	StringToSign = Base64(UTF-8 policy document)          the policy form field, as sent
//	SigningKey   = kSigning of the x-amz-credential scope  date/region/service/aws4_request
//	Signature    = Hex(HMAC-SHA256(SigningKey, StringToSign))   the x-amz-signature field
//
// SigV2 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/HTTPPOSTForms.html,
// "Constructing a Signature"):
//
//	Signature    = Base64(HMAC-SHA1(secret, Base64(policy document)))   the signature field
//
// There is no canonical request: the server signs the policy field's
// bytes, so a policy re-serialized or re-encoded after signing no longer
// matches (S3's own example policy has CR LF line ends, which are signed).

// PostPolicyInput is a form upload as far as its signature goes.
type PostPolicyInput struct {
	// Policy is the policy form field exactly as sent (base64), or the
	// policy document as JSON, which is then encoded with standard base64
	// as every SDK does. Blanks around it are dropped.
	Policy string
	// Fields are the other form fields; x-amz-credential (SigV4) and
	// AWSAccessKeyId (SigV2) are read from them. May be nil.
	Fields []request.Field
	// Version is 4 or 2; 0 decides from the fields (x-amz-* for 4,
	// AWSAccessKeyId or signature for 2), then from the policy's
	// x-amz-credential condition, then from Options.Region (4 when set).
	Version int
}

// PostPolicy holds every step of one POST policy signing. Treat it as
// read-only.
type PostPolicy struct {
	Version     int     // 4 or 2
	Family      *Family // SigV4 only
	AccessKeyID string

	PolicyJSON   string         // the decoded document; "" when the base64 does not decode
	Policy       string         // the base64 policy: the policy form field
	StringToSign string         // = Policy
	Document     *policy.Policy // the parsed policy; nil when it does not decode or parse

	// SigV4 scope: Credential is the x-amz-credential value the key was
	// derived from, CredentialSource where it came from ("form field",
	// "policy condition", or "options" when neither had one).
	Credential       string
	CredentialSource string
	Date             string // yyyymmdd
	Region           string
	Service          string
	Scope            string

	KDate, KRegion, KService, KSigning []byte // SigV4, nil without a secret

	Signature string // hex (SigV4) or base64 (SigV2); "" without a secret

	Notes []string // what was assumed or tolerated, one lowercase line each
}

// SignPostPolicy recomputes the signature of a POST policy with creds.
// Without a secret it stops after the string to sign and the scope.
// opts gives the scope (Region, Service, Time) only when neither the form
// nor the policy has an x-amz-credential; Family and Cache apply as for
// SigV4.
//
// A form naming GOOG4-HMAC-SHA256 in x-goog-algorithm, or carrying
// x-goog-credential or x-goog-signature (and no x-goog-algorithm naming
// another algorithm), is a GCS HMAC policy: SignGCSHMACPostPolicy signs it.
func SignPostPolicy(in PostPolicyInput, creds credentials.Credentials, opts Options) (*PostPolicy, error) {
	if in.Version == 0 && isGCSHMACPost(in) {
		return SignGCSHMACPostPolicy(in, creds, opts)
	}
	p := &PostPolicy{AccessKeyID: creds.AccessKeyID}
	if err := p.setPolicy(in.Policy); err != nil {
		return nil, err
	}
	p.Version = in.Version
	if p.Version == 0 {
		p.Version = postVersion(in.Fields, p.Document, &opts)
	}
	switch p.Version {
	case 4:
		return p, p.signV4(in.Fields, creds, &opts)
	case 2:
		p.signV2(in.Fields, creds)
		return p, nil
	}
	return nil, &AuthError{Field: "post policy", Offset: -1, Reason: "signature version must be 4 or 2"}
}

func (p *PostPolicy) setPolicy(s string) error {
	t := strings.TrimSpace(s)
	if t == "" {
		return policy.ErrNoPolicy
	}
	if t != s {
		p.note("blanks around the policy were dropped")
	}
	if strings.HasPrefix(t, "{") {
		p.PolicyJSON = t
		p.Policy = base64.StdEncoding.EncodeToString([]byte(t))
		p.note("the policy was given as json and encoded with standard base64; the form must send exactly that base64")
	} else {
		p.Policy = t
	}
	p.StringToSign = p.Policy
	doc, err := policy.Parse([]byte(p.Policy))
	if err != nil {
		p.note("the policy does not decode as a policy document: " + err.Error())
		return nil
	}
	p.Document, p.PolicyJSON = doc, string(doc.JSON)
	p.Notes = append(p.Notes, doc.Notes...)
	return nil
}

func (p *PostPolicy) note(s string) { p.Notes = append(p.Notes, s) }

func postField(fields []request.Field, name string) (string, bool) {
	for _, f := range fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

func postVersion(fields []request.Field, doc *policy.Policy, opts *Options) int {
	for _, f := range fields {
		switch strings.ToLower(f.Name) {
		case "x-amz-credential", "x-amz-algorithm", "x-amz-signature":
			return 4
		case "awsaccesskeyid", "signature":
			return 2
		}
	}
	if doc != nil {
		if _, ok := doc.Credential(); ok {
			return 4
		}
	}
	if opts.Region != "" {
		return 4
	}
	return 2
}

func (p *PostPolicy) signV4(fields []request.Field, creds credentials.Credentials, opts *Options) error {
	p.Family = opts.family()
	if c, ok := postField(fields, "x-amz-credential"); ok {
		p.Credential, p.CredentialSource = c, "form field"
	}
	if p.Document != nil {
		if c, ok := p.Document.Credential(); ok {
			if p.Credential == "" {
				p.Credential, p.CredentialSource = c, "policy condition"
			} else if c != p.Credential {
				p.note("the x-amz-credential form field differs from the policy's condition; S3 derives the key from the form field and rejects the form for the condition")
			}
		}
	}
	if p.Credential != "" {
		if err := p.readCredential(); err != nil {
			return err
		}
	} else {
		switch {
		case opts.Region == "":
			return ErrNoRegion
		case opts.Service == "":
			return ErrNoService
		case opts.Time.IsZero():
			return ErrNoTime
		}
		p.Date, p.Region, p.Service, p.CredentialSource = opts.Time.UTC().Format("20060102"), opts.Region, opts.Service, "options"
	}
	p.Scope = p.Family.Scope(p.Date, p.Region, p.Service)
	if creds.Secret.Empty() {
		return nil
	}
	cache := opts.Cache
	if cache == nil {
		cache = defaultKeyCache
	}
	k := cache.Keys(p.Family, creds.Secret, p.Date, p.Region, p.Service)
	p.KDate, p.KRegion, p.KService, p.KSigning = k.Date[:], k.Region[:], k.Service[:], k.Signing[:]
	p.Signature = Signature(k.Signing, p.StringToSign)
	return nil
}

// readCredential splits AKID/date/region/service/terminator. The access
// key id is everything before the last four parts.
func (p *PostPolicy) readCredential() error {
	field := strings.ToLower(p.Family.CredentialParam) + " " + p.CredentialSource
	parts := strings.Split(p.Credential, "/")
	if len(parts) < 5 {
		return &AuthError{Field: field, Offset: -1, Reason: "expected access-key-id/yyyymmdd/region/service/" + p.Family.Terminator}
	}
	n := len(parts)
	akid := strings.Join(parts[:n-4], "/")
	p.Date, p.Region, p.Service = parts[n-4], parts[n-3], parts[n-2]
	if len(p.Date) != 8 || strings.Trim(p.Date, "0123456789") != "" {
		return &AuthError{Field: field, Offset: len(akid) + 1, Reason: "the date " + postQuote(p.Date) + " is not yyyymmdd"}
	}
	if parts[n-1] != p.Family.Terminator {
		p.note("the credential ends in " + postQuote(parts[n-1]) + ", not " + p.Family.Terminator + "; the key is derived with " + p.Family.Terminator)
	}
	switch {
	case p.AccessKeyID == "":
		p.AccessKeyID = akid
	case p.AccessKeyID != akid:
		p.note("the credential names access key id " + postQuote(akid) + ", not the one given; S3 looks the secret up by the credential's")
	}
	return nil
}

// postQuote quotes a form value for a message: at most 40 bytes, with
// control bytes and invalid UTF-8 escaped so that the message stays one
// line.
func postQuote(s string) string {
	if len(s) > 40 {
		q := strconv.Quote(s[:40])
		return q[:len(q)-1] + `…"`
	}
	return strconv.Quote(s)
}

func (p *PostPolicy) signV2(fields []request.Field, creds credentials.Credentials) {
	if id, ok := postField(fields, "AWSAccessKeyId"); ok {
		switch {
		case p.AccessKeyID == "":
			p.AccessKeyID = id
		case p.AccessKeyID != id:
			p.note("the AWSAccessKeyId field names another access key id than the one given; S3 looks the secret up by the field's")
		}
	}
	if creds.Secret.Empty() {
		return
	}
	p.Signature = postSignV2(creds.Secret, p.StringToSign)
}

// postSignV2 returns Base64(HMAC-SHA1(secret, s)).
func postSignV2(secret credentials.Secret, s string) string {
	m := hmac.New(sha1.New, []byte(secret.Reveal()))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Scheme names the run as --json's scheme field does.
func (p *PostPolicy) Scheme() string {
	switch p.Family {
	case GOOG4:
		return SchemeGCSV4HMACPost
	case GOOG4RSA:
		return SchemeGCSV4RSAPost
	}
	if p.Version == 4 {
		return "sigv4-post"
	}
	return "sigv2-post"
}

// Result returns the scheme-neutral view of the signing.
func (p *PostPolicy) Result() *Result {
	switch p.Family {
	case GOOG4:
		return gcsHMACPostResult(p)
	case GOOG4RSA:
		return GCSPostResult(p)
	}
	r := &Result{Scheme: p.Scheme(), Algorithm: "AWS", AccessKeyID: p.AccessKeyID, StringToSign: p.StringToSign, Signature: p.Signature}
	add := func(name, rule, value string) { r.Steps = append(r.Steps, Step{Name: name, Rule: rule, Value: value}) }
	add("PolicyDocument", "the policy as UTF-8 JSON, byte for byte: line ends and spaces are part of what is signed", p.PolicyJSON)
	add("Policy", "Base64 of the policy document's bytes: the policy form field, sent as is", p.Policy)
	add("StringToSign", "for a POST policy the string to sign is the base64 policy itself; there is no canonical request", p.StringToSign)
	if p.Version != 4 {
		if p.Signature != "" {
			add("Signature", "Base64 of HMAC-SHA1(secret, base64 policy): the signature form field", p.Signature)
		}
		return r
	}
	r.Algorithm = p.Family.Algorithm
	add("CredentialScope", "date/region/service/"+p.Family.Terminator+" from the x-amz-credential "+p.CredentialSource+": the key is derived through these values", p.Scope)
	if p.KSigning != nil {
		prefix := p.Family.KeyPrefix
		r.Steps = append(r.Steps,
			Step{Name: "kDate", Rule: "HMAC-SHA256(\"" + prefix + "\" + secret, date)", Value: hex.EncodeToString(p.KDate), Secret: true},
			Step{Name: "kRegion", Rule: "HMAC-SHA256(kDate, region)", Value: hex.EncodeToString(p.KRegion), Secret: true},
			Step{Name: "kService", Rule: "HMAC-SHA256(kRegion, service)", Value: hex.EncodeToString(p.KService), Secret: true},
			Step{Name: "kSigning", Rule: "HMAC-SHA256(kService, \"" + p.Family.Terminator + "\"): the signing key", Value: hex.EncodeToString(p.KSigning), Secret: true},
		)
		add("Signature", "lower-case hex of HMAC-SHA256(kSigning, base64 policy): the x-amz-signature form field", p.Signature)
	}
	return r
}
