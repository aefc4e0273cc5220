package report

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/diff"
	"github.com/sigdiff/sigdiff/internal/recompute"
)

// exampleSecrets are the published example keys of the AWS documentation
// and test suites: derived keys of these are teaching material, so
// explain shows them without --show-keys.
var exampleSecrets = []string{
	"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
}

// ShowKeys decides whether derived keys (kDate … kSigning) may be printed:
// a signing key is a credential for its day, region and service, so only
// on request (--show-keys) or for the documentation's example keys.
func ShowKeys(asked bool, secret credentials.Secret) bool {
	if asked {
		return true
	}
	for _, s := range exampleSecrets {
		if secret.Reveal() == s {
			return true
		}
	}
	return false
}

// Derivation is the JSON form of one SigV4 signing (explain --json, verify
// --json): every step, the derived keys only when shown.
type Derivation struct {
	Scheme               string   `json:"scheme"`
	Algorithm            string   `json:"algorithm"`
	AccessKeyID          string   `json:"access_key_id"`
	RequestDateTime      string   `json:"request_date_time"`
	Region               string   `json:"region"`
	Service              string   `json:"service"`
	Rules                Rules    `json:"rules"`
	Method               string   `json:"method"`
	CanonicalURI         string   `json:"canonical_uri"`
	CanonicalQueryString string   `json:"canonical_query_string"`
	CanonicalHeaders     string   `json:"canonical_headers"`
	SignedHeaders        string   `json:"signed_headers"`
	PayloadHash          string   `json:"payload_hash"`
	PayloadSource        string   `json:"payload_source"`
	CanonicalRequest     string   `json:"canonical_request"`
	CanonicalRequestHash string   `json:"canonical_request_hash"`
	Scope                string   `json:"scope"`
	StringToSign         string   `json:"string_to_sign"`
	KDate                string   `json:"k_date,omitempty"`
	KRegion              string   `json:"k_region,omitempty"`
	KService             string   `json:"k_service,omitempty"`
	SigningKey           string   `json:"signing_key"`
	KeysShown            bool     `json:"keys_shown"`
	Signature            string   `json:"signature"`
	Authorization        string   `json:"authorization,omitempty"`
	PresignedURL         string   `json:"presigned_url,omitempty"`
	MissingSignedHeaders []string `json:"missing_signed_headers,omitempty"`
	Notes                []string `json:"notes"`
}

// Rules are the canonicalization rules that applied.
type Rules struct {
	S3           bool `json:"s3"`
	Normalize    bool `json:"normalize"`
	DoubleEncode bool `json:"double_encode"`
	SignBody     bool `json:"sign_body"`
}

// Scheme names a SigV4 run as --json's scheme field does.
func Scheme(v *recompute.V4) string {
	if v.Form == recompute.FormQuery {
		return "sigv4-query"
	}
	if strings.HasPrefix(v.PayloadHash, "STREAMING-") {
		return "sigv4-streaming"
	}
	return "sigv4-header"
}

// NewDerivation turns a signing into its JSON form. The session token is
// masked wherever it appears.
func NewDerivation(v *recompute.V4, token credentials.Secret, showKeys bool, notes []string) Derivation {
	red := func(s string) string { return recompute.RedactToken(s, token) }
	d := Derivation{
		Scheme: Scheme(v), Algorithm: v.Family.Algorithm, AccessKeyID: v.AccessKeyID,
		RequestDateTime: v.AmzDate, Region: v.Region, Service: v.Service,
		Rules:  Rules{S3: v.Rules.S3, Normalize: v.Rules.Normalize, DoubleEncode: v.Rules.DoubleEncode, SignBody: v.Rules.SignBody},
		Method: v.Method, CanonicalURI: v.CanonicalURI, CanonicalQueryString: red(v.CanonicalQueryString),
		CanonicalHeaders: red(v.CanonicalHeaders), SignedHeaders: v.SignedHeaders,
		PayloadHash: v.PayloadHash, PayloadSource: v.PayloadSource.String(),
		CanonicalRequest: red(v.CanonicalRequest), CanonicalRequestHash: v.CanonicalRequestHash,
		Scope: v.Scope, StringToSign: v.StringToSign, Signature: v.Signature,
		Authorization: v.Authorization, PresignedURL: red(v.PresignedURL),
		MissingSignedHeaders: v.MissingSignedHeaders, Notes: notes, KeysShown: showKeys && v.KSigning != nil,
	}
	if d.Notes == nil {
		d.Notes = []string{}
	}
	if d.KeysShown {
		d.KDate, d.KRegion, d.KService = hex.EncodeToString(v.KDate), hex.EncodeToString(v.KRegion), hex.EncodeToString(v.KService)
		d.SigningKey = hex.EncodeToString(v.KSigning)
	}
	return d
}

