package s3error

import (
	"github.com/sigdiff/sigdiff/internal/testenv"

	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vector is one published canonical request / string to sign from
// ../shared/vectors, with the scheme its set documents.
type vector struct {
	name, family, scheme string
	sts, cr              string
	inconsistent         bool // the vector's own CR does not hash to its STS (errata)
}

// jsonSchemes maps the vectors' scheme names (vectors/README.md) to Body.Scheme.
var jsonSchemes = map[string]string{
	"aws-sigv4-header": SigV4Header, "aws-sigv4-query": SigV4Query, "aws-sigv4-post-policy": SigV4Post,
	"aws-sigv4-chunked": SigV4Streaming, "aws-sigv4-chunked-trailer": SigV4Streaming,
	"aws-sigv2-header": SigV2Header, "aws-sigv2-query": SigV2Query,
	"oss-v1-header": OSSV1Header, "oss-v1-query": OSSV1Query, "oss-v4-header": OSSV4Header, "oss-v4-query": OSSV4Query,
}

func loadVectors(t *testing.T) []vector {
	dir := testenv.Shared(t, "vectors")
	var out []vector
	for _, set := range []string{"s3-docs", "aws-general", "sigv2", "oss"} {
		files, _ := filepath.Glob(filepath.Join(dir, set, "*.json"))
		for _, f := range files {
			var v struct {
				Scheme   string
				Expected struct {
					CanonicalRequest string `json:"canonical_request"`
					StringToSign     string `json:"string_to_sign"`
				}
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if json.Unmarshal(data, &v) != nil || jsonSchemes[v.Scheme] == "" || v.Expected.StringToSign == "" {
				continue
			}
			family := "aws"
			if strings.HasPrefix(v.Scheme, "oss") {
				family = "oss"
			}
			out = append(out, vector{name: set + "/" + filepath.Base(f), family: family, scheme: jsonSchemes[v.Scheme],
				sts: v.Expected.StringToSign, cr: v.Expected.CanonicalRequest})
		}
	}
	for _, suite := range []string{"aws-sig-v4-test-suite/v4", "aws-sig-v4a/v4a"} {
		cases, _ := filepath.Glob(filepath.Join(dir, suite, "*"))
		for _, c := range cases {
			for kind, scheme := range map[string]string{"header": SigV4Header, "query": SigV4Query} {
				cr, err1 := os.ReadFile(filepath.Join(c, kind+"-canonical-request.txt"))
				sts, err2 := os.ReadFile(filepath.Join(c, kind+"-string-to-sign.txt"))
				if err1 == nil && err2 == nil {
					out = append(out, vector{name: suite + "/" + filepath.Base(c) + "/" + kind, family: "aws", scheme: scheme, sts: string(sts), cr: string(cr)})
				}
			}
		}
	}
	var gcs struct {
		SigningV4Tests []struct {
			Description, ExpectedCanonicalRequest, ExpectedStringToSign string
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "gcs", "v4_signatures.json"))
	if err != nil || json.Unmarshal(data, &gcs) != nil {
		t.Fatalf("gcs vectors: %v", err)
	}
	for _, g := range gcs.SigningV4Tests {
		out = append(out, vector{name: "gcs/" + g.Description, family: "gcs", scheme: GCSV4RSA, sts: g.ExpectedStringToSign,
			cr: g.ExpectedCanonicalRequest, inconsistent: g.Description == "Universe domain with virtual hosted style"})
	}
	if len(out) < 150 {
		t.Fatalf("only %d vectors found in %s", len(out), dir)
	}
	return out
}

// vectorBody puts a vector's strings into the body its service returns.
func vectorBody(v vector) base {
	switch v.family {
	case "oss":
		fs := []Field{{"Code", "SignatureDoesNotMatch"}, {"Message", awsMessage}, {"OSSAccessKeyId", "ak"},
			{"SignatureProvided", "x"}, {"StringToSign", v.sts}, {"StringToSignBytes", ""}}
		if v.cr != "" {
			fs = append(fs, Field{"CanonicalRequest", v.cr}, Field{"CanonicalRequestBytes", ""})
		}
		return base{decl: decl, fields: fieldsWithDumps(append(fs, Field{"EC", "0002-00000040"}), true)}
	case "gcs":
		return base{fields: []Field{{"Code", "SignatureDoesNotMatch"}, {"Message", "Check your Google secret key and signing method."},
			{"StringToSign", v.sts}, {"CanonicalRequest", v.cr}}}
	}
	b := awsV4("", v.scheme, v.sts, v.cr)
	if v.cr == "" {
		b.fields = without(b.fields, "CanonicalRequest", "CanonicalRequestBytes")
	}
	return b
}

// Every published string to sign and canonical request, put in a body and
// pasted in several forms, comes back byte for byte, with its scheme, and
// the server-consistency checks pass.
func TestVectors(t *testing.T) {
	forms := map[string]func(b base) string{
		"xml":           renderXML,
		"json-string":   func(b base) string { return goJSON(map[string]string{"body": renderXML(b)}, true) },
		"python-bytes":  func(b base) string { return pythonBytesPieces(renderXML(b)) },
		"re-indented":   reindented,
		"key-value":     func(b base) string { return keyValue(b, ": ") },
		"html-escaped":  func(b base) string { return htmlPre(renderXML(b)) },
		"quote-wrapped": func(b base) string { return "I get:\n\n" + prefixLines(wrapAt(renderXML(b), 97), "> ") },
	}
	n := 0
	for _, v := range loadVectors(t) {
		b := vectorBody(v)
		for fname, form := range forms {
			body, err := Parse([]byte(form(b)))
			if err != nil {
				t.Errorf("%s as %s: %v", v.name, fname, err)
				continue
			}
			n++
			if string(body.StringToSign) != v.sts || string(body.CanonicalRequest) != v.cr {
				t.Errorf("%s as %s: strings differ:\n sts %q\n cr  %q", v.name, fname, body.StringToSign, body.CanonicalRequest)
			}
			if body.Scheme != v.scheme {
				t.Errorf("%s as %s: scheme %s, want %s", v.name, fname, body.Scheme, v.scheme)
			}
			for _, c := range Checks(body, "") {
				if !c.OK && !(v.inconsistent && c.ID == CheckCanonicalRequestHash) && c.ID != CheckSignatureShape {
					t.Errorf("%s as %s: %s: %s", v.name, fname, c.ID, c.Detail)
				}
			}
		}
	}
	t.Logf("%d pastes of the vectors parsed", n)
}
