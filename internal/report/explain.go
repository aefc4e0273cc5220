package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/diff"
	"github.com/sigdiff/sigdiff/internal/recompute"
)

// exampleSecrets are the published example keys of the AWS documentation
// and test suites: keys derived from them are teaching material, so
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

// Derivation is the JSON form of one signing (explain --json, verify
// --json): the strings signed, the signature, and every step.
type Derivation struct {
	Scheme           string `json:"scheme"`
	Algorithm        string `json:"algorithm"`
	AccessKeyID      string `json:"access_key_id"`
	CanonicalRequest string `json:"canonical_request"`
	StringToSign     string `json:"string_to_sign"`
	// SigningKey is the hex signing key (kSigning), empty unless KeysShown.
	SigningKey    string     `json:"signing_key"`
	KeysShown     bool       `json:"keys_shown"`
	Signature     string     `json:"signature"`
	Authorization string     `json:"authorization,omitempty"`
	PresignedURL  string     `json:"presigned_url,omitempty"`
	Steps         []JSONStep `json:"steps"`
	Notes         []string   `json:"notes"`
}

// JSONStep is one step; Value is empty for a hidden secret-derived step.
type JSONStep struct {
	Name   string `json:"name"`
	Rule   string `json:"rule"`
	Value  string `json:"value"`
	Secret bool   `json:"secret,omitempty"`
}

// NewDerivation turns a signing into its JSON form. The session token is
// masked wherever it appears; secret-derived steps only when showKeys.
func NewDerivation(r *recompute.Result, token credentials.Secret, showKeys bool, notes []string) Derivation {
	red := func(s string) string { return recompute.RedactToken(s, token) }
	d := Derivation{
		Scheme: r.Scheme, Algorithm: r.Algorithm, AccessKeyID: r.AccessKeyID,
		CanonicalRequest: red(r.CanonicalRequest), StringToSign: red(r.StringToSign),
		Signature: r.Signature, Authorization: r.Authorization, PresignedURL: red(r.URL),
		Steps: []JSONStep{}, Notes: notes,
	}
	if d.Notes == nil {
		d.Notes = []string{}
	}
	for _, s := range r.Steps {
		js := JSONStep{Name: s.Name, Rule: s.Rule, Value: red(s.Value), Secret: s.Secret}
		if s.Secret {
			if !showKeys {
				js.Value = ""
			} else {
				d.KeysShown = true
				if s.Name == "kSigning" {
					d.SigningKey = s.Value
				}
			}
		}
		d.Steps = append(d.Steps, js)
	}
	return d
}

// Explain writes the teaching walk-through: every step in order with the
// rule applied at it in one line.
func Explain(w io.Writer, d Derivation, st Style) error {
	p := painter{on: st.Color}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s)\n", p.head("sigdiff explain:"), d.Algorithm, d.Scheme)
	for _, n := range d.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	n, hidden := 0, false
	for _, s := range d.Steps {
		if s.Secret && s.Value == "" {
			hidden = true
			continue
		}
		n++
		fmt.Fprintf(&b, "\n%s %s\n    %s\n", p.head(fmt.Sprintf("%2d.", n)), p.head(s.Name), p.dim(s.Rule))
		for _, l := range strings.Split(s.Value, "\n") {
			fmt.Fprintf(&b, "    %s %s\n", p.dim("│"), diff.VisibleFragment(l))
		}
	}
	switch {
	case hidden:
		fmt.Fprintf(&b, "\n%s the derived signing keys are not printed: each is a credential for its day, region and service (give --show-keys to see them)\n", p.dim("note:"))
	case d.Signature == "":
		fmt.Fprintf(&b, "\n%s no secret key given: the signing key and the signature need one (AWS_SECRET_ACCESS_KEY, --profile or --secret-key-file)\n", p.dim("note:"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
