package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/diff"
	"github.com/sigdiff/sigdiff/internal/fineuploader"
	"github.com/sigdiff/sigdiff/internal/report"
)

// fineUploaderResult is explain --fineuploader's JSON: the correct
// signing of the payload and, given the signing server's answer, the
// classic mistake that reproduces it.
type fineUploaderResult struct {
	Kind              string            `json:"kind"`
	Derivation        report.Derivation `json:"derivation"`
	SignatureAnswered string            `json:"signature_answered,omitempty"`
	// Verdict: "correct" (the answer is the right signature),
	// "mistake-reproduced", "mistake-not-found", or "" without an answer.
	Verdict    string             `json:"verdict"`
	Mistake    *fineUploaderFound `json:"mistake"`
	Candidates int                `json:"candidates"`
	diffs      []*diff.Result
}

type fineUploaderFound struct {
	Variant             string           `json:"variant"`
	Summary             string           `json:"summary"`
	Causes              []diagnose.Cause `json:"causes"`
	Offset              int              `json:"offset"`
	Region              string           `json:"region,omitempty"`
	Date                string           `json:"date,omitempty"`
	Hashed              string           `json:"hashed,omitempty"`
	StringToSign        string           `json:"string_to_sign"`
	CorrectStringToSign string           `json:"correct_string_to_sign"`
	Encoding            string           `json:"encoding"`
}

// explainFineUploader signs what Fine Uploader sent to its signing server
// and, with the server's answer, finds the mistake that produced it.
func explainFineUploader(payload []byte, src string, creds credentials.Credentials, haveKey bool, answer string, showKeys bool) (*fineUploaderResult, error) {
	p, err := fineuploader.Parse(payload)
	if err != nil {
		return nil, badInput(prefixed(src, err), "give the JSON the browser POSTs to your signing server ({\"headers\": …} or the policy document)")
	}
	res, err := p.Sign(creds)
	if err != nil && !errors.Is(err, fineuploader.ErrNoSecret) {
		return nil, badInput(err)
	}
	out := &fineUploaderResult{Kind: string(p.Kind), SignatureAnswered: answer}
	if res != nil {
		out.Derivation = report.NewDerivation(res, creds.SessionToken, report.ShowKeys(showKeys, creds.Secret), p.Notes)
	}
	if answer == "" {
		return out, nil
	}
	if !haveKey {
		return nil, badInputf("finding the signing server's mistake needs the key it holds: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give --profile or --secret-key-file")
	}
	m, n, err := fineuploader.FindMistake(p, creds, answer)
	out.Candidates = n
	switch {
	case errors.Is(err, fineuploader.ErrSignatureCorrect):
		out.Verdict = "correct"
		return out, nil
	case errors.Is(err, fineuploader.ErrNotFound):
		out.Verdict = "mistake-not-found"
		return out, nil
	case err != nil:
		return nil, badInput(err)
	}
	out.Verdict = "mistake-reproduced"
	f := &fineUploaderFound{Variant: m.Variant, Summary: m.Summary, Offset: m.Offset, Region: m.Region, Date: m.Date,
		Hashed: m.Hashed, StringToSign: m.StringToSign, CorrectStringToSign: m.CorrectStringToSign, Encoding: m.Encoding}
	for _, id := range m.Causes {
		e, _ := diagnose.Lookup(id)
		f.Causes = append(f.Causes, diagnose.Cause{ID: id, Summary: e.Summary, Fix: e.Fix, Evidence: m.Summary, Confidence: diagnose.Reproduced})
	}
	out.Mistake = f
	if m.Hashed != "" && m.Hashed != p.CanonicalRequest {
		out.diffs = append(out.diffs, diff.Compare("canonical_request", diff.CanonicalRequestV4, []byte(p.CanonicalRequest), []byte(m.Hashed)))
	}
	if m.StringToSign != m.CorrectStringToSign {
		out.diffs = append(out.diffs, diff.Compare("string_to_sign", diff.Detect([]byte(m.CorrectStringToSign)), []byte(m.CorrectStringToSign), []byte(m.StringToSign)))
	}
	return out, nil
}

// renderFineUploader prints the finding first, then the proof, then the
// correct signing step by step.
func renderFineUploader(w io.Writer, r *fineUploaderResult, st report.Style) error {
	switch r.Verdict {
	case "correct":
		fmt.Fprintf(w, "sigdiff: the signing server's answer %s is the correct signature for this payload\n", r.SignatureAnswered)
	case "mistake-not-found":
		fmt.Fprintf(w, "sigdiff: the signing server's answer %s is wrong, and none of the %d classic mistakes tried reproduces it\n", r.SignatureAnswered, r.Candidates)
		fmt.Fprintln(w, "  check that the key given is the one the signing server holds; the correct signing follows")
	case "mistake-reproduced":
		if err := renderFineUploaderFinding(w, r); err != nil {
			return err
		}
		for _, d := range r.diffs {
			fmt.Fprintf(w, "\nDiff of the %s (correct vs what the signing server signed)\n", strings.ReplaceAll(d.Part, "_", " "))
			if err := diff.Render(w, d, st.Palette); err != nil {
				return err
			}
		}
		fmt.Fprintln(w, "\nThe correct signing of this payload:")
	}
	return report.Explain(w, r.Derivation, st)
}

// renderFineUploaderFinding prints the reproduced mistake and its causes.
func renderFineUploaderFinding(w io.Writer, r *fineUploaderResult) error {
	m := r.Mistake
	if m == nil {
		return nil
	}
	fmt.Fprintf(w, "sigdiff: reproduced the signing server's answer %s (%d candidates tried)\n", r.SignatureAnswered, r.Candidates)
	fmt.Fprintf(w, "  %s\n", m.Summary)
	for _, c := range m.Causes {
		fmt.Fprintf(w, "  cause: %s (%s): %s\n  fix: %s\n", c.ID, c.Confidence, c.Summary, c.Fix)
	}
	return nil
}
