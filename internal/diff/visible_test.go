package diff

import "testing"

func TestVisible(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain with final newline", "GET\n/\n", "GET\n/\n"},
		{"no final newline", "UNSIGNED-PAYLOAD", "UNSIGNED-PAYLOAD<no final newline>"},
		{"CR LF", "GET\r\n", "GET\\r\n"},
		{"tab", "a\tb\n", "a\\tb\n"},
		{"inner spaces stay", "a b  c\n", "a b  c\n"},
		{"trailing spaces", "a  \n", "a␠␠\n"},
		{"trailing space before CR LF", "a \r\n", "a␠\\r\n"},
		{"trailing space at end", "a ", "a␠<no final newline>"},
		{"trailing space and tab", "a \t \n", "a␠\\t␠\n"},
		{"space only line", " \n", "␠\n"},
		{"NBSP", "a\u00a0b\n", "a<NBSP>b\n"},
		{"zero width", "\u200b\u200c\u200d\u2060\ufeff\n", "<ZWSP><ZWNJ><ZWJ><WJ><BOM>\n"},
		{"soft hyphen", "a\u00adb\n", "a<SHY>b\n"},
		{"other spaces", "a\u2003b\u3000c\n", "a<U+2003>b<U+3000>c\n"},
		{"line separator", "a\u2028b\n", "a<U+2028>b\n"},
		{"C1 control", "a\u0085b\n", "a<U+0085>b\n"},
		{"symbol for space itself", "a␠b\n", "a<U+2420>b\n"},
		{"control bytes", "a\x00\x1b\x7fb\n", "a\\x00\\x1B\\x7Fb\n"},
		{"invalid UTF-8", "a\xff\xc3b\n", "a\\xFF\\xC3b\n"},
		{"backslash", `a\rb` + "\n", `a\\rb` + "\n"},
		{"visible non-ASCII", "こんにちは/é\n", "こんにちは/é\n"},
		{"lone CR at end", "a \r", "a␠\\r<no final newline>"},
	}
	for _, tt := range tests {
		if got := Visible([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: Visible(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// A fragment cut out of a line shows its spaces as they read in the line:
// trailing only if the line ends after them.
func TestVisiblePieces_context(t *testing.T) {
	b := []byte("a  b  \nc")
	join := func(ps []piece) string {
		s := ""
		for _, p := range ps {
			s += p.text
		}
		return s
	}
	if got := join(visiblePieces(b, 1, 3, true)); got != "  " {
		t.Errorf("inner spaces = %q", got)
	}
	if got := join(visiblePieces(b, 4, 7, true)); got != "␠␠\\n" {
		t.Errorf("trailing spaces = %q", got)
	}
}
