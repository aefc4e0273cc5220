package search

import (
	"sort"
	"strconv"
	"strings"

	"github.com/sigdiff/sigdiff/internal/recompute"
)

func itoa(n int) string { return strconv.Itoa(n) }

// signedWithout returns the SignedHeaders value without name, and whether
// name was in it.
func (g *gen) signedWithout(names ...string) (string, bool) {
	list := strings.Split(g.m.segs[g.m.signed].value, ";")
	out := list[:0:0]
	dropped := 0
	for _, n := range list {
		drop := false
		for _, d := range names {
			drop = drop || n == d
		}
		if drop {
			dropped++
			continue
		}
		out = append(out, n)
	}
	return strings.Join(out, ";"), dropped == len(names)
}

// listMatchesBlock reports whether SignedHeaders names exactly the
// canonical headers, in order: only then can a reordering or renaming of
// the block be mirrored in the list.
func (g *gen) listMatchesBlock() bool {
	return g.m.segs[g.m.signed].value == strings.Join(g.m.headerNames(), ";")
}

func headerLine(name, value string) string { return name + ":" + value + "\n" }

// contentTypes are the values clients and runtimes put in Content-Type
// without being asked: browsers and fetch (text/plain;charset=UTF-8 for a
// string body), axios (application/x-www-form-urlencoded, or
// application/json), jQuery and XHR forms, S3 consoles and SDK defaults
// (binary/octet-stream, application/octet-stream), multipart forms, and a
// charset appended by a runtime (the mini-program field report).
var contentTypes = []string{
	"application/json",
	"application/octet-stream",
	"application/x-www-form-urlencoded",
	"application/x-www-form-urlencoded; charset=UTF-8",
	"binary/octet-stream",
	"multipart/form-data",
	"text/plain;charset=UTF-8",
}

func (g *gen) contentType() {
	h := g.m.header("content-type")
	if h < 0 {
		return
	}
	v := g.m.segs[h].value
	base, _, _ := strings.Cut(v, ";")
	base = strings.TrimSpace(base)
	set := func(x string) {
		if x != v {
			arg := x
			if x == "" {
				arg = "(empty)"
			}
			g.edit("content-type-variant", arg, "signed content-type "+quote(x)+"; the server received "+quote(v), edit{h, headerLine("content-type", x)})
		}
	}
	if r := g.in.req; r != nil {
		if vs := r.Values("Content-Type"); len(vs) > 0 {
			set(recompute.CanonicalHeaderValue(strings.Join(vs, ",")))
		}
	}
	set("")
	set(base)
	set(base + "; charset=UTF-8")
	set(base + "; charset=utf-8")
	set(base + ";charset=UTF-8")
	for _, ct := range contentTypes {
		set(ct)
	}
	if list, ok := g.signedWithout("content-type"); ok {
		g.edit("content-type-dropped", "", "", edit{h, ""}, edit{g.m.signed, list + "\n"})
	}
}

func quote(s string) string { return strconv.Quote(s) }

// host: a default port signed but stripped on the wire (or the reverse),
// and a Host rewritten by a proxy (nginx without proxy_set_header Host),
// or a presigned URL's host swapped (minio:9000 → a public name).
func (g *gen) host() {
	h := g.m.header("host")
	if h < 0 {
		return
	}
	v := g.m.segs[h].value
	name, port := splitPort(v)
	if port == "" {
		g.edit("host-port-added", ":443", "signed host "+v+":443; the server saw "+v, edit{h, headerLine("host", v+":443")})
		g.edit("host-port-added", ":80", "signed host "+v+":80; the server saw "+v, edit{h, headerLine("host", v+":80")})
	} else {
		g.edit("host-port-removed", port, "signed host "+name+"; the server saw "+v, edit{h, headerLine("host", name)})
	}
	r := g.in.req
	if r == nil || r.Host == "" {
		return
	}
	sent := strings.ToLower(r.Host)
	if sent == v {
		return
	}
	sentName, sentPort := splitPort(sent)
	if sentName == name && sentPort != port {
		g.edit("host-port-as-sent", sentPort, "signed host "+sent+" as sent; the server saw "+v, edit{h, headerLine("host", sent)})
		return
	}
	g.edit("host-as-sent", sent, "signed host "+sent+"; the server saw "+v, edit{h, headerLine("host", sent)})
}

