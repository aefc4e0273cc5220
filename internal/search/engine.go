package search

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"sync/atomic"
	"time"
)

// engine holds one input taken apart and every operator ready to try.
type engine struct {
	s *setup
	m *model

	orig     []byte   // the server's message
	origLine []byte   // its hash line
	states   [][]byte // states[b]: SHA-256 state after orig[:64*b]
	blockSeg []int    // blockSeg[b]: the segment holding byte 64*b

	singles []*msgOp
	// pairList is singles with the cuts first: a row of pairs shares its
	// first operator's hash states, and a cut's row is the longest.
	pairList []*msgOp
	subsets  []*msgOp // built when the subset tier starts
	ctx      []*ctxOp

	secrets []secretVariant
	keys    map[keyID][]byte
	signers []*signer // [0] the server's; then one per context operator; then pairs
	seenSig map[string]bool
	nSingle int // signers[:nSingle] are the base and the singles

	gen    *gen
	bufCap int

	stop  atomic.Bool
	tried atomic.Int64
}

func newEngine(in *Input) (*engine, error) {
	s, err := newSetup(in)
	if err != nil {
		return nil, err
	}
	e := &engine{s: s, keys: map[keyID][]byte{}, seenSig: map[string]bool{}}
	e.m = parseCanonicalRequest(s.cr)
	switch {
	case !s.msgKnown:
		e.m = &model{segs: nil, off: []int{0}}
	case !e.m.parsed:
		s.notes = append(s.notes, "the canonical request does not have the six-part shape (method, uri, query, headers, signed headers, payload hash): only newline, slicing and stripping operators apply to it")
	}
	e.orig = []byte(s.cr)
	e.origLine = []byte(s.hashLine)
	e.hashStates()

	e.secrets = secretVariants(s.secret)
	if s.msgKnown {
		e.gen = &gen{opSet: newOpSet(e.m, s.head), in: s}
		e.gen.all()
		e.singles = e.gen.ops
	}
	for _, cuts := range [...]bool{true, false} {
		for _, o := range e.singles {
			if (o.slice >= 0) == cuts {
				e.pairList = append(e.pairList, o)
			}
		}
	}
	e.ctx = e.ctxOps()
	e.signers = append(e.signers, e.newSigner(nil, e.seenSig))
	for _, o := range e.ctx {
		if sg := e.newSigner([]*ctxOp{o}, e.seenSig); sg != nil {
			e.signers = append(e.signers, sg)
		}
	}
	e.nSingle = len(e.signers)
	e.bufCap = e.bufferSize()
	return e, nil
}

// hashStates records the SHA-256 state at every 64-byte boundary of the
// server's message, and which segment holds each boundary.
func (e *engine) hashStates() {
	n := len(e.orig) / 64
	e.states = make([][]byte, n+1)
	e.blockSeg = make([]int, n+1)
	h := sha256.New()
	for b := 0; b <= n; b++ {
		if b > 0 {
			h.Write(e.orig[(b-1)*64 : b*64])
		}
		e.states[b] = marshal(h)
		pos := b * 64
		seg := 0
		for i := range e.m.segs {
			if e.m.off[i] <= pos {
				seg = i
			}
		}
		e.blockSeg[b] = seg
	}
	if e.s.msgKnown {
		sum := sha256.Sum256(e.orig)
		e.origLine = []byte(hex.EncodeToString(sum[:]))
	}
}

// bufferSize bounds the message buffer of any combination of two
// operators, so the hot loop never grows it: the head, the message, the
// two largest growths, all doubled for CR LF.
func (e *engine) bufferSize() int {
	var g1, g2 int
	for _, o := range e.singles {
		d := 0
		for _, ed := range o.edits {
			d += max(0, len(ed.text)-len(e.m.segs[ed.seg].text))
		}
		if d > g1 {
			g1, g2 = d, g1
		} else if d > g2 {
			g2 = d
		}
	}
	return 2*(len(e.s.head)+len(e.orig)+g1+g2) + 64
}

// hitAt is where a hit was found; lower is earlier in the search order.
type hitAt struct {
	tier       string
	stage, row int
	a, b       *msgOp
	signer     int
}

func (e *engine) run(ctx context.Context, opts *Options, workers int, start time.Time) *Result {
	res := &Result{Workers: workers, Algorithm: e.s.algorithm, Notes: e.s.notes}
	if h := e.identityWithServerSTS(); h != nil {
		res.Hit, res.Tried = h, 1
		res.Groups = []string{}
		return res
	}
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
	tiers := []string{"singles", "pairs", "subsets"}
	if opts.Budget == Deep {
		tiers = append(tiers, "triples")
	}
	groups := map[string]bool{}
	var best *hitAt
	planned := e.estimate(tiers)
	stageNo := 0
	for _, tier := range tiers {
		stages := e.stages(tier)
		for _, st := range stages {
			st.planned = st.count() * int64(st.sigHi-st.sigLo)
		}
		for _, st := range stages {
			if st.planned == 0 {
				continue
			}
			for _, o := range st.a {
				groups[o.op.Group] = true
			}
			for _, o := range st.b {
				groups[o.op.Group] = true
			}
			for _, sg := range e.signers[st.sigLo:st.sigHi] {
				for _, o := range sg.ops {
					groups[o.op.Group] = true
				}
			}
			best = e.runStage(ctx, st, stageNo, opts, workers, start, deadline, planned)
			stageNo++
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

// settle records how a run ended: the candidates tried against those
// planned, whether it was cancelled or ran out of budget without a hit,
// the operator groups it tried; and reports the last progress.
func (res *Result) settle(ctx context.Context, tried, planned int64, stopped bool, groups map[string]bool, progress func(Progress), start time.Time) {
	res.Tried = tried
	res.Planned = max(planned, tried)
	if ctx.Err() != nil {
		res.Cancelled = true
	} else if stopped && res.Hit == nil {
		res.BudgetExhausted = true
	}
	res.Groups = make([]string, 0, len(groups))
	for g := range groups {
		res.Groups = append(res.Groups, g)
	}
	sort.Strings(res.Groups)
	if progress != nil {
		progress(Progress{Tried: tried, Planned: planned, Tier: "done", Elapsed: time.Since(start)})
	}
}

// runStage sweeps one stage with all workers and returns its earliest hit
// (sweepRows).
func (e *engine) runStage(ctx context.Context, st *stage, stageNo int, opts *Options, workers int, start time.Time, deadline <-chan time.Time, planned int64) *hitAt {
	s := sweep{rows: st.rows(), workers: workers, stagePlanned: st.planned, planned: planned, tier: st.tier,
		opts: opts, start: start, deadline: deadline, tried: &e.tried, stop: &e.stop}
	return sweepRows(ctx, s, func() rowTrier[hitAt] { return &stageTrier{w: newWorker(e), st: st, stageNo: stageNo} })
}

// stageTrier tries a V4 stage's rows with one worker.
type stageTrier struct {
	w       *worker
	st      *stage
	stageNo int
}

func (t *stageTrier) try(r int) (hitAt, bool) {
	h, ok := t.w.row(t.st, r)
	h.stage, h.tier = t.stageNo, t.st.tier
	return h, ok
}

func (t *stageTrier) drain() int64 {
	n := t.w.tried
	t.w.tried = 0
	return n
}
