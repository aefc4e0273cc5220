package search

import (
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"hash"
)

// worker owns everything one goroutine writes while searching, so the hot
// loop allocates nothing: two SHA-256 digests whose states are restored
// by UnmarshalBinary (the states crypto/hmac's Reset restores too), the
// message buffer and the hash lines.
type worker struct {
	e      *engine
	h      hash.Hash // hashes the message
	hu     encoding.BinaryUnmarshaler
	mac    hash.Hash // HMAC inner and outer
	macu   encoding.BinaryUnmarshaler
	buf    []byte
	p1, p2 []byte   // the message: p1 (a prefix of the server's) then p2
	line   []byte   // the hash line of modeHex
	hex    [64]byte // backs line
	hh     [64]byte // the hash line of modeHashOfHash
	hhDone bool
	sum    [32]byte
	inner  [32]byte
	out    [32]byte
	tried  int64

	// The current row's operator, when pairs share its message: the
	// message and its SHA-256 state at every 64-byte boundary.
	rowOp     *msgOp
	rowBack   []byte // backs rowMsg
	rowMsg    []byte
	rowStates []byte
	rowDelta  int // len(rowMsg) - len(server's message)
	rowLast   int // the last segment row edits
	rowOK     bool
}

// stateSize is the length of a marshalled SHA-256 state.
const stateSize = 4 + 32 + 64 + 8

func newWorker(e *engine) *worker {
	w := &worker{e: e, h: sha256.New(), mac: sha256.New(), buf: make([]byte, 0, e.bufCap), rowBack: make([]byte, 0, e.bufCap)}
	w.rowStates = make([]byte, 0, (e.bufCap/64+1)*stateSize)
	w.hu = w.h.(encoding.BinaryUnmarshaler)
	w.macu = w.mac.(encoding.BinaryUnmarshaler)
	return w
}

// message builds and hashes the message of a combination. Unless a slice
// is taken, only the bytes from the 64-byte block holding the first change
// are written and hashed: the SHA-256 state of the server's message up to
// that block is restored instead.
func (w *worker) message(a, b *msgOp) {
	e := w.e
	w.hhDone = false
	if a == noOp && b == noOp {
		w.p1, w.p2 = e.orig, nil
		w.line = e.origLine
		return
	}
	if a.slice < 0 && b.slice < 0 {
		first := min(a.first, b.first)
		blk := min(first>>6, len(e.states)-1)
		pos := blk << 6
		s := min(e.blockSeg[blk], a.seg0, b.seg0)
		w.buf = w.serialize(w.buf[:0], s, pos-e.m.off[s], a, b)
		w.p1, w.p2 = e.orig[:pos], w.buf
		if blk == 0 {
			w.h.Reset()
		} else {
			w.hu.UnmarshalBinary(e.states[blk])
		}
	} else {
		buf := append(w.buf[:0], e.s.head...)
		buf = w.serialize(buf, 0, 0, a, b)
		w.buf = buf
		k, strip := a.slice, a.strip
		if b.slice >= 0 {
			k, strip = b.slice, b.strip
		}
		msg := buf[min(k, len(buf)):]
		if strip {
			msg = trimSpaceBytes(msg)
		}
		w.p1, w.p2 = nil, msg
		w.h.Reset()
	}
	w.h.Write(w.p2)
	w.h.Sum(w.sum[:0])
	hex.Encode(w.hex[:], w.sum[:])
	w.line = w.hex[:]
}

