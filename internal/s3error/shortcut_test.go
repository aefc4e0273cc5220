package s3error

import (
	"encoding/base64"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
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
		want, wantRe := deindentLines(s)
		if got != want || gotRe != wantRe {
			t.Fatalf("deindent(%q) = %q, %v; the loop alone says %q, %v", s, got, gotRe, want, wantRe)
		}
	}
}

// lineInputs are texts of many short and long lines, with prefixes the
// line un-wrappers strip and CRs.
func lineInputs() []string {
	wide := strings.Repeat("w", 40)
	return append([]string{"", "\n", "a\n", "\n\n", wide + "\n" + wide + "\n" + wide + "\nend", wide + "\r\n" + wide + "x\r\n" + wide + "\r\nb",
		"> a\n> b\n", "2024-05-01 10:00:00 DEBUG x\n2024-05-01 10:00:01 DEBUG y", wide + "é\n" + wide + "é\n" + wide + "é\n"},
		append(randomStrings([]string{"\n", "\r\n", "\r", wide, "w", "é", " ", "> ", "$ ", "## ", "2024-05-01 10:00:00 DEBUG ", "<Code>"}, 20000),
			// lines as wide as the widest, which the console un-wrapper joins
			randomStrings([]string{wide + "\n", wide + "\r\n", "> " + wide[2:] + "\n", wide[1:] + "é\n", wide, "x\n", "\n", "-"}, 20000)...)...)
}

func TestLineUnwrappers_likeSplit(t *testing.T) {
	for _, s := range lineInputs() {
		if got, want := consoleWidth(s), consoleWidthSplit(s); got != want {
			t.Fatalf("consoleWidth(%q) = %d, by lines %d", s, got, want)
		}
		for _, w := range []int{1, 40, 41} {
			p1, p2 := &paste{s: s}, &paste{s: s}
			unwrapConsole(p1, w)
			unwrapConsoleSplit(p2, w)
			if p1.s != p2.s {
				t.Fatalf("unwrapConsole(%q, %d) = %q, by lines %q", s, w, p1.s, p2.s)
			}
			p1 = &paste{s: s}
			unwrapConsolePrefixed(p1, w)
			unwrapLinePrefixesSplit(p2)
			if p1.s != p2.s || !slices.Equal(p1.layers, p2.layers) {
				t.Fatalf("unwrapConsolePrefixed(%q, %d) = %q %v, in two steps %q %v", s, w, p1.s, p1.layers, p2.s, p2.layers)
			}
		}
		p1, p2 := &paste{s: s}, &paste{s: s}
		unwrapLinePrefixes(p1)
		unwrapLinePrefixesSplit(p2)
		if p1.s != p2.s || !slices.Equal(p1.layers, p2.layers) {
			t.Fatalf("unwrapLinePrefixes(%q) = %q %v, by lines %q %v", s, p1.s, p1.layers, p2.s, p2.layers)
		}
	}
}

// The line un-wrappers as they were, over strings.Split.

func consoleWidthSplit(s string) int {
	lines := strings.Split(s, "\n")
	if len(lines) < 3 {
		return 0
	}
	w := 0
	for _, l := range lines {
		w = max(w, utf8.RuneCountInString(strings.TrimSuffix(l, "\r")))
	}
	if w < 40 {
		return 0
	}
	full, midWord := 0, 0
	for i, l := range lines[:len(lines)-1] {
		l = strings.TrimSuffix(l, "\r")
		if utf8.RuneCountInString(l) != w {
			continue
		}
		full++
		next := lines[i+1]
		if l != "" && next != "" && isWordByte(l[len(l)-1]) && isWordByte(next[0]) {
			midWord++
		}
	}
	if full >= 3 || (full >= 2 && midWord >= 1) {
		return w
	}
	return 0
}

func unwrapConsoleSplit(p *paste, w int) {
	lines := strings.Split(p.s, "\n")
	var sb strings.Builder
	for i, l := range lines {
		l2 := strings.TrimSuffix(l, "\r")
		if i < len(lines)-1 && utf8.RuneCountInString(l2) == w {
			sb.WriteString(l2)
			continue
		}
		sb.WriteString(l)
		if i < len(lines)-1 {
			sb.WriteByte('\n')
		}
	}
	p.apply("console-wrapped", sb.String())
}

func unwrapLinePrefixesSplit(p *paste) {
	lines := strings.Split(p.s, "\n")
	counts := make([]int, len(linePrefixes))
	changed := false
	for i, l := range lines {
		for depth := 0; depth < 3; depth++ {
			rest, k := stripPrefix(l)
			if k < 0 {
				break
			}
			counts[k]++
			l, changed = rest, true
		}
		lines[i] = l
	}
	if !changed {
		return
	}
	p.s = strings.Join(lines, "\n")
	for k, n := range counts {
		if n >= 2 {
			p.layers = append(p.layers, linePrefixes[k].layer)
		}
	}
}

// TestCloseAfter_likeMap: the sorted index of closing tags finds what a
// map from name to positions found.
func TestCloseAfter_likeMap(t *testing.T) {
	for _, s := range append([]string{"<Error><Code>a</Code><Message>b</Message></Error>", "</a></b></a><a></a>", "</a", "<a></a ></a>"},
		randomStrings([]string{"<a>", "</a>", "<b>", "</b>", "</b", "<Error>", "</Error>", "x", "<", ">", "</"}, 5000)...) {
		ix := indexTags(s, 0)
		byName := map[string][]int{}
		for _, tg := range ix.tags {
			if tg.close && tg.end >= 0 {
				byName[tg.name] = append(byName[tg.name], tg.pos)
			}
		}
		for _, name := range []string{"a", "b", "Error", "c"} {
			for pos := 0; pos <= len(s); pos++ {
				want := -1
				if c := byName[name]; len(c) > 0 {
					if i := sort.SearchInts(c, pos); i < len(c) {
						want = c[i]
					}
				}
				if got := ix.closeAfter(name, pos); got != want {
					t.Fatalf("%q: closeAfter(%q, %d) = %d, want %d", s, name, pos, got, want)
				}
			}
		}
	}
}
