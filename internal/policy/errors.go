package policy

import (
	"errors"
	"fmt"
)

// SyntaxError is a malformed policy document: where (byte offset, and the
// line and column people see in an editor, both counted from 1) and what.
type SyntaxError struct {
	Offset int // byte offset, from 0
	Line   int // from 1
	Column int // in bytes, from 1
	Reason string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("policy json: line %d, column %d (byte %d): %s", e.Line, e.Column, e.Offset, e.Reason)
}

func syntaxErr(data []byte, off int, reason string) *SyntaxError {
	off = min(max(off, 0), len(data))
	line, col := lineCol(data, off)
	return &SyntaxError{Offset: off, Line: line, Column: col, Reason: reason}
}

// lineCol counts lines as editors do: LF ends a line, so CR LF counts once.
func lineCol(data []byte, off int) (line, col int) {
	line, start := 1, 0
	for i := 0; i < off && i < len(data); i++ {
		if data[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, off - start + 1
}

// FormError is a malformed form-field input (multipart body, HAR, or
// name=value file): which input, where, and what.
type FormError struct {
	Source string // "multipart body", "har", "fields file"
	Offset int    // byte offset, -1 when it concerns the whole input
	Line   int    // from 1; 0 when unknown
	Reason string
}

func (e *FormError) Error() string {
	switch {
	case e.Offset < 0:
		return fmt.Sprintf("%s: %s", e.Source, e.Reason)
	case e.Line > 0:
		return fmt.Sprintf("%s: line %d (byte %d): %s", e.Source, e.Line, e.Offset, e.Reason)
	}
	return fmt.Sprintf("%s: byte %d: %s", e.Source, e.Offset, e.Reason)
}

func formErr(source string, data []byte, off int, reason string) *FormError {
	if off < 0 {
		return &FormError{Source: source, Offset: -1, Reason: reason}
	}
	off = min(off, len(data))
	line, _ := lineCol(data, off)
	return &FormError{Source: source, Offset: off, Line: line, Reason: reason}
}

// Sentinel errors; each message is one lowercase line.
var (
	ErrNotObject  = errors.New("the policy is not a json object")
	ErrBase64     = errors.New("the policy is neither json nor base64 that decodes")
	ErrNoPolicy   = errors.New("no policy given")
	ErrNoPOST     = errors.New("no POST request with a policy form field in the har")
	ErrHAREntry   = errors.New("the har has no entry with that index")
	ErrTooLarge   = errors.New("input larger than the cap for its kind")
	ErrNoBoundary = errors.New("no multipart boundary: give the Content-Type header, or start the body with its --boundary line")
)
