package s3error

import (
	"strings"
	"testing"
)

func TestCompareText(t *testing.T) {
	for _, c := range []struct {
		name, text, bytes string
		offsets           []int
		note              string // substring of the first note
	}{
		{"same", "GET\n/\n", "GET\n/\n", nil, ""},
		{"CR lost", "a:b\nhost;x\nend", "a:b\r\nhost;x\nend", []int{3}, "CR (0d) in the bytes is missing"},
		{"CR became LF", "value\nnext line", "value\rnext line", []int{5}, "CR (0d) in the bytes is LF"},
		{"trailing space lost", "x-amz-meta-a:b\nhost:h", "x-amz-meta-a:b \nhost:h", []int{14}, "trailing space lost"},
		{"trailing blanks lost", "x-amz-meta-a:b\nhost:h", "x-amz-meta-a:b  \t\nhost:h", []int{14}, "3 trailing blanks lost"},
		{"nbsp", "content-type:a b\nhost", "content-type:a\u00a0b\nhost", []int{14}, "non-breaking space"},
		{"redacted", "host:<your bucket>.s3.amazonaws.com\n", "host:aobq.s3.amazonaws.com\n", []int{5}, "redacted: text has `<your bucket>`, bytes have `aobq`"},
		{"extra line break", "\nPOST\n/key", "POST\n/key", []int{0}, "text has a line break"},
		{"collapsed", "AWS4-HMAC-SHA256 20130524T000000Z 20130524/us-east-1/s3/aws4_request", "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request", []int{16, 33}, "a space in the text"},
		{"two places", "GET\n/a\nhost:xxxx.example.com\nx-amz-date:2013\nrange:[hidden]\nend-of-headers", "GET\n/a\nhost:real.example.com\nx-amz-date:2013\nrange:bytes=0-9\nend-of-headers", []int{12, 51}, "redacted"},
		{"changed", "x-amz-date:20130524T000000Z\nhost", "x-amz-date:20130524T000001Z\nhost", []int{25}, "text has `0`, bytes have `1`"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ds := compareText("canonical_request", c.text, []byte(c.bytes), false, false)
			var offs []int
			for _, d := range ds {
				offs = append(offs, d.Offset)
			}
			if len(offs) != len(c.offsets) {
				t.Fatalf("offsets %v, want %v: %+v", offs, c.offsets, ds)
			}
			for i := range offs {
				if offs[i] != c.offsets[i] {
					t.Errorf("offsets %v, want %v", offs, c.offsets)
				}
			}
			if len(ds) > 0 && !strings.Contains(ds[0].Note, c.note) {
				t.Errorf("note %q, want %q", ds[0].Note, c.note)
			}
			for _, d := range ds {
				if d.Part != "canonical_request" || d.Text == "" && d.Bytes == "" {
					t.Errorf("bad damage %+v", d)
				}
			}
		})
	}
}

func TestCompareText_cutSides(t *testing.T) {
	if ds := compareText("string_to_sign", "AWS4-HMAC", []byte("AWS4-HMAC-SHA256\n2013"), true, false); len(ds) != 0 {
		t.Errorf("a cut text is not damage: %+v", ds)
	}
	if ds := compareText("string_to_sign", "AWS4-HMAC-SHA256\n2013", []byte("AWS4-HM"), false, true); len(ds) != 0 {
		t.Errorf("a cut dump is not damage: %+v", ds)
	}
	if ds := compareText("string_to_sign", "AWS4-HMAC", []byte("AWS4-HMAC-SHA256"), false, false); len(ds) != 1 || ds[0].Note != "bytes have `-SHA256` that the text does not" {
		t.Errorf("missing tail: %+v", ds)
	}
}

// An unrelated text costs a bounded search and a bounded report.
func TestCompareText_bounded(t *testing.T) {
	text := strings.Repeat("ab", 1<<15)
	by := []byte(strings.Repeat("cd", 1<<15))
	ds := compareText("canonical_request", text, by, false, false)
	if len(ds) != 1 || ds[0].Offset != 0 {
		t.Fatalf("got %d regions", len(ds))
	}
	many := strings.Repeat("0123456789abcdefX", 200)
	ds = compareText("canonical_request", many, []byte(strings.ReplaceAll(many, "X", "Y")), false, false)
	if len(ds) != maxDamage {
		t.Errorf("got %d regions, want the cap %d", len(ds), maxDamage)
	}
}

func TestVisible(t *testing.T) {
	if got := visible("a\r\n\t\u00a0\x01"); got != `a\r\n\t\u00a0\x01` {
		t.Errorf("visible = %q", got)
	}
}
