package diagnose

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/clientsig"
	"github.com/sigdiff/sigdiff/internal/s3error"
)

// baseCR is the S3 documentation's GET Object example (range request).
const baseCR = "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func sts(cr, date, scope string) string {
	sum := sha256.Sum256([]byte(cr))
	return "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

func v4Body(cr string) *s3error.Body {
	return &s3error.Body{
		Service: "aws-s3", Code: "SignatureDoesNotMatch", Scheme: "sigv4-header",
		AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SignatureProvided: strings.Repeat("ab", 32),
		CanonicalRequest: []byte(cr), StringToSign: []byte(sts(cr, "20130524T000000Z", "20130524/us-east-1/s3/aws4_request")),
		HasCanonicalRequestBytes: true, HasStringToSignBytes: true,
	}
}

func replace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("test setup: " + old + " not in input")
	}
	return strings.Replace(s, old, new, 1)
}

// TestDiagnose_clientDiffCauses plants one difference between the server's
// canonical request and the client's and asserts the cause that ranks first.
func TestDiagnose_clientDiffCauses(t *testing.T) {
	tests := []struct {
		name, server, client, want string
	}{
		{"HEAD turned into GET", baseCR, replace(baseCR, "GET", "HEAD"), "method-changed"},
		{"default port signed", baseCR, replace(baseCR, "host:examplebucket.s3.amazonaws.com", "host:examplebucket.s3.amazonaws.com:443"), "host-port"},
		{"proxy rewrote host", replace(baseCR, "host:examplebucket.s3.amazonaws.com", "host:minio:9000"), baseCR, "host-rewritten"},
		{"path-style vs virtual-hosted", replace(replace(baseCR, "/test.txt", "/examplebucket/test.txt"), "host:examplebucket.s3.amazonaws.com", "host:s3.amazonaws.com"), baseCR, "addressing-style"},
		{"key encoded twice", replace(baseCR, "/test.txt", "/my%20test.txt"), replace(baseCR, "/test.txt", "/my%2520test.txt"), "uri-encoding"},
		{"slashes collapsed", replace(baseCR, "/test.txt", "/a//test.txt"), replace(baseCR, "/test.txt", "/a/test.txt"), "uri-normalization"},
		{"query unsorted", replace(baseCR, "\n\nhost:", "\na=1&b=2\nhost:"), replace(baseCR, "\n\nhost:", "\nb=2&a=1\nhost:"), "query-order"},
		{"uploads without =", replace(baseCR, "\n\nhost:", "\nuploads=\nhost:"), replace(baseCR, "\n\nhost:", "\nuploads\nhost:"), "query-valueless"},
		{"x-id added", replace(baseCR, "\n\nhost:", "\nuploads=\nhost:"), replace(baseCR, "\n\nhost:", "\nuploads=&x-id=CreateMultipartUpload\nhost:"), "query-param-changed"},
		{"plus for space in query", replace(baseCR, "\n\nhost:", "\nprefix=a%20b\nhost:"), replace(baseCR, "\n\nhost:", "\nprefix=a+b\nhost:"), "query-encoding"},
		{"content-type added by browser", replace(baseCR, "range:bytes=0-9", "content-type:text/plain;charset=UTF-8\nrange:bytes=0-9"), replace(baseCR, "range:bytes=0-9", "content-type:text/plain\nrange:bytes=0-9"), "content-type-changed"},
		{"signed header rewritten", baseCR, replace(baseCR, "range:bytes=0-9", "range:bytes=0-10"), "signed-header-changed"},
		{"signed header not sent", replace(baseCR, "range:bytes=0-9", "range:"), baseCR, "signed-header-missing"},
		{"inner spaces not collapsed", replace(baseCR, "range:bytes=0-9", "range:bytes=0-9 x"), replace(baseCR, "range:bytes=0-9", "range:bytes=0-9   x"), "header-whitespace"},
		{"signed headers list", baseCR, replace(baseCR, "host;range;", "host;"), "signed-headers-list"},
		{"payload hash", baseCR, strings.TrimSuffix(baseCR, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") + "UNSIGNED-PAYLOAD", "payload-hash"},
		{"response header signed", replace(baseCR, "x-amz-date:2", "x-amz-request-id:\nx-amz-date:2"), replace(baseCR, "x-amz-date:2", "x-amz-request-id:4442587FB7D0A2F9\nx-amz-date:2"), "reflected-header-signed"},
		{"sliced at a fixed offset", baseCR, baseCR[1:], "sts-hashed-wrong-bytes"},
		{"newline written as n", baseCR, strings.ReplaceAll(baseCR, "\n", "n"), "sts-framing"},
		{"CR LF line ends", baseCR, strings.ReplaceAll(baseCR, "\n", "\r\n"), "sts-framing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose(Input{Body: v4Body(tt.server), Client: &clientsig.Signed{CanonicalRequest: []byte(tt.client)}})
			if r.Verdict != ClientSignedDifferently {
				t.Errorf("verdict %q, want %q", r.Verdict, ClientSignedDifferently)
			}
			if len(r.Causes) == 0 || r.Causes[0].ID != tt.want {
				t.Fatalf("causes %v, want %s first", ids(r.Causes), tt.want)
			}
			if r.FirstDivergence == nil {
				t.Error("no first divergence")
			}
		})
	}
}

func TestDiagnose_scopeCauses(t *testing.T) {
	scope := "20130524/us-east-1/s3/aws4_request"
	tests := []struct{ name, client, want string }{
		{"region", sts(baseCR, "20130524T000000Z", "20130524/us-west-2/s3/aws4_request"), "wrong-region"},
		{"service", sts(baseCR, "20130524T000000Z", "20130524/us-east-1/s4/aws4_request"), "wrong-service"},
		{"date", sts(baseCR, "20130525T000000Z", scope), "date-mismatch"},
		{"hash of other bytes", sts(baseCR+" ", "20130524T000000Z", scope), "sts-hashed-wrong-bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose(Input{Body: v4Body(baseCR), Client: &clientsig.Signed{StringToSign: []byte(tt.client)}})
			if len(r.Causes) == 0 || r.Causes[0].ID != tt.want {
				t.Fatalf("causes %v, want %s first", ids(r.Causes), tt.want)
			}
		})
	}
}

