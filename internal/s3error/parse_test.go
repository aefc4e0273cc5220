package s3error

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/testenv"
)

func mustParse(t *testing.T, in string) *Body {
	t.Helper()
	b, err := Parse([]byte(in))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return b
}

func checkByID(cs []Check, id string) *Check {
	for i := range cs {
		if cs[i].ID == id {
			return &cs[i]
		}
	}
	return nil
}

func TestParse_fineUploaderExample(t *testing.T) {
	paths := []string{filepath.Join(bodiesDir, "aws-sigv4.fineuploader.xml")}
	if dir := filepath.Join(testenv.RepoRoot(t), "..", "shared", "examples"); dirExists(dir) {
		paths = append(paths, filepath.Join(dir, "fineuploader-multipart-403.xml"))
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("%s is absent", dir)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			in, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b := mustParse(t, string(in))
			var redacted *Damage
			for i, d := range b.Damage {
				if d.Part == "canonical_request" && strings.Contains(d.Note, "<your bucket>") {
					redacted = &b.Damage[i]
				}
			}
			if redacted == nil {
				t.Fatalf("the redacted host is not reported: %+v", b.Damage)
			}
			host := strings.Index(string(b.CanonicalRequest), "aobq")
			if redacted.Offset != host || !strings.Contains(redacted.Note, "`aobq`") || !strings.HasPrefix(redacted.Note, "redacted:") {
				t.Errorf("damage = %+v, want offset %d naming aobq", *redacted, host)
			}
			c := checkByID(Checks(b, ""), CheckCanonicalRequestHash)
			if c == nil || !c.OK {
				t.Errorf("canonical-request-hash: %+v", c)
			}
			if c := checkByID(Checks(b, ""), CheckTextMatchesBytes); c == nil || c.OK {
				t.Errorf("text-matches-bytes: %+v", c)
			}
			if b.AccessKeyID != "[your public key]" || b.Scheme != SigV4Header || b.Service != "aws-s3" {
				t.Errorf("got %q %s %s", b.AccessKeyID, b.Scheme, b.Service)
			}
		})
	}
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// encoding/xml would turn the CR of the text into LF; the tolerant
// reader must keep it.
func TestParse_textKeepsCR(t *testing.T) {
	in, err := os.ReadFile(filepath.Join(bodiesDir, "aws-sigv4.cr-raw.xml"))
	if err != nil {
		t.Fatal(err)
	}
	b := mustParse(t, string(in))
	if !strings.Contains(b.CanonicalRequestText, "line one\r\n") {
		t.Errorf("text lost its CR: %q", b.CanonicalRequestText)
	}
	if len(b.Damage) != 0 {
		t.Errorf("damage: %+v", b.Damage)
	}
}

func TestParse_noBody(t *testing.T) {
	for name, in := range map[string]string{
		"empty":      "",
		"prose":      "my upload fails and I do not know why",
		"other xml":  "<?xml version=\"1.0\"?><ListBucketResult><Name>b</Name></ListBucketResult>",
		"only blank": "\n\n   \n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *ParseError", err)
			}
			if msg := pe.Error(); msg != strings.ToLower(msg[:1])+msg[1:] || strings.HasSuffix(msg, ".") || strings.Contains(msg, "\n") {
				t.Errorf("message %q is not one lowercase line", msg)
			}
		})
	}
}

func TestParse_emptyErrorElement(t *testing.T) {
	_, err := Parse([]byte("HTTP/1.1 403 Forbidden\r\n\r\n\n  <Error></Error>"))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 4 || pe.Offset != 29 || !strings.Contains(err.Error(), "line 4, byte 29") {
		t.Fatalf("err = %v (%+v)", err, pe)
	}
}

func TestParse_tooLarge(t *testing.T) {
	_, err := Parse(make([]byte, MaxInput+1))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Offset != MaxInput {
		t.Fatalf("err = %v", err)
	}
}

func TestParse_truncatedDumpCutMidByte(t *testing.T) {
	b := mustParse(t, "<Error><Code>SignatureDoesNotMatch</Code><StringToSign>AWS4-HMAC-SHA256\n2013</StringToSign><StringToSignBytes>41 57 53 34 2d 4")
	if string(b.StringToSign) != "AWS4-" {
		t.Errorf("StringToSign = %q, want the 5 whole bytes", b.StringToSign)
	}
	want := []string{"element Error not closed", "StringToSignBytes cut after 5 bytes"}
	for _, w := range want {
		if !strings.Contains(strings.Join(b.Missing, "|"), w) {
			t.Errorf("Missing %q lacks %q", b.Missing, w)
		}
	}
	if len(b.Damage) != 0 {
		t.Errorf("a cut dump is not damage: %+v", b.Damage)
	}
}

