package search

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

// TestOracle_awsSDK: the client is aws-sdk-go-v2's own signer, and what
// happens on the way is a real hop's doing; the server side is recompute's
// canonical request of the request the server received. The search must
// name the hop's change from the SDK's signature alone.
func TestOracle_awsSDK(t *testing.T) {
	at := time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
	sdk := aws.Credentials{AccessKeyID: exampleCreds.AccessKeyID, SecretAccessKey: exampleSecret}
	for _, c := range []struct {
		name   string
		method string // what the client signed
		host   string
		hop    func(r *request.Request) // what reached the server
		want   string
		given  bool // the request as the client sent it is given to the search
	}{
		{"cdn turned head into get", "HEAD", "examplebucket.s3.amazonaws.com", func(r *request.Request) { r.Method = "GET" }, "method-swapped:HEAD", false},
		{"proxy rewrote host", "GET", "minio:9000", func(r *request.Request) { r.Host = "files.example.com"; r.Header[0].Value = r.Host }, "host-as-sent:minio:9000", true},
		{"proxy dropped the port", "GET", "localhost:9000", func(r *request.Request) { r.Host = "localhost"; r.Header[0].Value = r.Host }, "host-port-as-sent::9000", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			hr, err := http.NewRequest(c.method, "https://"+c.host+"/test.txt", nil)
			if err != nil {
				t.Fatal(err)
			}
			hr.Header.Set("X-Amz-Content-Sha256", emptyHash)
			if err := v4.NewSigner().SignHTTP(context.Background(), sdk, hr, emptyHash, "s3", "us-east-1", at); err != nil {
				t.Fatal(err)
			}
			auth, err := recompute.ParseAuthorization(hr.Header.Get("Authorization"))
			if err != nil {
				t.Fatal(err)
			}
			sent := &request.Request{Method: c.method, Host: c.host, RawPath: "/test.txt", HasBody: true, Header: []request.Field{
				{Name: "Host", Value: c.host},
				{Name: "X-Amz-Content-Sha256", Value: emptyHash},
				{Name: "X-Amz-Date", Value: hr.Header.Get("X-Amz-Date")},
			}}
			received := *sent
			received.Header = append([]request.Field(nil), sent.Header...)
			c.hop(&received)
			opts := auth.Options()
			v, err := recompute.SigV4(&received, exampleCreds, opts)
			if err != nil {
				t.Fatal(err)
			}
			if v.Signature == auth.Signature {
				t.Fatal("the hop changed nothing")
			}
			in := Input{CanonicalRequest: v.CanonicalRequest, StringToSign: v.StringToSign, Credentials: exampleCreds, Signature: auth.Signature}
			if c.given {
				in.Request = sent
			}
			res, err := Run(context.Background(), in, Options{})
			if err != nil || res.Hit == nil {
				t.Fatalf("%v, %+v", err, res)
			}
			if got := opString(res.Hit.Ops); got != c.want {
				t.Errorf("hit %s, want %s", got, c.want)
			}
			if !strings.Contains(res.Hit.CanonicalRequest, "\nhost:"+strings.ToLower(c.host)+"\n") {
				t.Errorf("reproduced canonical request %q", res.Hit.CanonicalRequest)
			}
		})
	}
}
