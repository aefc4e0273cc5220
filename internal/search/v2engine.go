package search

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding"
	"hash"
	"sync/atomic"
	"time"
)

// v2Engine holds one V2 input taken apart and every operator ready. A
// candidate is one message (the server's string to sign with up to three
// operators' edits) signed with one secret variant: HMAC-SHA1, whose
// inner state after the padded key and the message's unchanged 64-byte
// blocks is kept per secret, so a candidate hashes only from the block
// holding its first change, then one outer block.
type v2Engine struct {
	s *v2Setup
	m *v2Model

	orig     []byte
	blockSeg []int // blockSeg[b]: the segment holding byte 64*b

	singles []*msgOp
	secrets []secretVariant
	signers []*v2Signer // [0] the secret as given
	bufCap  int

	stop  atomic.Bool
	tried atomic.Int64
}

// v2Signer is one secret variant, ready for the hot loop.
type v2Signer struct {
	secret int
	op     *Op    // the secret-polluted instance; nil for the secret as given
	inner  []byte // inner[b*sha1StateSize:]: state after the padded key and orig[:64*b]
	outer  []byte // state after the padded key for the outer hash
}

// sha1StateSize is the length of a marshalled SHA-1 state.
var sha1StateSize = len(marshal(sha1.New()))

func newV2Engine(in *V2Input) (*v2Engine, error) {
	s, err := newV2Setup(in)
	if err != nil {
		return nil, err
	}
	e := &v2Engine{s: s, m: parseV2StringToSign(s.sts), orig: []byte(s.sts)}
	nb := len(e.orig) / 64
	e.blockSeg = make([]int, nb+1)
	for b := range e.blockSeg {
		for i := range e.m.segs {
			if e.m.off[i] <= b*64 {
				e.blockSeg[b] = i
			}
		}
	}
	g := &v2gen{opSet: newOpSet(e.m.model, ""), m: e.m, s: s}
	g.all()
	e.singles = g.ops
	e.secrets = secretVariants(s.secret)
	for i, sv := range e.secrets {
		sg := e.newSigner(i)
		if i > 0 {
			o := newOp("secret-polluted", sv.name, "the secret was used with its "+sv.name)
			sg.op = &o
		}
		e.signers = append(e.signers, sg)
	}
	e.bufCap = e.bufferSize()
	return e, nil
}

// newSigner keeps the HMAC-SHA1 states of secret i (RFC 2104: a key
// longer than the block is hashed first).
func (e *v2Engine) newSigner(i int) *v2Signer {
	key := []byte(e.secrets[i].secret.Reveal())
	if len(key) > 64 {
		sum := sha1.Sum(key)
		key = sum[:]
	}
	var pad [64]byte
	copy(pad[:], key)
	for j := range pad {
		pad[j] ^= 0x36
	}
	h := sha1.New()
	h.Write(pad[:])
	sg := &v2Signer{secret: i}
	for b := 0; b <= len(e.orig)/64; b++ {
		if b > 0 {
			h.Write(e.orig[(b-1)*64 : b*64])
		}
		sg.inner = append(sg.inner, marshal(h)...)
	}
	clear(pad[:])
	copy(pad[:], key)
	for j := range pad {
		pad[j] ^= 0x5c
	}
	h.Reset()
	h.Write(pad[:])
	sg.outer = marshal(h)
	clear(pad[:])
	return sg
}

// bufferSize bounds the message of any three operators: the message and
// its three largest growths, doubled for CR LF.
func (e *v2Engine) bufferSize() int {
	var g [3]int
	for _, o := range e.singles {
		d := 0
		for _, ed := range o.edits {
			d += max(0, len(ed.text)-len(e.m.segs[ed.seg].text))
		}
		switch {
		case d > g[0]:
			g = [3]int{d, g[0], g[1]}
		case d > g[1]:
			g = [3]int{g[0], d, g[1]}
		case d > g[2]:
			g[2] = d
		}
	}
	return 2*(len(e.orig)+g[0]+g[1]+g[2]) + 64
}

