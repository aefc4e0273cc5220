package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigdiff/sigdiff/internal/clientlog"
	"github.com/sigdiff/sigdiff/internal/clientsig"
	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/s3error"
	"github.com/sigdiff/sigdiff/internal/search"
)

type checkOptions struct {
	client string
	host   string
	form   string
	search string
	sign   signFlags
	output outputOptions
}

// outputOptions are the flags every reporting command shares.
type outputOptions struct {
	json   bool
	format string
	color  string
	redact bool
}

func addOutputFlags(c *cobra.Command, o *outputOptions) {
	f := c.Flags()
	f.BoolVar(&o.json, "json", false, "print one JSON object (same as --format json)")
	f.StringVar(&o.format, "format", "", "output format: text, json or markdown")
	f.StringVar(&o.color, "color", "auto", "colour: auto, always or never (NO_COLOR and TERM=dumb turn auto off)")
	f.BoolVar(&o.redact, "redact", false, "mask access key ids, bucket names, hosts and security tokens (the same value, the same mask) so the output can be pasted publicly; signatures are kept")
}

func addCheckFlags(c *cobra.Command, o *checkOptions) {
	f := c.Flags()
	f.StringVar(&o.client, "client", "", "`FILE` holding what your client signed: canonical request and/or string to sign")
	f.StringVar(&o.host, "host", "", "the `HOST` the request went to, to check the scope's region against it")
	addSignFlags(c, &o.sign, false)
	addFormFlag(c, &o.form)
	f.StringVar(&o.search, "search", "quick", "with a key, search known client mistakes for the one that reproduces the signature sent: quick (about 2 s), deep or off")
	addOutputFlags(c, &o.output)
}

