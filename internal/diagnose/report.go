// Package diagnose compares the views of one request — what the server
// signed (the error body), what the client signed (given or recomputed) —
// and turns the evidence into a verdict and a ranked list of causes.
package diagnose

import (
	"github.com/sigdiff/sigdiff/internal/diff"
	"github.com/sigdiff/sigdiff/internal/s3error"
)

// Verdict values are public interface (`verdict` in --json).
const (
	KeyMismatch             = "key-mismatch"
	ClientSignedDifferently = "client-signed-differently"
	RequestChangedInTransit = "request-changed-in-transit"
	ServerDataInconsistent  = "server-data-inconsistent"
	NotASignatureError      = "not-a-signature-error"
	Undetermined            = "undetermined"
)

// Confidence of a cause: "reproduced" (a recomputation produced the
// provided signature), "certain" (the error says so), "likely" (a rule
// matched the evidence), "possible".
const (
	Reproduced = "reproduced"
	Certain    = "certain"
	Likely     = "likely"
	Possible   = "possible"
)

// Cause is one entry of the causes list.
type Cause struct {
	ID         string `json:"id"`
	Summary    string `json:"summary"`
	Fix        string `json:"fix"`
	Evidence   string `json:"evidence"`
	Confidence string `json:"confidence"`
}

// Server is what the error body says the server computed, decoded.
type Server struct {
	AccessKeyID       string            `json:"access_key_id"`
	StringToSign      string            `json:"string_to_sign"`
	CanonicalRequest  string            `json:"canonical_request"`
	SignatureProvided string            `json:"signature_provided"`
	RequestTime       string            `json:"request_time,omitempty"`
	ServerTime        string            `json:"server_time,omitempty"`
	RequestID         string            `json:"request_id,omitempty"`
	HostID            string            `json:"host_id,omitempty"`
	Policy            string            `json:"policy,omitempty"`
	Fields            map[string]string `json:"fields"`
}

// Damage is a text field of the body that disagrees with its byte dump.
type Damage struct {
	Part   string `json:"part"`
	Offset int    `json:"offset"`
	Text   string `json:"text"`
	Bytes  string `json:"bytes"`
	Note   string `json:"note"`
}

// Check is one server self-consistency check.
type Check struct {
	ID     string `json:"id"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Report is the whole diagnosis; the renderers in internal/report print it
// and --json emits it as is.
type Report struct {
	Service         string           `json:"service"`
	Provider        string           `json:"provider,omitempty"`
	InputForm       string           `json:"input_form"`
	ErrorCode       string           `json:"error_code"`
	Message         string           `json:"message"`
	Scheme          string           `json:"scheme"`
	Server          Server           `json:"server"`
	Missing         []string         `json:"missing"`
	Damage          []Damage         `json:"damage"`
	Checks          []Check          `json:"checks"`
	Verdict         string           `json:"verdict"`
	Headline        string           `json:"headline"`
	Facts           []string         `json:"facts"`
	Client          *Client          `json:"client"`
	Recomputed      *Recomputed      `json:"recomputed,omitempty"`
	FirstDivergence *diff.Divergence `json:"first_divergence"`
	PolicyChecks    []PolicyCheck    `json:"policy_checks,omitempty"`
	Search          *Search          `json:"search,omitempty"`
	Diffs           []*diff.Result   `json:"diffs"`
	Causes          []Cause          `json:"causes"`
	NextSteps       []string         `json:"next_steps"`
	body            *s3error.Body    // for renderers that want more
	sliced          string           // what sliceRule found, for the headline
}

// Client is what the client signed, as given with --client.
type Client struct {
	Form             string `json:"form"`
	CanonicalRequest string `json:"canonical_request,omitempty"`
	StringToSign     string `json:"string_to_sign,omitempty"`
	Signature        string `json:"signature,omitempty"`
}

// Recomputed is sigdiff's own signing of the request the user gave.
type Recomputed struct {
	Scheme           string `json:"scheme"`
	CanonicalRequest string `json:"canonical_request"`
	StringToSign     string `json:"string_to_sign"`
	Signature        string `json:"signature,omitempty"`
	// ServerSignature is HMAC(user's key, server's string to sign): the
	// signature the server expected, when a key was given.
	ServerSignature string `json:"server_signature,omitempty"`
	// Notes say what sigdiff assumed (region from the host, no key, …).
	Notes []string `json:"notes"`
}

// Body returns the parsed error body the report was made from.
func (r *Report) Body() *s3error.Body { return r.body }

// PolicyCheck is the verdict on one condition or field of a POST policy.
type PolicyCheck struct {
	Kind    string `json:"kind"`   // document, expiration, condition, required-field, extra-field, ignored-field, after-file
	Field   string `json:"field"`  // the form field concerned
	Status  string `json:"status"` // ok, failed, unchecked
	Cause   string `json:"cause,omitempty"`
	Message string `json:"message"`
}