func TestDiagnose_identicalIsKeyMismatch(t *testing.T) {
	b := v4Body(baseCR)
	r := Diagnose(Input{Body: b, Client: &clientsig.Signed{CanonicalRequest: []byte(baseCR), StringToSign: b.StringToSign}})
	if r.Verdict != KeyMismatch || len(r.Causes) == 0 || r.Causes[0].ID != "secret-key-mismatch" {
		t.Fatalf("verdict %s causes %v", r.Verdict, ids(r.Causes))
	}
	if r.FirstDivergence != nil {
		t.Errorf("first divergence %+v on identical input", r.FirstDivergence)
	}
}

func TestDiagnose_withoutClientIsUndetermined(t *testing.T) {
	r := Diagnose(Input{Body: v4Body(baseCR)})
	if r.Verdict != Undetermined || len(r.NextSteps) == 0 {
		t.Fatalf("verdict %s next %v", r.Verdict, r.NextSteps)
	}
}

func TestDiagnose_inconsistentServer(t *testing.T) {
	b := v4Body(baseCR)
	b.StringToSign = []byte(sts(baseCR+"x", "20130524T000000Z", "20130524/us-east-1/s3/aws4_request"))
	r := Diagnose(Input{Body: b})
	if r.Verdict != ServerDataInconsistent {
		t.Fatalf("verdict %s, checks %+v", r.Verdict, r.Checks)
	}
}

func fieldBody(code, msg string, fields ...string) *s3error.Body {
	b := &s3error.Body{Service: "aws-s3", Code: code, Message: msg}
	b.Fields = append(b.Fields, s3error.Field{Name: "Code", Text: code}, s3error.Field{Name: "Message", Text: msg})
	for i := 0; i+1 < len(fields); i += 2 {
		b.Fields = append(b.Fields, s3error.Field{Name: fields[i], Text: fields[i+1]})
	}
	return b
}

