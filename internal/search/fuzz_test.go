package search

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/recompute"
)

// FuzzRun feeds arbitrary canonical requests and strings to sign to the
// search. Whatever the text, the search must not panic, and signing the
// server's own string to sign with the user's key must be found with no
// operator (the first candidate of every search). A short candidate cap
// keeps each run small.
func FuzzRun(f *testing.F) {
	cr := "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:" + emptyHash +
		"\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n" + emptyHash
	f.Add(cr, serverSTS(cr), byte(0))
	f.Add(cr, "", byte(1))
	f.Add("", serverSTS(cr), byte(2))
	f.Add("POST\n/a%20b\nuploads=\nhost:aobq.s3.cn-north-1.amazonaws.com.cn\nx-amz-acl:private\n\nhost;x-amz-acl\n"+emptyHash, "", byte(3))
	f.Add("not a canonical request\r\n", "", byte(4))
	f.Add("\n\n\n\n\n", "a\nb\nc/d/e/f\ng", byte(5))
	_, v := putObject12(f)
	f.Add(v.CanonicalRequest, v.StringToSign, byte(6))
	f.Fuzz(func(t *testing.T, cr, sts string, salt byte) {
		in := Input{CanonicalRequest: cr, StringToSign: sts, Credentials: exampleCreds}
		if sts == "" {
			in.AmzDate, in.Scope = exampleAmzDate, exampleDate+"/us-east-1/s3/aws4_request"
		}
		// A random target first: no panic, no hit claimed without proof.
		in.Signature = strings.Repeat(hex.EncodeToString([]byte{salt}), 32)
		res, err := Run(context.Background(), in, Options{Budget: Deep, MaxCandidates: 200, Workers: 1})
		if err != nil {
			return
		}
		if res.Hit != nil && res.Hit.Signature != in.Signature {
			t.Fatalf("hit signature %s, want %s", res.Hit.Signature, in.Signature)
		}
		// The server's own string to sign.
		own := sts
		if own == "" {
			own = "AWS4-HMAC-SHA256\n" + exampleAmzDate + "\n" + in.Scope + "\n" + recompute.HashHex(cr)
		}
		lines := strings.Split(own, "\n")
		scope := strings.Split(lines[2], "/")
		f := familyOf(lines[0])
		key := []byte(f.KeyPrefix + exampleSecret)
		for _, m := range []string{scope[0], scope[1], scope[2], scope[3]} {
			key = hmacSum(key, m)
		}
		in.Signature = hex.EncodeToString(hmacSum(key, own))
		res, err = Run(context.Background(), in, Options{Budget: Deep, MaxCandidates: 2000, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.Hit == nil || len(res.Hit.Ops) != 0 || res.Hit.StringToSign != own {
			t.Fatalf("own string to sign not found: %+v", res.Hit)
		}
	})
}
