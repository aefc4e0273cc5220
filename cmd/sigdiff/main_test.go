package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"sigdiff": func() { os.Exit(run(os.Args[1:], osEnv())) },
	})
}

// TestScript runs the CLI scenarios in testdata/script: exit codes, stdin,
// NO_COLOR, --json, usage errors.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			// A clean environment: no credentials or colour settings leak in
			// from the machine running the tests.
			for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "NO_COLOR"} {
				e.Setenv(k, "")
			}
			e.Setenv("HOME", e.WorkDir)
			return nil
		},
	})
}
