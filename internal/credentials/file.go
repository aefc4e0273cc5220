package credentials

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// maxSecretFile bounds what is read of a --secret-key-file: a secret key is
// 40 characters; a file whose first line does not end within 64 KiB is not
// a key file.
const maxSecretFile = 64 << 10

// FileError is a file keys were to be read from that cannot give them. It
// names the file and a line number, never a line's content.
type FileError struct {
	Path string // home as ~
	Line int    // 0 when not about one line
	Msg  string
	Err  error // the cause, for errors.Is (fs.ErrNotExist, fs.ErrPermission)
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: line %d: %s", e.Path, e.Line, e.Msg)
	}
	return e.Path + ": " + e.Msg
}

func (e *FileError) Unwrap() error { return e.Err }

// readSecretFile returns the first line of path with its line break (LF,
// or CRLF) removed — and only that: a blank or a BOM inside is kept,
// because a secret polluted that way is a diagnosis of its own.
func readSecretFile(path, shown string) (Secret, error) {
	f, err := os.Open(path)
	if err != nil {
		return Secret{}, &FileError{Path: shown, Msg: describe(err), Err: err}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return Secret{}, &FileError{Path: shown, Msg: describe(err), Err: err}
	}
	return firstLine(b, shown)
}

// firstLine is the secret in a key file's content b.
func firstLine(b []byte, shown string) (Secret, error) {
	line, _, found := bytes.Cut(b, []byte("\n"))
	if !found && len(b) > maxSecretFile {
		return Secret{}, &FileError{Path: shown, Line: 1, Msg: fmt.Sprintf("is longer than %d bytes; is this the secret key file?", maxSecretFile)}
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 {
		return Secret{}, &FileError{Path: shown, Line: 1, Msg: "is empty; the secret key must be on the first line"}
	}
	return NewSecret(string(line)), nil
}

// describe says why a file cannot be read, without the path (the caller
// names it) and without any of its content.
func describe(err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "cannot be read: permission denied"
	case errors.As(err, &pe):
		return "cannot be read: " + pe.Err.Error()
	}
	return "cannot be read: " + err.Error()
}