// knownValues are values a hop drops or a client adds for headers that
// reach the server empty: Expect: 100-continue (dropped by proxies),
// Transfer-Encoding: chunked, Content-Encoding: aws-chunked, and the
// Accept-Encoding values that CDNs rewrite.
var knownValues = map[string][]string{
	"accept-encoding":   {"gzip", "identity", "gzip, deflate", "gzip, deflate, br"},
	"content-encoding":  {"aws-chunked", "gzip"},
	"content-type":      contentTypes,
	"expect":            {"100-continue"},
	"transfer-encoding": {"chunked"},
	"x-amz-acl":         {"private", "public-read"},
}

// headers: per-header operators: a value changed in transit or signed
// uncanonicalized, and a header left out of the block or the list.
func (g *gen) headers() {
	m := g.m
	for _, h := range m.headers {
		n, v := m.segs[h].name, m.segs[h].value
		set := func(id, arg, x string) {
			if x != v {
				g.edit(id, arg, "", edit{h, headerLine(n, x)})
			}
		}
		var sent []string
		if g.in.req != nil {
			sent = g.in.req.Values(n)
		}
		if v == "" {
			if len(sent) > 0 {
				x := recompute.CanonicalHeaderValue(strings.Join(sent, ","))
				set("header-value-filled", n+"="+x, x)
			}
			for _, x := range knownValues[n] {
				set("header-value-filled", n+"="+x, x)
			}
		} else {
			headerValue(n, v, sent, set)
		}
		if list, ok := g.signedWithout(n); ok {
			g.edit("header-dropped", n, "", edit{h, ""}, edit{m.signed, list + "\n"})
			g.edit("header-list-entry-dropped", n, "", edit{m.signed, list + "\n"})
		}
		g.edit("header-line-dropped", n, "", edit{h, ""})
	}
}

// headerValue: the variants of a non-empty value v of header n: emptied
// (set after signing), the request's own value, untrimmed or uncollapsed
// (the spec's Trimall skipped), repeated values joined otherwise.
func headerValue(n, v string, sent []string, set func(id, arg, x string)) {
	set("header-value-emptied", n, "")
	if len(sent) > 0 {
		set("header-value-from-request", n, recompute.CanonicalHeaderValue(strings.Join(sent, ",")))
		set("header-value-as-sent", n, strings.Join(sent, ","))
		set("header-value-as-sent", n, strings.TrimSpace(strings.Join(sent, ",")))
	}
	set("header-value-untrimmed", n+" leading", " "+v)
	set("header-value-untrimmed", n+" trailing", v+" ")
	if strings.Contains(v, " ") {
		set("header-value-uncollapsed", n, strings.ReplaceAll(v, " ", "  "))
	}
	if strings.Contains(v, ",") {
		first, _, _ := strings.Cut(v, ",")
		set("header-first-value-only", n, strings.TrimSpace(first))
		set("header-last-value-only", n, strings.TrimSpace(v[strings.LastIndexByte(v, ',')+1:]))
		set("header-values-joined-with-comma-space", n, strings.ReplaceAll(strings.ReplaceAll(v, ", ", ","), ",", ", "))
		set("header-values-joined-with-comma", n, strings.ReplaceAll(v, ", ", ","))
	}
}

// headerBlock: operators over the whole header block: names not
// lower-cased, headers in the order sent or one header out of place.
func (g *gen) headerBlock() {
	m := g.m
	names := m.headerNames()
	mirror := g.listMatchesBlock()
	// rename writes every header line with the name f gives; list too.
	rename := func(id string, f func(i int, n string) string, list bool) {
		var edits []edit
		out := make([]string, len(names))
		for i, h := range m.headers {
			out[i] = f(i, names[i])
			if out[i] != names[i] {
				edits = append(edits, edit{h, headerLine(out[i], m.segs[h].value)})
			}
		}
		if list && mirror {
			edits = append(edits, edit{m.signed, strings.Join(out, ";") + "\n"})
		} else if list {
			return
		}
		g.edit(id, "", "", edits...)
	}
	rename("header-names-title-case", func(_ int, n string) string { return titleCase(n) }, true)
	rename("header-names-title-case-in-block", func(_ int, n string) string { return titleCase(n) }, false)
	if r := g.in.req; r != nil {
		rename("header-names-as-sent", func(_ int, n string) string {
			for _, f := range r.Header {
				if strings.EqualFold(f.Name, n) {
					return f.Name
				}
			}
			return n
		}, true)
		order := g.sentOrder(names)
		g.reorder("header-order-as-sent", "", order, true)
		g.reorder("header-order-as-sent-in-block", "", order, false)
	}
	if !mirror {
		return
	}
	// Header i taken out and put back before the header that was at j
	// (j = n: last); j = i and j = i+1 put it back where it was. Above
	// maxMoveHeaders headers only the moves to the ends are tried.
	for i := range names {
		for j := 0; j <= len(names); j++ {
			if j == i || j == i+1 || len(names) > maxMoveHeaders && j != 0 && j != len(names) {
				continue
			}
			order := make([]int, 0, len(names))
			for k := range names {
				if k != i {
					order = append(order, k)
				}
			}
			at := j
			if j > i {
				at = j - 1
			}
			order = append(order[:at], append([]int{i}, order[at:]...)...)
			g.reorder("header-moved", names[i]+"@"+itoa(at), order, true)
		}
	}
}

