package search

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// v2gen generates the operators of a V2 string to sign, line by line,
// most specific first (of two operators giving the same bytes, opSet keeps
// the first and records the other as its alternative).
type v2gen struct {
	*opSet
	m *v2Model
	s *v2Setup
}

func (g *v2gen) all() {
	g.method()
	g.contentMD5()
	g.contentType()
	g.date()
	g.headers()
	g.headerBlock()
	g.resource()
	g.subResources()
	g.framing()
}

// shown quotes a line's value for a summary; an empty line says so.
func shown(v string) string {
	if v == "" {
		return "an empty line"
	}
	return quote(v)
}

// method: a CDN fetching the origin with GET for a signed HEAD, a URL
// presigned for PUT opened with GET, a browser's preflight.
func (g *v2gen) method() {
	i := g.m.method
	cur := g.m.segs[i].value
	for _, v := range [...]string{"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"} {
		if v != cur {
			g.edit("method-swapped", v, "signed "+v+"; the server received "+cur, edit{i, v + "\n"})
		}
	}
	if lc := strings.ToLower(cur); lc != cur {
		g.edit("method-lower-case", lc, "signed the method as "+lc, edit{i, lc + "\n"})
	}
}

// contentMD5: an SDK that computes Content-MD5 after signing (or a hop
// that adds or drops it), and the digest signed in another form than
// sent: the body's MD5 in base64 as RFC 1864 asks, or in hex.
func (g *v2gen) contentMD5() {
	i := g.m.md5
	cur := g.m.segs[i].value
	if cur != "" {
		g.edit("v2-content-md5-empty", "", "signed an empty Content-MD5 line; the server received Content-MD5 "+cur, edit{i, "\n"})
	}
	set := func(arg, v string) {
		if v != cur && v != "" {
			g.edit("v2-content-md5-added", arg, "signed Content-MD5 "+v+" ("+arg+"); the server received "+shown(cur), edit{i, v + "\n"})
		}
	}
	r := g.s.req
	if r == nil {
		return
	}
	if v, ok := r.Get("Content-MD5"); ok {
		set("the header as sent", strings.TrimSpace(v))
	}
	if r.HasBody && len(r.Body) > 0 {
		sum := md5.Sum(r.Body)
		set("the body's md5", base64.StdEncoding.EncodeToString(sum[:]))
		set("the body's md5 in hex", hex.EncodeToString(sum[:]))
	}
}

// contentType: Content-Type added after signing (browsers and fetch for a
// string body, axios, mini-program runtimes, proxies), dropped, or a
// charset appended; the request's own value when a hop rewrote it.
func (g *v2gen) contentType() {
	i := g.m.ctype
	cur := g.m.segs[i].value
	set := func(v string) {
		if v == cur {
			return
		}
		arg, summary := v, "signed Content-Type "+quote(v)+"; the server received "
		if v == "" {
			arg, summary = "(empty)", "signed an empty Content-Type line; the server received "
		}
		if cur == "" {
			summary += "none (dropped on the way)"
		} else {
			summary += quote(cur)
		}
		g.edit("content-type-variant", arg, summary, edit{i, v + "\n"})
	}
	if r := g.s.req; r != nil {
		if v, ok := r.Get("Content-Type"); ok {
			set(strings.TrimSpace(v))
		}
	}
	set("")
	if cur != "" {
		base, _, _ := strings.Cut(cur, ";")
		base = strings.TrimSpace(base)
		for _, v := range [...]string{base, base + "; charset=UTF-8", base + "; charset=utf-8", base + ";charset=UTF-8"} {
			set(v)
		}
	}
	for _, v := range contentTypes {
		set(v)
	}
}

