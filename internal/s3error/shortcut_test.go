package s3error

import (
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
)

// The cheap paths taken to save allocations must answer as the long ways
// they stand in for. Each is checked on hand cases and on random strings
// over an alphabet that reaches its branches.

func randomStrings(alphabet []string, n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for k := r.IntN(24); k > 0; k-- {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		out[i] = b.String()
	}
	return out
}

func TestCollapseSpace_likeFieldsJoin(t *testing.T) {
	cases := append([]string{"", " ", "a", "a b", " a", "a ", "a  b", "a\tb", "a\nb", "a\u00a0b", "The request signature we calculated does not match."},
		randomStrings([]string{"a", "é", " ", "  ", "\t", "\n", "\u00a0", "\u2028", "\xff"}, 5000)...)
	for _, s := range cases {
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestMaybeBase64_neverWrong(t *testing.T) {
	cases := append([]string{"AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n" + strings.Repeat("ab", 32),
		"eyJjb25kaXRpb25zIjpbXX0=", "eyJjb25kaXRpb25zIjpbXX0", "eyJj b25k\naXRpb25zIjpbXX0=", "a+b-", "a/b_", "ab\u00a0cd"},
		randomStrings([]string{"ab", "Z9", "=", "+", "/", "-", "_", " ", "\n", ".", "\u00a0", "é"}, 20000)...)
	for _, s := range cases {
		if maybeBase64(s) {
			continue
		}
		compact := strings.Join(strings.Fields(s), "")
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if _, err := enc.DecodeString(compact); err == nil {
				t.Fatalf("maybeBase64(%q) is false but it decodes", s)
			}
		}
	}
}

func TestDeindent_shortcut(t *testing.T) {
	// deindent's early return must agree with its loop: the loop reads the
	// lines from the second on, and stops at the first unindented one.
	cases := append([]string{"a\nb\nc", "a\n  b\n  c\n", "a\n\n  b\n  c", "a\n \n  b\n  c\n ", "\n  a\n  b\n", "a\n\tb\n\tc", "a\n\u00a0b\n c"},
		randomStrings([]string{"x", " ", "\t", "\n", "\r", "\u00a0"}, 20000)...)
	for _, s := range cases {
		got, gotRe := deindent(s)
		want, wantRe := deindentSplit(s)
		if got != want || gotRe != wantRe {
			t.Fatalf("deindent(%q) = %q, %v; the loop alone says %q, %v", s, got, gotRe, want, wantRe)
		}
	}
}

// deindentSplit is deindent without its shortcut.
func deindentSplit(t string) (string, bool) {
	lines := strings.Split(t, "\n")
	if len(lines) < 3 {
		return t, false
	}
	indent, nonBlank := -1, 0
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			continue
		}
		nonBlank++
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if n == 0 {
			return t, false
		}
		if indent < 0 || n < indent {
			indent = n
		}
	}
	if nonBlank < 2 {
		return t, false
	}
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "" {
			lines[i] = ""
		} else {
			lines[i] = lines[i][indent:]
		}
	}
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	return strings.Join(lines, "\n"), true
}
