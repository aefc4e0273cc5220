package search

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// The V2 planted-mistake tests: a client signs an official SigV2 or OSS V1
// vector's request making one known mistake (or two); the search gets the
// server's string to sign (the vector's, possibly itself planted: what a
// hop changed) and the client's signature, and must name exactly that
// mistake and give back the client's string to sign. The client side is
// written here as text edits of the vector's string to sign and signed
// with crypto/hmac, independently of the search.

// v2Vector is one file of ../shared/vectors/sigv2 or oss.
type v2Vector struct {
	Scheme      string `json:"scheme"`
	Credentials struct {
		AccessKeyID string `json:"access_key_id"`
		Secret      string `json:"secret_access_key"`
	} `json:"credentials"`
	Request struct {
		Method     string      `json:"method"`
		Host       string      `json:"host"`
		RequestURI string      `json:"request_uri"`
		URL        string      `json:"url"`
		Headers    [][2]string `json:"headers"`
	} `json:"request"`
	Expected struct {
		StringToSign string `json:"string_to_sign"`
		Signature    string `json:"signature"`
	} `json:"expected"`
}

func loadV2Vector(t testing.TB, name string) *v2Vector {
	t.Helper()
	dir, file, _ := strings.Cut(name, "/")
	raw, err := os.ReadFile(testenv.Shared(t, "vectors", dir, file+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var v v2Vector
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	v.Scheme = strings.TrimPrefix(v.Scheme, "aws-")
	if got := v2SignForTest(v.Credentials.Secret, v.Expected.StringToSign); got != v.Expected.Signature {
		t.Fatalf("%s: the vector's string to sign signs to %s, not %s", name, got, v.Expected.Signature)
	}
	return &v
}

// request is the vector's request as sent.
func (v *v2Vector) request() *request.Request {
	r := &request.Request{Method: v.Request.Method, Host: v.Request.Host, Scheme: "https"}
	target := v.Request.RequestURI
	if u := v.Request.URL; u != "" {
		rest := u[strings.Index(u, "://")+3:]
		i := strings.IndexByte(rest, '/')
		r.Host, target = rest[:i], rest[i:]
	}
	r.RawPath, r.RawQuery, _ = strings.Cut(target, "?")
	for _, h := range v.Request.Headers {
		r.Header = append(r.Header, request.Field{Name: h[0], Value: h[1]})
	}
	return r
}

func (v *v2Vector) creds() credentials.Credentials {
	return credentials.Credentials{AccessKeyID: v.Credentials.AccessKeyID, Secret: credentials.NewSecret(v.Credentials.Secret)}
}

func v2SignForTest(secret, sts string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// v2Plant is one planted case.
type v2Plant struct {
	name, vector string
	server       func(string) string      // what the server signed, from the vector's string to sign; nil: as is
	client       func(string) string      // what the client signed, from the server's
	secret       func(string) string      // the client's secret, from the vector's; nil: as is
	encode       func(mac []byte) string  // how the client sent its signature; nil: standard base64
	req          func(r *request.Request) // the request as sent, changed; nil: the vector's
	want         []string                 // operator ids of the hit, in order
}

// v2Line replaces line i of a string to sign (negative: from the end).
func v2Line(i int, v string) func(string) string {
	return func(s string) string {
		ls := strings.Split(s, "\n")
		if i < 0 {
			i += len(ls)
		}
		ls[i] = v
		return strings.Join(ls, "\n")
	}
}

// v2Drop removes the line that starts with prefix.
func v2Drop(prefix string) func(string) string {
	return func(s string) string {
		ls := strings.Split(s, "\n")
		for i, l := range ls {
			if strings.HasPrefix(l, prefix) {
				return strings.Join(append(ls[:i:i], ls[i+1:]...), "\n")
			}
		}
		panic("no line " + prefix)
	}
}

func v2Replace(o, n string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, o) {
			panic("no " + o + " in " + s)
		}
		return strings.Replace(s, o, n, 1)
	}
}

func v2Then(fs ...func(string) string) func(string) string {
	return func(s string) string {
		for _, f := range fs {
			s = f(s)
		}
		return s
	}
}

const (
	v2Put      = "sigv2/johnsmith-object-put"
	v2Get      = "sigv2/johnsmith-object-get"
	v2Delete   = "sigv2/johnsmith-delete-object-path-style-x-amz-date"
	v2Query    = "sigv2/johnsmith-query-string-auth"
	v2Meta     = "sigv2/johnsmith-upload-cname-with-metadata"
	v2Unicode  = "sigv2/johnsmith-unicode-keys"
	v2List     = "sigv2/johnsmith-list-objects"
	v2ACL      = "sigv2/johnsmith-fetch-acl"
	ossPutMeta = "oss/v1-header-put-object-meta"
	ossSorted  = "oss/v1-header-get-bucket-subresources-sorted"
	ossToken   = "oss/v1-query-get-object-version-sts-token"
	ossOverrid = "oss/v1-query-headers-and-response-override"

	v2PutDate    = "Tue, 27 Mar 2007 21:15:45 +0000"
	v2DeleteDate = "Tue, 27 Mar 2007 21:20:27 +0000" // the Date header
	v2DeleteAmz  = "Tue, 27 Mar 2007 21:20:26 +0000" // x-amz-date
	v2MetaBlock  = "x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\nx-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n"
)

// minioDelete is the Delete example as MinIO's server signs it: the Date
// header on the Date line, x-amz-date among the headers.
var minioDelete = v2Then(v2Line(3, v2DeleteDate), v2Replace("\n/johnsmith", "\nx-amz-date:"+v2DeleteAmz+"\n/johnsmith"))

var v2Plants = []v2Plant{
	// The method.
	{name: "cdn turned head into get", vector: v2Get, client: v2Line(0, "HEAD"), want: []string{"method-swapped"}},
	{name: "method in lower case", vector: v2Put, client: v2Line(0, "put"), want: []string{"method-lower-case"}},

	// Content-MD5 and Content-Type.
	{name: "content-md5 set after signing", vector: v2Meta, client: v2Line(1, ""), want: []string{"v2-content-md5-empty"}},
	{name: "content-md5 dropped by a hop", vector: v2Put, client: v2Line(1, "XUFAKrxLKna5cZ2REBfFkg=="), req: func(r *request.Request) {
		r.Body, r.HasBody = []byte("hello"), true
	}, want: []string{"v2-content-md5-added"}},
	{name: "browser added content-type", vector: v2Put, client: v2Line(2, ""), want: []string{"content-type-variant"}},
	{name: "sdk default content-type", vector: v2Put, client: v2Line(2, "binary/octet-stream"), want: []string{"content-type-variant"}},
	{name: "charset appended in transit", vector: v2Put, server: v2Line(2, "image/jpeg; charset=UTF-8"), client: v2Line(2, "image/jpeg"), want: []string{"content-type-variant"}},

	// The Date line.
	{name: "guide rule against a delete-example server", vector: v2Delete, client: v2Then(v2Line(3, ""), v2Replace("\n/johnsmith", "\nx-amz-date:"+v2DeleteAmz+"\n/johnsmith")),
		want: []string{"v2-date-amz-date-among-headers"}},
	{name: "date header signed, x-amz-date ignored", vector: v2Delete, client: v2Line(3, v2DeleteDate), want: []string{"v2-date-line-date-header"}},
	{name: "guide rule against minio", vector: v2Delete, server: minioDelete, client: v2Line(3, ""), want: []string{"v2-date-line-empty"}},
	{name: "x-amz-date on the date line against minio", vector: v2Delete, server: minioDelete, client: v2Line(3, v2DeleteAmz), want: []string{"v2-date-line-amz-date"}},
	{name: "delete-example rule against minio", vector: v2Delete, server: minioDelete, client: v2Then(v2Line(3, v2DeleteAmz), v2Drop("x-amz-date:")),
		want: []string{"v2-date-amz-date-on-date-line"}},
	{name: "date written with gmt", vector: v2Get, client: v2Line(3, "Tue, 27 Mar 2007 19:36:42 GMT"), want: []string{"v2-date-format"}},
	{name: "date from javascript toISOString", vector: v2Put, client: v2Line(3, "2007-03-27T21:15:45.000Z"), want: []string{"v2-date-format"}},
	{name: "expires computed twice", vector: v2Query, client: v2Line(3, "1175139621"), want: []string{"v2-expires-shifted"}},
	{name: "expires in milliseconds", vector: v2Query, client: v2Line(3, "1175139620000"), want: []string{"v2-expires-milliseconds"}},
	{name: "date header signed for a presigned url", vector: v2Query, client: v2Line(3, "Tue, 27 Mar 2007 19:36:42 +0000"),
		req: func(r *request.Request) {
			r.Header = append(r.Header, request.Field{Name: "Date", Value: "Tue, 27 Mar 2007 19:36:42 +0000"})
		},
		want: []string{"v2-date-line-date-header"}},

	// The x-amz-* headers.
	{name: "header added after signing", vector: v2Meta, client: v2Drop("x-amz-acl:"), want: []string{"v2-header-dropped"}},
	{name: "header dropped by a hop", vector: v2Meta, server: v2Drop("x-amz-meta-filechecksum:"), client: v2Replace("x-amz-meta-checksumalgorithm:crc32\n", "x-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\n"),
		want: []string{"v2-header-added"}},
	{name: "value untrimmed", vector: v2Meta, client: v2Replace("x-amz-acl:public-read", "x-amz-acl: public-read"), want: []string{"v2-header-value-untrimmed"}},
	{name: "one name as sent", vector: v2Meta, client: v2Replace("x-amz-meta-filechecksum:", "X-Amz-Meta-FileChecksum:"), want: []string{"v2-header-name-not-lower-cased"}},
	{name: "every name as sent", vector: v2Meta, client: v2Then(v2Replace("x-amz-meta-filechecksum:", "X-Amz-Meta-FileChecksum:"),
		v2Replace("x-amz-meta-reviewedby:", "X-Amz-Meta-ReviewedBy:"), v2Replace("x-amz-meta-checksumalgorithm:", "X-Amz-Meta-ChecksumAlgorithm:")),
		want: []string{"v2-header-name-not-lower-cased"}},
	{name: "repeated header on two lines", vector: v2Meta, client: v2Replace("x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net",
		"x-amz-meta-reviewedby:joe@johnsmith.net\nx-amz-meta-reviewedby:jane@johnsmith.net"), want: []string{"v2-header-values-not-joined"}},
	{name: "headers in the order sent", vector: v2Meta, client: v2Replace(v2MetaBlock,
		"x-amz-acl:public-read\nx-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\nx-amz-meta-filechecksum:0x02661779\nx-amz-meta-checksumalgorithm:crc32\n"),
		want: []string{"v2-headers-order-as-sent"}},
	{name: "one header appended last", vector: v2Meta, client: v2Replace(v2MetaBlock,
		"x-amz-acl:public-read\nx-amz-meta-filechecksum:0x02661779\nx-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\nx-amz-meta-checksumalgorithm:crc32\n"),
		want: []string{"v2-header-moved"}},

	// The resource.
	{name: "virtual-hosted client signs the key alone", vector: v2Get, client: v2Line(-1, "/photos/puppy.jpg"), want: []string{"v2-resource-bucket-missing"}},
	{name: "bucket twice", vector: v2Get, client: v2Line(-1, "/johnsmith/johnsmith/photos/puppy.jpg"), want: []string{"v2-resource-bucket-doubled"}},
	{name: "key decoded", vector: v2Unicode, client: v2Line(-1, "/dictionary/français/préfère"), want: []string{"v2-resource-key-decoded"}},
	{name: "key encoded twice", vector: v2Unicode, client: v2Line(-1, "/dictionary/fran%25C3%25A7ais/pr%25c3%25a9f%25c3%25a8re"), want: []string{"v2-resource-key-encoded-twice"}},
	{name: "space signed as plus", vector: v2Get, server: v2Line(-1, "/johnsmith/my%20puppy.jpg"), client: v2Line(-1, "/johnsmith/my+puppy.jpg"), want: []string{"v2-resource-plus-space"}},
	{name: "slash dropped after the bucket", vector: v2List, client: v2Line(-1, "/johnsmith"), want: []string{"v2-resource-trailing-slash"}},
	{name: "oss key encoded", vector: ossToken, client: v2Replace("/bucket/key+123", "/bucket/key%2B123"), want: []string{"v2-resource-key-encoded"}},

	// Sub-resources.
	{name: "acl not signed", vector: v2ACL, client: v2Line(-1, "/johnsmith/"), want: []string{"v2-subresource-dropped"}},
	{name: "acl twice", vector: v2ACL, client: v2Line(-1, "/johnsmith/?acl?acl"), want: []string{"v2-subresources-twice"}},
	{name: "acl with equals", vector: v2ACL, client: v2Line(-1, "/johnsmith/?acl="), want: []string{"v2-subresource-valueless-with-equals"}},
	{name: "prefix signed", vector: v2List, client: v2Line(-1, "/johnsmith/?prefix=photos"), want: []string{"v2-subresource-extra"}},
	{name: "oss sub-resources unsorted", vector: ossSorted, client: v2Line(-1, "/examplebucket/?resourceGroup&acl"), want: []string{"v2-subresources-unsorted"}},
	{name: "oss security token not signed", vector: ossToken, client: v2Line(-1, "/bucket/key+123?versionId=versionId"), want: []string{"v2-subresource-dropped"}},
	{name: "oss response override encoded", vector: ossOverrid,
		client: v2Replace("response-content-disposition=attachment; filename=example.txt", "response-content-disposition=attachment%3B%20filename%3Dexample.txt"),
		want:   []string{"v2-subresource-value-encoded"}},

	// OSS headers and date.
	{name: "oss header added after signing", vector: ossPutMeta, client: v2Drop("x-oss-meta-magic:"), want: []string{"v2-header-dropped"}},
	{name: "oss x-oss-date rule missed", vector: ossPutMeta, client: v2Line(3, ""), want: []string{"v2-date-line-empty"}},

	// Framing.
	{name: "crlf", vector: v2Put, client: func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }, want: []string{"sts-crlf"}},
	{name: "final newline", vector: v2Put, client: func(s string) string { return s + "\n" }, want: []string{"v2-sts-final-newline"}},
	{name: "empty header element joined", vector: v2Get, client: v2Replace("\n/johnsmith", "\n\n/johnsmith"), want: []string{"v2-headers-blank-line"}},
	{name: "headers glued to the resource", vector: v2Meta, client: v2Replace("jane@johnsmith.net\n/", "jane@johnsmith.net/"), want: []string{"v2-headers-newline-missing"}},

	// The secret and the signature's encoding.
	{name: "secret with its newline", vector: v2Put, secret: func(s string) string { return s + "\n" }, want: []string{"secret-polluted"}},
	{name: "signature in a url unencoded", vector: v2Query, encode: func(mac []byte) string {
		return strings.ReplaceAll(base64.StdEncoding.EncodeToString(mac), "+", " ")
	}, want: []string{"v2-signature-not-url-encoded"}},
	{name: "signature in hex", vector: v2Get, encode: func(mac []byte) string { return hex.EncodeToString(mac) }, want: []string{"v2-signature-encoding"}},

	// Pairs.
	{name: "content-type and bucket", vector: v2Put, client: v2Then(v2Line(2, ""), v2Line(-1, "/photos/puppy.jpg")),
		want: []string{"content-type-variant", "v2-resource-bucket-missing"}},
	{name: "botocore list-type with a slash", vector: v2List, server: v2Line(-1, "/johnsmith"), client: v2Line(-1, "/johnsmith/?prefix=photos"),
		want: []string{"v2-resource-trailing-slash", "v2-subresource-extra"}},
	{name: "oss date and token", vector: ossToken, client: v2Then(v2Line(3, "1699808205"), v2Line(-1, "/bucket/key+123?versionId=versionId")),
		want: []string{"v2-expires-shifted", "v2-subresource-dropped"}},
	{name: "header dropped with a polluted secret", vector: v2Meta, client: v2Drop("x-amz-acl:"), secret: func(s string) string { return s + " " },
		want: []string{"v2-header-dropped", "secret-polluted"}},
	{name: "method and unencoded signature", vector: v2Query, client: v2Line(0, "PUT"), encode: func(mac []byte) string {
		return strings.ReplaceAll(base64.StdEncoding.EncodeToString(mac), "+", " ")
	}, want: []string{"method-swapped", "v2-signature-not-url-encoded"}},
}