// v2Worker owns what one goroutine writes: the hot loop allocates nothing.
type v2Worker struct {
	e       *v2Engine
	h       hash.Hash
	hu      encoding.BinaryUnmarshaler
	buf     []byte
	blk     int  // the block the built message is hashed from
	fromRow bool // from the row's states, not the signer's
	in, out [20]byte
	tried   int64

	// The current row's operator, when the combinations of a row are
	// signed with the secret as given: its message and the HMAC's inner
	// state at each of its 64-byte boundaries, so that a combination
	// whose other operators edit only after it hashes from there.
	rowOp     *msgOp
	rowMsg    []byte
	rowStates []byte
	rowDelta  int // len(rowMsg) - len(server's message)
	rowLast   int // the last segment the row's operator edits
	rowOK     bool
}

func (e *v2Engine) newWorker() *v2Worker {
	h := sha1.New()
	return &v2Worker{e: e, h: h, hu: h.(encoding.BinaryUnmarshaler), buf: make([]byte, 0, e.bufCap),
		rowMsg: make([]byte, 0, e.bufCap), rowStates: make([]byte, 0, (e.bufCap/64+1)*sha1StateSize)}
}

// prepareRow keeps the message of a and its inner states under the
// secret as given (signers[0]).
func (w *v2Worker) prepareRow(a *msgOp) {
	e := w.e
	w.rowOp = a
	w.rowOK = a.xform == 0 && len(a.edits) > 0
	if !w.rowOK {
		return
	}
	w.rowMsg = w.serialize(w.rowMsg[:0], 0, 0, a, noOp, noOp)
	w.rowDelta = len(w.rowMsg) - len(e.orig)
	w.rowLast = a.edits[len(a.edits)-1].seg
	w.rowStates = w.rowStates[:0]
	w.hu.UnmarshalBinary(e.signers[0].inner[:sha1StateSize])
	ap := w.h.(encoding.BinaryAppender)
	n := len(w.rowMsg) / 64
	for i := 0; i <= n; i++ {
		w.rowStates, _ = ap.AppendBinary(w.rowStates)
		if i < n {
			w.h.Write(w.rowMsg[i*64 : i*64+64])
		}
	}
}

// buildFromRow builds the message of (row, b, c) from the row's message
// when b and c edit only after the row's operator; false otherwise.
func (w *v2Worker) buildFromRow(b, c *msgOp) bool {
	e := w.e
	s := min(b.seg0, c.seg0)
	if !w.rowOK || b == noOp || b.xform|c.xform != 0 || s <= w.rowLast {
		return false
	}
	first := min(b.first, c.first) + w.rowDelta
	w.blk = min(first>>6, len(w.rowMsg)>>6)
	pos := w.blk << 6
	start := e.m.off[s] + w.rowDelta
	dst := w.buf[:0]
	if pos <= start {
		dst = append(dst, w.rowMsg[pos:start]...)
		dst = w.serialize(dst, s, 0, noOp, b, c)
	} else {
		dst = w.serialize(dst, s, pos-start, noOp, b, c)
	}
	w.buf, w.fromRow = dst, true
	return true
}

// build writes the message of a combination from the 64-byte block
// holding its first change (the bytes before it are in the signers'
// states).
func (w *v2Worker) build(a, b, c *msgOp) {
	e := w.e
	first := min(a.first, b.first, c.first)
	w.blk = min(first>>6, len(e.blockSeg)-1)
	pos := w.blk << 6
	s := min(e.blockSeg[w.blk], a.seg0, b.seg0, c.seg0)
	w.buf, w.fromRow = w.serialize(w.buf[:0], s, pos-e.m.off[s], a, b, c), false
}

// serialize appends the segments from s on, the first cut at skip bytes,
// with the (disjoint) edits of a, b and c and their newline transform. s
// is at or before every edited segment, and an edit of a segment that
// starts before the cut keeps the segment's first skip bytes (an
// operator's first is past its common prefix).
func (w *v2Worker) serialize(dst []byte, s, skip int, a, b, c *msgOp) []byte {
	segs := w.e.m.segs
	ea, eb, ec := a.edits, b.edits, c.edits
	x := a.xform | b.xform | c.xform
	for i := s; i < len(segs); i++ {
		t := segs[i].text
		switch {
		case len(ea) > 0 && ea[0].seg == i:
			t, ea = ea[0].text, ea[1:]
		case len(eb) > 0 && eb[0].seg == i:
			t, eb = eb[0].text, eb[1:]
		case len(ec) > 0 && ec[0].seg == i:
			t, ec = ec[0].text, ec[1:]
		}
		if i == s {
			t = t[skip:]
		}
		if x == 0 {
			dst = append(dst, t...)
		} else {
			dst = appendXform(dst, t, x)
		}
	}
	return dst
}

