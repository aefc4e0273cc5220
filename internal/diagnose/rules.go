package diagnose

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/sigdiff/sigdiff/internal/diff"
)

// causesFromDiffs reads the differing units of every diff and names the
// causes their differences point to. Each rule looks at one unit; the
// labels are those of internal/diff.
func (r *Report) causesFromDiffs() {
	crDiffers := false
	for _, d := range r.Diffs {
		if d.Part == "canonical_request" && d.First != nil {
			crDiffers = true
		}
	}
	for _, d := range r.Diffs {
		if d.Part == "string_to_sign" && crDiffers {
			// The hash line follows from the canonical requests already
			// compared: only the other lines say something new.
			d = withoutUnit(d, "canonical request hash")
		}
		if d.Part == "canonical_request" && r.sliceRule(d) {
			continue
		}
		if d.Part == "string_to_sign" && r.isPostPolicy() {
			// A POST policy's string to sign is the base64 policy itself:
			// another one means other policy bytes were signed.
			r.addCause("policy-signed-wrong-bytes", Likely, "the base64 policy signed differs from the one the server received: "+d.First.Label)
			continue
		}
		if framingOnly(string(d.Server), string(d.Client)) {
			r.addCause("sts-framing", Likely, fmt.Sprintf("the %s differs only in its line breaks (newline written as `n`, CR LF, or a missing line)", strings.ReplaceAll(d.Part, "_", " ")))
			continue
		}
		for _, u := range d.Units {
			if u.Op == diff.Equal {
				continue
			}
			s := text(d.Server, u.Server)
			c := text(d.Client, u.Client)
			if bytes.ContainsRune([]byte(s+c), '\r') || framingOnly(s, c) {
				r.addCause("sts-framing", Likely, fmt.Sprintf("%s: line endings or newline characters differ", u.Label))
				continue
			}
			r.unitRule(d, u, s, c)
		}
	}
}

// text returns a unit's bytes without the LF that ends its line.
func text(b []byte, sp diff.Span) string {
	if sp.Offset < 0 || sp.Len < 0 || sp.Offset+sp.Len > len(b) {
		return ""
	}
	return strings.TrimSuffix(string(b[sp.Offset:sp.Offset+sp.Len]), "\n")
}

// framingOnly reports whether the two sides differ only by a newline
// written as the letter n, or by line breaks.
func framingOnly(s, c string) bool {
	strip := strings.NewReplacer("\n", "", "\r", "", "n", "")
	return s != c && strip.Replace(s) == strip.Replace(c)
}

func (r *Report) unitRule(d *diff.Result, u diff.Unit, s, c string) {
	label := u.Label
	ev := fmt.Sprintf("%s: server has %q, client has %q", label, s, c)
	name, isHeader := strings.CutPrefix(label, "header ")
	switch {
	case label == "method" || (d.Kind == diff.StringToSignV2 && label == "line 1"):
		r.addCause("method-changed", Likely, ev)
	case label == "uri":
		r.uriRule(s, c, ev)
	case label == "query":
		r.queryRule(s, c, ev)
	case label == "signed headers":
		r.addCause("signed-headers-list", Likely, ev)
	case label == "payload hash":
		if strings.HasPrefix(s, "STREAMING-") || strings.HasPrefix(c, "STREAMING-") {
			r.addCause("checksum-trailer", Possible, ev)
		}
		r.addCause("payload-hash", Likely, ev)
	case label == "scope":
		r.scopeRule(s, c, ev)
	case label == "request date" || label == "date" || label == "expires":
		if d.Kind == diff.StringToSignV2 {
			r.addCause("v2-date", Likely, ev)
		} else {
			r.addCause("date-mismatch", Likely, ev)
		}
	case label == "canonical request hash" || label == "hash":
		r.addCause("sts-hashed-wrong-bytes", Possible, "the string to sign hashes another canonical request: "+ev)
		r.addCause("sts-not-hashed", Possible, ev)
	case label == "content-md5":
		r.addCause("v2-content-md5", Likely, ev)
	case label == "content-type":
		r.addCause("content-type-changed", Likely, ev)
	case label == "resource":
		r.addCause("v2-resource", Likely, ev)
	case isHeader:
		r.headerRule(d, u, strings.ToLower(name), s, c, ev)
	case label == "algorithm":
		r.addCause("signing-key-derivation", Possible, ev)
	}
}

