package fineuploader

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"strconv"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

// ErrNoSecret is returned when a signature is asked for without a key.
var ErrNoSecret = errors.New("no secret key: the signature needs the key the signing server holds")

func (p *Payload) policyToSign() string {
	if p.AnsweredPolicy != "" {
		return p.AnsweredPolicy
	}
	return base64.StdEncoding.EncodeToString(p.Body)
}

// Sign computes what the signing server should have answered, with every
// step. Without a secret it stops after the string to sign.
func (p *Payload) Sign(creds credentials.Credentials) (*recompute.Result, error) {
	var r *recompute.Result
	switch {
	case p.Kind == KindPolicy:
		// Fine Uploader sends the policy's x-amz-credential as a form
		// field too (s3/util.js generateAwsParams): S3 derives the key
		// from it even when the answered policy is another document.
		in := recompute.PostPolicyInput{Policy: p.policyToSign(), Version: p.Version}
		if cred, ok := p.Policy.Credential(); ok {
			in.Fields = []request.Field{{Name: "x-amz-credential", Value: cred}}
		}
		pp, err := recompute.SignPostPolicy(in, creds, recompute.Options{})
		if err != nil {
			return nil, err
		}
		r = pp.Result()
		rule := "what the browser POSTs for a simple upload: the policy document, which the server base64-encodes byte for byte, signs, and returns as policy and signature"
		if p.AnsweredPolicy != "" {
			rule = "what the browser POSTed for a simple upload; the server answered the policy below, which is what S3 checks the signature against"
		}
		r.Steps = append([]recompute.Step{{Name: "FineUploaderPayload", Rule: rule, Value: string(p.Body)}}, r.Steps...)
	case p.Version == 4:
		v, err := p.signV4(creds)
		if err != nil {
			return nil, err
		}
		r = v.Result()
		r.Steps = append([]recompute.Step{{Name: "FineUploaderHeaders",
			Rule:  "what the browser POSTs for a chunked upload: the string to sign's first three lines, then the canonical request in clear from byte " + strconv.Itoa(p.CanonicalRequestOffset) + " on; the server must hash the canonical request and sign the real string to sign",
			Value: p.Headers}}, r.Steps...)
	default:
		r = &recompute.Result{Scheme: "sigv2-header", Algorithm: "AWS", AccessKeyID: creds.AccessKeyID, StringToSign: p.Headers}
		r.Steps = append(r.Steps, recompute.Step{Name: "StringToSign",
			Rule:  "what the browser POSTs for a chunked upload with signature version 2: the SigV2 string to sign itself (method, Content-MD5, Content-Type, empty Date, x-amz-* headers, resource)",
			Value: p.Headers})
		if !creds.Secret.Empty() {
			r.Signature = signV2(creds.Secret, p.Headers)
			r.Steps = append(r.Steps, recompute.Step{Name: "Signature", Rule: "Base64 of HMAC-SHA1(secret, string to sign)", Value: r.Signature})
		}
	}
	return r, nil
}

// signV4 runs the SigV4 engine from the canonical request the browser
// sent when the three lines agree with each other (then every step of the
// canonical request is shown), else from the exact string to sign.
func (p *Payload) signV4(creds credentials.Credentials) (*recompute.V4, error) {
	sts := p.StringToSign()
	t, err := recompute.ParseAmzDate(p.AmzDate)
	consistent := err == nil && p.Algorithm == recompute.AWS4.Algorithm && p.Terminator == recompute.AWS4.Terminator && p.AmzDate[:8] == p.Date
	if consistent {
		v, err := recompute.FromCanonicalRequest(p.CanonicalRequest, creds, recompute.Options{Region: p.Region, Service: p.Service, Time: t})
		if err == nil && v.StringToSign == sts {
			return v, nil
		}
	}
	return recompute.FromStringToSign(sts, creds, recompute.Options{})
}

// signV2 returns Base64(HMAC-SHA1(secret, s)).
func signV2(secret credentials.Secret, s string) string {
	m := hmac.New(sha1.New, []byte(secret.Reveal()))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
