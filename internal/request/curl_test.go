package request

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// TestParseCurl covers what curl does without needing curl; the shapes that
// depend on curl's own behaviour are also in curlCases, run against curl.
func TestParseCurl(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     want
		note     string
	}{
		{"get by default, host from the url, accept added",
			"curl https://b.s3.amazonaws.com/k",
			want{Source: "curl", Method: "GET", Scheme: "https", Host: "b.s3.amazonaws.com", RawPath: "/k",
				Header: fields("Host", "b.s3.amazonaws.com", "Accept", "*/*"), HasBody: true}, "user-agent: curl/VERSION"},
		{"data joins with & and implies post with a form type",
			"curl -d a=1 --data b=2 --data-ascii c https://h/p",
			want{Source: "curl", Method: "POST", Scheme: "https", Host: "h", RawPath: "/p",
				Header: fields("Host", "h", "Accept", "*/*", "Content-Length", "9", "Content-Type", "application/x-www-form-urlencoded"),
				Body:   "a=1&b=2&c", HasBody: true}, "application/x-www-form-urlencoded"},
		{"-d @file is not read",
			"curl -d @body.json https://h/p",
			want{Source: "curl", Method: "POST", Scheme: "https", Host: "h", RawPath: "/p",
				Header:   fields("Host", "h", "Accept", "*/*", "Content-Type", "application/x-www-form-urlencoded"),
				BodyFile: "body.json"}, "content-length (the file's size)"},
		{"--data-raw keeps a leading @",
			"curl --data-raw @x https://h/",
			want{Source: "curl", Method: "POST", Scheme: "https", Host: "h", RawPath: "/",
				Header: fields("Host", "h", "Accept", "*/*", "Content-Length", "2", "Content-Type", "application/x-www-form-urlencoded"),
				Body:   "@x", HasBody: true}, ""},
		{"-T puts, appends the file name to a trailing slash, and does not read it",
			"curl -T ./dir/photo.jpg https://b.s3.amazonaws.com/album/",
			want{Source: "curl", Method: "PUT", Scheme: "https", Host: "b.s3.amazonaws.com", RawPath: "/album/photo.jpg",
				Header: fields("Host", "b.s3.amazonaws.com", "Accept", "*/*"), BodyFile: "./dir/photo.jpg"}, "expect: 100-continue"},
		{"-I heads, -X renames",
			"curl -I -X PROPFIND https://h/",
			want{Source: "curl", Method: "PROPFIND", Scheme: "https", Host: "h", RawPath: "/", Header: fields("Host", "h", "Accept", "*/*"), HasBody: true}, ""},
		{"-u is not kept, --aws-sigv4 is recorded",
			"curl -u AKID:SECRETKEY --aws-sigv4 aws:amz:us-east-1:s3 https://b.s3.amazonaws.com/k",
			want{Source: "curl", Method: "GET", Scheme: "https", Host: "b.s3.amazonaws.com", RawPath: "/k",
				Header: fields("Host", "b.s3.amazonaws.com", "Accept", "*/*"), HasBody: true, AWSSigV4: "aws:amz:us-east-1:s3"}, "signs when it runs"},
		{"default port left out, ipv6 kept",
			"curl https://[::1]:443/k",
			want{Source: "curl", Method: "GET", Scheme: "https", Host: "[::1]", RawPath: "/k", Header: fields("Host", "[::1]", "Accept", "*/*"), HasBody: true}, ""},
		{"other port kept, no scheme means http",
			"curl h.example:9000/k",
			want{Source: "curl", Method: "GET", Scheme: "http", Host: "h.example:9000", RawPath: "/k", Header: fields("Host", "h.example:9000", "Accept", "*/*"), HasBody: true}, "curl uses http"},
		{"-F is multipart, fields kept",
			"curl -F key=uploads/x -F 'file=@x.jpg' https://b.s3.amazonaws.com/",
			want{Source: "curl", Method: "POST", Scheme: "https", Host: "b.s3.amazonaws.com", RawPath: "/",
				Header: fields("Host", "b.s3.amazonaws.com", "Accept", "*/*")}, "random boundary"},
		{"cookie file is not read",
			"curl -b cookies.txt https://h/",
			want{Source: "curl", Method: "GET", Scheme: "https", Host: "h", RawPath: "/", Header: fields("Host", "h", "Accept", "*/*"), HasBody: true}, "cookie file"},
		{"an -H line break makes two fields",
			"curl -H $'X-A: 1\\r\\nX-B: 2' https://h/",
			want{Source: "curl", Method: "GET", Scheme: "https", Host: "h", RawPath: "/", Header: fields("Host", "h", "Accept", "*/*", "X-A", "1", "X-B", "2"), HasBody: true}, "line break"},
		{"harmless flags do not swallow the url",
			"curl -s -v -k -L -i --http2 --location -o out.bin --retry 3 -m 10 --connect-timeout 5 -w '%{http_code}' https://h/",
			want{Source: "curl", Method: "GET", Scheme: "https", Host: "h", RawPath: "/", Header: fields("Host", "h", "Accept", "*/*"), HasBody: true}, ""},
		{"--no- negates, --expand- is noted",
			"curl --compressed --no-compressed --expand-url https://h/",
			want{Source: "curl", Method: "GET", Scheme: "https", Host: "h", RawPath: "/", Header: fields("Host", "h", "Accept", "*/*"), HasBody: true}, "not expanded"},
		{"leading prompt and ps2 prompts",
			"$ curl \\\n> -H 'X: 1' \\\n> https://h/",
			want{Source: "curl", Method: "GET", Scheme: "https", Host: "h", RawPath: "/", Header: fields("Host", "h", "Accept", "*/*", "X", "1"), HasBody: true}, ""},
		{"unexpanded variable noted",
			`curl -H "Authorization: Bearer $TOKEN" https://h/`,
			want{Source: "curl", Method: "GET", Scheme: "https", Host: "h", RawPath: "/", Header: fields("Host", "h", "Accept", "*/*", "Authorization", "Bearer $TOKEN"), HasBody: true}, "$TOKEN was not expanded"},
		{"copy all as cURL: first command only",
			"curl https://h/a ;\ncurl https://h/b",
			want{Source: "curl", Method: "GET", Scheme: "https", Host: "h", RawPath: "/a", Header: fields("Host", "h", "Accept", "*/*"), HasBody: true}, "only the first command"},
		{"nul ends an ansi-c string as in bash",
			`curl --data-raw $'ab\u0000cd' https://h/`,
			want{Source: "curl", Method: "POST", Scheme: "https", Host: "h", RawPath: "/",
				Header: fields("Host", "h", "Accept", "*/*", "Content-Length", "2", "Content-Type", "application/x-www-form-urlencoded"), Body: "ab", HasBody: true}, "first \\0"},
		{"big body asks expect: 100-continue",
			"curl -d " + strings.Repeat("a", expect100Threshold+1) + " https://h/",
			want{Source: "curl", Method: "POST", Scheme: "https", Host: "h", RawPath: "/",
				Header: fields("Host", "h", "Accept", "*/*", "Content-Length", fmt.Sprint(expect100Threshold+1), "Content-Type", "application/x-www-form-urlencoded", "Expect", "100-continue"),
				Body:   strings.Repeat("a", expect100Threshold+1), HasBody: true}, ""},
		{"devtools' authority field is sent and noted",
			"curl 'https://h/' -H 'authority: h' --compressed",
			want{Source: "curl", Method: "GET", Scheme: "https", Host: "h", RawPath: "/",
				Header: fields("Host", "h", "Accept", "*/*", "Accept-Encoding", curlAcceptEncoding, "authority", "h"), HasBody: true}, ":authority"},
		{"a ^\" in bash quotes is data, not cmd",
			`curl -d '^"x' https://h/`,
			want{Source: "curl", Method: "POST", Scheme: "https", Host: "h", RawPath: "/",
				Header: fields("Host", "h", "Accept", "*/*", "Content-Length", "3", "Content-Type", "application/x-www-form-urlencoded"), Body: `^"x`, HasBody: true}, ""},
		{"windows cmd: carets, doubled quotes, backslash quotes",
			"curl.exe ^\"https://h/p?a=1^&b=2^\" ^\r\n  -H \"X: \"\"q\"\"\" -H ^\"Y: a\\^\"b^\" --data-raw ^\"line1^\n\nline2^\"",
			want{Source: "curl", Method: "POST", Scheme: "https", Host: "h", RawPath: "/p", RawQuery: "a=1&b=2",
				Header: fields("Host", "h", "Accept", "*/*", "X", `"q"`, "Y", `a"b`, "Content-Length", "11", "Content-Type", "application/x-www-form-urlencoded"),
				Body:   "line1\nline2", HasBody: true}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := ParseCurl([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			check(t, r, c.want)
			if c.note != "" && !strings.Contains(strings.Join(r.Notes, "\n"), c.note) {
				t.Errorf("no note mentions %q: %q", c.note, r.Notes)
			}
			for _, n := range r.Notes {
				if strings.Contains(n, "SECRETKEY") || strings.Contains(n, "\n") {
					t.Errorf("note %q holds a secret or a line break", n)
				}
			}
		})
	}
}

