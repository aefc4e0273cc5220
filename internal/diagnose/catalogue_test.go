package diagnose

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/testenv"
)

// TestCatalogue_matchesCausesMD keeps the ids in step with the shared
// catalogue: every id there is here and none is invented.
func TestCatalogue_matchesCausesMD(t *testing.T) {
	data, err := os.ReadFile(testenv.Shared(t, "CAUSES.md"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\|").FindAllStringSubmatch(string(data), -1) {
		want = append(want, m[1])
	}
	slices.Sort(want)
	var have []string
	for _, e := range Catalogue {
		have = append(have, e.ID)
	}
	if !slices.IsSorted(have) {
		t.Error("Catalogue is not sorted by id")
	}
	if !slices.Equal(have, want) {
		t.Errorf("catalogue ids\nhave %v\nwant %v", have, want)
	}
}

// TestRules_idsInCatalogue: every id a rule can add is in the catalogue.
func TestRules_idsInCatalogue(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`addCause\("([a-z0-9-]+)"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			n++
			if _, ok := Lookup(m[1]); !ok {
				t.Errorf("%s: cause %q is not in the catalogue", f, m[1])
			}
		}
	}
	if n < 20 {
		t.Errorf("found only %d addCause calls; the pattern no longer matches the code", n)
	}
}
