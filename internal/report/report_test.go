package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/clientsig"
	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/diff"
	"github.com/sigdiff/sigdiff/internal/s3error"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// cases are error bodies with, optionally, what the client signed; the
// inputs live in testdata as <name>.body (and <name>.client).
var cases = []string{"fineuploader-sliced", "skew", "content-type"}

func load(t *testing.T, name string) *diagnose.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".body"))
	if err != nil {
		t.Fatal(err)
	}
	body, err := s3error.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	in := diagnose.Input{Body: body}
	if c, err := os.ReadFile(filepath.Join("testdata", name+".client")); err == nil {
		if in.Client, err = clientsig.Parse(c); err != nil {
			t.Fatal(err)
		}
	}
	return diagnose.Diagnose(in)
}

func golden(t *testing.T, file string, have []byte) {
	t.Helper()
	path := filepath.Join("testdata", file)
	if *update {
		if err := os.WriteFile(path, have, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(have, want) {
		var d strings.Builder
		_ = diff.Render(&d, diff.Compare(file, diff.Generic, want, have), diff.PlainPalette())
		t.Errorf("%s differs from the golden file (want → have):\n%s", file, d.String())
	}
}

func TestRenderers_golden(t *testing.T) {
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			r := load(t, name)
			var text, color, js, md bytes.Buffer
			if err := Text(&text, r, Plain()); err != nil {
				t.Fatal(err)
			}
			if err := Text(&color, r, Style{Palette: diff.ColorPalette(), Color: true}); err != nil {
				t.Fatal(err)
			}
			if err := JSON(&js, r); err != nil {
				t.Fatal(err)
			}
			if err := Markdown(&md, r); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(text.Bytes(), []byte("\x1b[")) || bytes.Contains(md.Bytes(), []byte("\x1b[")) {
				t.Error("plain output holds ANSI escapes")
			}
			if !bytes.Contains(color.Bytes(), []byte("\x1b[")) {
				t.Error("colour output holds no ANSI escapes")
			}
			golden(t, name+".txt", text.Bytes())
			golden(t, name+".color", color.Bytes())
			golden(t, name+".json", js.Bytes())
			golden(t, name+".md", md.Bytes())
		})
	}
}
