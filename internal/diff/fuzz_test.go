package diff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// FuzzCompare checks, on random pairs, what every Result must hold: no
// panic; units and edits cover both sides and rebuild the client from the
// server; the divergence is the first differing byte with the right line
// and column; every renderer accepts the result.
func FuzzCompare(f *testing.F) {
	for _, tc := range divergenceCases {
		f.Add(uint8(tc.kind), []byte(tc.server), []byte(tc.client))
	}
	for _, tc := range goldenCases() {
		f.Add(uint8(tc.kind), []byte(tc.server), []byte(tc.client))
	}
	f.Add(uint8(Generic), []byte("\xc3\xa9\n"), []byte("\xc3\xa8\n"))
	f.Add(uint8(CanonicalRequestV4), []byte("GET\n/\n\n\n\n"), []byte("GET\r\n/\r\n\r\n\r\n\r\n"))
	f.Fuzz(func(t *testing.T, k uint8, server, client []byte) {
		kind := Kind(k % 4)
		r := Compare("p", kind, server, client)
		checkEdits(t, r)
		if bytes.Equal(server, client) != r.Equal() {
			t.Fatalf("Equal() = %v", r.Equal())
		}
		if d := r.First; d != nil {
			p := commonPrefix(server, client)
			line := bytes.Count(server[:p], []byte("\n")) + 1
			col := p - bytes.LastIndexByte(server[:p], '\n')
			if d.Offset != p || d.ClientOffset != p || d.Line != line || d.Column != col || d.Label == "" {
				t.Fatalf("divergence %+v, want offset %d line %d column %d", d, p, line, col)
			}
		}
		for _, p := range []Palette{PlainPalette(), ColorPalette()} {
			var b bytes.Buffer
			if err := Render(&b, r, p); err != nil {
				t.Fatal(err)
			}
		}
		js, err := r.MarshalJSON()
		if err != nil || !json.Valid(js) {
			t.Fatalf("json %v: %s", err, js)
		}
		_ = Visible(server)
		_ = Detect(client)
	})
}

// benchRequest is a canonical request with 12 headers, as a browser upload
// through an SDK signs it.
func benchRequest(date string) []byte {
	h := []string{
		"accept:*/*", "accept-encoding:gzip, deflate, br", "cache-control:no-cache",
		"content-length:5242880", "content-md5:1B2M2Y8AsgTpgAmY7PhCfg==", "content-type:video/mp4",
		"host:aobq.s3.cn-north-1.amazonaws.com.cn", "origin:http://localhost:3000",
		"x-amz-acl:private", "x-amz-content-sha256:UNSIGNED-PAYLOAD", "x-amz-date:" + date,
		"x-amz-user-agent:aws-sdk-js/2.1.0",
	}
	var names []string
	for _, l := range h {
		n, _, _ := strings.Cut(l, ":")
		names = append(names, n)
	}
	return []byte(fmt.Sprintf("POST\n/3c5a5c1e-0d4b-4b8a-9d3a-0e1f2a3b4c5d.mp4\nuploads=\n%s\n\n%s\nUNSIGNED-PAYLOAD",
		strings.Join(h, "\n"), strings.Join(names, ";")))
}

func BenchmarkCompare(b *testing.B) {
	server, client := benchRequest("20150506T193422Z"), benchRequest("20150506T193423Z")
	b.SetBytes(int64(len(server) + len(client)))
	b.ReportAllocs()
	for b.Loop() {
		if r := Compare("canonical_request", CanonicalRequestV4, server, client); r.Equal() {
			b.Fatal("equal")
		}
	}
}

func BenchmarkRender(b *testing.B) {
	r := Compare("canonical_request", CanonicalRequestV4, benchRequest("20150506T193422Z"), benchRequest("20150506T193423Z"))
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Render(&buf, r, ColorPalette()); err != nil {
			b.Fatal(err)
		}
	}
}