func TestParse_truncatedText(t *testing.T) {
	b := mustParse(t, "<Error><Code>SignatureDoesNotMatch</Code><StringToSign>AWS4-HMAC-SHA256\n20130524T0")
	if string(b.StringToSign) != "AWS4-HMAC-SHA256\n20130524T0" {
		t.Errorf("StringToSign = %q", b.StringToSign)
	}
	if !strings.Contains(strings.Join(b.Missing, "|"), "StringToSign cut after 27 bytes of text") {
		t.Errorf("Missing = %q", b.Missing)
	}
}

func TestParse_bestOfRepeatedBodies(t *testing.T) {
	// aws-sdk-php's message: the body cut by Guzzle, then the whole body
	in := "Error executing \"GetObject\"; AWS HTTP error: Client error: `GET https://examplebucket.s3.amazonaws.com/test.txt` resulted in a `403 Forbidden` response:\n" +
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><AWSAccessKeyId>AKIA (truncated...)\n" +
		" SignatureDoesNotMatch (client): The request signature we calculated does not match the signature you provided. Check your key and signing method. - " + renderXML(bases()["aws-sigv4"])
	b := mustParse(t, in)
	if string(b.CanonicalRequest) != getObjectRangeCR || b.AccessKeyID != exampleKey {
		t.Errorf("picked the cut copy: %q %q", b.AccessKeyID, b.CanonicalRequest)
	}
}

func TestParse_getIgnoresCase(t *testing.T) {
	b := mustParse(t, "<Error><Code>RequestTimeTooSkewed</Code><RequestTime>20130524T000000Z</RequestTime><ServerTime>2013-05-24T00:20:31Z</ServerTime><MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds></Error>")
	for name, want := range map[string]string{"requesttime": "20130524T000000Z", "SERVERTIME": "2013-05-24T00:20:31Z", "MaxAllowedSkewMilliseconds": "900000"} {
		if v, ok := b.Get(name); !ok || v != want {
			t.Errorf("Get(%q) = %q, %v", name, v, ok)
		}
	}
	if _, ok := b.Get("StringToSign"); ok {
		t.Error("Get found an absent field")
	}
}

func TestParse_postPolicyDecoded(t *testing.T) {
	b := mustParse(t, renderXML(bases()["aws-sigv4-post"]))
	if !strings.Contains(string(b.Policy), `"conditions"`) || !strings.Contains(string(b.Policy), "\r\n") {
		t.Errorf("policy = %q", b.Policy)
	}
	if c := checkByID(Checks(b, ""), CheckScopeWellFormed); c == nil || !c.OK {
		t.Errorf("the policy's credential scope is not checked: %+v", c)
	}
}

