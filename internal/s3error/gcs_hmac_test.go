package s3error

import "testing"

// TestParse_gcsGOOG1 reads GCS's refusal of a GOOG1 (HMAC key)
// Authorization header: the string to sign has SigV2's layout with a date
// on its fourth line, so it is gcs-v2-hmac-header; the same body with Unix
// seconds there is a V2 signed URL, gcs-v2. The body has the shape GCS
// sends for its V2 signatures (Code, Message, StringToSign); the string to
// sign is recompute's testdata/goog1 put-virtual-host case.
func TestParse_gcsGOOG1(t *testing.T) {
	const head = "<?xml version='1.0' encoding='UTF-8'?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your Google secret key and signing method.</Message><StringToSign>"
	for _, c := range []struct{ sts, want string }{
		{"PUT\n1B2M2Y8AsgTpgAmY7PhCfg==\nimage/jpeg\nSat, 28 Nov 2026 11:43:15 GMT\nx-goog-acl:public-read\nx-goog-meta-owner:alice\n/example-bucket/photos/tabby.jpeg", GCSV2HMAC},
		{"GET\n\n\n\nx-goog-date:Sat, 28 Nov 2026 11:43:16 GMT\n/example-bucket/?acl", GCSV2HMAC},
		{"PUT\n\n\n1504106769\n/test-bucket/test-object", GCSV2},
	} {
		b, err := Parse([]byte(head + c.sts + "</StringToSign></Error>"))
		if err != nil {
			t.Fatal(err)
		}
		if b.Service != "gcs" || b.Scheme != c.want || string(b.StringToSign) != c.sts {
			t.Errorf("service %q scheme %q, want gcs %q; string to sign %q", b.Service, b.Scheme, c.want, b.StringToSign)
		}
	}
}