// date: the Date line. With x-amz-date sent, S3's guide signs an empty
// Date line, its own Delete example signs x-amz-date's value there, and
// MinIO and botocore sign the Date header (recompute.AmzDateRule); OSS V1
// signs x-oss-date's value. A client on another rule than the server, one
// that writes the time in another format, or a presigned URL whose
// Expires was computed twice, signs another line.
func (g *v2gen) date() {
	m, s := g.m, g.s
	i := m.date
	cur := m.segs[i].value
	dateName := s.prefix + "date"
	amz, amzLine := m.headerValue(dateName)
	var sentDate string
	if r := s.req; r != nil {
		if v, ok := r.Get("Date"); ok {
			sentDate = strings.TrimSpace(v)
		}
		if v, ok := r.Get(dateName); ok && !amzLine {
			amz = strings.TrimSpace(v)
		}
	}
	was := "the server signed " + shown(cur)
	if s.query {
		was = "the server signed Expires " + cur
	}
	line := func(id, arg, v, summary string) {
		if v != cur {
			g.edit(id, arg, summary+"; "+was, edit{i, v + "\n"})
		}
	}
	if cur != "" {
		line("v2-date-line-empty", "", "", "signed an empty Date line (S3's rule when x-amz-date is sent)")
	}
	if amz != "" {
		line("v2-date-line-amz-date", amz, amz, "signed "+dateName+"'s value "+amz+" on the Date line")
	}
	if sentDate != "" {
		line("v2-date-line-date-header", sentDate, sentDate, "signed the Date header "+sentDate+" on the Date line")
	}
	if h := m.header(dateName); h >= 0 && amz != "" && amz != cur {
		g.edit("v2-date-amz-date-on-date-line", amz, "signed "+dateName+"'s value on the Date line and left it out of the headers (the S3 guide's Delete example); "+was,
			edit{i, amz + "\n"}, edit{h, ""})
	}
	if !amzLine && amz != "" && !s.oss {
		hdr := dateName + ":" + amz + "\n"
		for _, v := range [...]string{"", sentDate} {
			if v == cur {
				continue // the date line as the server's: v2-header-added
			}
			g.edit("v2-date-amz-date-among-headers", shown(v), "signed "+dateName+" among the headers with "+shown(v)+" on the Date line; "+was,
				edit{i, v + "\n"}, g.insertHeader(dateName, hdr))
		}
	}
	if s.query {
		g.expires(i, cur, was)
		return
	}
	g.dateFormats(i, cur, sentDate, was)
}

// expires: a presigned URL's Expires signed a second or two off (the
// expiry computed twice, once for the signature and once for the URL),
// or in milliseconds (JavaScript's Date.now()).
func (g *v2gen) expires(i int, cur, was string) {
	n, err := strconv.ParseInt(cur, 10, 64)
	if err != nil || n < 0 || n > 1<<40 {
		return
	}
	for _, d := range [...]int64{-1, 1, -2, 2} {
		v := strconv.FormatInt(n+d, 10)
		g.edit("v2-expires-shifted", strconv.FormatInt(d, 10)+"s", "signed Expires "+v+"; "+was, edit{i, v + "\n"})
	}
	v := strconv.FormatInt(n*1000, 10)
	g.edit("v2-expires-milliseconds", v, "signed Expires in milliseconds, "+v+"; "+was, edit{i, v + "\n"})
}

// v2DateFormats are the ways clients write the Date line's time: the
// IMF-fixdate of RFC 9110 and its numeric-zone form (the S3 guide's
// examples), JavaScript's toISOString (milliseconds) and toUTCString,
// ISO 8601, the SigV4 timestamp, Unix seconds and milliseconds, and
// a day of the month left unpadded.
var v2DateFormats = []struct{ name, layout string }{
	{"imf-fixdate", http.TimeFormat},
	{"numeric zone", "Mon, 02 Jan 2006 15:04:05 +0000"},
	{"rfc 1123 utc", "Mon, 02 Jan 2006 15:04:05 UTC"},
	{"unpadded day", "Mon, 2 Jan 2006 15:04:05 GMT"},
	{"iso 8601 with milliseconds", "2006-01-02T15:04:05.000Z"},
	{"iso 8601", "2006-01-02T15:04:05Z"},
	{"sigv4 timestamp", "20060102T150405Z"},
	{"unix seconds", ""},
	{"unix milliseconds", ""},
}

func (g *v2gen) dateFormats(i int, cur, sentDate, was string) {
	t, ok := parseV2Time(cur)
	if !ok {
		if t, ok = parseV2Time(sentDate); !ok {
			return
		}
	}
	t = t.UTC()
	for _, f := range v2DateFormats {
		var v string
		switch f.name {
		case "unix seconds":
			v = strconv.FormatInt(t.Unix(), 10)
		case "unix milliseconds":
			v = strconv.FormatInt(t.UnixMilli(), 10)
		default:
			v = t.Format(f.layout)
		}
		if v != cur {
			g.edit("v2-date-format", f.name, "signed the date as "+quote(v)+" ("+f.name+"); "+was, edit{i, v + "\n"})
		}
	}
}

