package policy

import (
	"strconv"
	"strings"
)

// condition checks one condition against the effective fields.
func (e *evaluation) condition(c *Condition) {
	o := Outcome{Kind: KindCondition, Condition: c, Field: c.Field}
	if c.Invalid != "" {
		o.Message = "condition " + c.Source + " is malformed: " + c.Invalid + "; " + e.store + " rejects the policy"
		e.fail(o)
		return
	}
	if c.Op == OpContentLengthRange {
		e.contentLength(c, o)
		return
	}
	if strings.EqualFold(c.Field, "bucket") {
		e.bucket(c, o)
		return
	}
	val, ok := e.get(c.Field)
	if !ok {
		o.Message = "the form has no " + c.Field + " field, but the policy requires it " + requirement(c)
		e.fail(o)
		return
	}
	if match(c, val) {
		o.Status = StatusOK
		if c.Op == OpStartsWith && c.Value == "" {
			o.Message = c.Field + " is sent (starts-with \"\" allows any value)"
		} else if c.Op == OpStartsWith {
			o.Message = c.Field + " " + quote(val) + " starts with " + quote(c.Value)
		} else {
			o.Message = c.Field + " is " + quote(val) + ", as required"
		}
		e.add(o)
		return
	}
	o.Message = c.Field + " is " + quote(val) + ", but the policy requires it " + requirement(c) + caseHint(c, val)
	e.fail(o)
}

func match(c *Condition, val string) bool {
	if c.Op == OpStartsWith {
		return strings.HasPrefix(val, c.Value)
	}
	return val == c.Value
}

func requirement(c *Condition) string {
	if c.Op == OpStartsWith {
		if c.Value == "" {
			return "to be sent (with any value)"
		}
		return "to start with " + quote(c.Value)
	}
	return "to be " + quote(c.Value)
}

// caseHint points out a difference of case only: values are compared
// exactly, names are not, which surprises people.
func caseHint(c *Condition, val string) string {
	if c.Op == OpEq && strings.EqualFold(val, c.Value) || c.Op == OpStartsWith && len(val) >= len(c.Value) && strings.EqualFold(val[:len(c.Value)], c.Value) {
		return " (they differ only in case; values are compared exactly)"
	}
	return ""
}

// bucket checks the bucket condition against the bucket posted to, which
// is not a form field: S3 takes it from the URL.
func (e *evaluation) bucket(c *Condition, o Outcome) {
	b, from := e.in.Bucket, "given"
	if b == "" {
		if b = BucketFromURL(e.in.Form.URL); b != "" {
			from = "from the url"
		}
	}
	if b == "" {
		if v, ok := e.get("bucket"); ok {
			b, from = v, "from the bucket field"
		}
	}
	if b == "" {
		o.Status = StatusUnchecked
		o.Message = "the bucket is not known (give the url the form was posted to); the policy requires it " + requirement(c)
		e.add(o)
		return
	}
	if match(c, b) {
		o.Status = StatusOK
		o.Message = "bucket " + quote(b) + " (" + from + ") matches the policy's " + quote(c.Value)
		e.add(o)
		return
	}
	o.Message = "the form is posted to bucket " + quote(b) + " (" + from + "), but the policy requires it " + requirement(c)
	e.fail(o)
}

func (e *evaluation) contentLength(c *Condition, o Outcome) {
	o.Field = "file"
	size, known := e.in.FileSize, e.in.FileSizeKnown
	if !known {
		if f := e.in.Form.File(); f != nil && f.Size >= 0 {
			size, known = f.Size, true
		}
	}
	bounds := "[" + strconv.FormatInt(c.Min, 10) + ", " + strconv.FormatInt(c.Max, 10) + "]"
	switch {
	case !known:
		o.Status = StatusUnchecked
		o.Message = "the file size is not known; the policy allows " + bounds + " bytes"
		e.add(o)
	case size < c.Min:
		o.Message = "the file is " + strconv.FormatInt(size, 10) + " bytes, below content-length-range " + bounds + " (" + e.store + " answers EntityTooSmall)"
		e.fail(o)
	case size > c.Max:
		o.Message = "the file is " + strconv.FormatInt(size, 10) + " bytes, above content-length-range " + bounds + " (" + e.store + " answers EntityTooLarge)"
		e.fail(o)
	default:
		o.Status = StatusOK
		o.Message = "the file is " + strconv.FormatInt(size, 10) + " bytes, within content-length-range " + bounds
		e.add(o)
	}
}

// requiredFields checks the fields S3 needs in every authenticated POST:
// key, policy, and the signature fields of the form's version.
func (e *evaluation) requiredFields() {
	req := []string{"key"}
	switch e.version {
	case 4:
		pre := "x-amz-"
		if e.gcs {
			pre = "x-goog-"
		}
		req = append(req, "policy", pre+"algorithm", pre+"credential", pre+"date", pre+"signature")
	case 2:
		req = append(req, "policy", "AWSAccessKeyId", "signature")
	}
	for _, name := range req {
		if _, ok := e.get(name); ok {
			continue
		}
		if !e.hasFields() {
			return // nothing was given: no point listing every field
		}
		e.fail(Outcome{Kind: KindRequiredField, Field: name, Message: "the form has no " + name + " field; " + e.store + " requires it in every " + versionName(e.version, e.gcs) + "POST upload"})
	}
}

func (e *evaluation) hasFields() bool { return len(e.in.Form.Fields) > 0 }

func versionName(v int, gcs bool) string {
	if gcs {
		return "V4 "
	}
	switch v {
	case 4:
		return "SigV4 "
	case 2:
		return "SigV2 "
	}
	return ""
}

// extraFields reports fields that no condition names (S3: "Invalid
// according to Policy: Extra input fields: …") and fields S3 ignores.
func (e *evaluation) extraFields() {
	seen := map[string]bool{}
	for _, fl := range e.fields {
		n := strings.ToLower(fl.Name)
		if seen[n] {
			continue
		}
		seen[n] = true
		if isIgnored(fl.Name, e.version, e.gcs) {
			e.add(Outcome{Kind: KindIgnoredField, Field: fl.Name, Status: StatusOK,
				Message: fl.Name + " is one of the fields " + e.store + " leaves out of the policy check"})
			continue
		}
		if e.covered(fl.Name) {
			continue
		}
		e.fail(Outcome{Kind: KindExtraField, Field: fl.Name,
			Message: "the form sends " + fl.Name + ", but no policy condition covers it; " + e.store + " rejects the upload (\"Extra input fields: " + fl.Name + "\")"})
	}
}

func (e *evaluation) covered(name string) bool {
	for _, c := range e.p.Conditions {
		if c.Field != "" && strings.EqualFold(c.Field, name) {
			return true
		}
	}
	return false
}