func (r *Report) headerRule(d *diff.Result, u diff.Unit, name, s, c, ev string) {
	sv := valueOf(s)
	cv := valueOf(c)
	switch {
	case d.Kind == diff.StringToSignV2:
		r.addCause("v2-canonical-headers", Likely, ev)
	case name == "content-type":
		r.addCause("content-type-changed", Likely, ev)
	case name == "host":
		r.hostRule(sv, cv, ev)
	case name == "x-amz-request-id" || name == "x-amz-id-2":
		r.addCause("reflected-header-signed", Likely, ev)
	case u.Op == diff.ClientOnly || (u.Op == diff.Changed && sv == "" && cv != ""):
		r.addCause("signed-header-missing", Likely, fmt.Sprintf("header %s: the client signed %q, the server received none", name, cv))
	case u.Op == diff.ServerOnly:
		r.addCause("signed-headers-list", Likely, fmt.Sprintf("header %s: the server canonicalized it, the client did not", name))
	case sv == cv && s != c:
		// Same value, the names differ in case.
		r.addCause("header-case-or-order", Likely, ev)
	case collapse(sv) == collapse(cv):
		r.addCause("header-whitespace", Likely, ev)
	case name == "x-amz-date":
		r.addCause("date-mismatch", Likely, ev)
	case name == "x-amz-content-sha256":
		r.addCause("payload-hash", Likely, ev)
	default:
		r.addCause("signed-header-changed", Likely, ev)
	}
}

func valueOf(line string) string {
	_, v, _ := strings.Cut(line, ":")
	return v
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func (r *Report) hostRule(s, c, ev string) {
	hs, ps := splitPort(s)
	hc, pc := splitPort(c)
	switch {
	case hs == hc && ps != pc:
		r.addCause("host-port", Likely, ev)
	case strings.HasSuffix(hs, "."+hc) || strings.HasSuffix(hc, "."+hs):
		r.addCause("addressing-style", Likely, ev+" (the bucket is in one host and not the other)")
	default:
		r.addCause("host-rewritten", Likely, ev)
	}
}

func splitPort(h string) (host, port string) {
	h = strings.TrimSpace(h)
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		return h[:i], h[i+1:]
	}
	return h, ""
}

func (r *Report) uriRule(s, c, ev string) {
	ds, err1 := url.PathUnescape(s)
	dc, err2 := url.PathUnescape(c)
	ds2, _ := url.PathUnescape(ds)
	dc2, _ := url.PathUnescape(dc)
	squash := func(p string) string {
		for strings.Contains(p, "//") {
			p = strings.ReplaceAll(p, "//", "/")
		}
		return strings.Trim(p, "/")
	}
	switch {
	case err1 == nil && err2 == nil && (ds == dc || ds2 == dc || ds == dc2 || strings.ReplaceAll(s, "+", "%20") == c || strings.ReplaceAll(c, "+", "%20") == s):
		r.addCause("uri-encoding", Likely, ev)
	case squash(s) == squash(c) || strings.Contains(s, "/.") || strings.Contains(c, "/."):
		r.addCause("uri-normalization", Likely, ev)
	case strings.HasSuffix(s, c) || strings.HasSuffix(c, s):
		r.addCause("addressing-style", Likely, ev+" (one path has the bucket, the other not)")
	default:
		r.addCause("uri-encoding", Possible, ev)
	}
}

