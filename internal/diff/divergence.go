package diff

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// firstDivergence finds the first byte at which the sides differ (or one
// ends) and says in words what differs there, from the first unit that is
// not Equal.
func firstDivergence(r *Result) *Divergence {
	p := commonPrefix(r.Server, r.Client)
	line, col := lineCol(r.Server, p)
	dv := &Divergence{
		Part: r.Part, Offset: p, ClientOffset: p, Line: line, Column: col,
		Server: hexAt(r.Server, p), Client: hexAt(r.Client, p),
		Label: "bytes differ",
	}
	for i, u := range r.Units {
		if u.Op != Equal {
			dv.Label = describe(r, i)
			break
		}
	}
	return dv
}

// lineCol returns the 1-based line and byte column of offset p in b.
func lineCol(b []byte, p int) (int, int) {
	head := b[:p]
	return bytes.Count(head, []byte{'\n'}) + 1, p - (bytes.LastIndexByte(head, '\n') + 1) + 1
}

// hexAt returns up to 8 bytes of b from p, stopping after the first LF, so
// that a line-ending difference reads "0d0a" against "0a".
func hexAt(b []byte, p int) string {
	e := min(p+8, len(b))
	if i := bytes.IndexByte(b[p:e], '\n'); i >= 0 {
		e = p + i + 1
	}
	return hex.EncodeToString(b[p:e])
}

// side is one side of a unit, for describing it.
type side struct {
	all  []byte // the whole side
	span Span
	name string // "server" or "client"
}

func (s side) bytes() []byte   { return s.all[s.span.Offset:s.span.End()] }
func (s side) content() []byte { return bytes.TrimSuffix(s.bytes(), []byte{'\n'}) }
func (s side) line() int       { l, _ := lineCol(s.all, s.span.Offset); return l }
func (s side) hasLF() bool     { return bytes.HasSuffix(s.bytes(), []byte{'\n'}) }

// where names a unit for a label: "header content-type", "query", "line 3",
// or "line 1: method" for the other roles.
func where(u Unit, s side) string {
	switch {
	case strings.HasPrefix(u.Label, "header "), u.Label == "query", strings.HasPrefix(u.Label, "line "):
		return u.Label
	}
	return "line " + strconv.Itoa(s.line()) + ": " + u.Label
}

// quote shows a value in labels: Visible notation between backquotes, cut
// around position at when long.
func quote(v []byte, at int) string {
	const room = 48
	pre, post := "", ""
	if len(v) > 2*room {
		lo := max(0, at-room/2)
		for lo > 0 && continuation(v, lo) {
			lo--
		}
		hi := min(len(v), lo+room)
		for hi < len(v) && continuation(v, hi) {
			hi++
		}
		if lo > 0 {
			pre = "…"
		}
		if hi < len(v) {
			post = "…"
		}
		v = v[lo:hi]
	}
	return "`" + pre + visibleString(string(v)) + post + "`"
}

// describe labels the first non-Equal unit, units[i].
func describe(r *Result, i int) string {
	u := r.Units[i]
	// A line that differs only by a final LF the client (or server) needs
	// because more lines follow is not the story; the lines that follow are.
	if u.Op == Changed && i+1 < len(r.Units) && r.Units[i+1].Op != Equal && r.Units[i+1].Op != Changed {
		s, c := side{r.Server, u.Server, "server"}, side{r.Client, u.Client, "client"}
		if bytes.Equal(s.content(), c.content()) {
			return describe(r, i+1)
		}
	}
	if u.Op == Changed {
		return describeChanged(r, i)
	}
	return describeOneSided(r, i)
}

func describeChanged(r *Result, i int) string {
	u := r.Units[i]
	s, c := side{r.Server, u.Server, "server"}, side{r.Client, u.Client, "client"}
	sc, cc := s.content(), c.content()
	if bytes.Equal(sc, cc) { // only the final LF differs, at the end of both
		if s.hasLF() {
			return "missing final newline: server ends with LF, client does not"
		}
		return "extra final newline: client ends with LF, server does not"
	}
	sb, cb := bytes.TrimSuffix(sc, []byte{'\r'}), bytes.TrimSuffix(cc, []byte{'\r'})
	if bytes.Equal(sb, cb) {
		return fmt.Sprintf("line endings: server has %s, client has %s", ending(s), ending(c))
	}
	w := where(u, s)
	if strings.HasPrefix(u.Label, "header ") {
		sn, sv, _ := bytes.Cut(sc, []byte{':'})
		cn, cv, _ := bytes.Cut(cc, []byte{':'})
		if !bytes.Equal(sn, cn) {
			return fmt.Sprintf("%s: name: server has %s, client has %s", w, quote(sn, 0), quote(cn, 0))
		}
		sc, cc = sv, cv
	}
	if bytes.Equal(bytes.TrimRight(sb, " \t"), bytes.TrimRight(cb, " \t")) {
		what := "trailing space"
		if bytes.ContainsRune(sb[len(bytes.TrimRight(sb, " \t")):], '\t') ||
			bytes.ContainsRune(cb[len(bytes.TrimRight(cb, " \t")):], '\t') {
			what = "trailing whitespace"
		}
		return fmt.Sprintf("%s: %s: server has %s, client has %s", w, what, quote(sc, len(sc)), quote(cc, len(cc)))
	}
	if bytes.Equal(bytes.TrimLeft(sc, " \t"), bytes.TrimLeft(cc, " \t")) {
		return fmt.Sprintf("%s: leading space: server has %s, client has %s", w, quote(sc, 0), quote(cc, 0))
	}
	switch u.Label {
	case "query":
		return describeQuery(sb, cb)
	case "signed headers":
		if l, ok := describeSignedHeaders(sb, cb); ok {
			return w + ": " + l
		}
	}
	at := commonPrefix(sc, cc)
	return fmt.Sprintf("%s: server has %s, client has %s", w, quote(sc, at), quote(cc, at))
}

