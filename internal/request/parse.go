package request

import (
	"bytes"
	"fmt"
	"strings"
)

// Parse tells which format in holds and parses it. Detection, in order, on
// the input with a UTF-8 BOM and leading blanks removed:
//
//  1. a curl command: the first word is curl or curl.exe, after # comment
//     lines and an optional "$ " shell prompt;
//  2. a raw HTTP request: the first line that is not blank and not a
//     curl -v "* " progress line is a request line ("GET / HTTP/1.1",
//     optionally behind curl -v's "> ") or an HTTP/2 pseudo-header field
//     (":method: GET");
//  3. a URL: one line starting with http:// or https://.
//
// A curl command comes first because its URL would also pass as a URL; a
// request line never starts with "curl ", nor a URL with a method.
// Anything else is ErrUnknownFormat (a HAR file, which --request will also
// take, is named in that error until it is read).
func Parse(in []byte) (*Request, error) {
	if len(in) > MaxInput {
		return nil, tooBig("request", len(in))
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(in, []byte("\ufeff")), " \t\r\n")
	switch {
	case isCurl(t):
		return ParseCurl(in)
	case isRawHTTP(t):
		return ParseHTTP(in)
	case isURL(t):
		return ParseURL(string(in))
	case bytes.HasPrefix(t, []byte("{")) && bytes.Contains(t, []byte(`"log"`)):
		return nil, fmt.Errorf("%w (this looks like a HAR file, which is not read yet)", ErrUnknownFormat)
	}
	return nil, ErrUnknownFormat
}

func isCurl(t []byte) bool {
	i := skipComments(string(t[:min(len(t), 4096)]), 0)
	s := string(t[i:min(len(t), i+16)])
	s = strings.TrimPrefix(s, "$ ")
	s = strings.TrimLeft(s, " \t")
	for _, name := range []string{"curl", "curl.exe"} {
		if rest, ok := strings.CutPrefix(s, name); ok && (rest == "" || strings.IndexByte(" \t\r\n\\^", rest[0]) >= 0) {
			return true
		}
	}
	return false
}

func isRawHTTP(t []byte) bool {
	for len(t) > 0 {
		line, rest, _ := bytes.Cut(t, []byte("\n"))
		l := strings.TrimSpace(string(line[:min(len(line), MaxLine)]))
		t = rest
		if l == "" || l == "*" || strings.HasPrefix(l, "* ") || strings.HasPrefix(l, "{ [") || strings.HasPrefix(l, "} [") {
			continue
		}
		l = strings.TrimPrefix(l, "> ")
		for _, p := range []string{":method:", ":authority:", ":path:", ":scheme:"} {
			if strings.HasPrefix(l, p) {
				return true
			}
		}
		_, _, _, msg := splitRequestLine(l)
		return msg == ""
	}
	return false
}

func isURL(t []byte) bool {
	s := strings.TrimSpace(string(t))
	if strings.ContainsAny(s, "\n") {
		return false
	}
	s = strings.TrimLeft(s, "\"'<")
	l := strings.ToLower(s[:min(len(s), 8)])
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}
