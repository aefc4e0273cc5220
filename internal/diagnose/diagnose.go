package diagnose

import (
	"fmt"
	"strings"

	"github.com/sigdiff/sigdiff/internal/clientsig"
	"github.com/sigdiff/sigdiff/internal/diff"
	"github.com/sigdiff/sigdiff/internal/s3error"
)

// Input is the evidence a diagnosis starts from.
type Input struct {
	Body   *s3error.Body
	Client *clientsig.Signed // what the client signed, when given
	Host   string            // the request's host, when known
	// Recomputed, when set, is sigdiff's own signing of the user's request
	// (the "correct" view), with the signature the server expected.
	Recomputed *Recomputed
	// HaveKey is true when the user's secret was available, so that
	// Recomputed carries signatures.
	HaveKey bool
	// SentSignature is the signature the request itself carries, for
	// bodies that do not echo SignatureProvided.
	SentSignature string
	// PolicyChecks are a POST form's conditions evaluated against its
	// fields; the failed ones become causes.
	PolicyChecks []PolicyCheck
	// Search is the mistake search's outcome, when one ran.
	Search *Search
}

// signatureCodes are the error codes that mean "the signature is wrong".
var signatureCodes = map[string]bool{
	"SignatureDoesNotMatch": true,
	"SignatureNotMatch":     true, // some S3-compatibles
}

// Diagnose builds the report: facts from the body, its checks, the diffs
// against whatever other view is given, then the verdict and the causes.
func Diagnose(in Input) *Report {
	b := in.Body
	r := &Report{
		Service:   b.Service,
		Provider:  b.Provider,
		InputForm: b.Form,
		ErrorCode: b.Code,
		Message:   b.Message,
		Scheme:    b.Scheme,
		Server:    serverView(b),
		Missing:   nonNil(b.Missing),
		Damage:    []Damage{},
		Checks:    []Check{},
		Facts:     []string{},
		Diffs:     []*diff.Result{},
		Causes:    []Cause{},
		NextSteps: []string{},
		body:      b,
	}
	for _, d := range b.Damage {
		r.Damage = append(r.Damage, Damage(d))
	}
	for _, c := range s3error.Checks(b, in.Host) {
		r.Checks = append(r.Checks, Check(c))
	}
	if in.Client != nil {
		r.Client = &Client{
			Form:             in.Client.Form,
			CanonicalRequest: string(in.Client.CanonicalRequest),
			StringToSign:     string(in.Client.StringToSign),
			Signature:        in.Client.Signature,
		}
		r.compare(b.CanonicalRequest, in.Client.CanonicalRequest, b.StringToSign, in.Client.StringToSign)
	}
	r.Recomputed = in.Recomputed
	r.Search = in.Search
	r.PolicyChecks = in.PolicyChecks
	for _, pc := range in.PolicyChecks {
		if pc.Status == "failed" && pc.Cause != "" {
			r.addCause(pc.Cause, Certain, pc.Message)
		}
	}
	if in.Recomputed != nil && in.Client == nil {
		r.compare(b.CanonicalRequest, []byte(in.Recomputed.CanonicalRequest), b.StringToSign, []byte(in.Recomputed.StringToSign))
	}
	r.decide(in)
	r.Causes = rank(r.Causes)
	return r
}

// compare diffs the server's canonical request and string to sign against
// another view's, where both sides have them.
func (r *Report) compare(serverCR, clientCR, serverSTS, clientSTS []byte) {
	if len(serverCR) > 0 && len(clientCR) > 0 {
		r.Diffs = append(r.Diffs, diff.Compare("canonical_request", diff.Detect(serverCR), serverCR, clientCR))
	}
	if len(serverSTS) > 0 && len(clientSTS) > 0 {
		r.Diffs = append(r.Diffs, diff.Compare("string_to_sign", diff.Detect(serverSTS), serverSTS, clientSTS))
	}
	for _, d := range r.Diffs {
		if d.First != nil {
			r.FirstDivergence = d.First
			break
		}
	}
}

