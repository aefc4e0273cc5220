package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/sigdiff/sigdiff/internal/clientlog"
	"github.com/sigdiff/sigdiff/internal/clientsig"
	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/har"
	"github.com/sigdiff/sigdiff/internal/report"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/s3error"
	"github.com/sigdiff/sigdiff/internal/search"
)

// A capture (a browser's HAR, a client's debug log) holds many exchanges;
// check diagnoses every one refused with a signing error, each as if its
// error body, request and signed strings had been given one by one.

// captureCase is one refused exchange of a capture.
type captureCase struct {
	Entry  int    `json:"entry"` // 1-based: --entry N
	Method string `json:"method"`
	URL    string `json:"url"`
	Status int    `json:"status"`
	body   *s3error.Body
	req    *request.Request
	client *clientsig.Signed
	Report *diagnose.Report `json:"report"`
}

// captureResult is check --json's output for a capture: one object.
type captureResult struct {
	Source    string         `json:"source"` // "har" or "log:<format>"
	Exchanges int            `json:"exchanges"`
	Failures  []*captureCase `json:"failures"`
}

func checkHAR(e *env, o *checkOptions, data []byte, src string, budget search.Budget, format string, st report.Style) error {
	h, err := har.Parse(data)
	if err != nil {
		return badInput(prefixed(src, err))
	}
	var cases []*captureCase
	for _, f := range har.Failures(h) {
		if o.sign.entry > 0 && f.Index != o.sign.entry {
			continue
		}
		cases = append(cases, &captureCase{Entry: f.Index, Method: f.Request.Method, URL: f.Request.URL(), Status: f.Entry.Response.Status, body: f.Body, req: f.Request})
	}
	if o.sign.entry > 0 && len(cases) == 0 {
		return badInputf("%s: entry %d is not a request refused with a signing error", src, o.sign.entry)
	}
	return runCapture(e, o, &captureResult{Source: "har", Exchanges: len(h.Entries)}, cases, budget, format, st)
}

// checkLog diagnoses the refused exchanges of a client's debug log. done
// is false when the log shows no refused exchange, so that the input is
// read as an error body instead (a curl -v transcript is both).
func checkLog(e *env, o *checkOptions, data []byte, src string, budget search.Budget, format string, st report.Style) (bool, error) {
	l, err := clientlog.Parse(data)
	if err != nil {
		return false, nil
	}
	fs := l.Failures()
	if len(fs) == 0 {
		return false, nil
	}
	var cases []*captureCase
	for _, f := range fs {
		if o.sign.entry > 0 && f.Index != o.sign.entry {
			continue
		}
		c := &captureCase{Entry: f.Index, Status: f.Exchange.Status, body: f.Body, req: f.Exchange.Request, client: f.Exchange.Signed()}
		if c.req != nil {
			c.Method, c.URL = c.req.Method, c.req.URL()
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		return true, badInputf("%s: exchange %d is not one refused with a signing error", src, o.sign.entry)
	}
	return true, runCapture(e, o, &captureResult{Source: "log:" + l.Format, Exchanges: len(l.Exchanges)}, cases, budget, format, st)
}

func runCapture(e *env, o *checkOptions, res *captureResult, cases []*captureCase, budget search.Budget, format string, st report.Style) error {
	res.Failures = cases
	for _, c := range cases {
		var err error
		if c.Report, err = diagnoseCase(e, o, c.body, c.req, c.client, budget); err != nil {
			return err
		}
	}
	reps := make([]*diagnose.Report, len(cases))
	for i, c := range cases {
		reps[i] = c.Report
	}
	err := renderMasked(e, o.output.redact, reps, func(w io.Writer) error {
		if format == "json" {
			return report.WriteJSON(w, res)
		}
		writeCaptureSummary(w, res)
		for _, c := range cases {
			fmt.Fprintf(w, "\n━━ %s %d: %s %s → %d ━━\n", entryWord(res.Source), c.Entry, c.Method, c.URL, c.Status)
			if err := render(w, c.Report, format, st); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(cases) == 0 {
		return nil
	}
	return errMismatch
}

func entryWord(source string) string {
	if source == "har" {
		return "entry"
	}
	return "exchange"
}

func entriesWord(source string) string {
	if source == "har" {
		return "entries"
	}
	return "exchanges"
}

// writeCaptureSummary prints one line per refused exchange before the reports.
func writeCaptureSummary(w io.Writer, res *captureResult) {
	what := "HAR"
	if f, ok := strings.CutPrefix(res.Source, "log:"); ok {
		what = f + " debug log"
	}
	fmt.Fprintf(w, "sigdiff: %d of the %d %s in the %s were refused with a signing error\n", len(res.Failures), res.Exchanges, entriesWord(res.Source), what)
	if len(res.Failures) == 0 {
		return
	}
	fmt.Fprintf(w, "  %-5s %-7s %-6s %-28s %-28s %s\n", "#", "method", "status", "error", "verdict", "lead cause")
	for _, c := range res.Failures {
		lead := "-"
		if len(c.Report.Causes) > 0 {
			lead = c.Report.Causes[0].ID
		}
		fmt.Fprintf(w, "  %-5d %-7s %-6d %-28s %-28s %s\n", c.Entry, c.Method, c.Status, c.Report.ErrorCode, c.Report.Verdict, lead)
	}
}
