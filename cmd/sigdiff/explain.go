package main

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/fineuploader"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/report"
)

type explainOptions struct {
	sign             signFlags
	presign          bool
	expires          int64
	normalize        string
	doubleEncode     string
	signBody         string
	omitSessionToken bool
	showKeys         bool
	fineUploader     string
	signature        string
	form             string
	output           outputOptions
}

func newExplainCmd(e *env) *cobra.Command {
	o := &explainOptions{}
	c := &cobra.Command{
		Use:   "explain (--request FILE | --form FILE | --fineuploader FILE [--signature SIG]) [flags]",
		Short: "walk through the signing of your request, step by step",
		Long: `Teaching mode: every step of SigV4 signing of your own request, in order,
with the rule applied at each step, the key chain and the final header or
presigned URL. Works without a secret too (everything up to the string to
sign). The signing options that the official test vectors vary are flags,
so each vector can be reproduced from the command line.`,
		Example: `  sigdiff explain --request get-object.txt
  sigdiff explain --request req.txt --presign --expires 86400
  sigdiff explain --request req.txt --service service --normalize on --double-encode on --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runExplain(e, o) },
	}
	addSignFlags(c, &o.sign, true)
	f := c.Flags()
	f.BoolVar(&o.presign, "presign", false, "sign in the query string (a presigned URL) instead of the Authorization header")
	f.Int64Var(&o.expires, "expires", 0, "X-Amz-Expires in `SECONDS` for --presign")
	f.StringVar(&o.normalize, "normalize", "auto", "normalize the path (remove dot segments, duplicate slashes): auto (not for S3), on or off")
	f.StringVar(&o.doubleEncode, "double-encode", "auto", "encode the path twice: auto (not for S3), on or off")
	f.StringVar(&o.signBody, "sign-body", "auto", "add x-amz-content-sha256 with the payload hash and sign it: auto (S3), on or off")
	f.BoolVar(&o.omitSessionToken, "omit-session-token", false, "add X-Amz-Security-Token after signing, outside the signature")
	f.BoolVar(&o.showKeys, "show-keys", false, "print the derived signing keys (credentials for their day, region and service)")
	f.StringVar(&o.fineUploader, "fineuploader", "", "`FILE` holding what Fine Uploader POSTed to your signing server ({\"headers\": …} or a policy document)")
	f.StringVar(&o.signature, "signature", "", "the `SIGNATURE` your signing server answered, to find the mistake that produced it")
	addFormFlag(c, &o.form)
	addOutputFlags(c, &o.output)
	return c
}

func toggle(name, v string) (recompute.Toggle, error) {
	switch v {
	case "auto", "":
		return recompute.Auto, nil
	case "on", "true", "yes":
		return recompute.On, nil
	case "off", "false", "no":
		return recompute.Off, nil
	}
	return recompute.Auto, badInputf("--%s takes auto, on or off, not %q", name, v)
}

func runExplain(e *env, o *explainOptions) error {
	return withMaskedStdout(e, o.output.redact, func() error { return runExplainInner(e, o) })
}

func runExplainInner(e *env, o *explainOptions) error {
	format, st, err := o.output.resolve(e)
	if err != nil {
		return err
	}
	if o.fineUploader == "" && o.sign.request != "" {
		// A Fine Uploader payload given as the request is recognised.
		if data, _, err := readInput(e, o.sign.request, "request"); err == nil && looksLikeFineUploader(data) {
			o.fineUploader = o.sign.request
		}
	}
	if o.fineUploader != "" {
		return runExplainFineUploader(e, o, format, st)
	}
	if o.form != "" {
		f, creds, _, notes, err := loadForm(e, o.form, &o.sign, false, time.Now())
		if err != nil {
			return err
		}
		d := report.NewDerivation(f.signed.Result(), creds.SessionToken, report.ShowKeys(o.showKeys, creds.Secret), notes)
		if format == "json" {
			return report.WriteJSON(e.stdout, struct {
				report.Derivation
				PolicyChecks []diagnose.PolicyCheck `json:"policy_checks"`
			}{d, policyChecks(f.outcomes)})
		}
		if err := report.Explain(e.stdout, d, st); err != nil {
			return err
		}
		return report.PolicyChecks(e.stdout, policyChecks(f.outcomes), st)
	}
	if o.sign.request == "" {
		return badInputf("explain needs --request FILE (or --fineuploader FILE, or --form FILE)")
	}
	if o.signature != "" {
		return badInputf("--signature goes with --fineuploader; for a request, sigdiff verify compares the signature it carries")
	}
	s, err := o.sign.resolve(e, scopeHint{}, false)
	if err != nil {
		return err
	}
	opts := s.opts
	if opts.Normalize, err = toggle("normalize", o.normalize); err != nil {
		return err
	}
	if opts.DoubleEncode, err = toggle("double-encode", o.doubleEncode); err != nil {
		return err
	}
	if opts.SignBody, err = toggle("sign-body", o.signBody); err != nil {
		return err
	}
	opts.OmitSessionToken = o.omitSessionToken
	if o.presign {
		opts.Presign = true
		opts.Expires = o.expires
	} else if o.expires != 0 {
		return badInputf("--expires goes with --presign")
	}
	if opts.Time.IsZero() && (s.auth == nil || s.auth.Time.IsZero()) && !hasDate(s) {
		// An unsigned request without a date: sign it now, as a client would.
		opts.Time = time.Now().UTC().Truncate(time.Second)
		s.notes = append(s.notes, "the request has no date: signed at the current time "+opts.Time.Format(recompute.AmzDateLayout)+" (give --time to fix it)")
	}
	v, err := recompute.SignWithKey(s.req, s.creds, opts, s.scheme, s.keyFile)
	if err != nil {
		return badInput(err)
	}
	d := report.NewDerivation(v, s.creds.SessionToken, report.ShowKeys(o.showKeys, s.creds.Secret), s.notes)
	if format == "json" {
		return report.WriteJSON(e.stdout, d)
	}
	return report.Explain(e.stdout, d, st)
}

func hasDate(s *signing) bool {
	for _, h := range []string{"x-amz-date", "x-goog-date", "x-oss-date", "date"} {
		if _, ok := s.req.Get(h); ok {
			return true
		}
	}
	return false
}

func looksLikeFineUploader(data []byte) bool {
	t := strings.TrimSpace(string(data))
	if !strings.HasPrefix(t, "{") {
		return false
	}
	_, err := fineuploader.Parse(data)
	return err == nil
}

func runExplainFineUploader(e *env, o *explainOptions, format string, st report.Style) error {
	data, src, err := readInput(e, o.fineUploader, "Fine Uploader payload")
	if err != nil {
		return err
	}
	creds, haveKey, _, err := o.sign.loadCreds(e, "", o.signature != "", "aws")
	if err != nil {
		return err
	}
	r, err := explainFineUploader(data, src, creds, haveKey, strings.TrimSpace(o.signature), o.showKeys)
	if err != nil {
		return err
	}
	if format == "json" {
		err = report.WriteJSON(e.stdout, r)
	} else {
		err = renderFineUploader(e.stdout, r, st)
	}
	if err != nil {
		return err
	}
	if r.Verdict == "mistake-reproduced" || r.Verdict == "mistake-not-found" {
		return errMismatch
	}
	return nil
}
