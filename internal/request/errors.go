package request

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
)

// Caps on what the parsers accept. They bound memory (the parsers hold the
// input and at most one copy of the body) and stop a wrong file — a disk
// image, a log of a day — from being read as a request.
const (
	MaxInput   = 64 << 20 // bytes of input to Parse, ParseHTTP, ParseCurl and ParseURL
	MaxHeaders = 10000    // header fields (raw HTTP, curl -H), trailer fields included
	MaxLine    = 1 << 20  // bytes in one line of a raw HTTP head, and in one curl -H value
)

// ErrUnknownFormat is returned by Parse when the input is none of the
// formats it reads.
var ErrUnknownFormat = errors.New("cannot tell what this request is: expected a raw HTTP request, a curl command or a URL")

// Names of the inputs in error messages.
const (
	sourceHTTP = "raw http request"
	sourceCurl = "curl command"
	sourceURL  = "url"
)

// ParseError is malformed input with where it is. Its message is one line
// and never repeats a whole input line: a request line or header may carry a
// presigned signature or a session token, so only short offending tokens are
// quoted (with %q).
type ParseError struct {
	Source string // "raw http request", "curl command" or "url"
	Line   int    // 1-based; 0 when the problem is not on one line
	Col    int    // 1-based byte column; 0 when unknown
	Msg    string
}

func (e *ParseError) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s: line %d, column %d: %s", e.Source, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s: line %d: %s", e.Source, e.Line, e.Msg)
	}
	return e.Source + ": " + e.Msg
}

// quoteShort quotes s for an error message, cut to a length that names a
// token without echoing a line.
func quoteShort(s string) string {
	const max = 40
	if len(s) > max {
		return fmt.Sprintf("%q…", s[:max])
	}
	return fmt.Sprintf("%q", s)
}

// lineIndex maps byte offsets of one input to 1-based lines and columns.
type lineIndex []int // offset at which each line starts

func newLineIndex(s []byte) lineIndex {
	li := lineIndex{0}
	for off := 0; ; {
		i := bytes.IndexByte(s[off:], '\n')
		if i < 0 {
			return li
		}
		off += i + 1
		li = append(li, off)
	}
}

func (li lineIndex) pos(off int) (line, col int) {
	n := sort.SearchInts(li, off+1) // first line start after off
	return n, off - li[n-1] + 1
}

// tooBig reports input over MaxInput.
func tooBig(source string, n int) error {
	return &ParseError{Source: source, Msg: fmt.Sprintf("input is %d bytes, more than the %d this reads", n, MaxInput)}
}
