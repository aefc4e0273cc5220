package search

import (
	"sort"
	"strings"

	"github.com/sigdiff/sigdiff/internal/recompute"
)

// param is one canonical query parameter as the server wrote it.
type param struct {
	k, v string
	eq   bool // written with '='
}

func (p param) String() string {
	if p.eq {
		return p.k + "=" + p.v
	}
	return p.k
}

func parseParams(q string) []param {
	if q == "" {
		return nil
	}
	var ps []param
	for _, piece := range strings.Split(q, "&") {
		k, v, eq := strings.Cut(piece, "=")
		ps = append(ps, param{k, v, eq})
	}
	return ps
}

func joinParams(ps []param) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// sortParams sorts by name then value, byte-wise, as the canonical query
// string is sorted.
func sortParams(ps []param) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].k != ps[j].k {
			return ps[i].k < ps[j].k
		}
		return ps[i].v < ps[j].v
	})
}

// xIDs are the operation markers aws-sdk-go-v2 (and the SDKs generated
// from the same models) add to S3 request URIs, by method: a client that
// signs before the marker is added, or a proxy that strips it, signs
// another query than the server reads.
var xIDs = map[string][]string{
	"DELETE": {"AbortMultipartUpload", "DeleteObject"},
	"GET":    {"GetObject"},
	"POST":   {"CompleteMultipartUpload", "CreateMultipartUpload", "DeleteObjects"},
	"PUT":    {"CopyObject", "PutObject", "UploadPart", "UploadPartCopy"},
}

// query: the CanonicalQueryString variants, in three families.
func (g *gen) query() {
	i := g.m.query
	q := g.m.segs[i].value
	set := func(id, arg, v string) {
		if v != q {
			g.edit(id, arg, "", edit{i, v + "\n"})
		}
	}
	ps := parseParams(q)
	g.queryOrder(ps, set)
	g.queryEncoding(q, ps, set)
	g.queryParams(ps, set)
}

// queryOrder: the order sent, a case-insensitive sort, a sort of whole
// name=value strings (hand-written signers sorting the joined pairs).
func (g *gen) queryOrder(ps []param, set func(id, arg, v string)) {
	if order := g.sentQuery(); order != "" {
		set("query-order-as-sent", "", order)
	}
	byCase := append([]param(nil), ps...)
	sort.SliceStable(byCase, func(a, b int) bool {
		ka, kb := strings.ToLower(byCase[a].k), strings.ToLower(byCase[b].k)
		if ka != kb {
			return ka < kb
		}
		return byCase[a].v < byCase[b].v
	})
	set("query-sorted-case-insensitive", "", joinParams(byCase))
	byPair := append([]param(nil), ps...)
	sort.SliceStable(byPair, func(a, b int) bool { return byPair[a].String() < byPair[b].String() })
	set("query-sorted-by-pair", "", joinParams(byPair))
}

// queryEncoding: '+' and space (form encoding, Go's url.QueryEscape),
// '~' encoded (Java's URLEncoder, older JavaScript), reserved characters
// left raw, no encoding, double encoding, lower-case hex.
func (g *gen) queryEncoding(q string, ps []param, set func(id, arg, v string)) {
	set("query-space-as-plus", "", strings.ReplaceAll(q, "%20", "+"))
	set("query-space-as-2b", "", strings.ReplaceAll(q, "%20", "%2B"))
	set("query-plus-raw", "", strings.ReplaceAll(q, "%2B", "+"))
	set("query-plus-as-space", "", strings.ReplaceAll(q, "%2B", "%20"))
	set("query-tilde-encoded", "", strings.ReplaceAll(q, "~", "%7E"))
	raw := append([]param(nil), ps...)
	for j := range raw {
		raw[j].v = decodeSet(raw[j].v, "/=:,@+")
	}
	set("query-reserved-raw", "", joinParams(raw))
	set("query-not-encoded", "", decodeAll(q))
	set("query-encoded-twice", "", encodeEscapes(q))
	set("query-hex-lower-case", "", lowerHexEscapes(q))
}

// queryParams: valueless parameters with and without '=' (?uploads is
// signed uploads=, and hand-written signers drop it), one parameter
// dropped or added, the signature parameter signed.
func (g *gen) queryParams(ps []param, set func(id, arg, v string)) {
	without := append([]param(nil), ps...)
	with := append([]param(nil), ps...)
	for j := range ps {
		if ps[j].v == "" {
			without[j].eq = false
			with[j].eq = true
		}
	}
	set("query-valueless-without-equals", "", joinParams(without))
	set("query-valueless-with-equals", "", joinParams(with))
	for j := range ps {
		rest := append(append([]param(nil), ps[:j]...), ps[j+1:]...)
		set("query-param-dropped", ps[j].k, joinParams(rest))
	}
	add := func(id string, p param) {
		for _, o := range ps {
			if o.k == p.k {
				return
			}
		}
		more := append(append([]param(nil), ps...), p)
		sortParams(more)
		set(id, p.String(), joinParams(more))
	}
	method := ""
	if g.m.method >= 0 {
		method = g.m.segs[g.m.method].value
	}
	for _, id := range xIDs[method] {
		add("query-param-added", param{"x-id", id, true})
	}
	for _, p := range g.sentParams() {
		add("query-param-added", p)
	}
	// A signer that puts every parameter, the signature's empty
	// placeholder included, into the canonical query, or one that re-signs
	// a presigned URL still carrying its old signature.
	sp := g.in.family.SignatureParam
	add("query-signature-included", param{sp, "", true})
	if r := g.in.req; r != nil {
		for _, piece := range strings.Split(r.RawQuery, "&") {
			if k, v, _ := strings.Cut(piece, "="); k == sp && v != "" {
				add("query-signature-included", param{sp, recompute.CanonicalQueryString("v=" + v)[2:], true})
			}
		}
	}
}

// sentParams returns the request's query parameters, each canonically
// encoded, in the order sent, without the signature parameter.
func (g *gen) sentParams() []param {
	r := g.in.req
	if r == nil || r.RawQuery == "" {
		return nil
	}
	var ps []param
	for _, piece := range strings.Split(r.RawQuery, "&") {
		if piece == "" {
			continue
		}
		c := recompute.CanonicalQueryString(piece)
		k, v, _ := strings.Cut(c, "=")
		if k == g.in.family.SignatureParam {
			continue
		}
		ps = append(ps, param{k, v, true})
	}
	return ps
}

// sentQuery returns the server's parameters in the order the request sent
// them, when the request holds exactly the server's parameters.
func (g *gen) sentQuery() string {
	sent := g.sentParams()
	if len(sent) == 0 {
		return ""
	}
	sorted := append([]param(nil), sent...)
	sortParams(sorted)
	if joinParams(sorted) != g.m.segs[g.m.query].value {
		return ""
	}
	return joinParams(sent)
}