// sentOrder returns the header indices in the order the request sent
// them; headers the request does not carry (the signer's own x-amz-date,
// x-amz-content-sha256) follow, sorted.
func (g *gen) sentOrder(names []string) []int {
	pos := func(n string) int {
		for i, f := range g.in.req.Header {
			if strings.EqualFold(f.Name, n) {
				return i
			}
		}
		return len(g.in.req.Header)
	}
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return pos(names[order[a]]) < pos(names[order[b]]) })
	return order
}

// reorder writes the header lines in order (indices into m.headers).
func (g *gen) reorder(id, arg string, order []int, list bool) {
	m := g.m
	var edits []edit
	names := make([]string, len(order))
	for slot, k := range order {
		src := m.headers[k]
		names[slot] = m.segs[src].name
		if k != slot {
			edits = append(edits, edit{m.headers[slot], m.segs[src].text})
		}
	}
	if list {
		if !g.listMatchesBlock() {
			return
		}
		edits = append(edits, edit{m.signed, strings.Join(names, ";") + "\n"})
	}
	g.edit(id, arg, "", edits...)
}

// subsets returns the header-subset operators: every set of two or more
// signed headers left out (lines and list, or lines only). Above
// maxSubsetHeaders headers only sets of two and three are generated.
func (g *gen) subsets() []*msgOp {
	m := g.m
	n := len(m.headers)
	if !m.parsed || n < 2 {
		return nil
	}
	s := newOpSet(m, g.head)
	s.seen, s.seed = g.seen, g.seed // a subset that equals a single is not tried again
	names := m.headerNames()
	bytes := 0 // edit text held by the subsets, capped at maxSubsetBytes
	visit := func(mask uint64) {
		if bytes > maxSubsetBytes {
			return
		}
		bytes += 2 * len(m.segs[m.signed].text)
		var drop []string
		var edits []edit
		for i := 0; i < n; i++ {
			if mask&(1<<i) != 0 {
				drop = append(drop, names[i])
				edits = append(edits, edit{m.headers[i], ""})
			}
		}
		arg := strings.Join(drop, ";")
		lines := append([]edit(nil), edits...)
		if list, ok := g.signedWithout(drop...); ok {
			s.edit("headers-dropped", arg, "", append(edits, edit{m.signed, list + "\n"})...)
		}
		if len(drop) > 2 { // two lines dropped are a pair of header-line-dropped, tried before
			s.edit("headers-lines-dropped", arg, "", lines...)
		}
	}
	if n <= maxSubsetHeaders {
		for mask := uint64(1); mask < 1<<n; mask++ {
			if mask&(mask-1) != 0 { // two or more
				visit(mask)
			}
		}
	} else {
		for i := 0; i < n && i < 64 && len(s.ops) < maxSubsets; i++ {
			for j := i + 1; j < n && j < 64 && len(s.ops) < maxSubsets; j++ {
				visit(1<<i | 1<<j)
				for k := j + 1; k < n && k < 64 && len(s.ops) < maxSubsets; k++ {
					visit(1<<i | 1<<j | 1<<k)
				}
			}
		}
	}
	return s.ops
}

// maxSubsetHeaders bounds the full subset enumeration at 2^14 sets;
// maxSubsets bounds the two- and three-header sets of larger blocks, and
// maxSubsetBytes the SignedHeaders lines they hold (a long list makes
// each subset's edit long).
const (
	maxSubsetHeaders = 14
	maxSubsets       = 1 << 15
	maxSubsetBytes   = 8 << 20
	maxMoveHeaders   = 24
)