func TestParse_fieldsInOrderWithEntities(t *testing.T) {
	b := mustParse(t, `<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>GET&#xA;/&#10;a=1&amp;b=2&#xA;<![CDATA[x<y]]></CanonicalRequest><Empty/><Nested><Inner>v</Inner></Nested></Error>`)
	var names []string
	for _, f := range b.Fields {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "Code,CanonicalRequest,Empty,Inner" {
		t.Errorf("fields %v", names)
	}
	if string(b.CanonicalRequest) != "GET\n/\na=1&b=2\nx<y" {
		t.Errorf("text %q", b.CanonicalRequest)
	}
}

func TestParse_xmlLessNeedsSpecificKey(t *testing.T) {
	_, err := Parse([]byte("Key=photos/cat.jpg Bucket=my-bucket Region=us-east-1"))
	if err == nil {
		t.Error("generic keys alone were read as an error body")
	}
}

func TestParse_regionTypoInScope(t *testing.T) {
	b := mustParse(t, "<Error><Code>SignatureDoesNotMatch</Code><StringToSign>AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us_east_1/s3/aws4_request\n"+strings.Repeat("0", 64)+"</StringToSign></Error>")
	c := checkByID(Checks(b, ""), CheckScopeWellFormed)
	if c == nil || c.OK || !strings.Contains(c.Detail, `"us_east_1"`) {
		t.Errorf("scope check: %+v", c)
	}
}

// Safari shows the text nodes run together; the dumps still give the
// strings back exactly.
func TestParse_textOnly(t *testing.T) {
	got := mustParse(t, safariText(bases()["aws-sigv4"]))
	if got.Code != "SignatureDoesNotMatch" || got.Message != awsMessage || got.AccessKeyID != exampleKey || got.SignatureProvided != sigV4Provided {
		t.Errorf("fields: %+v", got.Fields)
	}
	if string(got.StringToSign) != getObjectRangeSTS || string(got.CanonicalRequest) != getObjectRangeCR {
		t.Errorf("strings: %q %q", got.StringToSign, got.CanonicalRequest)
	}
	if v, _ := got.Get("HostId"); v != awsHostIDV || !strings.Contains(got.Form, "text-only") {
		t.Errorf("host id %q, form %q", v, got.Form)
	}
	// cut short, as in a published report: code, message, key and what is left
	cut := mustParse(t, "SignatureDoesNotMatchThe request signature we calculated does not match the signature you provided. Check your key and signing method.AKIAI5HZ6UQ52CI4LR4AAWS4-HMAC-SHA256 20180123T203739Z 20180123/us-east-2/s3/aws4_reques")
	if cut.Code != "SignatureDoesNotMatch" || cut.AccessKeyID != "AKIAI5HZ6UQ52CI4LR4A" {
		t.Errorf("cut: %+v", cut.Fields)
	}
}

func TestParse_postPolicyFamilies(t *testing.T) {
	for _, c := range []struct{ policy, service, scheme string }{
		{`{"expiration":"2020-03-26T16:00:00Z","conditions":[{"bucket":"b"},{"x-goog-algorithm":"GOOG4-RSA-SHA256"},{"x-goog-credential":"sa@p.iam.gserviceaccount.com/20200312/auto/storage/goog4_request"},{"x-goog-date":"20200312T114716Z"}]}`, "Check your Google secret key and signing method.", GCSV4RSA},
		{`{"expiration":"2020-03-26T16:00:00Z","conditions":[{"bucket":"b"},{"x-goog-algorithm":"GOOG4-HMAC-SHA256"}]}`, "Check your Google secret key and signing method.", GCSV4HMAC},
		{`{"expiration":"2020-03-26T16:00:00Z","conditions":[{"bucket":"b"}]}`, "Check your Google secret key and signing method.", GCSV2},
		{`{"expiration":"2023-12-17T03:30:00Z","conditions":[{"x-oss-signature-version":"OSS4-HMAC-SHA256"},{"x-oss-credential":"ak/20231216/cn-hangzhou/oss/aliyun_v4_request"}]}`, "", OSSV4Header},
		{`{"expiration":"2023-12-17T03:30:00Z","conditions":[["content-length-range",0,1048576]]}`, "", OSSV1Header},
	} {
		body := "<Error><Code>SignatureDoesNotMatch</Code><Message>" + c.service + "</Message><StringToSign>" + base64.StdEncoding.EncodeToString([]byte(c.policy)) + "</StringToSign>"
		if c.service == "" {
			body += "<OSSAccessKeyId>ak</OSSAccessKeyId>"
		}
		b := mustParse(t, body+"</Error>")
		if b.Scheme != c.scheme || string(b.Policy) != c.policy {
			t.Errorf("%s: scheme %s, policy %q", c.scheme, b.Scheme, b.Policy)
		}
	}
	if c := checkByID(Checks(mustParse(t, "<Error><Code>SignatureDoesNotMatch</Code><StringToSign>"+base64.StdEncoding.EncodeToString([]byte(`{"conditions":[{"x-goog-algorithm":"GOOG4-RSA-SHA256"},{"x-goog-credential":"sa@p/20200312/auto/storage/goog4_request"},{"x-goog-date":"20200313T114716Z"}]}`))+"</StringToSign></Error>"), ""), CheckSTSDateMatchesScope); c == nil || c.OK {
		t.Errorf("the policy's date is not checked against its scope: %+v", c)
	}
}

func TestParse_errorResponseNesting(t *testing.T) {
	b := mustParse(t, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>m</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`)
	if b.Code != "SignatureDoesNotMatch" || len(b.Fields) != 4 {
		t.Errorf("fields %+v", b.Fields)
	}
	if v, _ := b.Get("RequestId"); v != "r-1" {
		t.Errorf("RequestId %q", v)
	}
}

func TestParse_nodeBuffer(t *testing.T) {
	x := renderXML(bases()["aws-sigv4"])
	dump := EncodeDump([]byte(x[:60]))
	b := mustParse(t, "<Buffer "+dump+" ... "+strconv.Itoa(len(x)-60)+" more bytes>")
	if !strings.Contains(b.Form, "byte-list") || len(b.Notes) == 0 || !strings.Contains(b.Notes[0], "first 60 bytes") {
		t.Errorf("form %q notes %q", b.Form, b.Notes)
	}
}
