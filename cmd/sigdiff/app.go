package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes are public interface.
const (
	exitOK       = 0 // the signatures agree, or a non-signature error was fully explained
	exitMismatch = 1 // a mismatch or its cause was diagnosed
	exitInput    = 2 // bad input or usage
)

// errMismatch is returned after a report that diagnosed a mismatch: the
// report has been printed, so nothing more is said; the exit status is 1.
var errMismatch = errors.New("mismatch diagnosed")

// inputError is bad input or usage: printed as one line, exit status 2,
// with optional hints on the following lines.
type inputError struct {
	err   error
	hints []string
}

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

func badInput(err error, hints ...string) error { return &inputError{err: err, hints: hints} }

func badInputf(format string, args ...any) error {
	return &inputError{err: fmt.Errorf(format, args...)}
}

// env is everything a command reads from outside, so tests can replace it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	stdinIsTTY     bool
	stdoutIsTTY    bool
	stderrIsTTY    bool
	// interrupt, when set, replaces SIGINT/SIGTERM for the commands that
	// run until interrupted (proxy): tests stop them through it.
	interrupt chan os.Signal
}

func osEnv() *env {
	return &env{
		stdin:       os.Stdin,
		stdout:      os.Stdout,
		stderr:      os.Stderr,
		getenv:      os.Getenv,
		stdinIsTTY:  isTerminal(os.Stdin),
		stdoutIsTTY: isTerminal(os.Stdout),
		stderrIsTTY: isTerminal(os.Stderr),
	}
}

// run executes the command line and returns the exit status.
func run(args []string, e *env) int {
	e.redactEnv()
	root := newRootCmd(e)
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	err := root.Execute()
	code := exitStatus(err, e.stderr)
	e.flush()
	return code
}

func exitStatus(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errMismatch) {
		return exitMismatch
	}
	msg := err.Error()
	fmt.Fprintf(stderr, "sigdiff: error: %s\n", oneLine(msg))
	var ie *inputError
	if errors.As(err, &ie) {
		for _, h := range ie.hints {
			fmt.Fprintf(stderr, "sigdiff: hint: %s\n", h)
		}
	} else if isUsageError(msg) {
		fmt.Fprintln(stderr, "sigdiff: hint: run 'sigdiff help' for usage")
	}
	return exitInput
}

// isUsageError recognises cobra's own flag and argument errors.
func isUsageError(msg string) bool {
	for _, p := range []string{"unknown flag", "unknown shorthand", "flag needs an argument", "invalid argument", "accepts at most", "accepts ", "unknown command", "requires at least"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\r", `\r`)
	return strings.ReplaceAll(s, "\n", " ")
}

func newRootCmd(e *env) *cobra.Command {
	checkOpts := &checkOptions{}
	root := &cobra.Command{
		Use:           "sigdiff [flags] [FILE|-]",
		Short:         "find out why an object store rejected a request signature",
		Long:          manual,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(e, checkOpts, args)
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return badInput(err, "run 'sigdiff "+c.Name()+" --help' for usage")
	})
	addCheckFlags(root, checkOpts)
	root.AddCommand(newCheckCmd(e), newVerifyCmd(e), newExplainCmd(e), newProxyCmd(e), newDemoCmd(e))
	return root
}

const manual = `sigdiff finds out why an object store rejected a request signature.

Give it the body of the error (403 SignatureDoesNotMatch and its neighbours)
from S3, an S3-compatible store, Aliyun OSS or Google Cloud Storage: pasted on
standard input, piped, or in a file, in whatever form you have it. It shows
what the server signed with invisible bytes made visible, checks the paste
and the server's own data, and — given what your client signed (--client) —
points at the first byte where the two differ and names the likely cause.

Exit status: 0 nothing diverges (or a non-signature error fully explained),
1 a mismatch or its cause found (or not yet explained), 2 bad input or usage.`
