package s3error

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// The bodies the fixture corpus is built from. The strings to sign and
// canonical requests are the published values of the vectors in
// ../shared/vectors (named at each), put into the error bodies each
// service returns; where a service's body needs a string the vectors do
// not have (R2's region auto, GCS's HMAC mode), the canonical request is
// a vector's with that one change and the string to sign is recomputed.
// The forms in fixtures_forms_test.go wrap these bodies the ways people
// paste them.

// base is one error body and what parsing it must give.
type base struct {
	name              string
	code, message     string
	service, provider string
	scheme            string
	akid              string
	sts, cr           string // exact bytes; "" when the body has none
	fields            []Field
	decl              string // XML declaration line, with its newline
	upperDump         bool   // OSS writes upper-case hex
	entityNewlines    bool   // Wasabi writes newlines in text as &#xA;
}

func stsFor(alg, date, scope, cr string) string {
	sum := sha256.Sum256([]byte(cr))
	return alg + "\n" + date + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

const (
	awsMessage = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	decl       = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	exampleKey = "AKIAIOSFODNN7EXAMPLE"
	emptySHA   = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// s3-docs/get-object-range.json
var getObjectRangeCR = "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:" + emptySHA + "\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n" + emptySHA
var getObjectRangeSTS = "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"

// s3-docs/presigned-url-get-object.json
var presignedCR = "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD"
var presignedSTS = "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04"

// s3-docs/chunked-upload-put-object.json
var chunkedCR = "PUT\n/examplebucket/chunkObject.txt\n\ncontent-encoding:aws-chunked\ncontent-length:66824\nhost:s3.amazonaws.com\nx-amz-content-sha256:STREAMING-AWS4-HMAC-SHA256-PAYLOAD\nx-amz-date:20130524T000000Z\nx-amz-decoded-content-length:66560\nx-amz-storage-class:REDUCED_REDUNDANCY\n\ncontent-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class\nSTREAMING-AWS4-HMAC-SHA256-PAYLOAD"
var chunkedSTS = "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\ncee3fed04b70f867d036f722359b0b1f2f0e5dc0efadbc082b76c4c60e316455"

// s3-docs/post-policy-browser-upload.json: the string to sign is the policy
// in base64 (the policy has CRLF line ends; they are inside the base64).
var postPolicySTS = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"

// sigv2/johnsmith-object-get.json and johnsmith-query-string-auth.json
var sigv2STS = "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg"
var sigv2QuerySTS = "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg"

// A SigV2 browser POST policy in the shape of the S3 developer guide's
// example (no x-amz-credential: V2 signs the base64 policy with HMAC-SHA1).
var sigv2PolicySTS = base64.StdEncoding.EncodeToString([]byte(`{"expiration": "2007-12-01T12:00:00.000Z",
  "conditions": [
    {"bucket": "johnsmith"},
    ["starts-with", "$key", "user/eric/"],
    {"acl": "public-read"}
  ]
}`))

// oss/v1-header-put-object-meta.json, oss/v1-query-get-object-version.json
var ossV1STS = "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson"
var ossV1QuerySTS = "GET\n\n\n1699807420\n/bucket/key?versionId=versionId"

// oss/v4-header-put-object.json, oss/v4-query-put-object.json
var ossV4CR = "PUT\n/bucket/1234%2B-/123/1.txt\n%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T162057Z\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD"
var ossV4STS = "OSS4-HMAC-SHA256\n20231216T162057Z\n20231216/cn-hangzhou/oss/aliyun_v4_request\nf4613657f1b108998e8dbd10a1aa5da621dc2c6e02c9ddec0f163664848704c4"
var ossV4QueryCR = "PUT\n/bucket/1234%2B-/123/1.txt\n%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20231217T025437Z&x-oss-expires=599&x-oss-signature-version=OSS4-HMAC-SHA256\ncontent-type:application/octet-stream\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD"
var ossV4QuerySTS = "OSS4-HMAC-SHA256\n20231217T025437Z\n20231217/cn-hangzhou/oss/aliyun_v4_request\n48814c11f278d51662015bf2f896b66ca10b6de0187ed8d952e341bbce0aa336"

// gcs/v4_signatures.json, "Simple GET"; the HMAC variant is the same
// request signed with an HMAC key (GOOG1E… access id).
var gcsRSACR = "GET\n/test-bucket/test-object\nX-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=test-iam-credentials%40dummy-project-id.iam.gserviceaccount.com%2F20190201%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20190201T090000Z&X-Goog-Expires=10&X-Goog-SignedHeaders=host\nhost:storage.googleapis.com\n\nhost\nUNSIGNED-PAYLOAD"
var gcsRSASTS = "GOOG4-RSA-SHA256\n20190201T090000Z\n20190201/auto/storage/goog4_request\n00e2fb794ea93d7adb703edaebdd509821fcc7d4f1a79ac5c8d2b394df109320"
var gcsHMACCR = strings.NewReplacer("GOOG4-RSA-SHA256", "GOOG4-HMAC-SHA256", "test-iam-credentials%40dummy-project-id.iam.gserviceaccount.com", "GOOG1EXAMPLEHMACACCESSID").Replace(gcsRSACR)
var gcsHMACSTS = stsFor("GOOG4-HMAC-SHA256", "20190201T090000Z", "20190201/auto/storage/goog4_request", gcsHMACCR)
var gcsV2STS = "PUT\n\n\n1504106769\n/test-bucket/test-object"

// aws-sig-v4-test-suite get-vanilla's canonical request, sent to R2 and
// Wasabi hosts.
var r2CR = "GET\n/\nlist-type=2\nhost:0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com\nx-amz-content-sha256:" + emptySHA + "\nx-amz-date:20241204T084003Z\n\nhost;x-amz-content-sha256;x-amz-date\n" + emptySHA
var r2STS = stsFor("AWS4-HMAC-SHA256", "20241204T084003Z", "20241204/auto/s3/aws4_request", r2CR)
var wasabiCR = "GET\n/my-bucket/photos/cat.jpg\n\nhost:s3.wasabisys.com\nx-amz-content-sha256:" + emptySHA + "\nx-amz-date:20230310T134304Z\n\nhost;x-amz-content-sha256;x-amz-date\n" + emptySHA
var wasabiSTS = stsFor("AWS4-HMAC-SHA256", "20230310T134304Z", "20230310/us-east-1/s3/aws4_request", wasabiCR)

// A canonical request whose header value carried a CR (a proxy that left
// "\r" in a metadata header): the dump shows 0d, a browser copy shows LF.
var crLostCR = "PUT\n/notes.txt\n\nhost:examplebucket.s3.amazonaws.com\nx-amz-content-sha256:" + emptySHA + "\nx-amz-date:20130524T000000Z\nx-amz-meta-note:line one\r\n\nhost;x-amz-content-sha256;x-amz-date;x-amz-meta-note\n" + emptySHA
var crLostSTS = stsFor("AWS4-HMAC-SHA256", "20130524T000000Z", "20130524/us-east-1/s3/aws4_request", crLostCR)

const (
	sigV4Provided = "8d03351bb13495a7a38bcbb86822d5952a2ee9311163ca1f9e9c0f070f00ccb3"
	sigV2Provided = "NpgCjnDzrM+WFzoENXmpNDUsSn8="
	awsRequestIDV = "4442587FB7D0A2F9"
	awsHostIDV    = "RzQYHes10dAU3rrnhyDRRwN4NzuNxn3JrVcjlfK8NEqagFh0DZ0gkT56bMrYNwDTcU2iuZQohaY="
)

// awsV4 is an AWS S3 SigV4 body with its dumps, in S3's field order.
func awsV4(name, scheme, sts, cr string) base {
	return base{name: name, code: "SignatureDoesNotMatch", message: awsMessage, service: "aws-s3", provider: "aws",
		scheme: scheme, akid: exampleKey, sts: sts, cr: cr, decl: decl,
		fields: fieldsWithDumps([]Field{{"Code", "SignatureDoesNotMatch"}, {"Message", awsMessage}, {"AWSAccessKeyId", exampleKey},
			{"StringToSign", sts}, {"SignatureProvided", sigV4Provided}, {"StringToSignBytes", ""},
			{"CanonicalRequest", cr}, {"CanonicalRequestBytes", ""}, {"RequestId", awsRequestIDV}, {"HostId", awsHostIDV}}, false)}
}

// fieldsWithDumps fills each empty XBytes field with the dump of field X.
func fieldsWithDumps(fs []Field, upper bool) []Field {
	out := append([]Field(nil), fs...)
	for i, f := range out {
		if name, ok := strings.CutSuffix(f.Name, "Bytes"); ok && f.Text == "" {
			for _, g := range out {
				if g.Name == name {
					out[i].Text = EncodeDump([]byte(g.Text))
					if upper {
						out[i].Text = strings.ToUpper(out[i].Text)
					}
				}
			}
		}
	}
	return out
}

// without drops fields by name, for the bodies that lack the canonical request.
func without(fs []Field, names ...string) []Field {
	var out []Field
	for _, f := range fs {
		keep := true
		for _, n := range names {
			keep = keep && f.Name != n
		}
		if keep {
			out = append(out, f)
		}
	}
	return out
}
