package recompute

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// The peer: aws-sdk-go-v2's SigV4 signer (aws/signer/v4), used as an
// independent oracle by the differential test and as the baseline of the
// benchmarks. Test-only.

// toHTTP builds the http.Request aws-sdk-go-v2 signs from a request.Request:
// the path as sent goes into URL.RawPath (the signer reads
// URL.EscapedPath()), Host into Request.Host, Content-Length into
// ContentLength (the signer signs it from there, and only when positive).
func toHTTP(tb testing.TB, r *request.Request) *http.Request {
	tb.Helper()
	path, err := url.PathUnescape(r.RawPath)
	if err != nil {
		tb.Fatalf("path %q: %v", r.RawPath, err)
	}
	u := &url.URL{Scheme: r.Scheme, Host: r.Host, Path: path, RawPath: r.RawPath, RawQuery: r.RawQuery}
	if u.EscapedPath() != r.RawPath {
		tb.Fatalf("net/url would send path %q as %q", r.RawPath, u.EscapedPath())
	}
	hr := &http.Request{Method: r.Method, URL: u, Host: r.Host, Header: http.Header{}}
	for _, f := range r.Header {
		switch {
		case strings.EqualFold(f.Name, "Host"):
		case strings.EqualFold(f.Name, "Content-Length"):
			n, err := strconv.ParseInt(strings.TrimSpace(f.Value), 10, 64)
			if err != nil {
				tb.Fatalf("content-length %q", f.Value)
			}
			hr.ContentLength = n
		default:
			hr.Header.Add(f.Name, f.Value)
		}
	}
	return hr
}

func sdkCreds(c credentials.Credentials) aws.Credentials {
	return aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.Secret.Reveal(), SessionToken: c.SessionToken.Reveal()}
}

// captureLogger receives aws-sdk-go-v2's LogSigning output; the signer
// passes the canonical request and the string to sign as the first two
// arguments of its format (v4.go, logSigningInfo).
type captureLogger struct{ canonical, stringToSign string }

func (c *captureLogger) Logf(_ logging.Classification, _ string, v ...interface{}) {
	if len(v) >= 2 {
		c.canonical, _ = v[0].(string)
		c.stringToSign, _ = v[1].(string)
	}
}

// peerResult is what the peer signed.
type peerResult struct {
	canonical, stringToSign, authorization, presignedURL string
}

// peerSign signs hr with aws-sdk-go-v2 the way opts asks sigdiff to sign.
func peerSign(tb testing.TB, signer *v4.Signer, hr *http.Request, creds aws.Credentials, payloadHash string, opts Options, log *captureLogger) peerResult {
	tb.Helper()
	optFns := func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = !opts.Rules().DoubleEncode
		o.DisableHeaderHoisting = true
		o.DisableSessionToken = opts.OmitSessionToken
		if log != nil {
			o.Logger, o.LogSigning = log, true
		}
	}
	ctx := context.Background()
	if opts.Presign {
		u, _, err := signer.PresignHTTP(ctx, creds, hr, payloadHash, opts.Service, opts.Region, opts.Time, optFns)
		if err != nil {
			tb.Fatal(err)
		}
		res := peerResult{presignedURL: u}
		if log != nil {
			res.canonical, res.stringToSign = log.canonical, log.stringToSign
		}
		return res
	}
	if err := signer.SignHTTP(ctx, creds, hr, payloadHash, opts.Service, opts.Region, opts.Time, optFns); err != nil {
		tb.Fatal(err)
	}
	res := peerResult{authorization: hr.Header.Get("Authorization")}
	if log != nil {
		res.canonical, res.stringToSign = log.canonical, log.stringToSign
	}
	return res
}
