package search

import (
	"net"
	"strings"

	"github.com/sigdiff/sigdiff/internal/recompute"
)

// gen generates the message operators of one input, group by group, most
// specific first (see opSet: of two operators giving the same bytes the
// first is kept).
type gen struct {
	*opSet
	in *setup
}

func (g *gen) all() {
	m := g.m
	if m.parsed {
		g.method()
		g.uri()
		g.query()
		g.contentType()
		g.host()
		g.headers()
		g.headerBlock()
		g.payload()
	}
	g.framing()
}

// method: a CDN fetching the origin with GET for a HEAD (OSS field
// report), a URL presigned for PUT opened with GET, a CORS preflight.
func (g *gen) method() {
	i := g.m.method
	cur := g.m.segs[i].value
	for _, v := range [...]string{"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS", "PATCH"} {
		if v != cur {
			g.edit("method-swapped", v, "signed "+v+"; the server received "+cur, edit{i, v + "\n"})
		}
	}
	if lc := strings.ToLower(cur); lc != cur {
		g.edit("method-lower-case", lc, "", edit{i, lc + "\n"})
	}
}

// uri: the CanonicalURI variants. S3 encodes the path once and never
// normalizes it; clients that double-encode (the non-S3 SigV4 rule),
// normalize, encode like JavaScript, or leave a '+' raw (S3 reads it as a
// space) sign something else.
func (g *gen) uri() {
	i := g.m.uri
	u := g.m.segs[i].value
	set := func(id, v string) {
		if v != u {
			g.edit(id, "", "", edit{i, v + "\n"})
		}
	}
	set("uri-space-as-plus", strings.ReplaceAll(u, "%20", "+"))
	set("uri-space-raw", strings.ReplaceAll(u, "%20", " "))
	set("uri-space-as-2b", strings.ReplaceAll(u, "%20", "%2B"))
	set("uri-plus-raw", strings.ReplaceAll(u, "%2B", "+"))
	set("uri-plus-as-space", strings.ReplaceAll(u, "%2B", "%20"))
	set("uri-tilde-encoded", strings.ReplaceAll(u, "~", "%7E"))
	set("uri-tilde-decoded", decodeSet(u, "~"))
	if strings.HasPrefix(u, "/") {
		set("uri-slash-encoded", "/"+strings.ReplaceAll(u[1:], "/", "%2F"))
	}
	set("uri-slash-decoded", decodeSet(u, "/"))
	set("uri-hex-lower-case", lowerHexEscapes(u))
	set("uri-js-encodeuricomponent", decodeSet(u, "!'()*"))
	set("uri-js-encodeuri", decodeSet(u, ";,/?:@&=+$#!'()*"))
	// Encoded once where the server encodes twice (every AWS service but
	// S3): the server's %2520 is the client's %20.
	set("uri-encoded-once", decodeSet(u, "%"))
	set("uri-not-encoded", decodeAll(u))
	set("uri-encoded-twice", encodeEscapes(u))
	if r := g.in.req; r != nil && r.RawPath != "" {
		set("uri-raw-path", r.RawPath)
	}
	set("uri-slashes-collapsed", collapseSlashes(u))
	set("uri-dot-segments-removed", removeDotSegments(u))
	if strings.HasPrefix(u, "/") {
		set("uri-leading-slash-removed", u[1:])
		set("uri-leading-slash-doubled", "/"+u)
	} else {
		set("uri-leading-slash-added", "/"+u)
	}
	if strings.HasSuffix(u, "/") && len(u) > 1 {
		set("uri-trailing-slash-removed", u[:len(u)-1])
	} else if !strings.HasSuffix(u, "/") {
		set("uri-trailing-slash-added", u+"/")
	}
	g.addressing(u)
}

// addressing: path-style (/bucket/key on s3.region.amazonaws.com) vs
// virtual-hosted (/key on bucket.s3.region.amazonaws.com), and the bucket
// duplicated in the path. botocore's addressing_style, the SDKs'
// UsePathStyle / forcePathStyle choose one.
func (g *gen) addressing(u string) {
	i := g.m.uri
	h := g.m.header("host")
	var host string
	if h >= 0 {
		host = g.m.segs[h].value
	}
	hostname, port := splitPort(host)
	withBucket := func(b string) string {
		if u == "/" || u == "" {
			return "/" + b
		}
		return "/" + b + u
	}
	if b, rest, ok := virtualHosted(hostname); ok {
		g.edit("uri-bucket-added", b, "the bucket "+b+" signed in the path as well as in the host", edit{i, withBucket(b) + "\n"})
		g.edit("addressing-path-style", b, "signed path-style: /"+b+" in the path, host "+rest+port,
			edit{i, withBucket(b) + "\n"}, edit{h, "host:" + rest + port + "\n"})
		if first, after := firstSegment(u); first == b {
			g.edit("uri-bucket-removed", b, "the bucket "+b+" left out of the signed path", edit{i, after + "\n"})
		}
		return
	}
	first, after := firstSegment(u)
	if first == "" || !validBucket(first) {
		return
	}
	g.edit("uri-bucket-removed", first, "the bucket "+first+" left out of the signed path", edit{i, after + "\n"})
	if h >= 0 && pathStyleHost(hostname) {
		g.edit("addressing-virtual-style", first, "signed virtual-hosted: host "+first+"."+host+", the bucket left out of the path",
			edit{i, after + "\n"}, edit{h, "host:" + first + "." + host + "\n"})
	}
}