// sign reports whether sg's HMAC of the built message is the target.
func (w *v2Worker) sign(sg *v2Signer) bool {
	n := sha1StateSize
	if w.fromRow {
		w.hu.UnmarshalBinary(w.rowStates[w.blk*n : w.blk*n+n])
	} else {
		w.hu.UnmarshalBinary(sg.inner[w.blk*n : w.blk*n+n])
	}
	w.h.Write(w.buf)
	w.h.Sum(w.in[:0])
	w.hu.UnmarshalBinary(sg.outer)
	w.h.Write(w.in[:])
	w.h.Sum(w.out[:0])
	return w.out == w.e.s.target
}

// combo tries one message against signers [lo, hi) and returns the
// first that reproduces the signature, or -1.
func (w *v2Worker) combo(a, b, c *msgOp, lo, hi int) int {
	if a != w.rowOp || lo != 0 || hi != 1 || !w.buildFromRow(b, c) {
		w.build(a, b, c)
	}
	for i, sg := range w.e.signers[lo:hi] {
		if w.sign(sg) {
			w.tried += int64(i + 1)
			return lo + i
		}
	}
	w.tried += int64(hi - lo)
	return -1
}

// v2Stage is one sweep: each row is an operator (or the server's message)
// with the combinations that start with it, against a range of signers.
type v2Stage struct {
	tier         string
	size         int // operators per combination: 0 (the server's message), 1, 2, 3
	sigLo, sigHi int
	planned      int64
}

func (st *v2Stage) rows(n int) int {
	if st.size == 0 {
		return 1
	}
	return n
}

// v2At is where a hit was found; lower rows are earlier in search order.
type v2At struct {
	tier    string
	row     int
	a, b, c *msgOp
	signer  int
}

// row tries every combination of one row in order.
func (w *v2Worker) row(st *v2Stage, r int) (v2At, bool) {
	ops := w.e.singles
	try := func(a, b, c *msgOp) (v2At, bool) {
		if i := w.combo(a, b, c, st.sigLo, st.sigHi); i >= 0 {
			return v2At{tier: st.tier, row: r, a: a, b: b, c: c, signer: i}, true
		}
		return v2At{}, false
	}
	switch st.size {
	case 0:
		return try(noOp, noOp, noOp)
	case 1:
		return try(ops[r], noOp, noOp)
	}
	a := ops[r]
	if st.sigLo == 0 && st.sigHi == 1 && len(ops)-r > 4 {
		w.prepareRow(a)
	}
	for j := r + 1; j < len(ops); j++ {
		b := ops[j]
		if !combine(a, b) {
			continue
		}
		if st.size == 2 {
			if h, ok := try(a, b, noOp); ok {
				return h, true
			}
			continue
		}
		ab := a.touch.union(&b.touch)
		for k := j + 1; k < len(ops); k++ {
			if c := ops[k]; !ab.overlaps(&c.touch) {
				if h, ok := try(a, b, c); ok {
					return h, true
				}
			}
		}
	}
	return v2At{}, false
}

// stages lists the sweeps of a tier, in search order: the server's own
// message with every secret first (a key mismatch, or a polluted secret),
// then each operator with the secret as given; pairs of operators, and
// each operator with a polluted secret; under Deep, triples likewise.
func (e *v2Engine) stages(tier string) []*v2Stage {
	all := len(e.signers)
	switch tier {
	case "singles":
		return []*v2Stage{{tier: tier, size: 0, sigLo: 0, sigHi: all}, {tier: tier, size: 1, sigLo: 0, sigHi: 1}}
	case "pairs":
		return []*v2Stage{{tier: tier, size: 1, sigLo: 1, sigHi: all}, {tier: tier, size: 2, sigLo: 0, sigHi: 1}}
	case "triples":
		return []*v2Stage{{tier: tier, size: 2, sigLo: 1, sigHi: all}, {tier: tier, size: 3, sigLo: 0, sigHi: 1}}
	}
	return nil
}

