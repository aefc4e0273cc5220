// Package testenv finds what tests read from outside the repository: the
// shared folder beside the checkout that holds the official test vectors.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot returns the directory holding go.mod, walking up from the
// test's working directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Shared returns ../shared/<elem…> from the repository root. Where it is
// absent (a user's fresh clone) the test is skipped with a message; under
// CI=true it fails instead, because CI always has it.
func Shared(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{RepoRoot(t), "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing; CI must have ../shared beside the checkout", p)
		}
		t.Skipf("%s is absent (it sits beside the checkout on the team's machines); skipping", p)
	}
	return p
}