func serverView(b *s3error.Body) Server {
	s := Server{
		AccessKeyID:       b.AccessKeyID,
		StringToSign:      string(b.StringToSign),
		CanonicalRequest:  string(b.CanonicalRequest),
		SignatureProvided: b.SignatureProvided,
		Policy:            string(b.Policy),
		Fields:            map[string]string{},
	}
	s.RequestTime, _ = b.Get("RequestTime")
	s.ServerTime, _ = b.Get("ServerTime")
	s.RequestID, _ = b.Get("RequestId")
	s.HostID, _ = b.Get("HostId")
	for _, f := range b.Fields {
		switch f.Name {
		case "Code", "Message", "StringToSign", "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes":
			continue
		}
		s.Fields[f.Name] = f.Text
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// decide picks the verdict. Order matters: a non-signature error is
// explained by its code; a server whose own data disagrees cannot be
// diffed against; then the views are compared.
func (r *Report) decide(in Input) {
	b := in.Body
	r.explainCode()
	if len(r.Damage) > 0 {
		r.addCause("paste-damaged", Certain, fmt.Sprintf("%d place(s) where the text disagrees with its byte dump; the first in %s at byte %d: %s", len(r.Damage), r.Damage[0].Part, r.Damage[0].Offset, r.Damage[0].Note))
	}
	if !signatureCodes[b.Code] && b.Code != "" {
		r.Verdict = NotASignatureError
		if r.Headline == "" {
			r.Headline = fmt.Sprintf("%s is not a signature mismatch: %s", b.Code, firstLine(b.Message))
		}
		return
	}
	if failed := r.failedCheck("canonical-request-hash"); failed != nil {
		r.Verdict = ServerDataInconsistent
		r.Headline = "the server's own data is inconsistent: " + failed.Detail
		if !b.HasCanonicalRequestBytes {
			r.Facts = append(r.Facts, "there is no CanonicalRequestBytes dump: the pasted text may have lost carriage returns or trailing spaces")
			r.NextSteps = append(r.NextSteps, "paste the body with its CanonicalRequestBytes and StringToSignBytes fields")
		}
		return
	}
	if len(b.StringToSign) == 0 && len(b.CanonicalRequest) == 0 {
		r.addCause("server-detail-missing", Certain, "the body carries no StringToSign or CanonicalRequest")
	}
	r.shapeRules()
	r.judgeViews(in)
}

// judgeViews decides between the verdicts that compare views — the
// hash-chain triage: (1) your key over the server's string to sign gives
// the signature sent: only the key differs; (2) your request as given,
// recomputed, gives the signature sent but the server canonicalized
// something else: the request changed on the way; (3) otherwise the client
// signed something else, and the diff shows what.
func (r *Report) judgeViews(in Input) {
	b := in.Body
	rc := in.Recomputed
	provided := b.SignatureProvided
	if rc != nil && rc.Signature != "" && provided == "" {
		// Servers without detail: the request's own signature stands in.
		provided = in.SentSignature
	}
	switch {
	case rc != nil && rc.ServerSignature != "" && SameSignature(rc.ServerSignature, provided):
		r.Verdict = KeyMismatch
		r.Headline = "your key signs the server's string to sign to exactly the signature sent: the client signed what the server computed, so the server holds a different secret for this access key id"
		r.Facts = append(r.Facts, "HMAC(your key, server's string to sign) = SignatureProvided")
		r.addCause("secret-key-mismatch", Reproduced, "HMAC with your key over the server's string to sign reproduces SignatureProvided "+provided)
	case rc != nil && rc.Signature != "" && SameSignature(rc.Signature, provided) && r.FirstDivergence != nil && in.Client == nil:
		r.Verdict = RequestChangedInTransit
		r.Headline = "your request as given signs to exactly the signature sent, but the server saw a different request; first difference: " + r.FirstDivergence.Label
		r.Facts = append(r.Facts, "recomputing your request with your key reproduces SignatureProvided", "the server's canonical request differs from your request's: something between client and server changed it")
		r.causesFromDiffs()
	case r.judgeSearch(in):
	case r.FirstDivergence != nil:
		r.Verdict = ClientSignedDifferently
		if in.Client != nil {
			r.Headline = "your client signed something else than the server computed; first difference: " + r.FirstDivergence.Label
		} else {
			r.Headline = "the server canonicalized something else than your request gives; first difference: " + r.FirstDivergence.Label
			r.viewFacts(in, provided)
		}
		r.causesFromDiffs()
		if r.sliced != "" {
			// A slice shifts every line, so the first differing line
			// says little; the slice itself is the finding.
			r.Headline = "your client signed something else than the server computed: " + r.sliced
		}
	case len(r.Diffs) > 0 && in.Client != nil:
		// Both views agree byte for byte: what was signed is right, so
		// the signature can only differ through the key.
		r.Verdict = KeyMismatch
		r.Headline = "your client signed exactly what the server computed; the signatures still differ, so the secret key differs"
		r.Facts = append(r.Facts, "client and server strings are byte-identical")
		r.addCause("secret-key-mismatch", Likely, "client and server signed identical strings but the signatures differ")
	case len(r.Diffs) > 0 && in.HaveKey:
		// The request reached the server as sent, yet your key over the
		// same string gives another signature: the client used another
		// secret, or made the signature some other way.
		r.Verdict = ClientSignedDifferently
		r.Headline = "the server computed exactly what your request gives, but your key does not reproduce the signature sent: the client signed with another secret or another method"
		r.viewFacts(in, provided)
		r.addCause("secret-key-polluted", Possible, "the client's secret may carry a stray space, newline or quote")
		r.addCause("signing-key-derivation", Possible, "the client may derive its signing key differently (date, region, service, AWS4 prefix)")
		r.addCause("signature-encoding", Possible, "the client may encode the signature differently: sent "+provided)
		r.addCause("secret-key-mismatch", Possible, "the client may use another secret than the key you gave")
	case len(r.Diffs) > 0:
		r.Verdict = Undetermined
		r.Headline = "the server computed exactly what your request gives; with your key sigdiff can tell whether the key or the client's signing differs"
		r.Facts = append(r.Facts, "your request, recomputed, gives the server's canonical request byte for byte: it reached the server as sent")
		r.NextSteps = append(r.NextSteps, "give your key (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, --profile or --secret-key-file): then sigdiff tells key-mismatch from a client that signed differently")
	default:
		r.Verdict = Undetermined
		r.Headline = undeterminedHeadline(b)
		r.viewFacts(in, provided)
		r.NextSteps = append(r.NextSteps,
			"give what your client signed with --client FILE (a canonical request or string to sign from its debug log) to see where it differs",
			"give the request with --request FILE and your key (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or --profile) to recompute the signature")
	}
	r.searchFacts(in.Search)
	if rc != nil && !in.HaveKey && r.Verdict != Undetermined {
		r.NextSteps = append(r.NextSteps, "with your key, sigdiff can also tell whether the key itself differs (key-mismatch) and whether your request reproduces the signature sent")
	}
}

// viewFacts records what the recomputation showed, for the verdicts that
// rest on it.
func (r *Report) viewFacts(in Input, provided string) {
	rc := in.Recomputed
	if rc == nil {
		return
	}
	if rc.Signature != "" {
		if SameSignature(rc.Signature, provided) {
			r.Facts = append(r.Facts, "your request, signed with your key, reproduces the signature sent")
		} else {
			r.Facts = append(r.Facts, "your request, signed with your key, gives "+rc.Signature+"; the signature sent was "+provided)
		}
	}
	if rc.ServerSignature != "" && !SameSignature(rc.ServerSignature, provided) {
		r.Facts = append(r.Facts, "your key over the server's string to sign gives "+rc.ServerSignature+", not the signature sent: the key alone does not explain it")
	}
}

func undeterminedHeadline(b *s3error.Body) string {
	switch {
	case len(b.StringToSign) == 0 && len(b.CanonicalRequest) == 0:
		return "the server rejected the signature but says nothing of what it signed: verify the request with your key instead"
	case len(b.CanonicalRequest) == 0:
		return "the server rejected the signature; it shows its string to sign but no canonical request"
	}
	return "the server rejected the signature; below is exactly what it signed — compare it with what your client signed"
}

func (r *Report) failedCheck(id string) *Check {
	for i := range r.Checks {
		if r.Checks[i].ID == id && !r.Checks[i].OK {
			return &r.Checks[i]
		}
	}
	return nil
}

// SameSignature compares hex signatures case-insensitively (some servers
// echo upper-case hex) and base64 ones exactly.
func SameSignature(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	return a != "" && (a == b || strings.EqualFold(a, b) && isHex(a) && isHex(b))
}

func isHex(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// addCause appends a cause from the catalogue, keeping the strongest
// evidence when an id is already listed.
func (r *Report) addCause(id, confidence, evidence string) {
	e, _ := Lookup(id) // every id used here is in the catalogue (TestRules_idsInCatalogue)
	for i, c := range r.Causes {
		if c.ID == id {
			if strength(confidence) > strength(c.Confidence) {
				r.Causes[i].Confidence, r.Causes[i].Evidence = confidence, evidence
			}
			return
		}
	}
	r.Causes = append(r.Causes, Cause{ID: id, Summary: e.Summary, Fix: e.Fix, Evidence: evidence, Confidence: confidence})
}

func strength(c string) int {
	switch c {
	case Reproduced:
		return 4
	case Certain:
		return 3
	case Likely:
		return 2
	}
	return 1
}

// rank orders causes by confidence, keeping the rules' order within one
// level; paste damage is a fact about the paste, never the lead cause
// when another one is known.
func rank(cs []Cause) []Cause {
	out := make([]Cause, 0, len(cs))
	for s := 4; s >= 1; s-- {
		for _, c := range cs {
			if strength(c.Confidence) == s && c.ID != "paste-damaged" {
				out = append(out, c)
			}
		}
	}
	for _, c := range cs {
		if c.ID == "paste-damaged" {
			out = append(out, c)
		}
	}
	return out
}
