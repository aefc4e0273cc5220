package diff

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fatih/color"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// goldenCases are rendered in every form; most come from the divergence
// table, the rest exercise folding, escapes and the equal case.
func goldenCases() []divergenceCase {
	want := map[string]bool{
		"method": true, "header value cut": true, "trailing space": true, "CR before LF": true,
		"query order": true, "extra final newline": true, "header missing": true,
		"header name one byte": true, "blank line missing": true, "string to sign date": true,
		"v2 header NBSP": true, "generic invalid byte": true, "empty server": true, "header order": true,
	}
	var cs []divergenceCase
	for _, c := range divergenceCases {
		if want[c.name] {
			cs = append(cs, c)
		}
	}
	long := "eyJleHBpcmF0aW9uIjoi" + strings.Repeat("MjAxNS0xMi0zMFQxMjowMDowMC4wMDBaIiwiY29uZGl0aW9ucyI6W3siYnVja2V0Ijoic2lndjRleGFtcGxlYnVja2V0In1d", 20)
	var lines []string
	for i := 0; i < 30; i++ {
		lines = append(lines, "line "+strings.Repeat("x", i%7))
	}
	many := strings.Join(lines, "\n") + "\n"
	return append(cs,
		divergenceCase{name: "equal", kind: CanonicalRequestV4, server: canonicalRequest, client: canonicalRequest},
		divergenceCase{name: "long line", kind: Generic, server: long, client: replace(long, "MjAxNS0xMi0zMFQxMjowMDowMC4wMDBa", "MjAxNS0xMi0zMVQxMjowMDowMC4wMDBa")},
		divergenceCase{name: "long equal runs", kind: Generic, server: many, client: strings.Replace(many, "line xxx\n", "line xxX\n", 2)},
		divergenceCase{name: "invisibles", kind: Generic,
			server: "tab\there\nnbsp value\nzero width\ntrailing  \nback\\slash\nbom\n",
			client: "tab here\nnbsp\u00a0value\nzero\u200bwidth\ntrailing\nback/slash\n\ufeffbom\n"},
	)
}

// partOf names the bytes as the command does.
func partOf(k Kind) string {
	switch k {
	case StringToSignV4, StringToSignV2:
		return "string_to_sign"
	}
	return "canonical_request"
}

func TestRender_golden(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			r := Compare(partOf(tc.kind), tc.kind, []byte(tc.server), []byte(tc.client))
			base := filepath.Join("testdata", strings.ReplaceAll(tc.name, " ", "-"))
			var plain, colour bytes.Buffer
			if err := Render(&plain, r, PlainPalette()); err != nil {
				t.Fatal(err)
			}
			if err := Render(&colour, r, ColorPalette()); err != nil {
				t.Fatal(err)
			}
			js, err := json.MarshalIndent(r, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(plain.Bytes(), []byte("\x1b[")) {
				t.Error("plain output holds ANSI escapes")
			}
			if !r.Equal() && !bytes.Contains(colour.Bytes(), []byte("\x1b[")) {
				t.Error("colour output holds no ANSI escapes")
			}
			golden(t, base+".plain.golden", plain.Bytes())
			golden(t, base+".color.golden", colour.Bytes())
			golden(t, base+".json.golden", append(js, '\n'))
		})
	}
}

// golden compares have with the file, or rewrites the file under -update.
// A mismatch shows have, want and their diff (rendered by this package).
func golden(t *testing.T, file string, have []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, have, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/diff -update)", err)
	}
	if bytes.Equal(have, want) {
		return
	}
	var d bytes.Buffer
	_ = Render(&d, Compare(filepath.Base(file), Generic, want, have), PlainPalette())
	t.Errorf("%s differs (server = want, client = have)\n--- have\n%s\n--- want\n%s\n--- diff\n%s", file, have, want, d.String())
}

// The palette is the caller's decision: ColorPalette colours even when the
// global color.NoColor says otherwise, and PlainPalette never does.
func TestPalette_ignoresGlobalNoColor(t *testing.T) {
	saved := color.NoColor
	defer func() { color.NoColor = saved }()
	r := Compare("string_to_sign", StringToSignV4, []byte(stringToSignV4), []byte(replace(stringToSignV4, "us-east-1", "eu-west-1")))
	for _, global := range []bool{true, false} {
		color.NoColor = global
		var c, p bytes.Buffer
		if err := Render(&c, r, ColorPalette()); err != nil {
			t.Fatal(err)
		}
		if err := Render(&p, r, PlainPalette()); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(c.Bytes(), []byte("\x1b[31m")) {
			t.Errorf("NoColor=%v: colour palette did not colour", global)
		}
		if bytes.ContainsRune(p.Bytes(), 0x1b) {
			t.Errorf("NoColor=%v: plain palette coloured", global)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestRender_writeError(t *testing.T) {
	r := Compare("p", Generic, []byte("a"), []byte("b"))
	if err := Render(failWriter{}, r, PlainPalette()); err == nil {
		t.Error("Render hid the writer's error")
	}
}
