package policy

import (
	"path"
	"strconv"
	"strings"
	"time"
)

// Status is the verdict on one condition or field.
type Status uint8

const (
	StatusOK        Status = iota + 1 // S3 accepts it
	StatusFailed                      // S3 rejects the upload for it
	StatusUnchecked                   // what it needs is not known (time, bucket, file size)
)

func (s Status) String() string {
	switch s {
	case StatusOK:
		return "ok"
	case StatusFailed:
		return "failed"
	case StatusUnchecked:
		return "unchecked"
	}
	return "unknown"
}

// Outcome kinds.
const (
	KindDocument      = "document"       // a fault of the policy itself
	KindExpiration    = "expiration"     // the expiration against Input.Now
	KindCondition     = "condition"      // one condition of the policy
	KindRequiredField = "required-field" // a field S3 requires in every POST upload
	KindExtraField    = "extra-field"    // a form field no condition covers
	KindIgnoredField  = "ignored-field"  // a field S3 leaves out of the policy check
	KindAfterFile     = "after-file"     // a field sent after the file part, which S3 ignores
)

// Cause ids (../shared/CAUSES.md) that outcomes name.
const (
	CauseConditionFailed = "policy-condition-failed"
	CauseExpired         = "policy-expired"
)

// Outcome is the verdict on one condition, field or fact of the policy,
// with one plain sentence saying why.
type Outcome struct {
	Kind      string
	Condition *Condition // KindCondition only
	Field     string     // the form field concerned, as the form or the policy names it
	Status    Status
	Cause     string // a cause id when failed, else ""
	Message   string
}

// Input is what the policy is checked against.
type Input struct {
	Form *Form
	// Bucket the form was posted to; when empty it is taken from
	// Form.URL (see BucketFromURL), else from a "bucket" form field, else
	// the bucket condition stays unchecked.
	Bucket string
	// Now is the time the upload was made; zero leaves the expiration
	// unchecked.
	Now time.Time
	// FileSize is the uploaded file's size in bytes when FileSizeKnown;
	// otherwise the form's file part size is used when it is known.
	FileSize      int64
	FileSizeKnown bool
	// Version is 4 (SigV4 form: x-amz-signature) or 2 (SigV2 form:
	// AWSAccessKeyId, signature); 0 tells them apart by the fields sent.
	Version int
	// GCS: the form is Google Cloud Storage's V4 POST (x-goog-algorithm,
	// x-goog-credential, x-goog-date, x-goog-signature), checked by GCS's
	// rules; Evaluate also sets it when the form or policy names those
	// fields.
	GCS bool
}

// ignored lists, sorted, the form fields S3 leaves out of the policy
// check ("Each form field that you specify in a form (except …) must be
// included in the list of conditions"), with the signature version whose
// documentation names them; every field starting with x-ignore- is
// ignored too.
// SigV4: x-amz-signature, file, policy (sigv4-HTTPPOSTConstructPolicy.html).
// SigV2: AWSAccessKeyId, signature, file, policy (HTTPPOSTForms.md).
// GCS ("G"): x-goog-signature, file, policy and x-ignore-* ("Policy
// document" in the XML API reference: every field but these must have a
// condition).
var ignored = []struct {
	name     string // lower case
	versions string
}{
	{"awsaccesskeyid", "2"},
	{"file", "24G"},
	{"policy", "24G"},
	{"signature", "2"},
	{"x-amz-signature", "4"},
	{"x-goog-signature", "G"},
}

const ignorePrefix = "x-ignore-"

func isIgnored(name string, version int, gcs bool) bool {
	n := strings.ToLower(name)
	if strings.HasPrefix(n, ignorePrefix) {
		return true
	}
	for _, ig := range ignored {
		if ig.name != n {
			continue
		}
		if gcs {
			return strings.ContainsRune(ig.versions, 'G')
		}
		return version == 0 || strings.ContainsRune(ig.versions, rune('0'+version))
	}
	return false
}

// Evaluate checks every condition of p against the form the way S3 does
// and returns one outcome per document fault, for the expiration, per
// condition (an exact-match object with several members gives one per
// member), per field S3 requires, and per form field that no condition
// covers, is ignored, or comes after the file part. Form field names are
// compared case-insensitively (S3 accepts X-Amz-Credential for the
// x-amz-credential condition, as its own example form shows), values
// exactly. ${filename} in a field is replaced with the file part's base
// name before matching, as S3 does.
func Evaluate(p *Policy, in Input) []Outcome {
	if in.Form == nil {
		in.Form = &Form{}
	}
	version := in.Version
	if version == 0 {
		version = formVersion(in.Form, p)
	}
	e := &evaluation{p: p, in: in, version: version, gcs: in.GCS || isGCSForm(in.Form, p), store: "S3"}
	if e.gcs {
		e.version, e.store = 4, "GCS"
	}
	e.effectiveFields()
	for _, pr := range p.Problems {
		e.fail(Outcome{Kind: KindDocument, Message: pr.Message + "; " + e.store + " rejects the policy"})
	}
	e.expiration()
	for i := range p.Conditions {
		e.condition(&p.Conditions[i])
	}
	e.requiredFields()
	e.extraFields()
	return e.out
}

