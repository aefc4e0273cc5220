package request

// Differential tests against the real programs: bash splits the words
// (TestSplitBash_matchesBash), curl sends the request
// (TestParseCurl_matchesRealCurl). Each skips when its program is missing,
// except under CI=true.

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func needProgram(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is needed for this test under CI=true: %v", name, err)
		}
		t.Skipf("%s not found; install it to compare with the real program", name)
	}
	return p
}

// bashWords runs command in bash with curl defined to write its words,
// NUL-terminated, to fd 3.
func bashWords(t *testing.T, bash, command string) []string {
	t.Helper()
	out, err := os.CreateTemp(t.TempDir(), "words")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	script := "curl() { printf '%s\\0' curl \"$@\" >&3; }\n" + stripPrompt(command) + "\ntrue"
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", script)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	cmd.ExtraFiles = []*os.File{out}
	cmd.Dir = t.TempDir()
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bash: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
}

// stripPrompt removes the "$ " and "> " prompts a terminal paste carries,
// which bash itself would not accept.
func stripPrompt(s string) string {
	s = strings.TrimPrefix(strings.TrimLeft(s, " \t\r\n"), "$ ")
	return strings.ReplaceAll(s, "\\\n> ", "\\\n")
}

// bashCases are command lines whose splitting bash decides.
var bashCases = []string{
	`curl 'a b' "c d" e\ f`,
	`curl "x\"y\\z\$w\q" 'it'\''s'`,
	`curl $'\x41\101\u00e9\U0001F600\t\n\r\\\'\"\a\cA\e'`,
	`curl $'\ud83d\ude00 pair \U110000 \U7FFFFFFF \UFFFFFFFF'`,
	`curl $'\xZ \uZ \q'`,
	"curl a\\\n  b \\\n c",
	"curl \"multi\nline\" 'single\nline'",
	`curl -H"X: 1" -d@file --data-raw=x`,
	`curl 'https://h/p?a=1&b=2' # a comment`,
	`curl a>/dev/null b 2>&1 c`,
	`curl a | cat`,
	`curl $"locale" ""  ''`,
	`curl "\
joined"`,
}

func TestSplitBash_matchesBash(t *testing.T) {
	bash := needProgram(t, "bash")
	cases := append([]string{}, bashCases...)
	for _, f := range []string{"curl-continuations.sh", "devtools-copy-as-curl.sh"} {
		cases = append(cases, string(readFixture(t, f)))
	}
	for _, c := range cases {
		t.Run(firstWords(c), func(t *testing.T) {
			want := bashWords(t, bash, c)
			words, _, err := splitBash(c, func(off int, f string, a ...any) error { return fmt.Errorf(f, a...) })
			if err != nil {
				t.Fatal(err)
			}
			var have []string
			for _, w := range words {
				have = append(have, w.text)
			}
			if strings.Join(have, "\x00") != strings.Join(want, "\x00") {
				t.Errorf("words differ\nhave %q\nwant %q", have, want)
			}
		})
	}
}

func firstWords(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return s[:min(len(s), 40)]
}

// curlCases are curl commands run for real against a local server; each
// URL's host is routed there with --connect-to.
var curlCases = []string{
	`curl https://h.example/p`,
	`curl http://h.example:80/a/./b/../c?x=1#frag`,
	`curl -d a=1 -d 'b=2' -H 'X-A: 1' https://h.example/p`,
	`curl --data-urlencode 'name=a b+c&d' --data-urlencode '=x y' --data-urlencode 'plain*text' https://h.example/p`,
	`curl --compressed -H 'Empty;' -H 'Accept:' -H 'User-Agent:' https://h.example/Mixed`,
	`curl -G -d q=1 -d r=2 'https://h.example/p?z=0'`,
	`curl -I https://h.example/h`,
	`curl -G -I -d q=1 https://h.example/h`,
	`curl -H 'Host: other.example' -r 0-99 -e 'http://ref/;auto' -A UA -b 'k=v' https://h.example/h`,
	`curl -X PUT --data-binary x -H 'Content-Type: text/plain' https://h.example/h`,
	`curl -H 'User-Agent: X' -H 'Accept: a/b' -H Foo -H 'X: 1' -H 'x: 2' -e ref -b 'a=1; b=2' --compressed https://h.example/h`,
	`curl -H 'accept-encoding: id' --compressed https://h.example/h`,
	`curl --data-raw '@x' --data-binary $'a\nb\r\n' https://h.example/h`,
	`curl -H 'content-type: x/y' -d abc -X PATCH https://h.example/h`,
	`curl -b a=1 -H 'Cookie: c=2' https://h.example/ck`,
	`curl -X GET -d q https://h.example/xg`,
	`curl -H 'X-Json: 1' --json '{"a":1}' -H 'X-After: 2' https://h.example/j`,
	`curl -A '' -H 'X-A: 1' https://h.example/ua`,
	`curl -H 'Host:' https://h.example/nohost`,
	`curl -d '' https://h.example/empty`,
	`curl --path-as-is 'https://h.example/a/./b/../c'`,
	`curl 'https://h.example/a//b/.//c/.'`,
	`curl 'https://h.example/%7e/a%2fb/~?a=%20&b=é'`,
	`curl 'https://h.example/g\[1\]\{a\}?q=\[x\]'`,
	`curl -g 'https://h.example/g2\[1\]'`,
	`curl --url-query 'a=b c' 'https://h.example/uq?x'`,
	`curl -sSL -XDELETE -HX-Clustered:\ yes https://h.example/cluster`,
	`curl --request-target '/other?t=1' https://h.example/rt`,
	`curl --compressed-s --data-r x https://h.example/prefix-option`,
}

