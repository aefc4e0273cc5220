package s3error

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func corpus(f *testing.F) [][]byte {
	entries, err := os.ReadDir(bodiesDir)
	if err != nil {
		f.Fatal(err)
	}
	var out [][]byte
	for _, e := range entries {
		if data, err := os.ReadFile(filepath.Join(bodiesDir, e.Name())); err == nil && !e.IsDir() {
			out = append(out, data)
		}
	}
	return out
}

var services = map[string]bool{"aws-s3": true, "s3-compatible": true, "oss": true, "gcs": true, "unknown": true}

var schemes = map[string]bool{SigV4Header: true, SigV4Query: true, SigV4Post: true, SigV4Streaming: true, SigV2Header: true,
	SigV2Query: true, SigV2Post: true, OSSV1Header: true, OSSV1Query: true, OSSV4Header: true, OSSV4Query: true,
	GCSV4HMAC: true, GCSV4RSA: true, GCSV2: true, GCSV2HMAC: true, SchemeUnknown: true}

func FuzzParse(f *testing.F) {
	for _, data := range corpus(f) {
		f.Add(data)
	}
	for _, s := range []string{"<Error><Code>x", "<Error><StringToSignBytes>4", "\\u003cCode\\u003e", "&lt;Code&gt;", "[Code] => ", "<<60,63>>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		b, err := Parse(in)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || b != nil {
				t.Fatalf("error %v (%T) with body %v", err, err, b)
			}
			return
		}
		if !services[b.Service] || !schemes[b.Scheme] || b.Form == "" {
			t.Fatalf("service %q scheme %q form %q", b.Service, b.Scheme, b.Form)
		}
		if b.HasStringToSignBytes && len(b.StringToSign) == 0 || b.HasCanonicalRequestBytes && len(b.CanonicalRequest) == 0 {
			t.Fatal("a dump is claimed but no bytes came of it")
		}
		for _, d := range b.Damage {
			n := len(b.StringToSign)
			if d.Part == "canonical_request" {
				n = len(b.CanonicalRequest)
			}
			if d.Offset < 0 || d.Offset > n || d.Note == "" {
				t.Fatalf("damage %+v outside %d bytes", d, n)
			}
		}
		if len(b.Damage) > 2*maxDamage {
			t.Fatalf("%d damage regions", len(b.Damage))
		}
		for _, c := range Checks(b, "h.s3.us-east-1.amazonaws.com") {
			if c.ID == "" || c.Detail == "" {
				t.Fatalf("check %+v", c)
			}
		}
	})
}

func FuzzDecodeDump(f *testing.F) {
	for _, data := range corpus(f) {
		if b, err := Parse(data); err == nil {
			for _, n := range []string{"StringToSignBytes", "CanonicalRequestBytes"} {
				if v, ok := b.Get(n); ok {
					f.Add(v)
				}
			}
		}
	}
	for _, s := range []string{"41 0a", "A 0", "zz", "41\u00a057", "414", "\n\t 4\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := DecodeDump(s)
		if err != nil {
			var de *DumpError
			if !errors.As(err, &de) || de.Offset < 0 || de.Offset >= len(s) || !strings.HasPrefix(s[de.Offset:], de.Token) {
				t.Fatalf("error %v does not point at its token in %q", err, s)
			}
			return
		}
		back, err := DecodeDump(EncodeDump(b))
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("round trip of %x: %x, %v", b, back, err)
		}
		if len(b) != len(strings.Fields(s)) && !strings.ContainsAny(s, "\u00a0\u200b\ufeff\u0085\u2028") {
			t.Fatalf("%d bytes from %d tokens", len(b), len(strings.Fields(s)))
		}
	})
}