func runV2Plant(t *testing.T, p v2Plant) {
	v := loadV2Vector(t, p.vector)
	server := v.Expected.StringToSign
	if p.server != nil {
		server = p.server(server)
	}
	client := server
	if p.client != nil {
		client = p.client(server)
	}
	secret := v.Credentials.Secret
	if p.secret != nil {
		secret = p.secret(secret)
	}
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(client))
	mac := m.Sum(nil)
	sig := base64.StdEncoding.EncodeToString(mac)
	if p.encode != nil {
		sig = p.encode(mac)
	}
	req := v.request()
	if p.req != nil {
		p.req(req)
	}
	res, err := RunV2(context.Background(), V2Input{Scheme: v.Scheme, StringToSign: server, Credentials: v.creds(), Signature: sig, Request: req}, Options{Budget: Deep, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hit == nil {
		t.Fatalf("no hit after %d candidates; client signed %q", res.Tried, client)
	}
	h := res.Hit
	var ids []string
	for _, o := range h.Ops {
		ids = append(ids, o.ID)
	}
	if strings.Join(ids, " ") != strings.Join(p.want, " ") {
		t.Errorf("ops %s, want %s\n%s", opString(h.Ops), strings.Join(p.want, " "), h.StringToSign)
	}
	if h.StringToSign != client {
		t.Errorf("string to sign\n%q\nwant\n%q", h.StringToSign, client)
	}
	if h.Signature != strings.TrimSpace(sig) || h.CanonicalRequest != "" || h.Key.Chain != "none" {
		t.Errorf("signature %q (want %q), canonical request %q, key %+v", h.Signature, sig, h.CanonicalRequest, h.Key)
	}
	for _, o := range h.Ops {
		if o.Cause != operator(o.ID).Cause || o.Summary == "" || strings.Contains(o.Summary, secret) {
			t.Errorf("op %+v", o)
		}
	}
}

func TestV2Planted(t *testing.T) {
	for _, p := range v2Plants {
		t.Run(p.name, func(t *testing.T) { runV2Plant(t, p) })
	}
}