// Failed returns the outcomes that failed.
func Failed(outs []Outcome) []Outcome {
	var f []Outcome
	for _, o := range outs {
		if o.Status == StatusFailed {
			f = append(f, o)
		}
	}
	return f
}

type evaluation struct {
	p       *Policy
	in      Input
	version int
	gcs     bool    // GCS's V4 POST rules
	store   string  // "S3" or "GCS", for messages
	fields  []Field // before the file part, ${filename} expanded
	out     []Outcome
}

func (e *evaluation) add(o Outcome) { e.out = append(e.out, o) }
func (e *evaluation) fail(o Outcome) {
	o.Status, o.Cause = StatusFailed, CauseConditionFailed
	e.add(o)
}

// isGCSForm reports whether the form or its policy carries GCS's V4
// signing fields and none of S3's (a form with both is S3's, which then
// reports the x-goog-* ones as extra).
func isGCSForm(f *Form, p *Policy) bool {
	goog := false
	for _, fl := range f.Fields {
		switch strings.ToLower(fl.Name) {
		case "x-goog-signature", "x-goog-algorithm", "x-goog-credential":
			goog = true
		case "x-amz-signature", "x-amz-algorithm", "x-amz-credential", "awsaccesskeyid":
			return false
		}
	}
	if goog {
		return true
	}
	for _, c := range p.Conditions {
		if strings.EqualFold(c.Field, "x-goog-credential") || strings.EqualFold(c.Field, "x-goog-algorithm") {
			return true
		}
	}
	return false
}

func formVersion(f *Form, p *Policy) int {
	for _, fl := range f.Fields {
		switch strings.ToLower(fl.Name) {
		case "x-amz-signature", "x-amz-algorithm", "x-amz-credential":
			return 4
		case "awsaccesskeyid", "signature":
			return 2
		}
	}
	if _, ok := p.Credential(); ok {
		return 4
	}
	return 0
}

// effectiveFields keeps the fields S3 reads: those before the file part
// ("The file or content must be the last field in the form. Any fields
// below it are ignored", HTTPPOSTForms.md), with ${filename} expanded.
func (e *evaluation) effectiveFields() {
	file := e.in.Form.File()
	var base string
	if file != nil {
		// "If the browser or client provides a full or partial path to
		// the file, only the text following the last slash (/) or
		// backslash (\) will be used."
		base = path.Base(strings.ReplaceAll(file.FileName, `\`, "/"))
		if file.FileName == "" || base == "/" || base == "." {
			base = ""
		}
	}
	seenFile := false
	for _, fl := range e.in.Form.Fields {
		if seenFile {
			if !fl.File {
				e.fail(Outcome{Kind: KindAfterFile, Field: fl.Name,
					Message: fl.Name + " is sent after the file part; " + e.store + " ignores every field after the file, so it counts as not sent"})
			}
			continue
		}
		if fl.File {
			seenFile = true
			continue
		}
		if file != nil {
			fl.Value = strings.ReplaceAll(fl.Value, "${filename}", base)
		}
		e.fields = append(e.fields, fl)
	}
}

// get returns the field's value as S3 matches it: duplicates joined with
// commas.
func (e *evaluation) get(name string) (string, bool) {
	var vals []string
	for _, fl := range e.fields {
		if strings.EqualFold(fl.Name, name) {
			vals = append(vals, fl.Value)
		}
	}
	if vals == nil {
		return "", false
	}
	return strings.Join(vals, ","), true
}

func (e *evaluation) expiration() {
	o := Outcome{Kind: KindExpiration, Field: "expiration"}
	if e.p.ExpirationOffset < 0 {
		return // reported as a document problem
	}
	exp, err := parseExpiration(e.p.Expiration)
	switch {
	case err != nil:
		o.Message = "expiration " + quote(e.p.Expiration) + " is not an ISO 8601 UTC time such as 2030-01-01T00:00:00.000Z; " + e.store + " rejects the policy"
		e.fail(o)
	case e.in.Now.IsZero():
		o.Status = StatusUnchecked
		o.Message = "the policy expires at " + exp.Format(time.RFC3339) + "; no upload time was given to check it against"
		e.add(o)
	case !e.in.Now.Before(exp):
		o.Status, o.Cause = StatusFailed, CauseExpired
		o.Message = "the policy expired at " + exp.Format(time.RFC3339) + ", " + span(e.in.Now.Sub(exp)) + " before the upload at " + e.in.Now.UTC().Format(time.RFC3339)
		e.add(o)
	default:
		o.Status = StatusOK
		o.Message = "the policy expires at " + exp.Format(time.RFC3339) + ", " + span(exp.Sub(e.in.Now)) + " after the upload at " + e.in.Now.UTC().Format(time.RFC3339)
		e.add(o)
	}
}

// parseExpiration reads the ISO 8601 UTC time S3 documents
// ("2007-12-01T12:00:00.000Z"); fractions of a second are optional.
func parseExpiration(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, s)
}

func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < 2*time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " days"
}

func quote(s string) string {
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return strconv.Quote(s)
}