// serialize appends the segments from s on, the first cut at skip bytes,
// with the edits of a and b (disjoint) and their newline transform.
func (w *worker) serialize(dst []byte, s, skip int, a, b *msgOp) []byte {
	segs := w.e.m.segs
	ea, eb := a.edits, b.edits
	for len(ea) > 0 && ea[0].seg < s {
		ea = ea[1:]
	}
	for len(eb) > 0 && eb[0].seg < s {
		eb = eb[1:]
	}
	x := a.xform | b.xform
	for i := s; i < len(segs); i++ {
		t := segs[i].text
		if len(ea) > 0 && ea[0].seg == i {
			t, ea = ea[0].text, ea[1:]
		} else if len(eb) > 0 && eb[0].seg == i {
			t, eb = eb[0].text, eb[1:]
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

// sign reports whether sg's signature of the current message is the
// target.
func (w *worker) sign(sg *signer) bool {
	w.macu.UnmarshalBinary(sg.inner)
	w.mac.Write(sg.rest)
	switch sg.mode {
	case modeHex:
		w.mac.Write(w.line)
	case modeHashOfHash:
		if !w.hhDone {
			w.h.Reset()
			w.h.Write(w.line)
			w.h.Sum(w.sum[:0])
			hex.Encode(w.hh[:], w.sum[:])
			w.hhDone = true
		}
		w.mac.Write(w.hh[:])
	case modeRaw:
		w.mac.Write(w.p1)
		w.mac.Write(w.p2)
	}
	if len(sg.tail) > 0 {
		w.mac.Write(sg.tail)
	}
	w.mac.Sum(w.inner[:0])
	w.macu.UnmarshalBinary(sg.outer)
	w.mac.Write(w.inner[:])
	w.mac.Sum(w.out[:0])
	return w.out == w.e.s.target
}

// combo tries one message against signers [lo, hi) and returns the index
// of the first that reproduces the signature, or -1.
func (w *worker) combo(a, b *msgOp, lo, hi int) int {
	w.pair(a, b)
	sigs := w.e.signers[lo:hi]
	for i, sg := range sigs {
		if w.sign(sg) {
			w.tried += int64(i + 1)
			return lo + i
		}
	}
	w.tried += int64(len(sigs))
	return -1
}

// prepareRow hashes the message of a, the first operator of every pair
// in a row, keeping its state at each block boundary: a pair whose second
// operator edits only after a's last edit then hashes from there, as a
// single does from the server's message.
//
// A cut (Fine Uploader's fixed offset) is a row too: its message is the
// signer's input from the offset, and an edit after the offset lands at a
// known place in it.
func (w *worker) prepareRow(a *msgOp) {
	e := w.e
	w.rowOp = a
	switch {
	case a.xform == 0 && a.slice < 0 && len(a.edits) > 0:
		w.rowBack = w.serialize(w.rowBack[:0], 0, 0, a, noOp)
		w.rowMsg = w.rowBack
		w.rowDelta = len(w.rowMsg) - len(e.orig)
		w.rowLast = a.edits[len(a.edits)-1].seg
	case a.xform == 0 && a.slice >= 0 && !a.strip && len(a.edits) == 0:
		w.rowBack = append(append(w.rowBack[:0], e.s.head...), e.orig...)
		k := min(a.slice, len(w.rowBack))
		w.rowMsg = w.rowBack[k:]
		w.rowDelta = len(e.s.head) - k
		w.rowLast = -1
	default:
		w.rowOK = false
		return
	}
	w.rowOK = true
	w.rowStates = w.rowStates[:0]
	w.h.Reset()
	ap := w.h.(encoding.BinaryAppender)
	n := len(w.rowMsg) / 64
	for i := 0; i <= n; i++ {
		w.rowStates, _ = ap.AppendBinary(w.rowStates)
		if i < n {
			w.h.Write(w.rowMsg[i*64 : i*64+64])
		}
	}
}

// pair builds and hashes the message of (a, b), from the row's states
// when a is the prepared row and b edits only after it.
func (w *worker) pair(a, b *msgOp) {
	if a != w.rowOp || !w.rowOK || b.xform != 0 || b.slice >= 0 || b.seg0 <= w.rowLast || w.e.m.off[b.seg0]+w.rowDelta < 0 {
		w.message(a, b)
		return
	}
	e := w.e
	w.hhDone = false
	blk := min((b.first+w.rowDelta)>>6, len(w.rowMsg)>>6)
	pos := blk << 6
	start := e.m.off[b.seg0] + w.rowDelta
	buf := w.buf[:0]
	if pos <= start {
		buf = append(buf, w.rowMsg[pos:start]...)
		buf = w.serialize(buf, b.seg0, 0, noOp, b)
	} else {
		buf = w.serialize(buf, b.seg0, pos-start, noOp, b)
	}
	w.buf = buf
	w.p1, w.p2 = w.rowMsg[:pos], buf
	w.hu.UnmarshalBinary(w.rowStates[blk*stateSize : blk*stateSize+stateSize])
	w.h.Write(buf)
	w.h.Sum(w.sum[:0])
	hex.Encode(w.hex[:], w.sum[:])
	w.line = w.hex[:]
}
