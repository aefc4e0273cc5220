package main

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/policy"
	"github.com/sigdiff/sigdiff/internal/recompute"
)

// A browser form upload (POST policy) is given with --form: a saved
// multipart body, a HAR, a raw HTTP POST, or name=value lines.

func addFormFlag(c *cobra.Command, dst *string) {
	c.Flags().StringVar(dst, "form", "", "`FILE` holding a browser form upload (POST policy): a multipart body, a HAR, a raw HTTP POST or name=value lines")
}

// formUpload is a parsed form upload and its recomputed signature.
type formUpload struct {
	form     *policy.Form
	pol      *policy.Policy
	signed   *recompute.PostPolicy
	sent     string // the signature the form carries
	outcomes []policy.Outcome
}

func loadForm(e *env, name string, sf *signFlags, needKey bool, now time.Time) (*formUpload, credentials.Credentials, bool, []string, error) {
	data, src, err := readInput(e, name, "form upload")
	if err != nil {
		return nil, credentials.Credentials{}, false, nil, err
	}
	form, err := policy.ParseForm(data, "")
	if err != nil {
		return nil, credentials.Credentials{}, false, nil, badInput(prefixed(src, err))
	}
	raw, ok := form.Get("policy")
	if !ok {
		return nil, credentials.Credentials{}, false, nil, badInputf("%s: the form has no policy field", src)
	}
	pol, err := policy.Parse([]byte(raw))
	if err != nil {
		return nil, credentials.Credentials{}, false, nil, badInput(prefixed(src, err))
	}
	accessKey, _ := form.Get("AWSAccessKeyId")
	service := "aws"
	if cred, ok := form.Get("x-amz-credential"); ok {
		accessKey, _, _ = strings.Cut(cred, "/")
	} else if cred, ok := form.Get("x-goog-credential"); ok {
		// A GCS form signed with an HMAC key (GOOG4-HMAC-SHA256); an RSA
		// one names a service account, which no HMAC key signs for.
		accessKey, _, _ = strings.Cut(cred, "/")
		service = "gcs"
	}
	creds, haveKey, notes, err := sf.loadCreds(e, accessKey, needKey, service)
	if err != nil {
		return nil, creds, false, nil, err
	}
	opts := recompute.Options{Region: sf.region, Service: sf.service}
	signed, err := recompute.SignPostPolicy(recompute.PostPolicyInput{Policy: raw, Fields: form.RequestFields()}, creds, opts)
	if err != nil {
		return nil, creds, false, nil, badInput(prefixed(src, err))
	}
	f := &formUpload{form: form, pol: pol, signed: signed}
	for _, name := range []string{"x-amz-signature", "x-goog-signature", "signature"} {
		if f.sent, _ = form.Get(name); f.sent != "" {
			break
		}
	}
	in := policy.Input{Form: form, Bucket: policy.BucketFromURL(form.URL), Now: now}
	if file := form.File(); file != nil && file.Size >= 0 {
		in.FileSize, in.FileSizeKnown = file.Size, true
	}
	f.outcomes = policy.Evaluate(pol, in)
	notes = append(notes, form.Notes...)
	notes = append(notes, signed.Notes...)
	return f, creds, haveKey, notes, nil
}

// policyChecks turns the condition outcomes into the report's form.
func policyChecks(outs []policy.Outcome) []diagnose.PolicyCheck {
	var pcs []diagnose.PolicyCheck
	for _, o := range outs {
		pcs = append(pcs, diagnose.PolicyCheck{Kind: o.Kind, Field: o.Field, Status: o.Status.String(), Cause: o.Cause, Message: o.Message})
	}
	return pcs
}