func newCheckCmd(e *env) *cobra.Command {
	o := &checkOptions{}
	c := &cobra.Command{
		Use:   "check [flags] [FILE|-]",
		Short: "diagnose a signature error body (the default command)",
		Long: `Diagnose the body of a signature error: pasted on standard input, piped,
or in FILE. Any form works: bare XML, an HTTP response, a curl -v
transcript, a string literal of JSON/Python/Ruby/Go…, HTML-escaped, a log.`,
		Example: `  sigdiff check error.xml
  sigdiff check --client signer-debug.log error.xml
  pbpaste | sigdiff check --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runCheck(e, o, args) },
	}
	addCheckFlags(c, o)
	return c
}

func runCheck(e *env, o *checkOptions, args []string) error {
	format, pal, err := o.output.resolve(e)
	if err != nil {
		return err
	}
	budget, err := search.ParseBudget(o.search)
	if err != nil {
		return badInputf("--search takes quick, deep or off, not %q", o.search)
	}
	if o.form != "" && o.sign.request != "" {
		return badInputf("give --request or --form, not both: a form upload is its own request")
	}
	name := ""
	if len(args) == 1 {
		name = args[0]
	}
	data, src, err := readInput(e, name, "error body")
	if err != nil {
		return err
	}
	// A browser capture or a client's debug log holds many exchanges:
	// every refused one is diagnosed.
	if looksLikeHAR(data) {
		return checkHAR(e, o, data, src, budget, format, pal)
	}
	if clientlog.Detect(data) != "" {
		if done, err := checkLog(e, o, data, src, budget, format, pal); done || err != nil {
			return err
		}
	}
	body, err := s3error.Parse(data)
	if err != nil {
		return badInput(prefixed(src, err), "paste the whole response body, from <Error> to </Error>")
	}
	var client *clientsig.Signed
	if o.client != "" {
		if client, err = readClient(e, o.client, body); err != nil {
			return err
		}
	}
	rep, err := diagnoseCase(e, o, body, nil, client, budget)
	if err != nil {
		return err
	}
	if err := renderMasked(e, o.output.redact, []*diagnose.Report{rep}, func(w io.Writer) error { return render(w, rep, format, pal) }); err != nil {
		return err
	}
	return verdictStatus(rep)
}

// diagnoseCase runs the whole analysis of one error: what the client
// signed (given), the request (given as req, or --request, or --form)
// recomputed with the key when there is one, the mistake search.
func diagnoseCase(e *env, o *checkOptions, body *s3error.Body, req *request.Request, client *clientsig.Signed, budget search.Budget) (*diagnose.Report, error) {
	in := diagnose.Input{Body: body, Host: o.host, Client: client}
	switch {
	case o.form != "":
		if err := formForCheck(e, o, body, &in); err != nil {
			return nil, err
		}
	case req != nil || o.sign.request != "":
		s, err := recomputeForCheck(e, o, body, req, &in)
		if err != nil {
			return nil, err
		}
		// The search reproduces HMAC signatures; RSA and ECDSA ones are
		// only verified.
		if s.haveKey && in.Client == nil && !s.asymmetric() && !keyMismatch(body, &in) {
			runSearch(e, budget, body, &in, s.creds, s.req)
		}
	default:
		if err := keyOnlyForCheck(e, o, body, &in, budget); err != nil {
			return nil, err
		}
	}
	return diagnose.Diagnose(in), nil
}

// renderMasked writes what out writes, masked for public pasting when
// redact is set (the values to mask come from the reports and the text).
func renderMasked(e *env, redact bool, reps []*diagnose.Report, out func(io.Writer) error) error {
	return maskStdout(e, redact, func(m *publicMasker) {
		for _, r := range reps {
			m.collect(r)
		}
	}, func() error { return out(e.stdout) })
}

// withMaskedStdout runs a command whose output is masked for public
// pasting when redact is set (values learned from the printed text).
func withMaskedStdout(e *env, redact bool, run func() error) error {
	return maskStdout(e, redact, nil, run)
}

// maskStdout runs run with standard output held, then writes it masked:
// the values seed teaches the masker first, then those the text shows.
func maskStdout(e *env, redact bool, seed func(*publicMasker), run func() error) error {
	if !redact {
		return run()
	}
	orig := e.stdout
	var buf bytes.Buffer
	e.stdout = &buf
	err := run()
	e.stdout = orig
	m := newPublicMasker()
	if seed != nil {
		seed(m)
	}
	m.learn(buf.String())
	if _, werr := io.WriteString(orig, m.apply(buf.String())); err == nil {
		err = werr
	}
	return err
}

// readClient reads --client: a canonical request and/or string to sign,
// or a client's debug log, from which the exchange that sent the error's
// signature (else the first that logged its strings) is taken.
func readClient(e *env, name string, body *s3error.Body) (*clientsig.Signed, error) {
	data, src, err := readInput(e, name, "client's signed strings")
	if err != nil {
		return nil, err
	}
	if clientlog.Detect(data) != "" {
		if l, err := clientlog.Parse(data); err == nil {
			var first *clientsig.Signed
			for i := range l.Exchanges {
				x := &l.Exchanges[i]
				sig := x.Signed()
				if sig == nil {
					continue
				}
				if first == nil {
					first = sig
				}
				if body.SignatureProvided != "" && strings.EqualFold(x.Signature, body.SignatureProvided) {
					return sig, nil
				}
			}
			if first != nil {
				return first, nil
			}
		}
	}
	c, err := clientsig.Parse(data)
	if err != nil {
		return nil, badInput(prefixed(src, err))
	}
	return c, nil
}

// recomputeForCheck signs the user's request (the "correct" view) and, with
// a key, the server's own string to sign (the signature it expected).
func recomputeForCheck(e *env, o *checkOptions, body *s3error.Body, req *request.Request, in *diagnose.Input) (*signing, error) {
	var s *signing
	var err error
	if req != nil {
		s, err = o.sign.resolveRequest(e, req, req.Source, hintFromBody(body), false)
	} else {
		s, err = o.sign.resolve(e, hintFromBody(body), false)
	}
	if err != nil {
		return nil, err
	}
	if in.Host == "" {
		in.Host = s.req.Host
	}
	v, err := recompute.SignWithKey(s.req, s.creds, s.opts, s.scheme, s.keyFile)
	if err != nil {
		return nil, badInput(err)
	}
	rc := &diagnose.Recomputed{
		Scheme:           v.Scheme,
		CanonicalRequest: v.CanonicalRequest,
		StringToSign:     v.StringToSign,
		Signature:        v.Signature,
		Notes:            s.notes,
	}
	if s.haveKey && len(body.StringToSign) > 0 {
		if sv, err := recompute.SignStringToSignWithKey(v.Scheme, string(body.StringToSign), s.creds, s.opts, s.keyFile); err == nil {
			rc.ServerSignature = sv.Signature
		} else {
			rc.Notes = append(rc.Notes, "the server's string to sign could not be re-signed: "+err.Error())
		}
	}
	if s.auth != nil {
		in.SentSignature = s.auth.Signature
	}
	if s.asymmetric() {
		provided := body.SignatureProvided
		if provided == "" {
			provided = in.SentSignature
		}
		verifyViews(s, body, rc, provided)
		s.haveKey = verifierFor(s) != nil
	}
	in.Recomputed, in.HaveKey = rc, s.haveKey
	return s, nil
}

// keyOnlyForCheck uses a key found in the usual places (environment,
// profile, flags) when no request is given: the server's string to sign
// with that key tells key-mismatch apart, and the search can run from the
// server's own canonical request.
func keyOnlyForCheck(e *env, o *checkOptions, body *s3error.Body, in *diagnose.Input, budget search.Budget) error {
	if len(body.StringToSign) == 0 || body.SignatureProvided == "" {
		return nil
	}
	service := "aws"
	switch body.Service {
	case "oss", "gcs":
		service = body.Service
	}
	creds, haveKey, notes, err := o.sign.loadCreds(e, body.AccessKeyID, false, service)
	if err != nil || !haveKey {
		return err
	}
	rc := &diagnose.Recomputed{Notes: notes}
	if body.AccessKeyID != "" && creds.AccessKeyID != "" && creds.AccessKeyID != body.AccessKeyID && !strings.HasPrefix(body.AccessKeyID, "[") {
		rc.Notes = append(rc.Notes, fmt.Sprintf("the key found (%s, from %s) is not the access key id of the error (%s): conclusions about the key may not hold", creds.AccessKeyID, creds.Source, body.AccessKeyID))
	}
	if res, err := recompute.SignStringToSign(body.Scheme, string(body.StringToSign), creds, recompute.Options{}); err == nil {
		rc.ServerSignature = res.Signature
		rc.Scheme = res.Scheme
	} else {
		rc.Notes = append(rc.Notes, "the server's string to sign could not be re-signed: "+err.Error())
	}
	in.Recomputed, in.HaveKey = rc, true
	if !keyMismatch(body, in) {
		runSearch(e, budget, body, in, creds, nil)
	}
	return nil
}

// keyMismatch reports whether the key already reproduces the signature
// from the server's own string to sign: then there is nothing to search.
func keyMismatch(body *s3error.Body, in *diagnose.Input) bool {
	rc := in.Recomputed
	return rc != nil && rc.ServerSignature != "" && strings.EqualFold(rc.ServerSignature, strings.TrimSpace(body.SignatureProvided))
}

// formForCheck recomputes a form upload's policy signature and evaluates
// its conditions. The policy's conditions are judged at the server's time
// when the error gives it.
func formForCheck(e *env, o *checkOptions, body *s3error.Body, in *diagnose.Input) error {
	now := time.Now()
	if st, ok := body.Get("ServerTime"); ok {
		if t, err := time.Parse(time.RFC3339, st); err == nil {
			now = t
		}
	}
	f, creds, haveKey, notes, err := loadForm(e, o.form, &o.sign, false, now)
	if err != nil {
		return err
	}
	rc := &diagnose.Recomputed{Scheme: f.signed.Scheme(), StringToSign: f.signed.StringToSign, Signature: f.signed.Signature, Notes: notes}
	if haveKey && len(body.StringToSign) > 0 {
		// The server's string to sign is the base64 policy it received.
		res, err := recompute.SignPostPolicy(recompute.PostPolicyInput{Policy: string(body.StringToSign), Fields: f.form.RequestFields()}, creds, recompute.Options{Region: o.sign.region, Service: o.sign.service})
		if err == nil {
			rc.ServerSignature = res.Signature
		}
	}
	in.Recomputed, in.HaveKey, in.SentSignature = rc, haveKey, f.sent
	in.PolicyChecks = policyChecks(f.outcomes)
	return nil
}

// hintFromBody reads date, region and service from the server's string to
// sign (line 2 and the scope on line 3).
func hintFromBody(b *s3error.Body) scopeHint {
	lines := strings.Split(string(b.StringToSign), "\n")
	if len(lines) < 3 {
		return scopeHint{}
	}
	parts := strings.Split(lines[2], "/")
	if len(parts) != 4 {
		return scopeHint{}
	}
	return scopeHint{amzDate: lines[1], region: parts[1], service: parts[2]}
}

// verdictStatus maps the verdict to the exit status: 0 when nothing is
// wrong or the error is fully explained, errMismatch (1) otherwise.
func verdictStatus(rep *diagnose.Report) error {
	if rep.Verdict == diagnose.NotASignatureError {
		return nil
	}
	return errMismatch
}
