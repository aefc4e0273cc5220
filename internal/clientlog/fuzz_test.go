package clientlog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds the fixtures and mutations of them to Parse: no input may
// panic; an error is ErrUnknownFormat or a *ParseError with a one-line
// message; a log read names the format Detect names and numbers its
// exchanges by the lines they start on.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "logs", "*.log"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("DEBUG:botocore.auth:CanonicalRequest: ('GET\\n'\n 'x')\nDEBUG:botocore.parsers:Response body:\nb'\\xff'\n"))
	f.Add([]byte("* aws_sigv4: Canonical request (enclosed in []) - [\n> GET / HTTP/1.1\r\n< HTTP/1.1 403 X\r\n< \r\n<Error><Code>SignatureDoesNotMatch</Code></Error>"))
	f.Fuzz(func(t *testing.T, in []byte) {
		l, err := Parse(in)
		if err != nil {
			var pe *ParseError
			if !errors.Is(err, ErrUnknownFormat) && !errors.As(err, &pe) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error message has a line break: %q", err)
			}
			return
		}
		if got := Detect(in); got != l.Format {
			t.Fatalf("Detect %q, Parse %q", got, l.Format)
		}
		lines := strings.Count(string(in), "\n") + 1
		for i, x := range l.Exchanges {
			if x.Line < 1 || x.Line > lines {
				t.Fatalf("exchange %d at line %d of %d", i+1, x.Line, lines)
			}
		}
		for _, fl := range l.Failures() {
			if fl.Body == nil || fl.Exchange != &l.Exchanges[fl.Index-1] {
				t.Fatalf("failure %+v", fl)
			}
		}
	})
}
