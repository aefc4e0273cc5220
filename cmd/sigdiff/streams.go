package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// maxInput caps what sigdiff reads from one file or from standard input:
// error bodies, requests and logs are small, and a runaway pipe must not
// take the machine's memory.
const maxInput = 64 << 20

// readInput reads a named file, or standard input for "" and "-". On a
// terminal it first asks for the paste.
func readInput(e *env, name, what string) ([]byte, string, error) {
	if name == "" || name == "-" {
		if e.stdinIsTTY {
			fmt.Fprintf(e.stderr, "paste the %s, then Ctrl-D on a new line:\n", what)
		}
		data, err := readCapped(e.stdin, "standard input")
		return data, "standard input", err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, name, badInput(err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, name, badInputf("%s is a directory, not a file", name)
	}
	data, err := readCapped(f, name)
	return data, name, err
}

func readCapped(r io.Reader, name string) ([]byte, error) {
	tooBig := func() error {
		return badInputf("%s is larger than %d MiB, more than sigdiff reads", name, maxInput>>20)
	}
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > maxInput {
			return nil, tooBig()
		}
	}
	// Read in fixed chunks and join once: a growing bytes.Buffer doubles
	// its way past the cap (256 MiB allocated to refuse a 1 GiB pipe).
	const chunk = 1 << 20
	var chunks [][]byte
	var n int64
	for n <= maxInput {
		c := make([]byte, chunk)
		m, err := io.ReadFull(r, c)
		chunks, n = append(chunks, c[:m]), n+int64(m)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, badInputf("reading %s: %v", name, err)
		}
	}
	if n > maxInput {
		return nil, tooBig()
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	return bytes.Join(chunks, nil), nil
}
