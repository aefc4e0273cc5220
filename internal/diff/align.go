package diff

import (
	"bytes"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// differ holds one comparison's inputs and its remaining byte-diff budget.
type differ struct {
	server, client []byte
	budget         int // bytes still allowed through go-diff (MaxTotalBytes)
}

// newDMP returns a diff-match-patch configured for exact, reproducible
// results: no timeout, so the diff never depends on how fast the machine is.
func newDMP() *diffmatchpatch.DiffMatchPatch {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	return dmp
}

// keyRune maps the i-th distinct key to a rune, skipping the surrogate
// range: go-diff converts runes to strings, where a surrogate would become
// U+FFFD and two different keys would compare equal.
func keyRune(i int) rune {
	if i >= 0xD800 {
		i += 0x800
	}
	return rune(i)
}

// lineStep is one step of the line alignment: n segments equal (paired by
// key), only on the server side, or only on the client side.
type lineStep struct {
	op Op // Equal, ServerOnly or ClientOnly
	n  int
}

// lineSteps aligns the two segment lists by key: a longest common
// subsequence, computed as go-diff's line mode does (DiffLinesToRunes), one
// rune per distinct key. Above MaxLines per side the common head and tail
// pair and the rest is one gap, to bound the work.
func lineSteps(ss, cs []segment) []lineStep {
	if len(ss) > MaxLines || len(cs) > MaxLines {
		head := 0
		for head < len(ss) && head < len(cs) && ss[head].key == cs[head].key {
			head++
		}
		tail := 0
		for tail < len(ss)-head && tail < len(cs)-head && ss[len(ss)-1-tail].key == cs[len(cs)-1-tail].key {
			tail++
		}
		return []lineStep{{Equal, head}, {ServerOnly, len(ss) - head - tail}, {ClientOnly, len(cs) - head - tail}, {Equal, tail}}
	}
	ids := map[string]rune{}
	toRunes := func(segs []segment) []rune {
		rs := make([]rune, len(segs))
		for i, s := range segs {
			r, ok := ids[s.key]
			if !ok {
				r = keyRune(len(ids))
				ids[s.key] = r
			}
			rs[i] = r
		}
		return rs
	}
	rs, rc := toRunes(ss), toRunes(cs)
	var steps []lineStep
	for _, d := range newDMP().DiffMainRunes(rs, rc, false) {
		n := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			steps = append(steps, lineStep{Equal, n})
		case diffmatchpatch.DiffDelete:
			steps = append(steps, lineStep{ServerOnly, n})
		case diffmatchpatch.DiffInsert:
			steps = append(steps, lineStep{ClientOnly, n})
		}
	}
	return steps
}

// align turns the two sides' segments into units that cover both sides'
// bytes in order: segments paired by key become Equal or Changed units;
// between pairs, the unpaired segments form a gap (see gap).
func (d *differ) align(ss, cs []segment) []Unit {
	var units []Unit
	i, j := 0, 0
	gi, gj := 0, 0                              // start of the current gap
	pos := func(segs []segment, k, n int) int { // offset of segment k, or n past the end
		if k < len(segs) {
			return segs[k].span.Offset
		}
		return n
	}
	flush := func() {
		if gi < i || gj < j {
			units = append(units, d.gap(ss[gi:i], cs[gj:j], pos(ss, i, len(d.server)), pos(cs, j, len(d.client)))...)
		}
	}
	for _, st := range lineSteps(ss, cs) {
		switch st.op {
		case Equal:
			flush()
			for k := 0; k < st.n; k++ {
				units = append(units, d.pair(ss[i+k], cs[j+k]))
			}
			i, j = i+st.n, j+st.n
			gi, gj = i, j
		case ServerOnly:
			i += st.n
		case ClientOnly:
			j += st.n
		}
	}
	flush()
	return units
}

// pair makes the unit of two aligned segments, diffing their bytes.
func (d *differ) pair(s, c segment) Unit {
	u := Unit{Label: s.label, Op: Equal, Server: s.span, Client: c.span}
	if !bytes.Equal(d.server[s.span.Offset:s.span.End()], d.client[c.span.Offset:c.span.End()]) {
		u.Op = Changed
		u.Edits = d.byteEdits(s.span, c.span)
	}
	return u
}

// gap emits the segments between two aligned pairs; sAfter and cAfter are
// the offsets right after the gap on each side, where a one-sided unit sits
// on the side that has nothing left. Loose lines (lines without a role, as
// in Generic text) pair up; everything else — a header only one side has, a
// line beyond the grammar — is shown whole, server side first.
func (d *differ) gap(ss, cs []segment, sAfter, cAfter int) []Unit {
	var units []Unit
	i, j := 0, 0
	sPos := func() int {
		if i < len(ss) {
			return ss[i].span.Offset
		}
		return sAfter
	}
	cPos := func() int {
		if j < len(cs) {
			return cs[j].span.Offset
		}
		return cAfter
	}
	emitUntil := func(pi, pj int) {
		for ; i < pi; i++ {
			units = append(units, Unit{Label: ss[i].label, Op: ServerOnly, Server: ss[i].span, Client: Span{cPos(), 0}})
		}
		for ; j < pj; j++ {
			units = append(units, Unit{Label: cs[j].label, Op: ClientOnly, Server: Span{sPos(), 0}, Client: cs[j].span})
		}
	}
	for _, p := range pairGap(d, ss, cs) {
		emitUntil(p[0], p[1])
		units = append(units, d.pair(ss[i], cs[j]))
		i, j = i+1, j+1
	}
	emitUntil(len(ss), len(cs))
	return units
}

// maxGapCells bounds the similarity table of one gap.
const maxGapCells = 4096

// pairGap chooses which loose segments of a gap pair up, as increasing
// index pairs. Same count on both sides: by position (a block of changed
// lines). Otherwise the monotone matching of greatest total similarity,
// pairing only lines that share at least half their bytes at their ends, so
// that an inserted line is shown as inserted rather than as a change of
// its neighbour.
func pairGap(d *differ, ss, cs []segment) [][2]int {
	var ps [][2]int
	if len(ss) == len(cs) || len(ss)*len(cs) > maxGapCells {
		for k := 0; k < len(ss) && k < len(cs); k++ {
			if ss[k].loose && cs[k].loose {
				ps = append(ps, [2]int{k, k})
			}
		}
		return ps
	}
	w := len(cs) + 1
	score := make([]int, (len(ss)+1)*w)
	sim := func(a, b int) int {
		if !ss[a].loose || !cs[b].loose {
			return 0
		}
		x, y := content(d.server, ss[a].span), content(d.client, cs[b].span)
		p := commonPrefix(x, y)
		s := p + commonSuffix(x[p:], y[p:])
		if 2*s < max(len(x), len(y)) || s == 0 {
			return 0
		}
		return s
	}
	for a := 1; a <= len(ss); a++ {
		for b := 1; b <= len(cs); b++ {
			v := max(score[(a-1)*w+b], score[a*w+b-1])
			if s := sim(a-1, b-1); s > 0 {
				v = max(v, score[(a-1)*w+b-1]+s)
			}
			score[a*w+b] = v
		}
	}
	for a, b := len(ss), len(cs); a > 0 && b > 0; {
		switch {
		case score[a*w+b] == score[(a-1)*w+b]:
			a--
		case score[a*w+b] == score[a*w+b-1]:
			b--
		default:
			ps = append(ps, [2]int{a - 1, b - 1})
			a, b = a-1, b-1
		}
	}
	for l, r := 0, len(ps)-1; l < r; l, r = l+1, r-1 {
		ps[l], ps[r] = ps[r], ps[l]
	}
	return ps
}