func TestDiagnose_neighbouringCodes(t *testing.T) {
	tests := []struct {
		name    string
		body    *s3error.Body
		want    string
		verdict string
		evid    string
	}{
		{"skew", fieldBody("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.",
			"RequestTime", "20240101T120000Z", "ServerTime", "2024-01-01T12:20:00Z", "MaxAllowedSkewMilliseconds", "900000"), "clock-skew", NotASignatureError, "20m0s behind"},
		{"region", fieldBody("AuthorizationHeaderMalformed", "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'", "Region", "eu-west-1"), "wrong-region", NotASignatureError, "eu-west-1"},
		{"expired", fieldBody("AccessDenied", "Request has expired", "X-Amz-Expires", "3600", "Expires", "2024-01-01T13:00:00Z", "ServerTime", "2024-01-01T14:00:00Z"), "presign-expired", NotASignatureError, "1h0m0s"},
		{"empty body hash", fieldBody("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.",
			"ClientComputedContentSHA256", emptySHA256, "S3ComputedContentSHA256", strings.Repeat("1", 64)), "payload-hash", NotASignatureError, "empty body"},
		{"unknown key", fieldBody("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", "AWSAccessKeyId", "AKIA0"), "access-key-unknown", NotASignatureError, "does not exist"},
		{"unsigned headers", fieldBody("AccessDenied", "There were headers present in the request which were not signed", "HeadersNotSigned", "x-amz-acl"), "unsigned-headers-present", NotASignatureError, "x-amz-acl"},
		{"v2 refused", fieldBody("InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."), "v2-not-supported", NotASignatureError, "AWS4-HMAC-SHA256"},
		{"policy", fieldBody("AccessDenied", "Invalid according to Policy: Policy Condition failed: [\"eq\", \"$key\", \"a\"]"), "policy-condition-failed", NotASignatureError, "eq"},
		{"policy expired", fieldBody("AccessDenied", "Invalid according to Policy: Policy expired."), "policy-expired", NotASignatureError, "expired"},
		{"minio says nothing", fieldBody("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."), "server-detail-missing", Undetermined, "no StringToSign"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose(Input{Body: tt.body})
			if r.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s", r.Verdict, tt.verdict)
			}
			if len(r.Causes) == 0 || r.Causes[0].ID != tt.want {
				t.Fatalf("causes %v, want %s first", ids(r.Causes), tt.want)
			}
			if !strings.Contains(r.Causes[0].Evidence, tt.evid) {
				t.Errorf("evidence %q lacks %q", r.Causes[0].Evidence, tt.evid)
			}
		})
	}
}

func TestDiagnose_pasteDamageNeverLeads(t *testing.T) {
	b := v4Body(baseCR)
	b.Damage = []s3error.Damage{{Part: "canonical_request", Offset: 40, Text: "<your bucket>", Bytes: "examplebucket", Note: "redacted"}}
	r := Diagnose(Input{Body: b, Client: &clientsig.Signed{CanonicalRequest: []byte(replace(baseCR, "GET", "HEAD"))}})
	if ids(r.Causes)[0] != "method-changed" || ids(r.Causes)[len(r.Causes)-1] != "paste-damaged" {
		t.Fatalf("causes %v", ids(r.Causes))
	}
}

func ids(cs []Cause) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestDiagnose_policySignedWrongBytes(t *testing.T) {
	b := &s3error.Body{Service: "aws-s3", Code: "SignatureDoesNotMatch", Scheme: "sigv4-post",
		StringToSign: []byte("eyJleHBpcmF0aW9uIjoiMjAzMC0wMS0wMVQwMDowMDowMFoiLCJjb25kaXRpb25zIjpbXX0="), SignatureProvided: strings.Repeat("1", 64)}
	r := Diagnose(Input{Body: b, Recomputed: &Recomputed{Scheme: "sigv4-post", StringToSign: "eyJleHBpcmF0aW9uIjogIjIwMzAtMDEtMDFUMDA6MDA6MDBaIiwgImNvbmRpdGlvbnMiOiBbXX0="}})
	if len(r.Causes) == 0 || r.Causes[0].ID != "policy-signed-wrong-bytes" {
		t.Fatalf("causes %v", ids(r.Causes))
	}
}

