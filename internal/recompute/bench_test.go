package recompute

import (
	"fmt"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// benchShape is one request shape of issue 4 §6.
type benchShape struct {
	name string
	req  *request.Request
	opts Options
}

var benchCreds = credentials.Credentials{
	AccessKeyID:  "AKIAIOSFODNN7EXAMPLE",
	Secret:       credentials.NewSecret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
	SessionToken: credentials.NewSecret("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJGMEQCIAtoken+example/value=="),
}

func benchShapes() []benchShape {
	t := time.Date(2024, 6, 1, 12, 30, 45, 0, time.UTC)
	s3 := Options{Region: "eu-west-1", Service: "s3", Time: t}
	host := request.Field{Name: "Host", Value: "examplebucket.s3.eu-west-1.amazonaws.com"}

	// GET with Range and 4 more headers (Host, If-None-Match, X-Amz-Content-Sha256, X-Amz-Date added by the signer).
	get := &request.Request{Method: "GET", Scheme: "https", Host: host.Value, RawPath: "/photos/2024/summer%20beach.jpg", HasBody: true,
		Header: []request.Field{host,
			{Name: "Range", Value: "bytes=0-1048575"},
			{Name: "If-None-Match", Value: `"9b2cf535f27731c974343645a3985328"`},
			{Name: "X-Amz-Content-Sha256", Value: EmptySHA256},
		}}

	// PUT with 12 headers, x-amz-meta-* among them (X-Amz-Date is the 12th, added by the signer).
	put := &request.Request{Method: "PUT", Scheme: "https", Host: host.Value, RawPath: "/uploads/report%202024%20%28final%29.pdf", HasBody: true,
		Header: []request.Field{host,
			{Name: "Content-Type", Value: "application/pdf"},
			{Name: "Content-Length", Value: "1048576"},
			{Name: "Content-MD5", Value: "1B2M2Y8AsgTpgAmY7PhCfg=="},
			{Name: "Cache-Control", Value: "max-age=3600,  must-revalidate"},
			{Name: "X-Amz-Content-Sha256", Value: "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"},
			{Name: "X-Amz-Storage-Class", Value: "STANDARD_IA"},
			{Name: "X-Amz-Server-Side-Encryption", Value: "AES256"},
			{Name: "X-Amz-Meta-Author", Value: "  Jane   Doe "},
			{Name: "X-Amz-Meta-Project", Value: "quarterly report"},
			{Name: "X-Amz-Tagging", Value: "team=finance&year=2024"},
		}}

	// Presigned GET with 7 query parameters (S3 GetObject overrides, a
	// version, X-Amz-Expires), session token signed in the query.
	presign := &request.Request{Method: "GET", Scheme: "https", Host: host.Value, RawPath: "/reports/q3.csv", HasBody: true,
		RawQuery: "response-content-disposition=attachment%3B%20filename%3D%22q3%20final.csv%22&response-content-type=text%2Fcsv" +
			"&response-cache-control=no-cache&response-content-language=en-GB&versionId=3HL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY" +
			"&x-id=GetObject&X-Amz-Expires=900",
		Header: []request.Field{host}}
	presignOpts := s3
	presignOpts.Presign = true

	// 50 query parameters and 30 headers.
	var q []string
	for i := range 50 {
		v := fmt.Sprintf("value-%02d", i)
		if i%5 == 0 {
			v = fmt.Sprintf("a%%20b%%2Fc%%3D%d", i) // needs re-encoding check, stays canonical
		}
		if i%7 == 0 {
			v = fmt.Sprintf("x+y~%d", i) // '+' is a space: re-encoded
		}
		q = append(q, fmt.Sprintf("param-%02d=%s", (i*37)%50, v))
	}
	many := &request.Request{Method: "POST", Scheme: "https", Host: host.Value, RawPath: "/bucket-data/objects/item-0042.json",
		RawQuery: strings.Join(q, "&"), HasBody: true,
		Header: []request.Field{host, {Name: "X-Amz-Content-Sha256", Value: "UNSIGNED-PAYLOAD"}}}
	for i := range 28 {
		v := fmt.Sprintf("value %d for header", i)
		if i%4 == 0 {
			v = "  spaced    out   value  "
		}
		many.Header = append(many.Header, request.Field{Name: fmt.Sprintf("X-Amz-Meta-Field-%02d", (i*11)%28), Value: v})
	}

	return []benchShape{
		{"get-range", get, s3},
		{"put-12-headers", put, s3},
		{"presigned-get-7-query", presign, presignOpts},
		{"50-query-30-headers", many, s3},
	}
}

func BenchmarkSigV4(b *testing.B) {
	for _, sh := range benchShapes() {
		b.Run(sh.name, func(b *testing.B) {
			// Both sign the same request to the same signature first.
			mine, err := SigV4(sh.req, benchCreds, sh.opts)
			if err != nil {
				b.Fatal(err)
			}
			signer := v4.NewSigner()
			hr := toHTTP(b, sh.req)
			creds := sdkCreds(benchCreds)
			peer := peerSign(b, signer, hr, creds, mine.PayloadHash, sh.opts, nil)
			if got := peer.authorization + peer.presignedURL; !strings.Contains(got, mine.Signature) {
				b.Fatalf("peer signed differently:\n peer: %s\n mine: %s%s", got, mine.Authorization, mine.PresignedURL)
			}

			b.Run("sigdiff", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := SigV4(sh.req, benchCreds, sh.opts); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("aws-sdk-go-v2", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					peerSign(b, signer, hr, creds, mine.PayloadHash, sh.opts, nil)
				}
			})
		})
	}
}