// parseV2Time reads the date forms V2 requests carry.
func parseV2Time(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if t, err := http.ParseTime(s); err == nil {
		return t, true
	}
	for _, layout := range [...]string{time.RFC1123Z, time.RFC1123, "20060102T150405Z", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// insertHeader returns the edit that adds line where the sorted header
// block puts name: before the first header sorting after it, else at the
// block's end.
func (g *v2gen) insertHeader(name, line string) edit {
	m := g.m
	for k, h := range m.headers {
		if m.names[k] > name {
			return edit{h, line + m.segs[h].text}
		}
	}
	return edit{m.blank, line + m.segs[m.blank].text}
}

// sentValues returns the values of the header name as sent, or nil.
func (g *v2gen) sentValues(name string) []string {
	if g.s.req == nil {
		return nil
	}
	return g.s.req.Values(name)
}

// headers: per-header mistakes of the CanonicalizedAmzHeaders
// (CanonicalizedOSSHeaders): a header added after signing (an SDK's
// x-amz-security-token or user agent, a CDN's or proxy's own x-amz-*), a
// value not trimmed, a name not lower-cased, repeated values not joined
// with ","; and a header the client signed that a hop dropped.
func (g *v2gen) headers() {
	m, p := g.m, g.s.prefix
	for k, h := range m.headers {
		n, v := m.names[k], m.segs[h].value
		g.edit("v2-header-dropped", n, "left "+n+" out of the signed headers; the server received it ("+n+":"+v+"): added after signing", edit{h, ""})
		set := func(id, arg, line, summary string) {
			if line != m.segs[h].text {
				g.edit(id, arg, summary, edit{h, line})
			}
		}
		sent := g.sentValues(n)
		if len(sent) == 1 && sent[0] != v && strings.TrimSpace(sent[0]) == v {
			set("v2-header-value-untrimmed", n, n+":"+sent[0]+"\n", "signed "+n+"'s value as sent, "+quote(sent[0])+", not trimmed")
		}
		set("v2-header-value-untrimmed", n, n+": "+v+"\n", "signed "+n+" with a space after the colon")
		set("v2-header-value-untrimmed", n, n+":"+v+" \n", "signed "+n+"'s value with a trailing space")
		for _, f := range g.sentNames(n) {
			set("v2-header-name-not-lower-cased", f, f+":"+v+"\n", "signed the header name "+f+" as sent, not lower-cased")
		}
		if tc := titleCase(n); tc != n {
			set("v2-header-name-not-lower-cased", tc, tc+":"+v+"\n", "signed the header name "+tc+", not lower-cased")
		}
		g.values(h, n, v, sent)
	}
	r := g.s.req
	if r == nil {
		return
	}
	seen := map[string]bool{}
	for _, f := range r.Header {
		n := strings.ToLower(strings.TrimSpace(f.Name))
		if !strings.HasPrefix(n, p) || seen[n] || m.header(n) >= 0 {
			continue
		}
		seen[n] = true
		vs := r.Values(f.Name)
		for j := range vs {
			vs[j] = strings.TrimSpace(vs[j])
		}
		v := strings.Join(vs, ",")
		g.edit("v2-header-added", n, "signed "+n+":"+v+", which did not reach the server", g.insertHeader(n, n+":"+v+"\n"))
	}
}

// sentNames returns the header's names as the request sent them, when
// not lower case.
func (g *v2gen) sentNames(n string) []string {
	if g.s.req == nil {
		return nil
	}
	var out []string
	for _, f := range g.s.req.Header {
		if strings.EqualFold(f.Name, n) && f.Name != n && (len(out) == 0 || out[0] != f.Name) {
			out = append(out, f.Name)
		}
	}
	return out
}

// values: a repeated header the client did not join with "," (S3 guide:
// "combine header fields with the same name into one name:value pair …
// separated by a comma without any white-space"): one line per value,
// joined with ", ", or one value kept.
func (g *v2gen) values(h int, n, v string, sent []string) {
	parts := sent
	if len(parts) < 2 {
		parts = strings.Split(v, ",")
	}
	if len(parts) < 2 {
		return
	}
	for j := range parts {
		parts[j] = strings.TrimSpace(parts[j])
	}
	var lines strings.Builder
	for _, x := range parts {
		lines.WriteString(n + ":" + x + "\n")
	}
	for _, c := range []struct{ arg, line, what string }{
		{"separate lines", lines.String(), "signed the values of " + n + " on separate lines"},
		{"comma space", n + ":" + strings.Join(parts, ", ") + "\n", "signed the values of " + n + " joined with \", \""},
		{"first only", n + ":" + parts[0] + "\n", "signed only the first value of " + n},
		{"last only", n + ":" + parts[len(parts)-1] + "\n", "signed only the last value of " + n},
	} {
		if c.line != g.m.segs[h].text {
			g.edit("v2-header-values-not-joined", n+" "+c.arg, c.what+", not all joined with \",\"", edit{h, c.line})
		}
	}
}

// maxV2MoveHeaders bounds the header blocks in which every move of one
// header is tried; above it only the moves to either end are.
const maxV2MoveHeaders = 8

// headerBlock: mistakes over the whole block: every name as sent or in
// Title-Case, every line with a space after the colon, the headers in the
// order sent, or one header out of place (a client that appends the
// header it adds last: x-amz-security-token, x-amz-date).
func (g *v2gen) headerBlock() {
	m := g.m
	if len(m.headers) == 0 {
		return
	}
	rename := func(arg, summary string, f func(n string) string) {
		var edits []edit
		for k, h := range m.headers {
			if x := f(m.names[k]); x != m.names[k] {
				edits = append(edits, edit{h, x + ":" + m.segs[h].value + "\n"})
			}
		}
		g.edit("v2-header-name-not-lower-cased", arg, summary, edits...)
	}
	if g.s.req != nil {
		rename("all as sent", "signed every header name as sent, not lower-cased", func(n string) string {
			if ns := g.sentNames(n); len(ns) > 0 {
				return ns[0]
			}
			return n
		})
	}
	rename("all title-case", "signed every header name in Title-Case, not lower-cased", titleCase)
	var all []edit
	for _, h := range m.headers {
		all = append(all, edit{h, m.segs[h].name + ": " + m.segs[h].value + "\n"})
	}
	g.edit("v2-header-value-untrimmed", "all", "signed every header as \"name: value\", a space after the colon", all...)
	n := len(m.headers)
	if g.s.req != nil && n > 1 {
		g.reorder("v2-headers-order-as-sent", "", "signed the headers in the order sent, not sorted", g.sentOrder())
	}
	for i := 0; i < n && n > 1; i++ {
		for j := 0; j <= n; j++ {
			if j == i || j == i+1 || n > maxV2MoveHeaders && j != 0 && j != n {
				continue
			}
			order := make([]int, 0, n)
			for k := 0; k < n; k++ {
				if k != i {
					order = append(order, k)
				}
			}
			at := j
			if j > i {
				at = j - 1
			}
			order = append(order[:at], append([]int{i}, order[at:]...)...)
			g.reorder("v2-header-moved", m.names[i]+"@"+itoa(at), "signed "+m.names[i]+" out of sorted order, at position "+itoa(at+1), order)
		}
	}
}

// sentOrder returns the header indices in the order the request sent
// them; the headers it does not carry follow, in their place's order.
func (g *v2gen) sentOrder() []int {
	m := g.m
	pos := func(n string) int {
		for i, f := range g.s.req.Header {
			if strings.EqualFold(strings.TrimSpace(f.Name), n) {
				return i
			}
		}
		return len(g.s.req.Header)
	}
	order := make([]int, len(m.headers))
	for i := range order {
		order[i] = i
	}
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && pos(m.names[order[j]]) < pos(m.names[order[j-1]]); j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	return order
}

// reorder writes the header lines in order (indices into m.headers).
func (g *v2gen) reorder(id, arg, summary string, order []int) {
	m := g.m
	var edits []edit
	for slot, k := range order {
		if k != slot {
			edits = append(edits, edit{m.headers[slot], m.segs[m.headers[k]].text})
		}
	}
	g.edit(id, arg, summary, edits...)
}

// resource: the path of the CanonicalizedResource. A virtual-hosted
// client that signs "/key" without its bucket, a path-style URL whose
// client adds the host's bucket again, the key encoded otherwise than the
// server signs it (S3 the path as sent, OSS decoded), and botocore's
// "/bucket/" for a request to "/bucket".
func (g *v2gen) resource() {
	i := g.m.path
	p := g.m.segs[i].value
	set := func(id, arg, v, summary string) {
		if v != p && v != "" {
			g.edit(id, arg, summary+"; the server's resource is "+quote(p), edit{i, v})
		}
	}
	if strings.HasPrefix(p, "/") && len(p) > 1 {
		bucket, rest, _ := strings.Cut(p[1:], "/")
		set("v2-resource-bucket-missing", bucket, "/"+rest, "signed "+quote("/"+rest)+" without the bucket "+bucket+" (a virtual-hosted client signing the path alone)")
		set("v2-resource-bucket-doubled", bucket, "/"+bucket+p, "signed the bucket "+bucket+" twice, "+quote("/"+bucket+p)+" (the bucket in the path and in the host)")
	}
	if !strings.HasSuffix(p, "/") {
		set("v2-resource-trailing-slash", "added", p+"/", "signed "+quote(p+"/")+", a slash added")
	} else if p != "/" {
		set("v2-resource-trailing-slash", "removed", strings.TrimSuffix(p, "/"), "signed the resource without its trailing slash")
	}
	if r := g.s.req; r != nil && r.RawPath != "" {
		dec := decodeAll(r.RawPath)
		for _, sent := range [...]string{dec, r.RawPath} {
			if strings.HasSuffix(p, sent) {
				set("v2-resource-key-encoded", "as sent", p[:len(p)-len(sent)]+r.RawPath, "signed the key as the request sent it")
				break
			}
		}
	}
	enc := encodePath(decodeAll(p))
	if strings.Contains(p, "%") {
		set("v2-resource-key-encoded-twice", "", encodeEscapes(p), "signed the key percent-encoded twice")
	}
	set("v2-resource-key-encoded-twice", "", encodeEscapes(enc), "signed the key percent-encoded twice")
	set("v2-resource-key-encoded", "", encodePath(p), "signed the key percent-encoded")
	set("v2-resource-key-encoded", "", enc, "signed the key percent-encoded")
	set("v2-resource-key-decoded", "", decodeAll(p), "signed the key decoded")
	for _, r := range [...][2]string{{"%20", "+"}, {"+", "%20"}, {" ", "+"}, {" ", "%20"}, {"+", " "}, {"%20", " "}, {"%2B", "+"}, {"+", "%2B"}} {
		if strings.Contains(p, r[0]) {
			set("v2-resource-plus-space", r[0]+" as "+r[1], strings.ReplaceAll(p, r[0], r[1]), "signed each "+quote(r[0])+" in the key as "+quote(r[1]))
		}
	}
}

// encodePath percent-encodes every byte but the unreserved ones and '/',
// with upper-case hex, as S3 clients encode a key into a path.
func encodePath(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
	return b.String()
}

// v2Param is one sub-resource as the server wrote it.
type v2Param struct {
	name, value string
	eq          bool
}

func (p v2Param) String() string {
	if p.eq || p.value != "" {
		return p.name + "=" + p.value
	}
	return p.name
}

func joinV2Params(ps []v2Param) string {
	if len(ps) == 0 {
		return ""
	}
	var b strings.Builder
	for i, p := range ps {
		b.WriteByte("?&"[min(i, 1)])
		b.WriteString(p.String())
	}
	return b.String()
}

// subResources: the sub-resources of the resource. A client whose table
// lacks one (a response-* override, OSS's security-token), or that signs
// a parameter the scheme does not list (botocore signs list-type for
// ListObjectsV2; x-id, prefix), that does not sort them, encodes their
// values (the guide: "do not encode"), writes "uploads=", or writes them
// twice (botocore's CreateMultipartUpload "?uploads?uploads").
func (g *v2gen) subResources() {
	m := g.m
	i := m.subs
	q := m.segs[i].value
	var ps []v2Param
	if q != "" {
		for _, piece := range strings.Split(q, "&") {
			k, v, eq := strings.Cut(piece, "=")
			ps = append(ps, v2Param{k, v, eq})
		}
	}
	cur := m.segs[i].text
	set := func(id, arg, v, summary string) {
		if v != cur {
			g.edit(id, arg, summary+"; the server signed "+shown(strings.TrimPrefix(cur, "?")), edit{i, v})
		}
	}
	without := func(j int) []v2Param { return append(append([]v2Param(nil), ps[:j]...), ps[j+1:]...) }
	for j, p := range ps {
		set("v2-subresource-dropped", p.name, joinV2Params(without(j)), "left the sub-resource "+p.name+" out of the resource")
	}
	if len(ps) > 1 {
		set("v2-subresource-dropped", "all", "", "left every sub-resource out of the resource")
	}
	if q != "" {
		set("v2-subresources-twice", "", cur+cur, "signed the sub-resources twice, "+quote(m.segs[m.path].text+cur+cur))
	}
	for j, p := range ps {
		if p.value == "" && !p.eq {
			c := append([]v2Param(nil), ps...)
			c[j].eq = true
			set("v2-subresource-valueless-with-equals", p.name, joinV2Params(c), "signed "+p.name+"= with an equals sign")
		}
		if p.value == "" {
			continue
		}
		for _, v := range g.encodedValues(p) {
			c := append([]v2Param(nil), ps...)
			c[j].value = v
			set("v2-subresource-value-encoded", p.name, joinV2Params(c), "signed the value of "+p.name+" encoded, "+quote(v))
		}
	}
	sent := g.sentParams()
	if len(ps) > 1 {
		rev := make([]v2Param, len(ps))
		for j, p := range ps {
			rev[len(ps)-1-j] = p
		}
		var order []v2Param
		for _, s := range sent {
			for _, p := range ps {
				if p.name == s.name {
					order = append(order, p)
					break
				}
			}
		}
		if len(order) == len(ps) {
			set("v2-subresources-unsorted", "as sent", joinV2Params(order), "signed the sub-resources in the order sent, not sorted")
		}
		set("v2-subresources-unsorted", "reversed", joinV2Params(rev), "signed the sub-resources unsorted")
	}
	have := map[string]bool{}
	for _, p := range ps {
		have[p.name] = true
	}
	n := 0
	for _, x := range sent {
		if have[x.name] || n == maxV2Extra {
			continue
		}
		have[x.name] = true
		n++
		c := append(append([]v2Param(nil), ps...), x.v2Param)
		for j := len(c) - 1; j > 0 && c[j].name < c[j-1].name; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
		set("v2-subresource-extra", x.name, joinV2Params(c), "signed "+x.String()+" as a sub-resource, which the server does not")
	}
}

// maxV2Extra bounds the request's unlisted parameters tried as
// sub-resources.
const maxV2Extra = 8

// encodedValues are the encoded forms of a sub-resource value: as the
// request sent it, and as url.QueryEscape and a path encoder write it.
func (g *v2gen) encodedValues(p v2Param) []string {
	var out []string
	for _, x := range g.sentParams() {
		if x.name == p.name && x.raw != p.value && x.raw != "" {
			out = append(out, x.raw)
		}
	}
	for _, v := range [...]string{url.QueryEscape(p.value), encodePath(p.value), strings.ReplaceAll(encodePath(p.value), "%2F", "/")} {
		if v != p.value {
			out = append(out, v)
		}
	}
	return out
}

// sentParam is a query parameter of the request: decoded name and value,
// and the value as sent.
type sentParam struct {
	v2Param
	raw string
}

// sentParams lists the request's query parameters other than the
// signature's own (and, for SigV2, the x-amz-* ones, which a presigned
// URL signs as headers), decoded.
func (g *v2gen) sentParams() []sentParam {
	r := g.s.req
	if r == nil || r.RawQuery == "" {
		return nil
	}
	var out []sentParam
	for _, piece := range strings.Split(r.RawQuery, "&") {
		if piece == "" {
			continue
		}
		k, v, eq := strings.Cut(piece, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			continue
		}
		switch dk {
		case "AWSAccessKeyId", "OSSAccessKeyId", "Signature", "Expires":
			continue
		}
		if !g.s.oss && strings.HasPrefix(strings.ToLower(dk), "x-amz-") {
			continue
		}
		out = append(out, sentParam{v2Param{dk, dv, eq && dv != ""}, v})
	}
	return out
}

// framing: a hand-written signer's newlines: lines joined with CR LF, a
// newline after the resource, an empty line where an empty header element
// was joined in, or the last header line left without its newline.
func (g *v2gen) framing() {
	m := g.m
	g.transform("sts-crlf", xformCRLF)
	g.edit("v2-sts-final-newline", "", "", edit{m.tail, "\n"})
	g.edit("v2-headers-blank-line", "", "", edit{m.blank, "\n"})
	if n := len(m.headers); n > 0 {
		h := m.headers[n-1]
		g.edit("v2-headers-newline-missing", "", "", edit{h, strings.TrimSuffix(m.segs[h].text, "\n")})
	}
}
