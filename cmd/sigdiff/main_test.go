package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"sigdiff":    func() { os.Exit(run(os.Args[1:], osEnv())) },
		"expectexit": expectExit,
	})
}

// expectExit runs "expectexit N cmd args…": cmd with the script's streams,
// succeeding only when it exits with status N, so scripts can tell exit
// status 1 (mismatch diagnosed) from 2 (bad input).
func expectExit() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: expectexit N cmd [args…]")
		os.Exit(3)
	}
	want, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "expectexit: bad status", os.Args[1])
		os.Exit(3)
	}
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	got := 0
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			fmt.Fprintln(os.Stderr, "expectexit:", err)
			os.Exit(3)
		}
		got = ee.ExitCode()
	}
	if got != want {
		fmt.Fprintf(os.Stderr, "expectexit: %s exited with status %d, want %d\n", os.Args[2], got, want)
		os.Exit(1)
	}
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
