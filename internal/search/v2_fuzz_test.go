package search

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/request"
)

// FuzzRunV2 feeds arbitrary strings to sign, signatures and requests to
// the V2 search. Whatever the text, it must not panic; a hit must carry
// the signature given and a string to sign that HMAC-SHA1 turns into it;
// and the server's own string to sign, signed with the key, must be found
// with no operator. A short candidate cap keeps each run small.
func FuzzRunV2(f *testing.F) {
	f.Add("PUT\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 +0000\n/johnsmith/photos/puppy.jpg", "MyyxeRY7whkBe+bq8fHCL/2kKUg=", "prefix=a&uploads", "X-Amz-Meta-A", " b ", byte(0))
	f.Add("GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg", "NpgCjnDzrM WFzoENXmpNDUsSn8=", "AWSAccessKeyId=x&Expires=1&Signature=y", "Date", "Tue, 27 Mar 2007 19:36:42 +0000", byte(1))
	f.Add("PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\n/examplebucket/nelson?acl", "kSHKmLxlyEAKtZPkJhG9bZb5k7M=", "acl&x-oss-process=a", "x-oss-meta-b", "c,d", byte(2))
	f.Add("GET\n\n\n1699808204\n/bucket/key+123?security-token=token&versionId=v?x=1", "%2Bab", "versionId=v%3Fx%3D1&%zz", "content-md5", "", byte(3))
	f.Add("\n\n\n\n", "", "", "", "", byte(4))
	f.Add("a\nb\nc\nd\ne:f\ng:h\n/?&&=?", "00112233445566778899aabbccddeeff00112233", "&=&", ":", "\r\n", byte(5))
	f.Fuzz(func(t *testing.T, sts, sig, rawQuery, name, value string, pick byte) {
		schemes := []string{schemeSigV2Header, schemeSigV2Query, schemeOSSV1Header, schemeOSSV1Query}
		req := &request.Request{Method: "GET", Host: "b.s3.amazonaws.com", RawPath: "/k", RawQuery: rawQuery,
			Header: []request.Field{{Name: name, Value: value}, {Name: "x-amz-date", Value: value}}, Body: []byte(value), HasBody: true}
		in := V2Input{Scheme: schemes[int(pick)%len(schemes)], StringToSign: sts, Credentials: exampleCreds, Signature: sig, Request: req}
		opts := Options{Budget: Deep, MaxCandidates: 300, Workers: 1}
		res, err := RunV2(context.Background(), in, opts)
		if err == nil && res.Hit != nil {
			m := hmac.New(sha1.New, []byte(exampleSecret))
			m.Write([]byte(res.Hit.StringToSign))
			if res.Hit.Signature != strings.TrimSpace(sig) {
				t.Fatalf("hit signature %q, given %q", res.Hit.Signature, sig)
			}
			if res.Hit.Key.Secret == "as given" && len(res.Hit.Ops) == 0 && base64.StdEncoding.EncodeToString(m.Sum(nil)) != strings.TrimSpace(sig) {
				t.Fatalf("hit %+v does not sign to %q", res.Hit, sig)
			}
		}
		if strings.Count(sts, "\n") < 4 || len(sts) > maxInput {
			return
		}
		m := hmac.New(sha1.New, []byte(exampleSecret))
		m.Write([]byte(sts))
		in.Signature = base64.StdEncoding.EncodeToString(m.Sum(nil))
		res, err = RunV2(context.Background(), in, opts)
		if err != nil {
			if strings.Count(sts, "\n")-4 > maxHeaders {
				return
			}
			t.Fatal(err)
		}
		if res.Hit == nil || len(res.Hit.Ops) != 0 || res.Hit.StringToSign != sts {
			t.Fatalf("own string to sign not found: %+v", res.Hit)
		}
	})
}
