package main

import (
	"github.com/sigdiff/sigdiff/internal/diff"
	"github.com/sigdiff/sigdiff/internal/report"
)

// palette decides colour once: --color always wins, never loses; auto
// means colour only on a terminal, without NO_COLOR (https://no-color.org,
// any non-empty value) and with a TERM other than dumb.
func palette(e *env, when string) (report.Style, error) {
	on := false
	switch when {
	case "always":
		on = true
	case "never":
	case "auto", "":
		on = e.stdoutIsTTY && e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb"
	default:
		return report.Style{}, badInputf("--color takes auto, always or never, not %q", when)
	}
	if on {
		return report.Style{Palette: diff.ColorPalette(), Color: true}, nil
	}
	return report.Plain(), nil
}

// resolve checks the output flags: the format and the colours to use.
func (o *outputOptions) resolve(e *env) (string, report.Style, error) {
	format, err := outputFormat(o.format, o.json)
	if err != nil {
		return "", report.Style{}, err
	}
	st, err := palette(e, o.color)
	return format, st, err
}

// outputFormat resolves --format and its shorthand --json.
func outputFormat(format string, asJSON bool) (string, error) {
	if asJSON {
		if format != "" && format != "json" {
			return "", badInputf("--json and --format %s contradict each other", format)
		}
		return "json", nil
	}
	switch format {
	case "", "text":
		return "text", nil
	case "json", "markdown":
		return format, nil
	}
	return "", badInputf("--format takes text, json or markdown, not %q", format)
}
