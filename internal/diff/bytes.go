package diff

import "github.com/sergi/go-diff/diffmatchpatch"

func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func commonSuffix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

// continuation reports whether b[i] is a UTF-8 continuation byte.
func continuation(b []byte, i int) bool { return i < len(b) && b[i]&0xC0 == 0x80 }

// byteEdits diffs the bytes of two paired units. The common prefix and
// suffix are trimmed first (and moved back to a character boundary, so that
// "é" against "è" shows as one character changed, not as a lone byte); the
// middle goes through go-diff with one rune per byte.
func (d *differ) byteEdits(ss, cs Span) []Edit {
	a := d.server[ss.Offset:ss.End()]
	b := d.client[cs.Offset:cs.End()]
	p := commonPrefix(a, b)
	for p > 0 && (continuation(a, p) || continuation(b, p)) {
		p--
	}
	q := commonSuffix(a[p:], b[p:])
	for q > 0 && (continuation(a, len(a)-q) || continuation(b, len(b)-q)) {
		q--
	}
	var es []Edit
	if p > 0 {
		es = append(es, Edit{Equal, Span{ss.Offset, p}, Span{cs.Offset, p}})
	}
	es = append(es, d.middle(ss.Offset+p, cs.Offset+p, a[p:len(a)-q], b[p:len(b)-q])...)
	if q > 0 {
		es = append(es, Edit{Equal, Span{ss.End() - q, q}, Span{cs.End() - q, q}})
	}
	return es
}

// middle diffs two byte strings that share no prefix or suffix, at server
// offset so and client offset co.
func (d *differ) middle(so, co int, a, b []byte) []Edit {
	whole := []Edit{{Changed, Span{so, len(a)}, Span{co, len(b)}}}
	switch {
	case len(a) == 0 && len(b) == 0:
		return nil
	case len(a) == 0:
		return []Edit{{ClientOnly, Span{so, 0}, Span{co, len(b)}}}
	case len(b) == 0:
		return []Edit{{ServerOnly, Span{so, len(a)}, Span{co, 0}}}
	case len(a) > MaxUnitBytes || len(b) > MaxUnitBytes || len(a)+len(b) > d.budget:
		return whole
	}
	d.budget -= len(a) + len(b)
	dmp := newDMP()
	raw := dmp.DiffMainRunes(byteRunes(a), byteRunes(b), false)
	// Semantic cleanup folds tiny coincidental equalities into the edits
	// around them ("2015083[-0T1236-]{+1T0000+}00Z" rather than a
	// character-by-character interleave). It works on strings; the result
	// is checked against the bytes and the raw diff is used if it ever
	// disagrees.
	cleaned := dmp.DiffCleanupSemantic(append([]diffmatchpatch.Diff(nil), raw...))
	if es, ok := toEdits(cleaned, so, co, a, b); ok {
		return es
	}
	if es, ok := toEdits(raw, so, co, a, b); ok {
		return es
	}
	return whole
}

// byteRunes maps each byte to the rune of the same value (0–255), so that
// go-diff counts bytes and never sees invalid UTF-8.
func byteRunes(b []byte) []rune {
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return rs
}

// toEdits turns go-diff's output back into byte edits, checking every
// piece against the bytes; adjacent deletions and insertions become one
// Changed edit.
func toEdits(ds []diffmatchpatch.Diff, so, co int, a, b []byte) ([]Edit, bool) {
	var es []Edit
	i, j := 0, 0     // consumed in a and b
	di, dj := -1, -1 // start of the pending non-equal run
	var del, ins int // its lengths
	match := func(s string, x []byte, at int) (int, bool) {
		n := 0
		for _, r := range s {
			if r > 0xFF || at+n >= len(x) || x[at+n] != byte(r) {
				return 0, false
			}
			n++
		}
		return n, true
	}
	flush := func() {
		if di < 0 || del+ins == 0 {
			di, dj = -1, -1
			return
		}
		op := Changed
		switch {
		case ins == 0:
			op = ServerOnly
		case del == 0:
			op = ClientOnly
		}
		es = append(es, Edit{op, Span{so + di, del}, Span{co + dj, ins}})
		di, dj, del, ins = -1, -1, 0, 0
	}
	for _, dd := range ds {
		switch dd.Type {
		case diffmatchpatch.DiffEqual:
			n, ok := match(dd.Text, a, i)
			if !ok {
				return nil, false
			}
			if m, ok := match(dd.Text, b, j); !ok || m != n {
				return nil, false
			}
			flush()
			if n > 0 {
				es = append(es, Edit{Equal, Span{so + i, n}, Span{co + j, n}})
			}
			i, j = i+n, j+n
		case diffmatchpatch.DiffDelete, diffmatchpatch.DiffInsert:
			if di < 0 {
				di, dj = i, j
			}
			if dd.Type == diffmatchpatch.DiffDelete {
				n, ok := match(dd.Text, a, i)
				if !ok {
					return nil, false
				}
				i, del = i+n, del+n
			} else {
				n, ok := match(dd.Text, b, j)
				if !ok {
					return nil, false
				}
				j, ins = j+n, ins+n
			}
		}
	}
	flush()
	return es, i == len(a) && j == len(b)
}
