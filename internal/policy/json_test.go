package policy

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/testenv"
)

func fixture(t testing.TB, elem ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{testenv.RepoRoot(t), "testdata", "policy"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseJSON_valuesAndOffsets(t *testing.T) {
	in := "{ \"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\\n\"],\r\n  \"b\": {} }"
	d, err := ParseJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	a, ok := d.Root.Get("a")
	if !ok || a.Kind != Array || len(a.Elems) != 6 {
		t.Fatalf("a = %+v", a)
	}
	want := []struct {
		k Kind
		s string
	}{{Number, "1"}, {Number, "-2.5e3"}, {Bool, "true"}, {Bool, "false"}, {Null, ""}, {String, "xé😀\n"}}
	for i, w := range want {
		if e := a.Elems[i]; e.Kind != w.k || e.Str != w.s {
			t.Errorf("elem %d = %v %q, want %v %q", i, e.Kind, e.Str, w.k, w.s)
		}
	}
	if got := in[a.Elems[5].Offset:a.Elems[5].End]; !strings.HasPrefix(got, `"x\u00e9`) || !strings.HasSuffix(got, `\n"`) {
		t.Errorf("string source %q", got)
	}
	if d.Root.Members[1].Offset != strings.Index(in, `"b"`) {
		t.Errorf("offset of b = %d", d.Root.Members[1].Offset)
	}
	if len(d.Notes) != 0 {
		t.Errorf("notes %q for strict json", d.Notes)
	}
}

// TestParseJSON_tolerated accepts what S3's documentation itself writes
// and says so.
func TestParseJSON_tolerated(t *testing.T) {
	for name, in := range map[string]string{
		"trailing comma in array (S3's example policy)": `{"conditions": [{"acl": "public-read" }, ],}`,
		`\$ escape (S3's escaping table)`:               `{"k": "\$5"}`,
		`\v escape (S3's escaping table)`:               `{"k": "\v"}`,
		"byte order mark":                               "\ufeff{}",
	} {
		t.Run(name, func(t *testing.T) {
			d, err := ParseJSON([]byte(in))
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Notes) == 0 {
				t.Error("accepted without a note")
			}
		})
	}
}

func TestParseJSON_errorsCarryPosition(t *testing.T) {
	for _, c := range []struct {
		in         string
		line, col  int
		reasonPart string
	}{
		{"{\r\n  \"a\": 1\r\n  \"b\": 2}", 3, 3, "expected ',' or '}'"},
		{`{"a" 1}`, 1, 6, "expected ':'"},
		{`{"a": 'x'}`, 1, 7, "double quotes"},
		{`{"a": "x`, 1, 7, "not closed"},
		{"{\"a\": \"x\ny\"}", 1, 9, "control character"},
		{`{"a": "\q"}`, 1, 8, "unknown escape"},
		{`{"a": "\u12"}`, 1, 8, "four hex digits"},
		{`{"a": 01}`, 1, 8, "expected ',' or '}'"},
		{`{"a": -}`, 1, 8, "digits"},
		{`{"a": 1.}`, 1, 9, "decimal point"},
		{`{"a": 1e}`, 1, 9, "exponent"},
		{`[1, 2`, 1, 6, "closing ]"},
		{`{} x`, 1, 4, "text after"},
		{``, 1, 1, "ends where a value"},
		{`{"a": tru}`, 1, 7, "expected true"},
		{strings.Repeat("[", 100), 1, 66, "deeper than 64"},
	} {
		_, err := ParseJSON([]byte(c.in))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: err %v, want a SyntaxError", c.in, err)
			continue
		}
		if se.Line != c.line || se.Column != c.col || !strings.Contains(se.Reason, c.reasonPart) {
			t.Errorf("%q: line %d col %d %q, want line %d col %d containing %q", c.in, se.Line, se.Column, se.Reason, c.line, c.col, c.reasonPart)
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || msg != strings.ToLower(msg[:1])+msg[1:] {
			t.Errorf("message %q is not one lowercase line", msg)
		}
	}
}

func TestParseJSON_tooLarge(t *testing.T) {
	_, err := ParseJSON(make([]byte, MaxJSON+1))
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("err %v", err)
	}
}

// TestEncode_matchesRealSerializers compares Encode with the output of
// Python 3's json.dumps and Node's JSON.stringify for one document with
// non-ASCII text, an astral character, escapes, nesting and unsorted keys
// (testdata/policy/reserialize, made by those serializers; see README).
func TestEncode_matchesRealSerializers(t *testing.T) {
	d, err := ParseJSON(fixture(t, "reserialize", "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Styles {
		t.Run(s.Name, func(t *testing.T) {
			want := fixture(t, "reserialize", s.Name+".json")
			if got := Encode(d.Root, s); !bytes.Equal(got, want) {
				t.Errorf("encode differs\n got %q\nwant %q", got, want)
			}
		})
	}
}

// TestEncode_roundTrip: what Encode writes parses back to the same tree.
func TestEncode_roundTrip(t *testing.T) {
	d, err := ParseJSON(fixture(t, "reserialize", "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Styles {
		d2, err := ParseJSON(Encode(d.Root, s))
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		if !sameTree(d.Root, d2.Root, s.SortKeys) {
			t.Errorf("%s: round trip changed the document", s.Name)
		}
	}
}

func sameTree(a, b *Value, sorted bool) bool {
	if a.Kind != b.Kind || a.Str != b.Str || len(a.Elems) != len(b.Elems) || len(a.Members) != len(b.Members) {
		return false
	}
	for i := range a.Elems {
		if !sameTree(a.Elems[i], b.Elems[i], sorted) {
			return false
		}
	}
	ms := a.Members
	if sorted {
		ms = slices.Clone(ms)
		slices.SortStableFunc(ms, func(x, y Member) int { return strings.Compare(x.Key, y.Key) })
	}
	for i, m := range ms {
		if m.Key != b.Members[i].Key || !sameTree(m.Value, b.Members[i].Value, sorted) {
			return false
		}
	}
	return true
}