func TestParseCurl_form(t *testing.T) {
	r, err := ParseCurl([]byte("curl -F key=uploads/x -F 'policy=eyJ=' -F file=@x.jpg https://b/"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(r.Form); got != "[{key uploads/x} {policy eyJ=} {file @x.jpg}]" {
		t.Errorf("Form = %s", got)
	}
}

func TestParseCurl_errors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"wget https://h/", "curl command: line 1, column 1: expected a command starting with curl"},
		{"curl -v", "curl command: line 1, column 1: the command has no url"},
		{"curl https://h/a https://h/b", "curl command: line 1, column 18: the command has more than one url"},
		{"curl \\\n  --frobnicate https://h/", `curl command: line 2, column 3: unknown curl option "--frobnicate"`},
		{"curl -sZ9 https://h/", `curl command: line 1, column 6: unknown curl option "-9"`},
		{"curl --hea https://h/", `curl command: line 1, column 6: curl option "--hea" is ambiguous`},
		{"curl https://h/ -H", `curl command: line 1, column 17: option "-H" needs an argument`},
		{"curl https://h/ --data", `curl command: line 1, column 17: option "--data" needs an argument`},
		{"curl -H 'X: 1\n", "curl command: line 1, column 9: single quote is never closed"},
		{"curl -H \"X: 1", "curl command: line 1, column 9: double quote is never closed"},
		{"curl --data-raw $'abc https://h/", "curl command: line 1, column 17: $' quote is never closed"},
		{"curl https://h/\n-H 'X: 1'", "curl command: line 2, column 1: text follows the end of the command"},
		{"curl -K opts.txt https://h/", "curl command: line 1, column 6: -K reads options from a file"},
		{"curl https://h/ --next https://h/2", "curl command: line 1, column 17: --next starts a second request"},
		{"curl -H @headers.txt https://h/", "curl command: line 1, column 6: -H @FILE reads header fields from a file"},
		{"curl -I -d x https://h/", "curl command: line 1, column 1: -I asks for HEAD but the command also sends a body"},
		{"curl -d x -T f https://h/", "curl command: line 1, column 1: the command gives more than one body"},
		{"curl 'https://h/a[1-3]'", "curl command: line 1, column 6: the url uses curl's globbing"},
		{"curl 'https://h/a b'", "curl command: line 1, column 6: the url has a blank or control character"},
		{"curl ftp://h/x", `curl command: line 1, column 6: the url's scheme is "ftp"`},
		{"curl https://:80/x", "curl command: line 1, column 6: url has no host"},
		{"curl -X 'GET /' https://h/", `curl command: line 1, column 6: -X "GET /" is not an http method`},
		{"curl $(cat url.txt)", "curl command: line 1, column 7: shell syntax '(' is not read"},
		{"curl https://h/ <<EOF\nx\nEOF", "curl command: line 1, column 17: here-documents (<<) are not read"},
	} {
		_, err := ParseCurl([]byte(c.in))
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("ParseCurl(%q)\nhave %v\nwant %s…", c.in, err, c.want)
		}
	}
}