// firstSegment splits "/bucket/key" into "bucket" and "/key" ("/" when
// nothing follows).
func firstSegment(u string) (first, after string) {
	if !strings.HasPrefix(u, "/") {
		return "", u
	}
	first, rest, found := strings.Cut(u[1:], "/")
	if !found {
		return first, "/"
	}
	return first, "/" + rest
}

// validBucket accepts the names S3 allows (3–63 of a-z 0-9 . -); other
// stores are laxer, so upper case and '_' pass too.
func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func splitPort(host string) (hostname, port string) {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		return host[:i], host[i:]
	}
	return host, ""
}

// virtualHosted recognises bucket.<endpoint> for the endpoints whose
// virtual-hosted form is known: AWS (s3., s3-, s3-accelerate, dualstack),
// OSS (oss-<region>.aliyuncs.com), GCS (storage.googleapis.com), R2
// (<bucket>.<account>.r2.cloudflarestorage.com).
func virtualHosted(host string) (bucket, rest string, ok bool) {
	bucket, rest, found := strings.Cut(host, ".")
	if !found || bucket == "" || !validBucket(bucket) {
		return "", "", false
	}
	switch {
	case strings.HasPrefix(rest, "s3.") || strings.HasPrefix(rest, "s3-"),
		strings.HasPrefix(rest, "oss-"),
		rest == "storage.googleapis.com",
		strings.HasSuffix(rest, ".r2.cloudflarestorage.com") && strings.Count(rest, ".") == 3:
		return bucket, rest, true
	}
	return "", "", false
}

// pathStyleHost recognises endpoints addressed path-style: the AWS and OSS
// regional endpoints, GCS, an R2 account endpoint, and hosts that cannot
// carry a bucket label (IP addresses, single labels such as minio or
// localhost).
func pathStyleHost(host string) bool {
	switch {
	case strings.HasPrefix(host, "s3.") || strings.HasPrefix(host, "s3-"),
		strings.HasPrefix(host, "oss-"),
		host == "storage.googleapis.com",
		strings.HasSuffix(host, ".r2.cloudflarestorage.com") && strings.Count(host, ".") == 3,
		!strings.Contains(host, "."),
		net.ParseIP(strings.Trim(host, "[]")) != nil:
		return true
	}
	return false
}

func collapseSlashes(u string) string {
	for strings.Contains(u, "//") {
		u = strings.ReplaceAll(u, "//", "/")
	}
	return u
}

// removeDotSegments is RFC 3986 §5.2.4, as normalizing signers apply it.
func removeDotSegments(u string) string {
	if !strings.Contains(u, ".") {
		return u
	}
	var out []string
	segs := strings.Split(u, "/")
	for i, s := range segs {
		switch s {
		case ".":
			if i == len(segs)-1 {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if i == len(segs)-1 {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	return strings.Join(out, "/")
}

// payload: the HashedPayload line. S3 signs the x-amz-content-sha256
// value, so UNSIGNED-PAYLOAD, the streaming values and a hash of another
// body all reach this line.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
func (g *gen) payload() {
	i := g.m.payload
	p := g.m.segs[i].value
	set := func(id, v string) {
		if v != p {
			g.edit(id, v, "", edit{i, v})
		}
	}
	if h := g.in.bodyHash; h != "" {
		set("payload-body-hash", h)
	}
	set("payload-empty-hash", recompute.EmptySHA256)
	set("payload-unsigned", recompute.UnsignedPayload)
	set("payload-streaming", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
	set("payload-streaming-trailer", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
	set("payload-streaming-trailer", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")
	if isHex(p) {
		set("payload-upper-case-hex", strings.ToUpper(p))
	}
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if _, ok := unhex(s[i]); !ok {
			return false
		}
	}
	return s != ""
}

// framing: newlines and the bytes hashed. Fine Uploader's v4 signer posts
// "AWS4-HMAC-SHA256\n<x-amz-date>\n<scope>\n<canonical request>" and some
// hand-written servers cut the canonical request out at a fixed offset
// (70 fits a 10-character region such as cn-north-1), strip() it, or join
// lines with the letter n.
func (g *gen) framing() {
	m := g.m
	g.transform("cr-newline-as-n", xformN)
	g.transform("cr-crlf", xformCRLF)
	for i, s := range m.segs {
		switch s.kind {
		case kBlank:
			g.edit("cr-blank-line-missing", "", "", edit{i, ""})
		case kTail:
			g.edit("cr-extra-final-newline", "", "", edit{i, "\n"})
		case kLead:
			g.edit("cr-extra-leading-newline", "", "", edit{i, "\n"})
		}
	}
	g.cut("cr-stripped", "", "", len(g.head), true)
	for k := 0; k <= maxSlice; k++ {
		if k != len(g.head) {
			g.cut("cr-sliced", itoa(k), "the signer hashed its input from offset "+itoa(k)+" (the canonical request starts at "+itoa(len(g.head))+")", k, false)
		}
	}
	for k := 0; k <= maxSlice; k++ {
		g.cut("cr-sliced-stripped", itoa(k), "the signer hashed its input from offset "+itoa(k)+", stripped (the canonical request starts at "+itoa(len(g.head))+")", k, true)
	}
}

// maxSlice is the last offset tried: the signer's input prefix is
// 16+1+16+1+scope+1 bytes, 70 for a 10-character region, and regions run
// to 14 characters; 120 leaves room for a few bytes cut off the canonical
// request itself.
const maxSlice = 120
