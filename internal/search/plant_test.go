package search

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// The planted-mistake tests: a client signs with the AWS example keys,
// making one known mistake (or two), starting from the S3 docs' GET Object
// example; the search is given what the server computed and the client's
// signature, and must name exactly that mistake and reproduce the client's
// bytes. The client side is computed here, independently of the search:
// the canonical request is edited as text, the key comes from
// recompute.DeriveKeys (or a chain written out below for the derivation
// mistakes), and the signature from crypto/hmac.

var exampleCreds = credentials.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", Secret: credentials.NewSecret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")}

const (
	exampleSecret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	exampleAmzDate = "20130524T000000Z"
	exampleDate    = "20130524"
)

// getObject returns the canonical request, string to sign and signature
// of the S3 docs' GET Object example, read from the shared vectors.
func getObject(t testing.TB) (cr, sts, sig string) {
	t.Helper()
	raw, err := os.ReadFile(testenv.Shared(t, "vectors", "s3-docs", "get-object-range.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Expected struct {
			CanonicalRequest string `json:"canonical_request"`
			StringToSign     string `json:"string_to_sign"`
			Signature        string `json:"signature"`
		} `json:"expected"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v.Expected.CanonicalRequest, v.Expected.StringToSign, v.Expected.Signature
}

// client is how the planted client signs.
type client struct {
	cr        string // the bytes it hashed; default the server's canonical request
	mode      string // "", "raw" (not hashed), "hash-of-hash"
	sep, tail string // string to sign line separator (default "\n"), bytes after the hash line

	sDate, sRegion, sService string // scope in the string to sign
	secret                   string
	noPrefix                 bool
	kDate, kRegion, kService string // key derivation
	chain                    string // "", "hex", "none"
	encode                   string // "", "upper", "base64"
}

// sign returns the client's string to sign and signature.
func (c client) sign(t testing.TB) (sts, sig string) {
	t.Helper()
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.sep, "\n")
	def(&c.sDate, exampleDate)
	def(&c.sRegion, "us-east-1")
	def(&c.sService, "s3")
	def(&c.secret, exampleSecret)
	def(&c.kDate, c.sDate)
	def(&c.kRegion, c.sRegion)
	def(&c.kService, c.sService)
	sum := sha256.Sum256([]byte(c.cr))
	line := hex.EncodeToString(sum[:])
	switch c.mode {
	case "raw":
		line = c.cr
	case "hash-of-hash":
		sum2 := sha256.Sum256([]byte(line))
		line = hex.EncodeToString(sum2[:])
	}
	sts = strings.Join([]string{"AWS4-HMAC-SHA256", exampleAmzDate, c.sDate + "/" + c.sRegion + "/" + c.sService + "/aws4_request", line}, c.sep) + c.tail
	var key []byte
	switch {
	case c.chain == "none":
		key = []byte(c.secret)
	case c.chain == "hex" || c.noPrefix:
		key = []byte(c.secret)
		if !c.noPrefix {
			key = []byte("AWS4" + c.secret)
		}
		for _, m := range []string{c.kDate, c.kRegion, c.kService, "aws4_request"} {
			key = hmacSum(key, m)
			if c.chain == "hex" {
				key = []byte(hex.EncodeToString(key))
			}
		}
	default:
		k := recompute.DeriveKeys(recompute.AWS4, credentials.NewSecret(c.secret), c.kDate, c.kRegion, c.kService)
		key = k.Signing[:]
	}
	mac := hmacSum(key, sts)
	switch c.encode {
	case "upper":
		return sts, strings.ToUpper(hex.EncodeToString(mac))
	case "base64":
		return sts, base64.StdEncoding.EncodeToString(mac)
	}
	return sts, hex.EncodeToString(mac)
}

func hmacSum(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// serverSTS is the string to sign the server computes for cr.
func serverSTS(cr string) string {
	return "AWS4-HMAC-SHA256\n" + exampleAmzDate + "\n" + exampleDate + "/us-east-1/s3/aws4_request\n" + recompute.HashHex(cr)
}

// line replaces line i of a canonical request (0 method, 1 URI, 2 query;
// -1 the payload hash).
func line(cr string, i int, v string) string {
	ls := strings.Split(cr, "\n")
	if i < 0 {
		i += len(ls)
	}
	ls[i] = v
	return strings.Join(ls, "\n")
}

// plant is one planted mistake.
type plant struct {
	name   string
	server func(base string) string // the server's canonical request; nil: the example's
	client func(server string) client
	req    *request.Request
	body   string // Input.PayloadHash
	want   []string
	args   []string // expected Arg of each op; "" skips the check
}

func run(t *testing.T, p plant) {
	t.Helper()
	base, _, _ := getObject(t)
	server := base
	if p.server != nil {
		server = p.server(base)
	}
	c := p.client(server)
	if c.cr == "" {
		c.cr = server
	}
	sts, sig := c.sign(t)
	in := Input{CanonicalRequest: server, StringToSign: serverSTS(server), Credentials: exampleCreds, Signature: sig, Request: p.req, PayloadHash: p.body}
	res, err := Run(context.Background(), in, Options{Budget: Quick})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hit == nil {
		t.Fatalf("no hit after %d candidates (%v, budget exhausted %v)", res.Tried, res.Tiers, res.BudgetExhausted)
	}
	h := res.Hit
	var ids []string
	for _, o := range h.Ops {
		ids = append(ids, o.ID)
	}
	if strings.Join(ids, " ") != strings.Join(p.want, " ") {
		t.Fatalf("hit %v (args %+v), want %v", ids, h.Ops, p.want)
	}
	for i, a := range p.args {
		if a != "" && h.Ops[i].Arg != a {
			t.Errorf("op %s arg %q, want %q", h.Ops[i].ID, h.Ops[i].Arg, a)
		}
	}
	for i, o := range h.Ops {
		if o.Cause != operator(p.want[i]).Cause || o.Cause == "" {
			t.Errorf("op %s cause %q", o.ID, o.Cause)
		}
	}
	if h.CanonicalRequest != c.cr {
		t.Errorf("canonical request\n%q\nwant\n%q", h.CanonicalRequest, c.cr)
	}
	if h.StringToSign != sts {
		t.Errorf("string to sign\n%q\nwant\n%q", h.StringToSign, sts)
	}
	if h.Signature != sig {
		t.Errorf("signature %s, want %s", h.Signature, sig)
	}
}

// same is the client that signs the server's canonical request.
func same(string) client { return client{} }

// signs returns a client that hashed f(server).
func signs(f func(string) string) func(string) client {
	return func(s string) client { return client{cr: f(s)} }
}

func uri(v string) func(string) string     { return func(cr string) string { return line(cr, 1, v) } }
func query(v string) func(string) string   { return func(cr string) string { return line(cr, 2, v) } }
func payload(v string) func(string) string { return func(cr string) string { return line(cr, -1, v) } }
func replace(o, n string) func(string) string {
	return func(cr string) string { return strings.Replace(cr, o, n, 1) }
}

// then composes edits of the canonical request.
func then(fs ...func(string) string) func(string) string {
	return func(cr string) string {
		for _, f := range fs {
			cr = f(cr)
		}
		return cr
	}
}

// withHeader adds a header line and its SignedHeaders entry, at their
// sorted places (before "range" sorts before everything but host).
func withHeader(name, value string) func(string) string {
	return func(cr string) string {
		lines := strings.Split(cr, "\n")
		n := len(lines)
		var hs []string
		for _, l := range lines[3 : n-3] {
			hs = append(hs, l)
		}
		hs = append(hs, name+":"+value)
		sortLines(hs)
		names := make([]string, len(hs))
		for i, h := range hs {
			names[i], _, _ = strings.Cut(h, ":")
		}
		out := append(append(append([]string{}, lines[:3]...), hs...), "", strings.Join(names, ";"), lines[n-1])
		return strings.Join(out, "\n")
	}
}

func sortLines(ls []string) {
	for i := 1; i < len(ls); i++ {
		for j := i; j > 0 && ls[j] < ls[j-1]; j-- {
			ls[j], ls[j-1] = ls[j-1], ls[j]
		}
	}
}
