package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigdiff/sigdiff/internal/chunked"
	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/report"
)

type verifyOptions struct {
	sign     signFlags
	form     string
	showKeys bool
	output   outputOptions
}

func newVerifyCmd(e *env) *cobra.Command {
	o := &verifyOptions{}
	c := &cobra.Command{
		Use:   "verify (--request FILE | --form FILE) [flags]",
		Short: "recompute a request's signature with your key and say whether it matches",
		Long: `Recompute the signature of a signed request (Authorization header or
presigned URL) with your key and compare it with the signature it carries.
For servers whose errors explain nothing (MinIO, Ceph, Backblaze B2).
The request's own date is used, never the clock; an expired URL or a
stale date still matches, with a warning that the server will refuse it.
Exit status: 0 match, 1 mismatch, 2 bad input.`,
		Example: `  sigdiff verify --request request.txt
  sigdiff verify --request 'presigned-url.txt' --profile dev
  sigdiff verify --request upload.curl --body photo.jpg --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runVerify(e, o) },
	}
	addSignFlags(c, &o.sign, true)
	c.Flags().BoolVar(&o.showKeys, "show-keys", false, "print the derived signing keys (credentials for their day, region and service)")
	addFormFlag(c, &o.form)
	addOutputFlags(c, &o.output)
	return c
}

// verifyResult is verify's JSON output.
type verifyResult struct {
	Match             bool                   `json:"match"`
	SignatureSent     string                 `json:"signature_sent"`
	SignatureComputed string                 `json:"signature_computed"`
	Warnings          []string               `json:"warnings"`
	PolicyChecks      []diagnose.PolicyCheck `json:"policy_checks,omitempty"`
	Chunked           *chunkedSummary        `json:"chunked,omitempty"`
	Derivation        report.Derivation      `json:"derivation"`
}

func runVerify(e *env, o *verifyOptions) error {
	return withMaskedStdout(e, o.output.redact, func() error { return runVerifyInner(e, o) })
}

func runVerifyInner(e *env, o *verifyOptions) error {
	format, st, err := o.output.resolve(e)
	if err != nil {
		return err
	}
	var res verifyResult
	if o.form != "" {
		f, creds, _, notes, err := loadForm(e, o.form, &o.sign, true, time.Now())
		if err != nil {
			return err
		}
		if f.sent == "" {
			return badInputf("%s: the form carries no x-amz-signature, x-goog-signature or signature field to verify", o.form)
		}
		res = verifyResult{
			Match:             diagnose.SameSignature(f.signed.Signature, f.sent),
			SignatureSent:     f.sent,
			SignatureComputed: f.signed.Signature,
			Warnings:          []string{},
			PolicyChecks:      policyChecks(f.outcomes),
			Derivation:        report.NewDerivation(f.signed.Result(), creds.SessionToken, report.ShowKeys(o.showKeys, creds.Secret), notes),
		}
		for _, pc := range res.PolicyChecks {
			if pc.Kind == "expiration" && pc.Status == "failed" {
				res.Warnings = append(res.Warnings, pc.Message+": S3 will refuse the upload for that")
			}
		}
		return finishVerify(e, &res, format, st, failedConditions(res.PolicyChecks))
	}
	if o.sign.request == "" {
		return badInputf("verify needs --request FILE or --form FILE")
	}
	s, err := o.sign.resolve(e, scopeHint{}, true)
	if err != nil {
		return err
	}
	if s.auth == nil {
		return badInputf("the request carries no signature to verify (no Authorization header, no X-Amz-Signature)")
	}
	if s.chunkedBody != "" {
		return verifyChunked(e, o, s, format, st)
	}
	var v *recompute.Result
	match := false
	if s.asymmetric() {
		// RSA and ECDSA signatures are checked with the public key, never
		// compared: ECDSA ones are randomized.
		v, match, err = recompute.Verify(s.req, s.creds, s.opts, s.keyFile)
	} else {
		v, err = recompute.SignWithKey(s.req, s.creds, s.opts, s.scheme, s.keyFile)
		match = err == nil && v.Signature == s.auth.Signature
	}
	if err != nil {
		return badInput(err)
	}
	res = verifyResult{
		Match:             match,
		SignatureSent:     s.auth.Signature,
		SignatureComputed: v.Signature,
		Warnings:          freshness(s.auth, time.Now()),
		Derivation:        report.NewDerivation(v, s.creds.SessionToken, report.ShowKeys(o.showKeys, s.creds.Secret), s.notes),
	}
	if res.Warnings == nil {
		res.Warnings = []string{}
	}
	if s.creds.AccessKeyID != "" && s.auth.AccessKeyID != s.creds.AccessKeyID {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the request names access key %s, your key is %s", s.auth.AccessKeyID, s.creds.AccessKeyID))
	}
	return finishVerify(e, &res, format, st, false)
}

// finishVerify prints the result; the status is 0 for a match, 1 for a
// mismatch or a failed policy condition (S3 refuses the upload either way).
func finishVerify(e *env, res *verifyResult, format string, st report.Style, conditionFailed bool) error {
	if format == "json" {
		if err := report.WriteJSON(e.stdout, res); err != nil {
			return err
		}
	} else {
		p := "mismatch"
		if res.Match {
			p = "match"
		}
		fmt.Fprintf(e.stdout, "sigdiff verify: %s\n  signature sent      %s\n  signature computed  %s\n", p, res.SignatureSent, res.SignatureComputed)
		if c := res.Chunked; c != nil && c.Failure != nil {
			fmt.Fprintf(e.stdout, "  aws-chunked body: chunk %d at byte %d: %s (cause %s)\n", c.Failure.Chunk, c.Failure.Offset, c.Failure.Reason, c.Failure.Cause)
		} else if c != nil {
			fmt.Fprintf(e.stdout, "  aws-chunked body: all %d chunks verified, %d payload bytes in %d body bytes\n", c.Chunks, c.DecodedBytes, c.EncodedBytes)
		}
		for _, w := range res.Warnings {
			fmt.Fprintf(e.stdout, "  warning: %s\n", w)
		}
		for _, pc := range res.PolicyChecks {
			if pc.Status != "ok" && pc.Kind != "expiration" { // expiry is a warning above
				fmt.Fprintf(e.stdout, "  policy %s: %s\n", pc.Status, pc.Message)
			}
		}
		if !res.Match {
			fmt.Fprintln(e.stdout, "  the signature was made from other bytes or another key; the derivation below is what it should have been signed with")
		}
		if err := report.Explain(e.stdout, res.Derivation, st); err != nil {
			return err
		}
	}
	if !res.Match || conditionFailed {
		return errMismatch
	}
	return nil
}

func failedConditions(pcs []diagnose.PolicyCheck) bool {
	for _, pc := range pcs {
		if pc.Status == "failed" && pc.Kind != "expiration" {
			return true
		}
	}
	return false
}

// freshness warns when a correctly signed request will still be refused
// for its time: a presigned URL past X-Amz-Expires, or a date more than 15
// minutes from now (S3's RequestTimeTooSkewed).
func freshness(a *recompute.AuthParams, now time.Time) []string {
	var w []string
	if a.Form == recompute.FormQuery && a.Expires > 0 && a.Family == nil {
		// SigV2 and OSS V1 URLs carry Expires as a Unix time.
		if end := time.Unix(a.Expires, 0).UTC(); now.After(end) {
			w = append(w, fmt.Sprintf("the URL expired at %s, %s ago: the server will refuse it with AccessDenied \"Request has expired\"", end.Format(time.RFC3339), human(now.Sub(end))))
		}
		return w
	}
	if a.Time.IsZero() {
		return nil
	}
	if a.Form == recompute.FormQuery && a.Expires > 0 {
		end := a.Time.Add(time.Duration(a.Expires) * time.Second)
		if now.After(end) {
			w = append(w, fmt.Sprintf("the URL expired at %s (%s after its %s), %s ago: the server will refuse it with AccessDenied \"Request has expired\"", end.Format(time.RFC3339), human(time.Duration(a.Expires)*time.Second), a.TimeSource, human(now.Sub(end))))
		}
		if a.Time.After(now.Add(15 * time.Minute)) {
			w = append(w, "the URL's date is in the future: the server will refuse it as not yet valid")
		}
		return w
	}
	if skew := now.Sub(a.Time); skew > 15*time.Minute || skew < -15*time.Minute {
		w = append(w, fmt.Sprintf("the request is dated %s, %s from now: S3 refuses a request more than 15 minutes off (RequestTimeTooSkewed)", a.Time.Format(time.RFC3339), human(skew)))
	}
	return w
}

// human prints a duration as people say it: days beyond two days.
func human(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	return d.Round(time.Second).String()
}

// verifyChunked checks an aws-chunked upload: the seed signature from the
// request's headers, then every chunk's signature in the chain, the
// lengths, the trailer and its checksums, streaming the body.
func verifyChunked(e *env, o *verifyOptions, s *signing, format string, st report.Style) error {
	v, err := recompute.SigV4(s.req, s.creds, s.opts)
	if err != nil {
		return badInput(err)
	}
	f, err := os.Open(s.chunkedBody)
	if err != nil {
		return badInput(err)
	}
	defer f.Close()
	seedOK := v.Signature == s.auth.Signature
	rep, err := chunked.VerifyRequest(f, s.req, v, s.auth.Signature)
	if err != nil {
		return badInput(prefixed(s.chunkedBody, err))
	}
	res := v.Result()
	res.Steps = append(res.Steps, rep.Steps()...)
	out := verifyResult{
		Match:             seedOK && rep.OK(),
		SignatureSent:     s.auth.Signature,
		SignatureComputed: v.Signature,
		Warnings:          freshness(s.auth, time.Now()),
		Derivation:        report.NewDerivation(res, s.creds.SessionToken, report.ShowKeys(o.showKeys, s.creds.Secret), append(s.notes, rep.Notes...)),
		Chunked:           &chunkedSummary{Chunks: rep.Chunks, DecodedBytes: rep.DecodedBytes, EncodedBytes: rep.EncodedBytes, Failure: rep.Failure},
	}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	if !seedOK {
		out.Warnings = append(out.Warnings, "the seed signature does not match: the chunk chain is checked from the signature the request carries")
	}
	return finishVerify(e, &out, format, st, false)
}

// chunkedSummary is verify --json's account of an aws-chunked body.
type chunkedSummary struct {
	Chunks       int              `json:"chunks"`
	DecodedBytes int64            `json:"decoded_bytes"`
	EncodedBytes int64            `json:"encoded_bytes"`
	Failure      *chunked.Failure `json:"failure"`
}