func TestSplitBash(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`curl a 'b c' "d e" f\ g`, []string{"curl", "a", "b c", "d e", "f g"}},
		{"curl a\\\r\nb", []string{"curl", "ab"}},
		{"curl a \\\r\n  b", []string{"curl", "a", "b"}},
		{`curl "a\nb" $'a\nb'`, []string{"curl", `a\nb`, "a\nb"}},
		{`curl $'\101\x41\u0041\U00000041\cA'`, []string{"curl", "AAAA\x01"}},
		{`curl $'\e[0m' $'\?' $'\q'`, []string{"curl", "\x1b[0m", "?", `\q`}},
		{"curl a#b #c d", []string{"curl", "a#b"}},
		{"curl a 2>/dev/null b >out c &>all d", []string{"curl", "a", "b", "c", "d"}},
		{"curl a && echo done", []string{"curl", "a"}},
		{"curl '' \"\"", []string{"curl", "", ""}},
		{"  $ curl x", []string{"curl", "x"}},
		{"curl x\n\n# trailing comment\n", []string{"curl", "x"}},
		{"# upload the report\n\n# (from the wiki)\ncurl x", []string{"curl", "x"}},
	} {
		words, _, err := splitBash(c.in, func(off int, f string, a ...any) error { return fmt.Errorf(f, a...) })
		if err != nil {
			t.Errorf("splitBash(%q): %v", c.in, err)
			continue
		}
		var got []string
		for _, w := range words {
			got = append(got, w.text)
		}
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", c.want) {
			t.Errorf("splitBash(%q)\nhave %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestSplitCmd(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`curl "a b" c`, []string{"curl", "a b", "c"}},
		{`curl a\\\"b "c\\" d`, []string{"curl", `a\"b`, `c\`, "d"}},
		{`curl a\b`, []string{"curl", `a\b`}},
		{"curl ^\"x^\" ^\n  y", []string{"curl", "x", "y"}},
		{`curl ^"^%^PATH^%^" "%"`, []string{"curl", "%PATH%", "%"}},
		{"curl a & curl b", []string{"curl", "a"}},
		{`curl "in ^ quotes"`, []string{"curl", "in ^ quotes"}},
	} {
		words, _, err := splitCmd(c.in, func(off int, f string, a ...any) error { return fmt.Errorf(f, a...) })
		if err != nil {
			t.Errorf("splitCmd(%q): %v", c.in, err)
			continue
		}
		var got []string
		for _, w := range words {
			got = append(got, w.text)
		}
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", c.want) {
			t.Errorf("splitCmd(%q)\nhave %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestCurlOpts_sorted(t *testing.T) {
	if !sort.SliceIsSorted(curlOpts, func(i, j int) bool { return curlOpts[i].long < curlOpts[j].long }) {
		t.Error("curlOpts must be sorted by long name (lookupLong searches it)")
	}
	shorts := map[byte]string{}
	for i, o := range curlOpts {
		if i > 0 && curlOpts[i-1].long == o.long {
			t.Errorf("--%s listed twice", o.long)
		}
		if o.short != 0 {
			if prev, dup := shorts[o.short]; dup {
				t.Errorf("-%c is both --%s and --%s", o.short, prev, o.long)
			}
			shorts[o.short] = o.long
		}
	}
	for _, c := range []struct {
		name       string
		found, amb bool
		long       string
	}{
		{"header", true, false, "header"},
		{"compressed-s", true, false, "compressed-ssh"},
		{"compress", false, true, ""},
		{"data-r", true, false, "data-raw"},
		{"zzz", false, false, ""},
		{"", false, false, ""},
	} {
		o, found, amb := lookupLong(c.name)
		if found != c.found || amb != c.amb || o.long != c.long {
			t.Errorf("lookupLong(%q) = %q, %v, %v", c.name, o.long, found, amb)
		}
	}
}

func TestCurlEscape(t *testing.T) {
	if got := curlEscape("a b+c&d*é~._-"); got != "a+b%2Bc%26d%2A%C3%A9~._-" {
		t.Errorf("curlEscape = %q", got)
	}
}

func TestRemoveDotSegments(t *testing.T) {
	// RFC 3986 §5.4 examples and curl's results on the shapes in curlCases.
	for in, want := range map[string]string{
		"/a/b/c/./../../g": "/a/g", "mid/content=5/../6": "mid/6", "/a/./b/../c": "/a/c", "/a/..": "/",
		"/a//b/.//c/.": "/a//b//c/", "/../x": "/x", ".": "", "/%2e%2e/x": "/%2e%2e/x", "/plain": "/plain",
	} {
		if got := removeDotSegments(in); got != want {
			t.Errorf("removeDotSegments(%q) = %q, want %q", in, got, want)
		}
	}
}
