package har

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// The cheap paths taken to save allocations must answer as the long ways
// they stand in for.

func TestNumber_likeUnmarshal(t *testing.T) {
	long := func(raw json.RawMessage) int {
		var f float64
		if len(raw) == 0 || json.Unmarshal(raw, &f) != nil || f < -1 || f > 1<<53 {
			return -1
		}
		return int(f)
	}
	for _, s := range []string{"", "0", "-0", "1", "-1", "-2", "200", "403", "01", "-01", "00", "1.5", "1e3", "-1e0", "null", "true",
		`"3"`, " 1", "1 ", "+1", "-", "999999999999999", "9999999999999999", "9007199254740992", "9007199254740993", "-9007199254740993",
		"123456789012345", "1234567890123456", "1_000", "0x10", "Infinity", "NaN", "1e400", "{}", "[]"} {
		if got, want := number(json.RawMessage(s)), long(json.RawMessage(s)); got != want {
			t.Errorf("number(%q) = %d, json.Unmarshal says %d", s, got, want)
		}
	}
}

func TestReadAll_likeIoReadAll(t *testing.T) {
	buf := make([]byte, 3, 7) // a used buffer: readAll is handed buf[:0]
	for _, s := range []string{"", "a", strings.Repeat("x", 511), strings.Repeat("x", 512), strings.Repeat("xy", 3000)} {
		for name, r := range map[string]func() io.Reader{
			"whole":    func() io.Reader { return strings.NewReader(s) },
			"one byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
			"error":    func() io.Reader { return io.MultiReader(strings.NewReader(s), iotest.ErrReader(io.ErrUnexpectedEOF)) },
		} {
			want, wantErr := io.ReadAll(r())
			var err error
			buf, err = readAll(buf[:0], r())
			if !bytes.Equal(buf, want) || err != wantErr {
				t.Errorf("%s %d bytes: got %d bytes, %v; io.ReadAll %d bytes, %v", name, len(s), len(buf), err, len(want), wantErr)
			}
		}
	}
}
