// Package report prints a diagnosis: as text for people (with or without
// colour), as one JSON object for scripts, or as Markdown for an issue or a
// forum post. Every form draws the same diagnose.Report.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"

	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/diff"
)

// Style carries the colour decision made once by the command.
type Style struct {
	Palette diff.Palette
	Color   bool
}

// Plain is the style without colour.
func Plain() Style { return Style{Palette: diff.PlainPalette()} }

type painter struct{ on bool }

func (p painter) paint(s string, attrs ...color.Attribute) string {
	if !p.on || s == "" {
		return s
	}
	c := color.New(attrs...)
	c.EnableColor()
	return c.Sprint(s)
}

func (p painter) head(s string) string { return p.paint(s, color.Bold) }
func (p painter) good(s string) string { return p.paint(s, color.FgGreen) }
func (p painter) bad(s string) string  { return p.paint(s, color.FgRed, color.Bold) }
func (p painter) dim(s string) string  { return p.paint(s, color.Faint) }
func (p painter) id(s string) string   { return p.paint(s, color.FgCyan) }

// JSON writes the report as one indented JSON object and a newline.
func JSON(w io.Writer, r *diagnose.Report) error { return WriteJSON(w, r) }

// WriteJSON writes v as one indented JSON object and a newline, leaving
// &, < and > as they are: URLs and canonical requests read as sent.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// Text writes the report for people, in the order they need it: the
// verdict, what the server signed, the checks, the diff, the causes and
// what to do next.
func Text(w io.Writer, r *diagnose.Report, st Style) error {
	p := painter{on: st.Color}
	var b strings.Builder
	verdictLine(&b, p, r)
	serverSection(&b, p, r)
	checksSection(&b, p, r)
	policySection(&b, p, r.PolicyChecks)
	recomputedSection(&b, p, r)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	b.Reset()
	other := "client"
	switch {
	case r.Search != nil && r.Search.Reproduced:
		other = "what the client signed, as the search reproduced it"
	case r.Client == nil && r.Recomputed != nil:
		other = "your request, recomputed"
	}
	for _, d := range r.Diffs {
		fmt.Fprintf(w, "\n%s\n", p.head(fmt.Sprintf("Diff of the %s (server vs %s)", strings.ReplaceAll(d.Part, "_", " "), other)))
		if err := diff.Render(w, d, st.Palette); err != nil {
			return err
		}
	}
	causesSection(&b, p, r)
	nextSection(&b, p, r)
	_, err := io.WriteString(w, b.String())
	return err
}

func verdictLine(b *strings.Builder, p painter, r *diagnose.Report) {
	what := r.ErrorCode
	if what == "" {
		what = "error"
	}
	svc := r.Service
	if r.Provider != "" && r.Provider != r.Service {
		svc += ", " + r.Provider
	}
	mark := p.bad(r.Verdict)
	if r.Verdict == diagnose.NotASignatureError {
		mark = p.good(r.Verdict)
	}
	if svc != "" && svc != "unknown" {
		what += " from " + svc
	}
	if r.Scheme != "" && r.Scheme != "unknown" {
		what += " (" + r.Scheme + ")"
	}
	fmt.Fprintf(b, "%s %s: %s\n", p.head("sigdiff:"), what, mark)
	if r.Headline != "" {
		fmt.Fprintf(b, "  %s\n", r.Headline)
	}
	for _, f := range r.Facts {
		fmt.Fprintf(b, "  - %s\n", f)
	}
	// The first screen names the lead cause and its fix; the proof follows.
	if len(r.Causes) > 0 && r.Causes[0].ID != "paste-damaged" {
		c := r.Causes[0]
		fmt.Fprintf(b, "  %s %s (%s): %s\n", p.head("most likely:"), p.id(c.ID), c.Confidence, c.Summary)
		fmt.Fprintf(b, "  %s %s\n", p.head("fix:"), c.Fix)
	}
}