func TestParseCurl_matchesRealCurl(t *testing.T) {
	bash := needProgram(t, "bash")
	curlPath := needProgram(t, "curl")
	srv := startCapture(t)
	v, _ := exec.Command(curlPath, "-V").Output()
	fullEncodings := bytes.Contains(v, []byte("brotli")) && bytes.Contains(v, []byte("zstd"))
	cases := append([]string{}, curlCases...)
	for _, f := range []string{"curl-continuations.sh", "devtools-copy-as-curl.sh"} {
		cases = append(cases, string(readFixture(t, f)))
	}
	for _, c := range cases {
		t.Run(firstWords(c), func(t *testing.T) {
			r, err := ParseCurl([]byte(c))
			if err != nil {
				t.Fatal(err)
			}
			script := fmt.Sprintf("curl() { %q -k -s -o /dev/null --connect-to ::127.0.0.1:%d \"$@\"; }\n%s", curlPath, srv.port, stripPrompt(c))
			cmd := exec.Command(bash, "--norc", "--noprofile", "-c", script)
			cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("curl: %v\n%s", err, out)
			}
			got := srv.next(t)
			head, body, _ := strings.Cut(got, "\r\n\r\n")
			lines := strings.Split(head, "\r\n")
			var want, have []Field
			for _, l := range lines[1:] {
				if strings.HasPrefix(l, "User-Agent: curl/") || !fullEncodings && strings.HasPrefix(l, "Accept-Encoding: ") {
					continue
				}
				f, msg := parseField(l, false)
				if msg != "" {
					t.Fatalf("curl sent %q: %s", l, msg)
				}
				want = append(want, f)
			}
			for _, f := range r.Header {
				if !fullEncodings && f.Name == "Accept-Encoding" && f.Value == curlAcceptEncoding {
					continue
				}
				have = append(have, f)
			}
			if have := r.Method + " " + r.Target() + " HTTP/1.1"; have != lines[0] {
				t.Errorf("request line\nhave %q\nwant %q", have, lines[0])
			}
			if fmt.Sprint(have) != fmt.Sprint(want) {
				t.Errorf("fields\nhave %q\nwant %q", have, want)
			}
			if r.HasBody && string(r.Body) != body {
				t.Errorf("body\nhave %q\nwant %q", r.Body, body)
			}
		})
	}
}

// captureServer answers every request with an empty 200 and hands over the
// request's raw bytes; it speaks TLS or plain HTTP, whichever the client
// starts with.
type captureServer struct {
	port int
	got  chan string
}

func startCapture(t *testing.T) *captureServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	cfg := &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}
	s := &captureServer{port: ln.Addr().(*net.TCPAddr).Port, got: make(chan string, 16)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c, cfg)
		}
	}()
	return s
}

func (s *captureServer) next(t *testing.T) string {
	t.Helper()
	select {
	case g := <-s.got:
		return g
	case <-time.After(10 * time.Second):
		t.Fatal("no request reached the capture server")
		return ""
	}
}

func (s *captureServer) serve(c net.Conn, cfg *tls.Config) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	var rw io.ReadWriter = struct {
		io.Reader
		io.Writer
	}{br, c}
	if b, err := br.Peek(1); err == nil && b[0] == 0x16 {
		tc := tls.Server(&peeked{Conn: c, r: br}, cfg)
		rw = tc
		br = bufio.NewReader(tc)
	}
	var raw bytes.Buffer
	n := -1
	for {
		l, err := br.ReadString('\n')
		raw.WriteString(l)
		if err != nil {
			return
		}
		if v, ok := strings.CutPrefix(strings.ToLower(l), "content-length:"); ok {
			n, _ = strconv.Atoi(strings.TrimSpace(v))
		}
		if l == "\r\n" {
			break
		}
	}
	if n > 0 {
		io.CopyN(&raw, br, int64(n))
	}
	s.got <- raw.String()
	io.WriteString(rw, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
}

type peeked struct {
	net.Conn
	r *bufio.Reader
}

func (p *peeked) Read(b []byte) (int, error) { return p.r.Read(b) }

func selfSigned(t *testing.T) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "h.example"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"h.example", "examplebucket.s3.amazonaws.com"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "requests", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
