package main

import (
	"fmt"
	"io"

	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/report"
)

func render(w io.Writer, rep *diagnose.Report, format string, st report.Style) error {
	switch format {
	case "json":
		return report.JSON(w, rep)
	case "markdown":
		return report.Markdown(w, rep)
	}
	return report.Text(w, rep, st)
}

// prefixed names the input an error came from.
func prefixed(src string, err error) error { return fmt.Errorf("%s: %w", src, err) }
