package s3error

import (
	"bytes"
	"errors"
	"testing"
)

func TestDecodeDump(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     []byte
	}{
		{"aws lower case", "41 57 53 34 2d 0a", []byte("AWS4-\n")},
		{"oss upper case", "50 55 54 0A 0A", []byte("PUT\n\n")},
		{"unpadded", "a 0 41 f", []byte{0x0a, 0x00, 0x41, 0x0f}},
		{"wrapped and indented", "41 57\n    53 34\n\t2d", []byte("AWS4-")},
		{"browser spaces", "41\u00a057\u200b 53", []byte("AWS")},
		{"trailing blanks", "  41 57 \n", []byte("AW")},
		{"empty", "", []byte{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecodeDump(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.want) {
				t.Errorf("got %x, want %x", got, c.want)
			}
		})
	}
}

func TestDecodeDump_errors(t *testing.T) {
	for _, c := range []struct {
		name, in, token string
		offset, index   int
	}{
		{"not hex", "41 57 zz 34", "zz", 6, 2},
		{"three digits", "41 575 34", "575", 3, 1},
		{"prefix", "0x41", "0x41", 0, 0},
		{"second line", "41 57\n  4g", "4g", 8, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeDump(c.in)
			var de *DumpError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want *DumpError", err)
			}
			if de.Token != c.token || de.Offset != c.offset || de.Index != c.index {
				t.Errorf("got token %q at %d (#%d), want %q at %d (#%d)", de.Token, de.Offset, de.Index, c.token, c.offset, c.index)
			}
			if msg := err.Error(); !bytes.Contains([]byte(msg), []byte(c.token)) {
				t.Errorf("message %q does not name the token", msg)
			}
		})
	}
}

func TestEncodeDump_roundTrip(t *testing.T) {
	in := []byte("AWS4-HMAC-SHA256\r\n\x00\xff\xc2\xa0")
	out, err := DecodeDump(EncodeDump(in))
	if err != nil || !bytes.Equal(out, in) {
		t.Fatalf("round trip: %x, %v", out, err)
	}
	if EncodeDump([]byte("A\n")) != "41 0a" {
		t.Errorf("EncodeDump = %q", EncodeDump([]byte("A\n")))
	}
}