// count returns the combinations of a stage; triples are bounded from
// above (n choose 3) rather than counted.
func (e *v2Engine) count(st *v2Stage) int64 {
	n := int64(len(e.singles))
	switch st.size {
	case 0:
		return 1
	case 1:
		return n
	case 2:
		var c int64
		for i, a := range e.singles {
			for _, b := range e.singles[i+1:] {
				if combine(a, b) {
					c++
				}
			}
		}
		return c
	}
	return n * (n - 1) * (n - 2) / 6
}

func (e *v2Engine) run(ctx context.Context, opts *Options, workers int, start time.Time) *Result {
	res := &Result{Workers: workers, Algorithm: e.s.algorithm}
	var deadline <-chan time.Time
	if opts.Budget == Quick {
		d := opts.QuickTime
		if d <= 0 {
			d = DefaultQuickTime
		}
		t := time.NewTimer(d - time.Since(start))
		defer t.Stop()
		deadline = t.C
	}
	tiers := []string{"singles", "pairs"}
	if opts.Budget == Deep {
		tiers = append(tiers, "triples")
	}
	var stages [][]*v2Stage
	var planned int64
	for _, tier := range tiers {
		sts := e.stages(tier)
		for _, st := range sts {
			st.planned = e.count(st) * int64(st.sigHi-st.sigLo)
			planned += st.planned
		}
		stages = append(stages, sts)
	}
	groups := map[string]bool{}
	var best *v2At
	for ti, tier := range tiers {
		for _, st := range stages[ti] {
			if st.planned == 0 {
				continue
			}
			if st.size > 0 {
				for _, o := range e.singles {
					groups[o.op.Group] = true
				}
			}
			if st.sigHi > 1 && len(e.signers) > 1 {
				groups["secret"] = true
			}
			best = e.sweep(ctx, st, opts, workers, start, deadline, planned)
			if best != nil || e.stop.Load() {
				break
			}
		}
		if best != nil || e.stop.Load() {
			break
		}
		res.Tiers = append(res.Tiers, tier)
	}
	if best != nil {
		res.Hit = e.hit(best)
	}
	res.settle(ctx, e.tried.Load(), planned, e.stop.Load(), groups, opts.Progress, start)
	return res
}

// sweep runs one stage on all workers and returns its earliest hit
// (sweepRows).
func (e *v2Engine) sweep(ctx context.Context, st *v2Stage, opts *Options, workers int, start time.Time, deadline <-chan time.Time, planned int64) *v2At {
	s := sweep{rows: st.rows(len(e.singles)), workers: workers, stagePlanned: st.planned, planned: planned, tier: st.tier,
		opts: opts, start: start, deadline: deadline, tried: &e.tried, stop: &e.stop}
	return sweepRows(ctx, s, func() rowTrier[v2At] { return &v2Trier{w: e.newWorker(), st: st} })
}

// v2Trier tries a V2 stage's rows with one worker.
type v2Trier struct {
	w  *v2Worker
	st *v2Stage
}

func (t *v2Trier) try(r int) (v2At, bool) { return t.w.row(t.st, r) }

func (t *v2Trier) drain() int64 {
	n := t.w.tried
	t.w.tried = 0
	return n
}

// hit rebuilds the client's string to sign outside the hot loop and checks
// it once more with crypto/hmac.
func (e *v2Engine) hit(at *v2At) *Hit {
	var ops []*msgOp
	for _, o := range [...]*msgOp{at.a, at.b, at.c} {
		if o != nil && o != noOp {
			ops = append(ops, o)
		}
	}
	sts := e.m.v2Message(ops)
	sg := e.signers[at.signer]
	m := hmac.New(sha1.New, []byte(e.secrets[sg.secret].secret.Reveal()))
	m.Write([]byte(sts))
	mac := m.Sum(nil)
	if !hmac.Equal(mac, e.s.target[:]) {
		return nil // unreachable: the hot loop computed the same bytes
	}
	h := &Hit{
		StringToSign: sts,
		Signature:    e.s.signature,
		Key:          KeyDerivation{Secret: e.secrets[sg.secret].name, Chain: "none"},
		Tier:         at.tier,
		recomputed:   e.s.recomputed,
	}
	for _, o := range ops {
		h.Ops = append(h.Ops, o.op)
		h.Alternatives = append(h.Alternatives, o.aliases...)
	}
	if sg.op != nil {
		h.Ops = append(h.Ops, *sg.op)
	}
	if e.s.output != nil {
		h.Ops = append(h.Ops, *e.s.output)
	}
	return h
}