const v2STS = "PUT\nc8fdb181845a4ca6b8fec737b3581d76\ntext/html\nThu, 17 Nov 2005 18:49:58 GMT\nx-amz-meta-author:foo@bar.com\nx-amz-meta-magic:abracadabra\n/quotes/nelson"

func v2Body(sts, sig string) *s3error.Body {
	return &s3error.Body{Service: "aws-s3", Code: "SignatureDoesNotMatch", Scheme: "sigv2-header", AccessKeyID: "44CF9590006BF252F707",
		StringToSign: []byte(sts), HasStringToSignBytes: true, SignatureProvided: sig}
}

// TestDiagnose_remainingCauses covers the ids the other tables do not:
// each case is one where that cause is the truth, and it must rank first.
func TestDiagnose_remainingCauses(t *testing.T) {
	tests := []struct {
		name   string
		body   *s3error.Body
		client *clientsig.Signed
		want   string
	}{
		{"header name case", v4Body(replace(baseCR, "range:bytes=0-9", "x-amz-meta-a:b\nrange:bytes=0-9")), &clientsig.Signed{CanonicalRequest: []byte(replace(baseCR, "range:bytes=0-9", "X-Amz-Meta-A:b\nrange:bytes=0-9"))}, "header-case-or-order"},
		{"v2 amz header", v2Body(v2STS, "jZNOcbfWmD/A/f3hSvVzXZjM2HU="), &clientsig.Signed{StringToSign: []byte(replace(v2STS, "x-amz-meta-author:foo@bar.com", "x-amz-meta-author: foo@bar.com"))}, "v2-canonical-headers"},
		{"v2 content-md5", v2Body(v2STS, "jZNOcbfWmD/A/f3hSvVzXZjM2HU="), &clientsig.Signed{StringToSign: []byte(replace(v2STS, "c8fdb181845a4ca6b8fec737b3581d76", ""))}, "v2-content-md5"},
		{"v2 date", v2Body(v2STS, "jZNOcbfWmD/A/f3hSvVzXZjM2HU="), &clientsig.Signed{StringToSign: []byte(replace(v2STS, "Thu, 17 Nov 2005 18:49:58 GMT", ""))}, "v2-date"},
		{"v2 resource", v2Body(v2STS, "jZNOcbfWmD/A/f3hSvVzXZjM2HU="), &clientsig.Signed{StringToSign: []byte(replace(v2STS, "/quotes/nelson", "/nelson"))}, "v2-resource"},
		{"v2 signature not url-encoded", func() *s3error.Body {
			b := v2Body(v2STS, "jZNOcbfW mD/A/f3hSvVzXZjM2HU=")
			b.Scheme = "sigv2-query"
			return b
		}(), nil, "v2-signature-not-url-encoded"},
		{"signature as base64", func() *s3error.Body {
			b := v4Body(baseCR)
			b.SignatureProvided = "8OC9uHyWRCDoV7013Vbtkwu9RPAXCrpI3ZEQOcA2vbE="
			return b
		}(), nil, "signature-encoding"},
		{"trailer checksum on a compatible store", func() *s3error.Body {
			cr := strings.TrimSuffix(baseCR, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") + "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
			b := v4Body(cr)
			b.Service = "s3-compatible"
			return b
		}(), nil, "checksum-trailer"},
		{"paste damage alone", func() *s3error.Body {
			b := v4Body(baseCR)
			b.Damage = []s3error.Damage{{Part: "canonical_request", Offset: 3, Text: "GET", Bytes: "GET\r", Note: "CR (0d) in the bytes is missing from the text"}}
			return b
		}(), nil, "paste-damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose(Input{Body: tt.body, Client: tt.client})
			if len(r.Causes) == 0 || r.Causes[0].ID != tt.want {
				t.Fatalf("causes %v, want %s first", ids(r.Causes), tt.want)
			}
		})
	}
}
