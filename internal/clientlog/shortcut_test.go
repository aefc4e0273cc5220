package clientlog

// The cheap paths taken to save allocations must answer as the long ways
// they stand in for.

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// pyInputs are literals as botocore, s3cmd and awscurl log them, and
// random texts over their punctuation, for the shortcuts of the literal
// reader.
func pyInputs() []string {
	in := []string{
		`{'url_path': '/k', 'query_string': {}, 'method': 'PUT', 'headers': {'a': 'b'}, 'body': b'hello\n', 'context': {'x': [1, 2, (3,)]}}`,
		`{'body': <_io.BytesIO object at 0x7f>, 'url': 'http://h/k'}`, `{'body': b'a', 'body': b'b'}`, `{b'body': b'x'}`, `{'Body': 'x', "body": 'y'}`,
		`{'status': 403, 'headers': {'x-amz-id-2': 'a=='}, 'data': b'<?xml version="1.0"?>\n<Error>\xe2\x80\x99</Error>', 'reason': 'Forbidden'}`,
		`{'context': {'body': 'inner'}, 'body': 'outer'}`, `{'a': 'x' 'y', 'body': ('p'` + "\n" + ` 'q')}`, `{'a': 'b\z', 'body': r'\n'}`,
		`{'a': '\x4', 'body': 'x'}`, `{'a': 'ok', 'body': 'x'`, `({'body': 'x'})`, `['body', 'x']`, `'body'`, `{'a': b'\u00e9', 'body': '\u00e9\U0001F600\777'}`,
		`{'a': OperationModel(name=PutObject), 'body': None}`, `'a' 'b'  'c'`, "'a\\\nb'", `'unterminated`, `'a\'`, `"a\"b"`, `b'\''`,
	}
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"'", `"`, "b'", "r'", `\`, `\n`, `\x4`, `\x41`, `\u00e9`, `\777`, "{", "}", "[", "]", "(", ")", ":", ",", " ", "\n", "body", "'body'", "a", "é", "<x>", "None", "12"}
	for range 20000 {
		var b strings.Builder
		for k := r.IntN(16); k > 0; k-- {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		in = append(in, b.String())
	}
	return in
}

// TestParsePyKeys_likeParsePy: reading only some keys of a dict answers
// get as the whole dict does, reads as far and fails alike.
func TestParsePyKeys_likeParsePy(t *testing.T) {
	for _, s := range pyInputs() {
		checkPyKeys(t, s)
	}
}

func checkPyKeys(t *testing.T, s string) {
	t.Helper()
	keys := []string{"body", "status", "data"}
	whole, n1, err1 := parsePy(s)
	some, n2, err2 := parsePyKeys(s, keys...)
	if n1 != n2 || (err1 == nil) != (err2 == nil) {
		t.Fatalf("%q: parsePy read %d (%v), parsePyKeys %d (%v)", s, n1, err1, n2, err2)
	}
	if err1 != nil {
		return
	}
	if whole.kind != some.kind {
		t.Fatalf("%q: kinds %d and %d", s, whole.kind, some.kind)
	}
	for _, k := range keys {
		v1, ok1 := whole.get(k)
		v2, ok2 := some.get(k)
		if ok1 != ok2 || !reflect.DeepEqual(v1, v2) {
			t.Fatalf("%q: get(%q) = %+v, %v on the whole dict, %+v, %v on the keys read", s, k, v1, ok1, v2, ok2)
		}
	}
}

// FuzzParsePyKeys holds parsePyKeys to parsePy on any text.
func FuzzParsePyKeys(f *testing.F) {
	for _, s := range pyInputs()[:30] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkPyKeys(t, s) })
}

// TestPyStr_likeBuilder: a literal taken without a copy (no escape in it)
// reads as unescaping it byte by byte does.
func TestPyStr_likeBuilder(t *testing.T) {
	for _, s := range pyInputs() {
		if s == "" || !(&pyParser{s: s}).stringStart() {
			continue
		}
		p1, p2 := &pyParser{s: s}, &pyParser{s: s}
		v1, err1 := p1.str()
		v2, err2 := strByBuilder(p2)
		if (err1 == nil) != (err2 == nil) || v1.s != v2.s || v1.kind != v2.kind || (err1 == nil && p1.i != p2.i) {
			t.Fatalf("%q: str %+v %v at %d, byte by byte %+v %v at %d", s, v1, err1, p1.i, v2, err2, p2.i)
		}
	}
}

// strByBuilder is str without its shortcut.
func strByBuilder(p *pyParser) (pyVal, error) {
	bytesLit, raw := false, false
	for p.s[p.i] != '\'' && p.s[p.i] != '"' {
		switch p.s[p.i] | 0x20 {
		case 'b':
			bytesLit = true
		case 'r':
			raw = true
		}
		p.i++
	}
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			kind := pyStr
			if bytesLit {
				kind = pyBytes
			}
			return pyVal{kind: kind, s: b.String()}, nil
		case c == '\n':
			return pyVal{}, errPy
		case c == '\\' && !raw:
			if err := p.escape(&b, bytesLit); err != nil {
				return pyVal{}, err
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return pyVal{}, errPy
}

// TestRequestEventAt_likeCopy: a request dump read from the log's own
// bytes parses as the copy of its text with the LF put back.
func TestRequestEventAt_likeCopy(t *testing.T) {
	sdk := string(readLog(t, "aws-sdk-go-v2-session.log"))
	sdk = strings.Join(strings.SplitAfter(sdk, "\n")[18:60], "")
	for name, s := range map[string]string{
		"aws-sdk-go-v2":     sdk,
		"ends on cr":        "SDK 2026/11/28 08:43:25 DEBUG Request\nGET / HTTP/1.1\r\nHost: h\r\n\r",
		"ends on crlf":      "SDK 2026/11/28 08:43:25 DEBUG Request\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
		"no line break":     "x\nGET / HTTP/1.1\r\nHost: h",
		"empty lines":       "\n\n\r\n\n",
		"body after the cr": "x\nPUT / HTTP/1.1\r\nContent-Length: 2\r\n\r\nab\nSDK x",
	} {
		for _, raw := range []bool{true, false} {
			d := newDoc(s)
			if raw {
				d.raw = []byte(s)
			}
			for a := 0; a < len(d.lines); a++ {
				for b := a; b <= len(d.lines); b++ {
					got, want := requestEventAt(d, 7, a, b), requestEvent(7, d.between(a, b))
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s (raw %v), lines %d to %d: %+v, from a copy %+v", name, raw, a, b, got, want)
					}
				}
			}
		}
	}
}
