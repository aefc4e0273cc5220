package proxy

import (
	"crypto/sha256"
	"errors"
	"hash"
	"io"
	"sync"
	"time"
)

// replayLimit is how much of a request body the proxy keeps while it is
// all that was read, so that a round trip on a kept-alive connection the
// upstream had just closed can be sent again (see retryable). The
// transport writes the headers, then reads the body's first chunk and
// writes it: a dead connection fails that write, or the next read of it,
// with at most this much taken from the client. Reads are capped so that
// the first replayLimit bytes are taken in reads that fit.
const replayLimit = smallBufferSize

// bodyTap is the request body on its way upstream: it counts, hashes or
// feeds the chunk verifier as it is read, keeping nothing but the first
// replayLimit bytes. The transport reads it through an attempt from its
// own goroutine, possibly after RoundTrip returned, and closes the
// attempt when done with it: hence the lock and done. The client's body
// itself is closed by net/http's server after the handler returns, not by
// the transport: a retry reads on.
type bodyTap struct {
	rc  io.ReadCloser
	mu  sync.Mutex
	n   int64 // bytes read from the client
	eof bool
	err error     // the client's body failed: nothing to retry with
	h   hash.Hash // nil unless the payload is hashed while streaming
	tap *chunkTap
	// kept holds every byte read from the client while there are at
	// most replayLimit of them (a buffer lent by buffers); nil before the
	// first read and once more was read.
	kept    *[]byte
	dropped bool // more than replayLimit was read: kept is gone for good
	cur     *tapAttempt
}

func newBodyTap(rc io.ReadCloser, v *verification) *bodyTap {
	b := &bodyTap{rc: rc, tap: v.chunks}
	if v.hashBody {
		b.h = sha256.New()
	}
	return b
}

// errAttemptOver is what a failed attempt's reader gets once a retry has
// taken over the body.
var errAttemptOver = errors.New("sigdiff proxy: this attempt's body was taken over by a retry")

// attempt returns the body for a round trip: the first one reads from the
// client; a later one sends again what the earlier ones took (see
// replayable), then reads on. Only the latest attempt reads.
func (b *bodyTap) attempt() *tapAttempt {
	b.mu.Lock()
	defer b.mu.Unlock()
	a := &tapAttempt{b: b, done: make(chan struct{})}
	b.cur = a
	return a
}

// replayable reports whether every byte read from the client so far is
// kept, so that an attempt can send the body again from its start, and
// whether the body was read to its end.
func (b *bodyTap) replayable() (ok, complete bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err == nil && !b.dropped, b.eof
}

// tapAttempt is one round trip's view of the body.
type tapAttempt struct {
	b    *bodyTap
	pos  int64 // bytes this attempt has sent
	once sync.Once
	done chan struct{} // closed by Close
}

func (a *tapAttempt) Read(p []byte) (int, error) {
	b := a.b
	b.mu.Lock()
	if b.cur != a {
		b.mu.Unlock()
		return 0, errAttemptOver
	}
	if a.pos < b.n { // a retry: what the failed attempt took, again
		if b.kept == nil { // given back by wait: too late to send
			b.mu.Unlock()
			return 0, errAttemptOver
		}
		n := copy(p, (*b.kept)[a.pos:b.n])
		a.pos += int64(n)
		b.mu.Unlock()
		return n, nil
	}
	if b.eof {
		b.mu.Unlock()
		return 0, io.EOF
	}
	if b.err != nil {
		b.mu.Unlock()
		return 0, b.err
	}
	keep := !b.dropped
	if keep {
		if b.kept == nil {
			b.kept = buffers.get(replayLimit)
		}
		if room := int64(replayLimit) - b.n; room == 0 {
			buffers.put(b.kept)
			b.kept, b.dropped, keep = nil, true, false
		} else if int64(len(p)) > room {
			p = p[:room]
		}
	}
	b.mu.Unlock()

	n, err := b.rc.Read(p)
	b.mu.Lock()
	defer b.mu.Unlock()
	if n > 0 {
		if keep && b.kept != nil {
			copy((*b.kept)[b.n:], p[:n])
		}
		b.n += int64(n)
		a.pos = b.n
		if b.h != nil {
			b.h.Write(p[:n])
		}
		if t := b.tap; t != nil && !t.closed {
			// Blocks until the verifier has taken the bytes; fails at
			// once when it stopped (pipe closed).
			if _, werr := t.pw.Write(p[:n]); werr != nil {
				t.closed = true
			}
		}
	}
	switch {
	case err == io.EOF:
		b.eof = true
	case err != nil:
		b.err = err
	}
	return n, err
}

// Close tells that the transport is done with this attempt's body.
func (a *tapAttempt) Close() error {
	a.once.Do(func() { close(a.done) })
	return nil
}

// wait waits until the transport is done with the latest attempt's body,
// at most d, and returns the bytes read from the client, whether they
// reached the end, and their hash. It gives the kept bytes back.
func (b *bodyTap) wait(d time.Duration) (n int64, complete bool, sum []byte) {
	b.mu.Lock()
	a := b.cur
	b.mu.Unlock()
	finished := a == nil
	if a != nil {
		t := time.NewTimer(d)
		select {
		case <-a.done:
			finished = true
		case <-t.C:
		}
		t.Stop()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.kept != nil {
		if finished {
			buffers.put(b.kept)
		} // else the transport may still read: the GC takes the buffer
		b.kept, b.dropped = nil, true
	}
	if b.h != nil {
		sum = b.h.Sum(nil)
	}
	return b.n, b.eof, sum
}