// Explain writes the teaching walk-through: every step in order with the
// rule applied at it in one line.
func Explain(w io.Writer, d Derivation, st Style) error {
	p := painter{on: st.Color}
	var b strings.Builder
	step := 0
	show := func(title, rule, value string) {
		step++
		fmt.Fprintf(&b, "\n%s %s\n", p.head(fmt.Sprintf("%2d.", step)), p.head(title))
		fmt.Fprintf(&b, "    %s\n", p.dim(rule))
		for _, l := range strings.Split(value, "\n") {
			fmt.Fprintf(&b, "    %s %s\n", p.dim("│"), diff.VisibleFragment(l))
		}
	}
	fmt.Fprintf(&b, "%s %s (%s), %s/%s at %s\n", p.head("sigdiff explain:"), d.Algorithm, d.Scheme, d.Region, d.Service, d.RequestDateTime)
	for _, n := range d.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	show("HTTPMethod", "the method as sent, upper case", d.Method)
	show("CanonicalURI", uriRule(d.Rules), d.CanonicalURI)
	show("CanonicalQueryString", "each name and value URI-encoded (A-Z a-z 0-9 - . _ ~ stay, space is %20), sorted by name then value by code point (upper case before lower), joined with &; a valueless parameter gets =", d.CanonicalQueryString)
	show("CanonicalHeaders", "the signed headers: names lower-cased, values trimmed with inner runs of spaces collapsed, repeated headers comma-joined, sorted by name, each line ending in LF", strings.TrimSuffix(d.CanonicalHeaders, "\n"))
	show("SignedHeaders", "the same names, sorted, joined with ; — it tells the server which headers to canonicalize", d.SignedHeaders)
	show("HashedPayload", payloadRule(d.PayloadSource), d.PayloadHash)
	show("CanonicalRequest", "method, URI, query, headers, blank line, signed headers, payload hash, joined with LF, no final LF", d.CanonicalRequest)
	show("Hash of the canonical request", "lower-case hex of SHA-256 over the canonical request's bytes", d.CanonicalRequestHash)
	show("CredentialScope", "date/region/service/terminator: it must match the key derivation below", d.Scope)
	show("StringToSign", "algorithm, request date-time, credential scope, canonical request hash, joined with LF", d.StringToSign)
	switch {
	case d.Signature == "":
		step++
		fmt.Fprintf(&b, "\n%s no secret key given: the key chain and the signature need one (AWS_SECRET_ACCESS_KEY, --profile or --secret-key-file)\n", p.head(fmt.Sprintf("%2d.", step)))
	case d.KeysShown:
		show("Signing key", "kDate = HMAC(\"AWS4\"+secret, date); kRegion = HMAC(kDate, region); kService = HMAC(kRegion, service); kSigning = HMAC(kService, \"aws4_request\")",
			"kDate    "+d.KDate+"\nkRegion  "+d.KRegion+"\nkService "+d.KService+"\nkSigning "+d.SigningKey)
	default:
		step++
		fmt.Fprintf(&b, "\n%s %s\n    %s\n", p.head(fmt.Sprintf("%2d.", step)), p.head("Signing key"), p.dim("derived from your secret through date, region, service and the terminator; not printed, since it is a credential for this day, region and service (give --show-keys to see it)"))
	}
	if d.Signature != "" {
		show("Signature", "lower-case hex of HMAC-SHA256(signing key, string to sign)", d.Signature)
	}
	if d.Authorization != "" {
		show("Authorization header", "algorithm, then Credential=access key/scope, SignedHeaders=…, Signature=…", d.Authorization)
	}
	if d.PresignedURL != "" {
		show("Presigned URL", "the X-Amz-* parameters added to the query, then X-Amz-Signature last", d.PresignedURL)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func uriRule(r Rules) string {
	switch {
	case r.S3:
		return "S3: the path as sent, each byte other than A-Z a-z 0-9 - . _ ~ / URI-encoded once; never normalized, since S3 keys may hold // and dots"
	case r.Normalize && r.DoubleEncode:
		return "non-S3 services: dot segments and duplicate slashes removed, then the already encoded path encoded once more"
	case r.DoubleEncode:
		return "encoded twice, not normalized"
	case r.Normalize:
		return "normalized, encoded once"
	}
	return "the path as sent, encoded once, not normalized"
}

func payloadRule(src string) string {
	switch src {
	case "content-sha256 header":
		return "S3: the x-amz-content-sha256 header as sent (a hash, UNSIGNED-PAYLOAD or STREAMING-…)"
	case "unsigned payload":
		return "S3 presigned URLs sign UNSIGNED-PAYLOAD: the body is not known when the URL is made"
	case "body":
		return "lower-case hex SHA-256 of the request body"
	case "assumed empty":
		return "no body given: the SHA-256 of the empty string (give --body FILE if the request had one)"
	}
	return "lower-case hex SHA-256 of the payload (" + src + ")"
}
