package recompute

import (
	"crypto/sha256"
	"strings"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
)

// Starting points after the canonical request: a run can begin from a
// canonical request or a string to sign given as text (the server's, from
// its SignatureDoesNotMatch body, or one step perturbed by the diagnosis)
// and compute every later step exactly as SigV4 does, over exactly those
// bytes. This is smithy-go's split of signing into a canonicalizer and a
// Finalizer (aws-http-auth/internal/v4/signer.go).

// FromCanonicalRequest hashes canonicalRequest and signs it with the scope
// and time of opts (Options.Time is required: there is no request to take
// it from). The part fields (Method, CanonicalURI, …) are filled when the
// text has the six-part shape and left empty otherwise. Authorization is
// built in the header form; in the query form only Signature is (a
// presigned URL needs the request's host).
func FromCanonicalRequest(canonicalRequest string, creds credentials.Credentials, opts Options) (*V4, error) {
	v, err := newV4(creds, &opts)
	if err != nil {
		return nil, err
	}
	if opts.Time.IsZero() {
		return nil, ErrNoTime
	}
	if err := v.setTime(opts.Time); err != nil {
		return nil, err
	}
	v.CanonicalRequest = canonicalRequest
	v.Method, v.CanonicalURI, v.CanonicalQueryString, v.CanonicalHeaders, v.SignedHeaders, v.PayloadHash, _ = splitCanonicalRequest(canonicalRequest)
	sum := sha256.Sum256([]byte(canonicalRequest))
	sts := v.stringToSign(&sum, v.authorizationLen())
	if creds.Secret.Empty() {
		return v, nil
	}
	mac := v.sign(creds.Secret, &opts, sts)
	if v.Form == FormQuery {
		v.Signature = hexString(&mac)
		return v, nil
	}
	v.Authorization = v.appendAuthorization(sts, &mac)
	v.Signature = v.Authorization[len(v.Authorization)-64:]
	return v, nil
}

// FromStringToSign signs stringToSign as given. The key is derived from
// the scope on its third line (date, region, service, terminator) so that
// the result is what a server holding creds computes for it; when that line
// is not a scope, opts' time, region and service are used instead. Only
// Family and Cache of opts matter otherwise. AmzDate, Date, Scope and
// CanonicalRequestHash are filled from the text when it has four lines.
func FromStringToSign(stringToSign string, creds credentials.Credentials, opts Options) (*V4, error) {
	f := opts.family()
	v := &V4{Family: f, Form: FormHeader, AccessKeyID: creds.AccessKeyID, StringToSign: stringToSign}
	lines := strings.Split(stringToSign, "\n")
	if len(lines) == 4 {
		v.AmzDate, v.Scope, v.CanonicalRequestHash = lines[1], lines[2], lines[3]
		if t, err := ParseAmzDate(v.AmzDate); err == nil {
			v.Time = t
		}
	}
	scope := strings.Split(v.Scope, "/")
	if len(scope) == 4 && scope[0] != "" && scope[1] != "" && scope[2] != "" {
		v.Date, v.Region, v.Service = scope[0], scope[1], scope[2]
		if scope[3] != f.Terminator {
			g := *f // sign with the terminator the text names
			g.Terminator = scope[3]
			v.Family = &g
		}
	} else {
		if opts.Region == "" {
			return nil, ErrNoRegion
		}
		if opts.Service == "" {
			return nil, ErrNoService
		}
		if opts.Time.IsZero() {
			return nil, ErrNoTime
		}
		fromText := v.AmzDate
		if err := v.setTime(opts.Time); err != nil {
			return nil, err
		}
		if fromText != "" {
			v.AmzDate = fromText // show the text's own second line
		}
		v.Region, v.Service = opts.Region, opts.Service
	}
	if v.Time.IsZero() && len(v.Date) == 8 {
		v.Time, _ = time.Parse("20060102", v.Date)
	}
	v.Rules = (&Options{Family: f, Service: v.Service}).Rules()
	if creds.Secret.Empty() {
		return v, nil
	}
	buf := make([]byte, 64, 64+len(stringToSign))
	buf = append(buf, stringToSign...)
	mac := v.sign(creds.Secret, &opts, buf)
	v.Signature = hexString(&mac)
	return v, nil
}