func (r *Report) queryRule(s, c, ev string) {
	ps, pc := splitQuery(s), splitQuery(c)
	sorted := func(p []string) []string { q := slices.Clone(p); slices.Sort(q); return q }
	names := func(p []string) []string {
		var n []string
		for _, kv := range p {
			k, _, _ := strings.Cut(kv, "=")
			n = append(n, k)
		}
		slices.Sort(n)
		return n
	}
	decoded := func(p []string) []string {
		var out []string
		for _, kv := range p {
			v, err := url.QueryUnescape(kv)
			if err != nil {
				v = kv
			}
			out = append(out, strings.TrimSuffix(v, "="))
		}
		slices.Sort(out)
		return out
	}
	switch {
	case slices.Equal(sorted(ps), sorted(pc)):
		r.addCause("query-order", Likely, ev)
	case valuelessDiffer(ps, pc):
		r.addCause("query-valueless", Likely, ev)
	case !slices.Equal(names(ps), names(pc)):
		r.addCause("query-param-changed", Likely, ev)
	case slices.Equal(decoded(ps), decoded(pc)):
		r.addCause("query-encoding", Likely, ev)
	default:
		r.addCause("query-encoding", Possible, ev)
	}
}

func splitQuery(q string) []string {
	if q == "" {
		return nil
	}
	return strings.Split(q, "&")
}

// valuelessDiffer: `uploads` on one side is `uploads=` on the other.
func valuelessDiffer(a, b []string) bool {
	norm := func(p []string) []string {
		var out []string
		for _, kv := range p {
			if !strings.Contains(kv, "=") {
				kv += "="
			}
			out = append(out, kv)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(norm(a), norm(b))
}

// scopeRule names which part of date/region/service/terminator differs.
func (r *Report) scopeRule(s, c, ev string) {
	ss, cs := strings.Split(s, "/"), strings.Split(c, "/")
	if len(ss) != 4 || len(cs) != 4 {
		r.addCause("signing-key-derivation", Possible, ev)
		return
	}
	if ss[0] != cs[0] {
		r.addCause("date-mismatch", Likely, fmt.Sprintf("scope date: server %s, client %s", ss[0], cs[0]))
	}
	if ss[1] != cs[1] {
		r.addCause("wrong-region", Likely, fmt.Sprintf("scope region: server %s, client %s", ss[1], cs[1]))
	}
	if ss[2] != cs[2] {
		r.addCause("wrong-service", Likely, fmt.Sprintf("scope service: server %s, client %s", ss[2], cs[2]))
	}
	if ss[3] != cs[3] {
		r.addCause("signing-key-derivation", Likely, fmt.Sprintf("scope terminator: server %s, client %s", ss[3], cs[3]))
	}
}

// sliceRule recognises a canonical request that is the server's with bytes
// cut off or added at either end: a signing server that sliced its input at
// a fixed offset (Fine Uploader's `headers[70:]` only fits a 10-character
// region) or stripped it.
func (r *Report) sliceRule(d *diff.Result) bool {
	s, c := string(d.Server), string(d.Client)
	if s == c || len(s) == 0 || len(c) == 0 {
		return false
	}
	var ev string
	switch {
	case strings.Contains(s, c):
		i := strings.Index(s, c)
		ev = fmt.Sprintf("the client's canonical request is the server's with %d byte(s) cut from the start and %d from the end", i, len(s)-len(c)-i)
	case strings.Contains(c, s):
		i := strings.Index(c, s)
		ev = fmt.Sprintf("the client's canonical request is the server's with %d extra byte(s) before it (%q) and %d after", i, c[:i], len(c)-len(s)-i)
	case strings.TrimSpace(s) == strings.TrimSpace(c):
		ev = "the two canonical requests differ only by blanks at their ends: one was stripped"
	default:
		return false
	}
	r.addCause("sts-hashed-wrong-bytes", Likely, ev+": the signer hashed a slice of its input, not the canonical request")
	r.sliced = ev
	return true
}

// withoutUnit returns a shallow copy of d without the units labelled label.
func withoutUnit(d *diff.Result, label string) *diff.Result {
	c := *d
	c.Units = nil
	for _, u := range d.Units {
		if u.Label != label {
			c.Units = append(c.Units, u)
		}
	}
	return &c
}

func (r *Report) isPostPolicy() bool {
	return strings.HasSuffix(r.Scheme, "-post") || (r.Recomputed != nil && strings.HasSuffix(r.Recomputed.Scheme, "-post"))
}
