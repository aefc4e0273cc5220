package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/diff"
)

// Markdown writes the report for an issue tracker or a forum post: the
// verdict and causes as prose, every signed string and diff in a fenced
// block with invisible bytes shown (a Markdown renderer would eat them).
func Markdown(w io.Writer, r *diagnose.Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### sigdiff: %s — `%s`\n\n", orDash(r.ErrorCode), r.Verdict)
	if r.Headline != "" {
		fmt.Fprintf(&b, "%s\n\n", r.Headline)
	}
	fmt.Fprintf(&b, "- service: %s, scheme: `%s`\n", r.Service, r.Scheme)
	if r.Server.AccessKeyID != "" {
		fmt.Fprintf(&b, "- access key id: `%s`\n", r.Server.AccessKeyID)
	}
	if r.Server.SignatureProvided != "" {
		fmt.Fprintf(&b, "- signature sent: `%s`\n", r.Server.SignatureProvided)
	}
	for _, f := range r.Facts {
		fmt.Fprintf(&b, "- %s\n", f)
	}
	fence(&b, "String to sign (server)", r.Server.StringToSign)
	fence(&b, "Canonical request (server)", r.Server.CanonicalRequest)
	if len(r.Checks) > 0 || len(r.Damage) > 0 {
		b.WriteString("\n**Checks**\n\n")
		for _, c := range r.Checks {
			mark := "ok"
			if !c.OK {
				mark = "**FAIL**"
			}
			fmt.Fprintf(&b, "- %s `%s`: %s\n", mark, c.ID, c.Detail)
		}
		for _, d := range r.Damage {
			fmt.Fprintf(&b, "- paste damaged: %s at byte %d: %s\n", d.Part, d.Offset, d.Note)
		}
	}
	for _, d := range r.Diffs {
		var db strings.Builder
		if err := diff.Render(&db, d, diff.PlainPalette()); err != nil {
			return err
		}
		fmt.Fprintf(&b, "\n**Diff of the %s** (server vs client; `[-…-]` server only, `{+…+}` client only)\n\n```\n%s```\n", strings.ReplaceAll(d.Part, "_", " "), db.String())
	}
	if len(r.Causes) > 0 {
		b.WriteString("\n**Causes**\n\n")
		for i, c := range r.Causes {
			fmt.Fprintf(&b, "%d. `%s` (%s): %s. %s  \n   Fix: %s\n", i+1, c.ID, c.Confidence, c.Summary, c.Evidence, c.Fix)
		}
	}
	if len(r.NextSteps) > 0 {
		b.WriteString("\n**Next steps**\n\n")
		for _, s := range r.NextSteps {
			fmt.Fprintf(&b, "- %s\n", s)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func fence(b *strings.Builder, title, v string) {
	if v == "" {
		return
	}
	fmt.Fprintf(b, "\n**%s**\n\n```\n", title)
	for _, l := range strings.Split(v, "\n") {
		b.WriteString(diff.VisibleFragment(l))
		b.WriteByte('\n')
	}
	b.WriteString("```\n")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