// ending names how a line ends: "CR LF", "LF", "CR" or "none".
func ending(s side) string {
	cr := bytes.HasSuffix(s.content(), []byte{'\r'})
	switch {
	case cr && s.hasLF():
		return "CR LF"
	case s.hasLF():
		return "LF"
	case cr:
		return "CR"
	}
	return "none"
}

// describeQuery names what differs in a canonical query string: the order
// of the same parameters (the spec sorts them by name, then value), or the
// first parameter that differs.
func describeQuery(s, c []byte) string {
	sp, cp := strings.Split(string(s), "&"), strings.Split(string(c), "&")
	if len(s) > 0 && len(c) > 0 {
		ss, cs := slices.Clone(sp), slices.Clone(cp)
		slices.Sort(ss)
		slices.Sort(cs)
		if slices.Equal(ss, cs) {
			return "query: parameter order"
		}
	}
	k := 0
	for k < len(sp) && k < len(cp) && sp[k] == cp[k] {
		k++
	}
	param := func(p string) string { return quote([]byte(p), 0) }
	switch {
	case k >= len(cp) || len(c) == 0:
		return "query: server has parameter " + param(sp[k]) + ", client does not"
	case k >= len(sp) || len(s) == 0:
		return "query: client has parameter " + param(cp[k]) + ", server does not"
	}
	sn, _, _ := strings.Cut(sp[k], "=")
	cn, _, _ := strings.Cut(cp[k], "=")
	if sn == cn {
		at := commonPrefix([]byte(sp[k]), []byte(cp[k]))
		return fmt.Sprintf("query: parameter %s: server has %s, client has %s",
			quote([]byte(sn), 0), quote([]byte(sp[k]), at), quote([]byte(cp[k]), at))
	}
	return fmt.Sprintf("query: server has parameter %s, client has %s", param(sp[k]), param(cp[k]))
}

// describeSignedHeaders names the headers only one side signs, or says the
// same names are listed in another order.
func describeSignedHeaders(s, c []byte) (string, bool) {
	sl, cl := strings.Split(string(s), ";"), strings.Split(string(c), ";")
	only := func(a, b []string) []string {
		var o []string
		for _, x := range a {
			if !slices.Contains(b, x) {
				o = append(o, visibleString(x))
			}
		}
		return o
	}
	so, co := only(sl, cl), only(cl, sl)
	var parts []string
	if len(so) > 0 {
		parts = append(parts, "only the server signs "+strings.Join(so, ", "))
	}
	if len(co) > 0 {
		parts = append(parts, "only the client signs "+strings.Join(co, ", "))
	}
	if len(parts) > 0 {
		return strings.Join(parts, "; "), true
	}
	ss, cs := slices.Clone(sl), slices.Clone(cl)
	slices.Sort(ss)
	slices.Sort(cs)
	if slices.Equal(ss, cs) {
		return "order", true
	}
	return "", false
}

// describeOneSided labels a unit only one side has, naming what the other
// side has in its place, or — for a header the other side has elsewhere —
// that the order differs.
func describeOneSided(r *Result, i int) string {
	u := r.Units[i]
	own, ownName, otherName := u.Server, "server", "client"
	ownAll, otherAll := r.Server, r.Client
	if u.Op == ClientOnly {
		own, ownName, otherName = u.Client, "client", "server"
		ownAll, otherAll = r.Client, r.Server
	}
	s := side{ownAll, own, ownName}
	w := where(u, s)
	if strings.HasPrefix(u.Label, "header ") {
		for _, v := range r.Units {
			if v.Label == u.Label && v.Op != u.Op && v.Op != Equal && v.Op != Changed {
				o := v.Server
				if v.Op == ClientOnly {
					o = v.Client
				}
				return fmt.Sprintf("headers: order: %s is on line %d for the %s, line %d for the %s",
					u.Label, s.line(), ownName, side{otherAll, o, otherName}.line(), otherName)
			}
		}
	}
	l := w + ": only the " + ownName + " has it"
	if c := s.content(); len(c) > 0 {
		l += ": " + quote(c, 0)
	}
	// What the other side has in the same place: the first one-sided unit
	// of the other side in this run of differences.
	for _, v := range r.Units[i+1:] {
		if v.Op == Equal || v.Op == Changed {
			break
		}
		if v.Op != u.Op {
			o := v.Server
			if v.Op == ClientOnly {
				o = v.Client
			}
			l += fmt.Sprintf("; the %s has %s there", otherName, quote(side{otherAll, o, otherName}.content(), 0))
			break
		}
	}
	return l
}
