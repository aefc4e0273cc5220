package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/testenv"
)

// exampleNow is a time at which the S3 example policy is valid (it
// expires 2015-12-30T12:00:00Z).
var exampleNow = time.Date(2015, 12, 29, 10, 0, 0, 0, time.UTC)

func exampleForm(t *testing.T) (*Policy, *Form) {
	t.Helper()
	f, err := ParseForm(fixture(t, "s3-docs-upload.multipart"), "")
	if err != nil {
		t.Fatal(err)
	}
	pol, _ := f.Get("policy")
	p, err := Parse([]byte(pol))
	if err != nil {
		t.Fatal(err)
	}
	return p, f
}

// TestEvaluate_s3DocsVector: the S3 API Reference's example form, read
// where it lies, satisfies every condition of its policy.
func TestEvaluate_s3DocsVector(t *testing.T) {
	dir := testenv.Shared(t, "vectors", "s3-docs")
	data, err := os.ReadFile(filepath.Join(dir, "post-policy-browser-upload.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Request struct {
			URL        string      `json:"url"`
			FormFields [][2]string `json:"form_fields"`
		} `json:"request"`
		Expected struct {
			PolicyJSON string `json:"policy_json"`
		} `json:"expected"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	f := &Form{URL: v.Request.URL}
	for _, kv := range v.Request.FormFields {
		f.Fields = append(f.Fields, Field{Name: kv[0], Value: kv[1], Offset: -1, Size: -1})
	}
	f.Fields = append(f.Fields, Field{Name: "file", File: true, FileName: "photo.jpg", Size: 1000, Offset: -1})
	pol, _ := f.Get("policy")
	p, err := Parse([]byte(pol))
	if err != nil {
		t.Fatal(err)
	}
	if string(p.JSON) != v.Expected.PolicyJSON || p.Base64 != pol {
		t.Fatalf("decoded policy differs from the vector's")
	}
	outs := Evaluate(p, Input{Form: f, Now: exampleNow})
	checkAllOK(t, outs, 14) // expiration, 11 conditions, Policy and X-Amz-Signature ignored
}

func checkAllOK(t *testing.T, outs []Outcome, n int) {
	t.Helper()
	for _, o := range outs {
		if o.Status != StatusOK {
			t.Errorf("%s %s %s: %s", o.Kind, o.Field, o.Status, o.Message)
		}
	}
	if len(outs) != n {
		for _, o := range outs {
			t.Logf("%s %s: %s", o.Kind, o.Field, o.Message)
		}
		t.Errorf("%d outcomes, want %d", len(outs), n)
	}
}

func TestEvaluate_exampleFixturePasses(t *testing.T) {
	p, f := exampleForm(t)
	outs := Evaluate(p, Input{Form: f, Bucket: "sigv4examplebucket", Now: exampleNow})
	checkAllOK(t, outs, 14)
	for _, o := range outs {
		if o.Kind == KindCondition && o.Field == "key" && !strings.Contains(o.Message, `"user/user1/photo.jpg"`) {
			t.Errorf("${filename} not expanded with the file part's name: %s", o.Message)
		}
	}
}

func setField(f *Form, name, value string) {
	for i := range f.Fields {
		if strings.EqualFold(f.Fields[i].Name, name) {
			f.Fields[i].Value = value
			return
		}
	}
	f.Fields = append([]Field{{Name: name, Value: value, Offset: -1, Size: -1}}, f.Fields...)
}

func dropField(f *Form, name string) {
	var keep []Field
	for _, fl := range f.Fields {
		if !strings.EqualFold(fl.Name, name) {
			keep = append(keep, fl)
		}
	}
	f.Fields = keep
}

// TestEvaluate_eachFailureIsPinned breaks the example form one way at a
// time and checks that exactly the broken condition or field fails, with
// its cause and a sentence naming it.
func TestEvaluate_eachFailureIsPinned(t *testing.T) {
	type failure struct{ kind, field, cause, says string }
	cond := func(field, says string) failure { return failure{KindCondition, field, CauseConditionFailed, says} }
	for _, c := range []struct {
		name   string
		change func(*Form, *Input)
		want   []failure
	}{
		{"key outside the prefix", func(f *Form, _ *Input) { setField(f, "key", "uploads/${filename}") },
			[]failure{cond("key", `"uploads/photo.jpg", but the policy requires it to start with "user/user1/"`)}},
		{"acl differs only in case", func(f *Form, _ *Input) { setField(f, "acl", "Public-Read") },
			[]failure{cond("acl", "differ only in case")}},
		{"content type of another kind", func(f *Form, _ *Input) { setField(f, "Content-Type", "text/plain") },
			[]failure{cond("Content-Type", `to start with "image/"`)}},
		{"starts-with empty prefix needs the field", func(f *Form, _ *Input) { dropField(f, "x-amz-meta-tag") },
			[]failure{cond("x-amz-meta-tag", "the form has no x-amz-meta-tag field")}},
		{"credential field changed", func(f *Form, _ *Input) {
			setField(f, "X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20151229/us-west-2/s3/aws4_request")
		}, []failure{cond("x-amz-credential", "us-west-2")}},
		{"extra field", func(f *Form, _ *Input) { setField(f, "x-amz-meta-extra", "1") },
			[]failure{{KindExtraField, "x-amz-meta-extra", CauseConditionFailed, "Extra input fields: x-amz-meta-extra"}}},
		{"x-ignore- field is fine", func(f *Form, _ *Input) { setField(f, "x-ignore-flash", "1") }, nil},
		{"field after the file part", func(f *Form, _ *Input) {
			var acl Field
			for _, fl := range f.Fields {
				if fl.Name == "acl" {
					acl = fl
				}
			}
			dropField(f, "acl")
			f.Fields = append(f.Fields, acl)
		}, []failure{
			{KindAfterFile, "acl", CauseConditionFailed, "after the file part"},
			cond("acl", "the form has no acl field"),
		}},
		{"expired", func(_ *Form, in *Input) { in.Now = time.Date(2016, 1, 2, 12, 0, 0, 0, time.UTC) },
			[]failure{{KindExpiration, "expiration", CauseExpired, "expired at 2015-12-30T12:00:00Z, 3 days before"}}},
		{"other bucket", func(_ *Form, in *Input) { in.Bucket = "otherbucket" },
			[]failure{cond("bucket", `bucket "otherbucket" (given)`)}},
		{"signing field missing", func(f *Form, _ *Input) { dropField(f, "X-Amz-Date") },
			[]failure{cond("x-amz-date", "no x-amz-date field"), {KindRequiredField, "x-amz-date", CauseConditionFailed, "S3 requires it"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, f := exampleForm(t)
			in := Input{Form: f, Bucket: "sigv4examplebucket", Now: exampleNow}
			c.change(f, &in)
			failed := Failed(Evaluate(p, in))
			if len(failed) != len(c.want) {
				for _, o := range failed {
					t.Logf("failed: %s %s: %s", o.Kind, o.Field, o.Message)
				}
				t.Fatalf("%d failures, want %d", len(failed), len(c.want))
			}
			for i, w := range c.want {
				o := failed[i]
				if o.Kind != w.kind || !strings.EqualFold(o.Field, w.field) || o.Cause != w.cause || !strings.Contains(o.Message, w.says) {
					t.Errorf("failure %d: %s %s %s %q, want %s %s %s containing %q", i, o.Kind, o.Field, o.Cause, o.Message, w.kind, w.field, w.cause, w.says)
				}
				if o.Kind == KindCondition && o.Condition == nil {
					t.Errorf("condition outcome without its condition")
				}
			}
		})
	}
}

func TestEvaluate_contentLengthRange(t *testing.T) {
	p, err := Parse([]byte(`{"expiration": "2030-01-01T00:00:00Z", "conditions": [["content-length-range", 10, "20"], ["starts-with", "$key", ""]]}`))
	if err != nil {
		t.Fatal(err)
	}
	f := &Form{Fields: []Field{{Name: "key", Value: "k"}, {Name: "file", File: true, FileName: "a", Size: -1}}}
	for _, c := range []struct {
		size   int64
		known  bool
		status Status
		says   string
	}{
		{0, false, StatusUnchecked, "not known"},
		{9, true, StatusFailed, "EntityTooSmall"},
		{10, true, StatusOK, "within"},
		{20, true, StatusOK, "within"},
		{21, true, StatusFailed, "EntityTooLarge"},
		{0, true, StatusFailed, "0 bytes"},
	} {
		outs := Evaluate(p, Input{Form: f, FileSize: c.size, FileSizeKnown: c.known})
		var o Outcome
		for _, x := range outs {
			if x.Condition != nil && x.Condition.Op == OpContentLengthRange {
				o = x
			}
		}
		if o.Status != c.status || !strings.Contains(o.Message, c.says) {
			t.Errorf("size %d known %v: %s %q", c.size, c.known, o.Status, o.Message)
		}
	}
	// The form's file part size is used when none is given.
	f.Fields[1].Size = 15
	for _, o := range Evaluate(p, Input{Form: f}) {
		if o.Condition != nil && o.Condition.Op == OpContentLengthRange && o.Status != StatusOK {
			t.Errorf("file part size not used: %s", o.Message)
		}
	}
}

// TestEvaluate_malformedPolicies: faults of the document fail with a
// sentence even though no field is involved.
func TestEvaluate_malformedPolicies(t *testing.T) {
	for _, c := range []struct{ doc, says string }{
		{`{"conditions": []}`, "no expiration"},
		{`{"expiration": "2030-01-01T00:00:00Z"}`, "no conditions array"},
		{`{"expiration": 5, "conditions": []}`, "expiration must be a string"},
		{`{"expiration": "tomorrow", "conditions": []}`, "not an ISO 8601"},
		{`{"expiration": "2030-01-01T00:00:00Z", "conditions": {}}`, "conditions must be an array"},
		{`{"expiration": "2030-01-01T00:00:00Z", "conditions": [], "extra": 1}`, `unknown top-level key "extra"`},
		{`{"expiration": "2030-01-01T00:00:00Z", "conditions": [["in", "$key", "a"]]}`, `S3 knows no condition "in"`},
		{`{"expiration": "2030-01-01T00:00:00Z", "conditions": [["eq", "key", "a"]]}`, "must start with $"},
		{`{"expiration": "2030-01-01T00:00:00Z", "conditions": [["eq", "$key"]]}`, "takes a field and a value"},
		{`{"expiration": "2030-01-01T00:00:00Z", "conditions": [["content-length-range", 5, 1]]}`, "min ≤ max"},
		{`{"expiration": "2030-01-01T00:00:00Z", "conditions": [["content-length-range", 1.5, 9]]}`, "whole numbers"},
		{`{"expiration": "2030-01-01T00:00:00Z", "conditions": [{"acl": 1}]}`, "must be a string"},
		{`{"expiration": "2030-01-01T00:00:00Z", "conditions": [{}]}`, "empty object"},
		{`{"expiration": "2030-01-01T00:00:00Z", "conditions": ["acl"]}`, "object or an array"},
		{`{"expiration": "2030-01-01T00:00:00Z", "conditions": [[]]}`, "starts with its operator"},
	} {
		p, err := Parse([]byte(c.doc))
		if err != nil {
			t.Errorf("%s: %v", c.doc, err)
			continue
		}
		failed := Failed(Evaluate(p, Input{Form: &Form{Fields: []Field{{Name: "key", Value: "a"}}}, Now: exampleNow}))
		found := false
		for _, o := range failed {
			found = found || strings.Contains(o.Message, c.says) && o.Cause == CauseConditionFailed
		}
		if !found {
			t.Errorf("%s: no failure saying %q in %+v", c.doc, c.says, failed)
		}
	}
}

func TestEvaluate_multiMemberObjectAndCaseInsensitiveNames(t *testing.T) {
	p, err := Parse([]byte(`{"expiration": "2030-01-01T00:00:00Z", "conditions": [{"acl": "private", "KEY": "k"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Conditions) != 2 || p.Conditions[1].Index != 0 || p.Conditions[1].Source != `"KEY": "k"` {
		t.Fatalf("conditions %+v", p.Conditions)
	}
	f := &Form{Fields: []Field{{Name: "Key", Value: "k"}, {Name: "ACL", Value: "private"}}}
	checkAllOK(t, Evaluate(p, Input{Form: f, Now: exampleNow}), 3)
}

func TestEvaluate_versionDecidesIgnoredFields(t *testing.T) {
	p, err := Parse([]byte(`{"expiration": "2030-01-01T00:00:00Z", "conditions": [["starts-with", "$key", ""]]}`))
	if err != nil {
		t.Fatal(err)
	}
	f := &Form{Fields: []Field{{Name: "key", Value: "k"}, {Name: "AWSAccessKeyId", Value: "A"}, {Name: "signature", Value: "s"}, {Name: "policy", Value: "p"}}}
	checkAllOK(t, Evaluate(p, Input{Form: f, Now: exampleNow}), 5) // SigV2 form: all three ignored
	failed := Failed(Evaluate(p, Input{Form: f, Now: exampleNow, Version: 4}))
	if len(failed) < 2 {
		t.Errorf("a SigV4 check must not ignore AWSAccessKeyId and signature: %+v", failed)
	}
}

func TestParse_base64AndJSONAgree(t *testing.T) {
	p, f := exampleForm(t)
	q, err := Parse(p.JSON)
	if err != nil {
		t.Fatal(err)
	}
	if q.Base64 != "" || len(q.Conditions) != len(p.Conditions) || q.Expiration != p.Expiration {
		t.Errorf("json and base64 inputs differ")
	}
	if cred, ok := p.Credential(); !ok || !strings.HasSuffix(cred, "/us-east-1/s3/aws4_request") {
		t.Errorf("credential %q", cred)
	}
	if alg, _ := p.Algorithm(); alg != "AWS4-HMAC-SHA256" {
		t.Errorf("algorithm %q", alg)
	}
	_ = f
	for _, bad := range []string{"", "   ", "!!!notbase64", "WzFd"} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	// Wrapped base64 (Python's base64.encodebytes) decodes, with a note.
	var wrapped strings.Builder
	for i := 0; i < len(p.Base64); i += 76 {
		wrapped.WriteString(p.Base64[i:min(i+76, len(p.Base64))] + "\n")
	}
	w, err := Parse([]byte(wrapped.String()))
	if err != nil || len(w.Notes) == 0 || string(w.JSON) != string(p.JSON) {
		t.Errorf("wrapped base64: %v notes %q", err, w.Notes)
	}
}

func TestIgnoredFields_sortedTable(t *testing.T) {
	for i := 1; i < len(ignored); i++ {
		if ignored[i-1].name >= ignored[i].name {
			t.Errorf("%q before %q", ignored[i-1].name, ignored[i].name)
		}
	}
	for _, c := range []struct {
		name    string
		version int
		want    bool
	}{
		{"X-Amz-Signature", 4, true}, {"x-amz-signature", 2, false}, {"Policy", 4, true}, {"file", 2, true},
		{"AWSAccessKeyId", 2, true}, {"AWSAccessKeyId", 4, false}, {"Signature", 0, true},
		{"x-ignore-anything", 4, true}, {"X-Ignore-Flash", 2, true}, {"x-amz-credential", 4, false}, {"key", 0, false},
	} {
		if got := isIgnored(c.name, c.version, false); got != c.want {
			t.Errorf("isIgnored(%q, %d) = %v", c.name, c.version, got)
		}
	}
}

// TestEvaluate_gcsForm: a GCS V4 POST form is checked by GCS's rules:
// x-goog-signature is left out of the policy check, the x-goog-* signing
// fields are required, and the messages name GCS; x-goog-signature on an
// S3 form is an extra field.
func TestEvaluate_gcsForm(t *testing.T) {
	pol := `{"expiration":"2030-01-01T00:00:00Z","conditions":[{"bucket":"b"},{"key":"k"},{"x-goog-algorithm":"GOOG4-HMAC-SHA256"},{"x-goog-credential":"GOOGTS7C7FUP3AIRVJTE/20261128/auto/storage/goog4_request"},{"x-goog-date":"20261128T114315Z"}]}`
	p, err := Parse([]byte(pol))
	if err != nil {
		t.Fatal(err)
	}
	form := func(fields ...string) *Form {
		f := &Form{}
		for i := 0; i < len(fields); i += 2 {
			f.Fields = append(f.Fields, Field{Name: fields[i], Value: fields[i+1]})
		}
		return f
	}
	full := []string{"key", "k", "policy", "x", "x-goog-algorithm", "GOOG4-HMAC-SHA256", "x-goog-credential", "GOOGTS7C7FUP3AIRVJTE/20261128/auto/storage/goog4_request", "x-goog-date", "20261128T114315Z", "x-goog-signature", "00"}
	if failed := Failed(Evaluate(p, Input{Form: form(full...), Bucket: "b"})); len(failed) != 0 {
		t.Errorf("a whole GCS form fails: %+v", failed)
	}
	failed := Failed(Evaluate(p, Input{Form: form(full[:len(full)-2]...), Bucket: "b"}))
	if len(failed) != 1 || failed[0].Field != "x-goog-signature" || !strings.Contains(failed[0].Message, "GCS requires it in every V4 POST upload") {
		t.Errorf("a GCS form without x-goog-signature: %+v", failed)
	}
	// The same fields on an S3 form: x-goog-signature is extra, and the
	// x-amz-* fields are missing.
	s3 := `{"expiration":"2030-01-01T00:00:00Z","conditions":[{"bucket":"b"},{"key":"k"},{"x-amz-credential":"AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/s3/aws4_request"}]}`
	ps, _ := Parse([]byte(s3))
	out := Failed(Evaluate(ps, Input{Form: form("key", "k", "policy", "x", "x-amz-credential", "AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/s3/aws4_request", "x-amz-signature", "00", "x-goog-signature", "00"), Bucket: "b", Version: 4}))
	var extra bool
	for _, o := range out {
		if o.Kind == KindExtraField && o.Field == "x-goog-signature" && strings.Contains(o.Message, "S3 rejects the upload") {
			extra = true
		}
	}
	if !extra {
		t.Errorf("x-goog-signature on an S3 form is not reported extra: %+v", out)
	}
}
