package recompute

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/request"
)

// parseRawHTTP reads the raw requests of the SigV4 test suites (request.txt,
// .req, .sreq): a request line whose target may contain spaces and raw UTF-8
// ("GET /example space/ HTTP/1.1"), "Name:value" lines whose continuation
// lines start with blanks (obs-fold, kept as "\n" + the line so the signer's
// unfolding is what is tested), then optionally a blank line and the body.
// LF or CR LF. It is test scaffolding, not the product parser
// (internal/request), and reads only well-formed suite files.
func parseRawHTTP(data []byte) (*request.Request, error) {
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	head, body, hasBody := bytes.Cut(data, []byte("\n\n"))
	lines := strings.Split(string(head), "\n")
	first := lines[0]
	sp1 := strings.IndexByte(first, ' ')
	sp2 := strings.LastIndexByte(first, ' ')
	if sp1 < 0 || sp2 <= sp1 || !strings.HasPrefix(first[sp2+1:], "HTTP/") {
		return nil, fmt.Errorf("bad request line %q", first)
	}
	req := &request.Request{Method: first[:sp1], Scheme: "https", HasBody: true}
	req.RawPath, req.RawQuery, _ = strings.Cut(first[sp1+1:sp2], "?")
	for _, line := range lines[1:] {
		if line == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(req.Header) == 0 {
				return nil, fmt.Errorf("continuation line %q before any header", line)
			}
			req.Header[len(req.Header)-1].Value += "\n" + line
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("header line %q has no colon", line)
		}
		req.Header = append(req.Header, request.Field{Name: name, Value: value})
	}
	req.Host, _ = req.Get("Host")
	if hasBody {
		req.Body = body
	}
	return req, nil
}

func TestParseRawHTTP_suiteShapes(t *testing.T) {
	req, err := parseRawHTTP([]byte("GET /example space/?a=b HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1:value1\n  value2\n     value3\n\nbody"))
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != "GET" || req.RawPath != "/example space/" || req.RawQuery != "a=b" || req.Host != "example.amazonaws.com" {
		t.Errorf("request line: %+v", req)
	}
	if got, want := req.Header[1].Value, "value1\n  value2\n     value3"; got != want {
		t.Errorf("folded value = %q, want %q", got, want)
	}
	if string(req.Body) != "body" {
		t.Errorf("body = %q", req.Body)
	}
	if _, err := parseRawHTTP([]byte("GET\n")); err == nil {
		t.Error("want an error for a request line without target and version")
	}
}
