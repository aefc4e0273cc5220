package search

// The search order: tiers of stages, each stage a sweep of message
// combinations (rows) against a range of signers.

// stage is one sweep: message combinations (rows of a kind) against a
// range of signers.
type stage struct {
	tier         string
	kind         stageKind
	a, b         []*msgOp
	sigLo, sigHi int
	planned      int64
}

type stageKind uint8

const (
	stBase  stageKind = iota // the server's message
	stList                   // each of a
	stPairs                  // each pair of a that combines
	stCross                  // each of a with each of b that combines
)

func (st *stage) rows() int {
	if st.kind == stBase {
		return 1
	}
	return len(st.a)
}

// count returns the combinations of a stage (setup work, not the hot loop).
func (st *stage) count() int64 {
	switch st.kind {
	case stBase:
		return 1
	case stList:
		return int64(len(st.a))
	case stPairs:
		var n int64
		for i, x := range st.a {
			for _, y := range st.a[i+1:] {
				if combine(x, y) {
					n++
				}
			}
		}
		return n
	}
	var n int64
	for _, x := range st.a {
		for _, y := range st.b {
			if combine(x, y) {
				n++
			}
		}
	}
	return n
}

// ctxPairs builds the signers of every two context operators that combine.
func (e *engine) ctxPairs() (lo, hi int) {
	lo = len(e.signers)
	for i, x := range e.ctx {
		for _, y := range e.ctx[i+1:] {
			if x.touch&y.touch != 0 {
				continue
			}
			if sg := e.newSigner([]*ctxOp{x, y}, e.seenSig); sg != nil {
				e.signers = append(e.signers, sg)
			}
		}
	}
	return lo, len(e.signers)
}

// estimate bounds the candidates of tiers before they are built (the
// pairs of context operators and the subsets are built when their tier
// starts), so that a progress bar has its total from the start. Operators
// that turn out to duplicate others make the real count a little lower.
func (e *engine) estimate(tiers []string) int64 {
	m := int64(len(e.singles))
	c := int64(e.nSingle - 1)
	var cc int64 // context pairs that combine
	for i, x := range e.ctx {
		for _, y := range e.ctx[i+1:] {
			if x.touch&y.touch == 0 {
				cc++
			}
		}
	}
	mm := (&stage{kind: stPairs, a: e.singles}).count()
	var sub int64
	if n := len(e.m.headers); e.m.parsed && n >= 2 {
		if n <= maxSubsetHeaders {
			all := int64(1)<<n - 1 - int64(n)
			sub = all + all - int64(n*(n-1)/2)
		} else {
			k := int64(min(n, 64))
			sub = min(maxSubsets, k*(k-1)/2+k*(k-1)*(k-2)/6)
		}
	}
	var total int64
	for _, t := range tiers {
		switch t {
		case "singles":
			total += 1 + c + m
		case "pairs":
			total += m*c + mm + cc
		case "subsets":
			total += sub
		case "triples":
			total += sub*c + mm*c + m*cc + sub*m
		}
	}
	return total
}

// stages lists the sweeps of a tier, in search order.
func (e *engine) stages(tier string) []*stage {
	n := len(e.signers)
	switch tier {
	case "singles":
		return []*stage{
			{tier: tier, kind: stBase, sigLo: 0, sigHi: e.nSingle},
			{tier: tier, kind: stList, a: e.singles, sigLo: 0, sigHi: 1},
		}
	case "pairs":
		lo, hi := e.ctxPairs()
		return []*stage{
			{tier: tier, kind: stList, a: e.singles, sigLo: 1, sigHi: e.nSingle},
			{tier: tier, kind: stPairs, a: e.pairList, sigLo: 0, sigHi: 1},
			{tier: tier, kind: stBase, sigLo: lo, sigHi: hi},
		}
	case "subsets":
		if e.gen != nil {
			e.subsets = e.gen.subsets()
		}
		return []*stage{{tier: tier, kind: stList, a: e.subsets, sigLo: 0, sigHi: 1}}
	case "triples":
		return []*stage{
			{tier: tier, kind: stList, a: e.subsets, sigLo: 1, sigHi: e.nSingle},
			{tier: tier, kind: stPairs, a: e.pairList, sigLo: 1, sigHi: e.nSingle},
			{tier: tier, kind: stList, a: e.singles, sigLo: e.nSingle, sigHi: n},
			{tier: tier, kind: stCross, a: e.subsets, b: e.singles, sigLo: 0, sigHi: 1},
		}
	}
	return nil
}

// row tries every combination of one row.
func (w *worker) row(st *stage, r int) (hitAt, bool) {
	try := func(a, b *msgOp) (hitAt, bool) {
		if i := w.combo(a, b, st.sigLo, st.sigHi); i >= 0 {
			return hitAt{row: r, a: a, b: b, signer: i}, true
		}
		return hitAt{}, false
	}
	switch st.kind {
	case stBase:
		return try(noOp, noOp)
	case stList:
		return try(st.a[r], noOp)
	case stPairs:
		x := st.a[r]
		if len(st.a)-r > 4 {
			w.prepareRow(x)
		}
		for _, y := range st.a[r+1:] {
			if combine(x, y) {
				if h, ok := try(x, y); ok {
					return h, true
				}
			}
		}
	case stCross:
		// Rows are subsets, each tried with every single (a short list
		// that stays in cache); they share little, as subsets end at the
		// SignedHeaders line, so no row state is prepared.
		x := st.a[r]
		for _, y := range st.b {
			if combine(x, y) {
				if h, ok := try(x, y); ok {
					return h, true
				}
			}
		}
	}
	return hitAt{}, false
}
