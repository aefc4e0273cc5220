package search

import (
	"hash/maphash"
	"math"
	"sort"
	"strings"
)

// A msgOp changes the message the client hashed (the canonical request):
// local segment edits, a newline transform over the whole message, or a
// slice of the signer's input. Everything the hot loop needs is computed
// here, once.
type msgOp struct {
	op    Op
	edits []edit // sorted by segment
	xform byte   // 0, or the byte map applied to every '\n': xformN, xformCRLF
	slice int    // -1, or the offset the signer's input (head + message) is cut at
	strip bool   // strip surrounding whitespace after slicing
	// first is a lower bound of the first byte where the message differs
	// from the server's: the hash state of everything before the 64-byte
	// block holding it is shared. seg0 is the first segment edited.
	first, seg0 int
	touch       bits
	// aliases are operators generated later that give the same bytes:
	// equally good explanations of a hit, reported as alternatives.
	aliases []Op
}

const (
	xformN    = 'n'  // '\n' written as the letter n
	xformCRLF = '\r' // '\n' written as "\r\n"
)

// The touch bitset: one bit per segment, plus two for the whole-message
// transforms. Two operators combine when their bits do not overlap.
type bits [3]uint64

const (
	bitXform = 190
	bitSlice = 191
)

func (b *bits) set(i int)              { b[i/64] |= 1 << (i % 64) }
func (b *bits) overlaps(o *bits) bool  { return b[0]&o[0] != 0 || b[1]&o[1] != 0 || b[2]&o[2] != 0 }
func (b *bits) union(o *bits) (u bits) { return bits{b[0] | o[0], b[1] | o[1], b[2] | o[2]} }

// noOp is the absent second operator of a combination.
var noOp = &msgOp{slice: -1, first: math.MaxInt, seg0: math.MaxInt}

// opSet collects the operators of one input, dropping those that give the
// server's own message or one already produced (the first wins: the
// generators run most specific first).
type opSet struct {
	m    *model
	head string // signer input before the canonical request (slicing)
	ops  []*msgOp
	// seen maps a 64-bit digest of each message produced (not the
	// message: the subset tier produces thousands) to the operator that
	// produced it, nil for the server's own. A collision (odds about
	// n²/2⁶⁵) would only skip one candidate.
	seen map[uint64]*msgOp
	seed maphash.Seed
}

func newOpSet(m *model, head string) *opSet {
	s := &opSet{m: m, head: head, seen: map[uint64]*msgOp{}, seed: maphash.MakeSeed()}
	s.seen[maphash.String(s.seed, m.text)] = nil
	return s
}

// maxAliases bounds the alternatives kept per operator.
const maxAliases = 8

// edit adds an operator made of segment edits.
func (s *opSet) edit(id, arg, summary string, edits ...edit) {
	if len(edits) == 0 {
		return
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].seg < edits[j].seg })
	o := &msgOp{op: newOp(id, arg, summary), edits: edits, slice: -1, first: math.MaxInt, seg0: math.MaxInt}
	for _, e := range edits {
		o.touch.set(e.seg)
		o.first = min(o.first, s.m.off[e.seg]+commonPrefix(e.text, s.m.segs[e.seg].text))
		o.seg0 = min(o.seg0, e.seg)
	}
	s.keep(o, s.m.apply(edits))
}

// transform adds an operator that rewrites every newline.
func (s *opSet) transform(id string, x byte) {
	o := &msgOp{op: newOp(id, "", ""), xform: x, slice: -1, seg0: math.MaxInt}
	o.touch.set(bitXform)
	o.first = strings.IndexByte(s.m.text, '\n')
	if o.first < 0 {
		return
	}
	s.keep(o, string(appendXform(nil, s.m.text, x)))
}

// cut adds an operator that hashes the signer's input from offset k.
func (s *opSet) cut(id, arg, summary string, k int, strip bool) {
	in := s.head + s.m.text
	if k > len(in) {
		return
	}
	o := &msgOp{op: newOp(id, arg, summary), slice: k, strip: strip, first: 0, seg0: math.MaxInt}
	o.touch.set(bitSlice)
	b := []byte(in[k:])
	if strip {
		b = trimSpaceBytes(b)
	}
	s.keep(o, string(b))
}

func (s *opSet) keep(o *msgOp, text string) {
	d := maphash.String(s.seed, text)
	if first, ok := s.seen[d]; ok {
		if first != nil && len(first.aliases) < maxAliases {
			first.aliases = append(first.aliases, o.op)
		}
		return
	}
	s.seen[d] = o
	s.ops = append(s.ops, o)
}

// appendXform appends t with each '\n' rewritten as x says.
func appendXform(dst []byte, t string, x byte) []byte {
	for {
		i := strings.IndexByte(t, '\n')
		if i < 0 {
			return append(dst, t...)
		}
		dst = append(dst, t[:i]...)
		if x == xformCRLF {
			dst = append(dst, '\r', '\n')
		} else {
			dst = append(dst, x)
		}
		t = t[i+1:]
	}
}

// combine reports whether a and b can apply together.
func combine(a, b *msgOp) bool { return !a.touch.overlaps(&b.touch) }

// message returns the full message of a combination, for setup and for
// reporting a hit (the hot loop builds only what it hashes).
func (m *model) message(head string, a, b *msgOp) string {
	var edits []edit
	edits = append(edits, a.edits...)
	edits = append(edits, b.edits...)
	sort.Slice(edits, func(i, j int) bool { return edits[i].seg < edits[j].seg })
	t := m.apply(edits)
	if x := a.xform | b.xform; x != 0 {
		t = string(appendXform(nil, t, x))
	}
	k, strip := a.slice, a.strip
	if b.slice >= 0 {
		k, strip = b.slice, b.strip
	}
	if k >= 0 {
		in := head + t
		if k > len(in) {
			return ""
		}
		bs := []byte(in[k:])
		if strip {
			bs = trimSpaceBytes(bs)
		}
		t = string(bs)
	}
	return t
}