func serverSection(b *strings.Builder, p painter, r *diagnose.Report) {
	s := r.Server
	fmt.Fprintf(b, "\n%s\n", p.head("What the server says"))
	if r.Message != "" {
		fmt.Fprintf(b, "  message            %s\n", oneLine(r.Message))
	}
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(b, "  %-18s %s\n", k, diff.VisibleFragment(v))
		}
	}
	row("access key id", s.AccessKeyID)
	row("signature sent", s.SignatureProvided)
	row("request time", s.RequestTime)
	row("server time", s.ServerTime)
	block(b, p, "string to sign", s.StringToSign, r.Body() != nil && r.Body().HasStringToSignBytes)
	block(b, p, "canonical request", s.CanonicalRequest, r.Body() != nil && r.Body().HasCanonicalRequestBytes)
	if s.Policy != "" {
		block(b, p, "POST policy (decoded from the base64 string to sign)", s.Policy, false)
	}
	for _, m := range r.Missing {
		fmt.Fprintf(b, "  %s %s\n", p.bad("missing:"), m)
	}
}

// block prints a signed string line by line with invisible bytes shown, so
// that what is printed is exactly what was signed.
func block(b *strings.Builder, p painter, name, v string, fromBytes bool) {
	if v == "" {
		return
	}
	src := "from the text"
	if fromBytes {
		src = "from the byte dump"
	}
	lines := strings.SplitAfter(v, "\n")
	fmt.Fprintf(b, "  %s (%d bytes, %d lines, %s):\n", name, len(v), len(lines), src)
	for i, l := range lines {
		fmt.Fprintf(b, "  %s %s\n", p.dim(fmt.Sprintf("%3d │", i+1)), diff.VisibleFragment(strings.TrimSuffix(l, "\n")))
	}
}

func checksSection(b *strings.Builder, p painter, r *diagnose.Report) {
	if len(r.Damage) == 0 && len(r.Checks) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", p.head("Checks"))
	for _, c := range r.Checks {
		mark := p.good("ok  ")
		if !c.OK {
			mark = p.bad("FAIL")
		}
		fmt.Fprintf(b, "  %s %s: %s\n", mark, p.id(c.ID), c.Detail)
	}
	for _, d := range r.Damage {
		fmt.Fprintf(b, "  %s %s at byte %d: %s\n", p.bad("paste damaged:"), strings.ReplaceAll(d.Part, "_", " "), d.Offset, d.Note)
		fmt.Fprintf(b, "       text  %s\n       bytes %s\n", diff.VisibleFragment(d.Text), diff.VisibleFragment(d.Bytes))
	}
}

func recomputedSection(b *strings.Builder, p painter, r *diagnose.Report) {
	rc := r.Recomputed
	if rc == nil {
		return
	}
	fmt.Fprintf(b, "\n%s\n", p.head("Recomputed from your request"))
	if rc.Signature != "" {
		fmt.Fprintf(b, "  %-32s %s\n", "your request signs to", rc.Signature)
	}
	if rc.ServerSignature != "" {
		fmt.Fprintf(b, "  %-32s %s\n", "the server's string to sign gives", rc.ServerSignature)
	}
	for _, n := range rc.Notes {
		fmt.Fprintf(b, "  note: %s\n", n)
	}
}

func causesSection(b *strings.Builder, p painter, r *diagnose.Report) {
	if len(r.Causes) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", p.head("Causes"))
	for i, c := range r.Causes {
		fmt.Fprintf(b, "  %d. %s (%s): %s\n", i+1, p.id(c.ID), c.Confidence, c.Summary)
		if c.Evidence != "" {
			fmt.Fprintf(b, "     evidence: %s\n", c.Evidence)
		}
		fmt.Fprintf(b, "     fix: %s\n", c.Fix)
	}
}

func nextSection(b *strings.Builder, p painter, r *diagnose.Report) {
	if len(r.NextSteps) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", p.head("Next steps"))
	for _, s := range r.NextSteps {
		fmt.Fprintf(b, "  - %s\n", s)
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// PolicyChecks writes a POST form's condition outcomes on their own.
func PolicyChecks(w io.Writer, pcs []diagnose.PolicyCheck, st Style) error {
	var b strings.Builder
	policySection(&b, painter{on: st.Color}, pcs)
	_, err := io.WriteString(w, b.String())
	return err
}

func policySection(b *strings.Builder, p painter, pcs []diagnose.PolicyCheck) {
	if len(pcs) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", p.head("POST policy conditions"))
	for _, pc := range pcs {
		mark := p.good("ok  ")
		switch pc.Status {
		case "failed":
			mark = p.bad("FAIL")
		case "unchecked":
			mark = p.dim("?   ")
		}
		fmt.Fprintf(b, "  %s %s\n", mark, pc.Message)
	}
}
