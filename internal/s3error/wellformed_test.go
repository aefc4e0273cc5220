package s3error

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

// etreeErr is what checkWellFormed used to call: etree's parse with its
// default settings.
func etreeErr(s string) error {
	return etree.NewDocument().ReadFromString(s)
}

func sameErr(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Error() == b.Error()
}

// wellFormedCases are hand-made bodies for each way XML can be broken,
// and the fixture bodies, whole and (with cuts) cut at many places.
func wellFormedCases(t testing.TB, cuts bool) []string {
	deep := strings.Repeat("<a>", maxXMLDepth) + strings.Repeat("</a>", maxXMLDepth)
	cases := []string{
		"", " ", "<Error/>", "<Error></Error>", "<Error><Code>x</Code></Error>",
		"<Error><Code>x</Error>", "<Error><Code>x</Code>", "<Error>", "</Error>", "<Error></Code></Error>",
		"<a:Error xmlns:a='u'><a:Code>x</a:Code></a:Error>", "<a:Error></b:Error>", "<a:Error></Error>",
		`<?xml version="1.0" encoding="ISO-8859-1"?><Error/>`, `<?xml version="1.0" encoding="UTF-16"?><Error/>`,
		`<?xml version="1.0"?>` + "\n<Error><Message>a &amp; b &lt; c &#xA; &#10;</Message></Error>",
		"<Error><Message>a & b</Message></Error>", "<Error><Message>&nbsp;</Message></Error>", "<Error><Message>&#xZZ;</Message></Error>",
		"<Error><![CDATA[<x>]]></Error>", "<Error><![CDATA[<x></Error>", "<Error><!-- c --></Error>", "<Error><!-- c </Error>",
		"<!DOCTYPE Error><Error/>", "<Error/><Error/>", "<Error/>trailing", "text<Error/>", "<Error a='1' a='2'/>", "<Error a=1/>",
		"<Error>\r\n<Code>x</Code>\r</Error>", "<Error>\xff\xfe</Error>", "<Error><Code>x</Code ></Error >", "< Error/>", "<Error",
		"<Error><StringToSign>AWS4-HMAC-SHA256\n2013</StringToSign><your bucket></Error>",
		deep, "<b>" + deep + "</b>", strings.Repeat("<a>", 3000),
		// the edges of plainXML, which answers without the decoder
		"<Error>\x01</Error>", "<Error>\x7f\t\r\n</Error>", "<Error>]]></Error>", "<Error>]]</Error>", "<Error>a>b</Error>",
		"<Error>\xff</Error>", "<Error>\xed\xa0\x80</Error>", "<Error>\uFFFE</Error>", "<Error>\uFFFD\U0010FFFF</Error>",
		"<1a></1a>", "<.a/>", "<-a/>", "<a.b-c_d9></a.b-c_d9>", "<_a/>", "<a/ >", "<a / >", "</a>", "<a></A>", "<a><b></a></b>",
		"<Error>&apos;&quot;&lt;&gt;&amp;</Error>", "<Error>&#65;&#x41;</Error>", "<Error>&am;</Error>", "<Error>&amp</Error>", "<Error>&</Error>",
		strings.Repeat("<a>", 16) + strings.Repeat("</a>", 16), strings.Repeat("<a>", 17) + strings.Repeat("</a>", 17), "<é/>", "<a>é</a>",
	}
	dir := filepath.Join("..", "..", "testdata", "bodies")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for k, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil || e.IsDir() {
			continue
		}
		s := string(data)
		cases = append(cases, s)
		if !cuts {
			continue
		}
		step := 1 + len(s)/64
		for i := k % step; i < len(s); i += step {
			cases = append(cases, s[:i], s[i:])
		}
	}
	return cases
}

func TestWellFormed_likeEtree(t *testing.T) {
	for i, s := range wellFormedCases(t, true) {
		if got, want := wellFormed(s), etreeErr(s); !sameErr(got, want) {
			t.Errorf("case %d %q: got %v, etree says %v", i, trim(s), got, want)
		}
	}
}

func trim(s string) string {
	if len(s) > 80 {
		return s[:80] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}

// FuzzWellFormed checks that wellFormed says what etree says about any
// input.
func FuzzWellFormed(f *testing.F) {
	for _, s := range wellFormedCases(f, false) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := wellFormed(s), etreeErr(s); !sameErr(got, want) {
			t.Fatalf("%q: got %v, etree says %v", trim(s), got, want)
		}
	})
}
