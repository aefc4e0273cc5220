package proxy

import (
	"context"
	"io"
	"net"
	"sync"
)

// Copy buffers. Each byte a proxy forwards crosses the kernel twice more
// than it would direct (read from one socket, written to the other), and
// on loopback and virtual machines the cost per read and write call
// (wake-ups, interrupt toggling in a paravirtualised guest) weighs as much
// as the copying: BenchmarkProxyGET64M spends 2.5 times less CPU in the
// proxy with 1 MiB buffers than with 64 KiB ones. Large buffers are
// memory per transfer in flight, so at most maxLargeBuffers are lent at
// once; other transfers, and bodies that fit a small buffer, get
// smallBufferSize.
const (
	smallBufferSize = 64 << 10
	largeBufferSize = 1 << 20
	maxLargeBuffers = 16
)

// buffers lends copy buffers to every proxy in the process: the cap on
// large buffers bounds the process's memory, whatever the number of
// proxies.
var buffers = newBufferPool(maxLargeBuffers)

// bufferPool hands out small buffers freely and large ones while a token
// is free; sync.Pool lets the GC reclaim those not in use.
type bufferPool struct {
	small, large sync.Pool
	tokens       chan struct{}
}

func newBufferPool(maxLarge int) *bufferPool {
	p := &bufferPool{tokens: make(chan struct{}, maxLarge)}
	p.small.New = func() any { b := make([]byte, smallBufferSize); return &b }
	p.large.New = func() any { b := make([]byte, largeBufferSize); return &b }
	return p
}

// get returns a buffer for a body of n bytes (-1: unknown, taken as
// small: a body of unknown length is mostly a streamed answer read as it
// comes). Give it back with put.
func (p *bufferPool) get(n int64) *[]byte {
	if n > smallBufferSize {
		select {
		case p.tokens <- struct{}{}:
			return p.large.Get().(*[]byte)
		default:
		}
	}
	return p.small.Get().(*[]byte)
}

func (p *bufferPool) put(b *[]byte) {
	if len(*b) == largeBufferSize {
		p.large.Put(b)
		<-p.tokens
		return
	}
	p.small.Put(b)
}

// upstreamConn is a connection to the upstream whose ReadFrom copies with
// a lent buffer. net/http's Transport writes a request body of known
// length through the connection's ReadFrom (bufio.Writer.ReadFrom, then
// persistConnWriter.ReadFrom: io.Copy to the connection); a *net.TCPConn
// can splice only from another socket, which a proxied body is not, and
// otherwise copies 32 KiB at a time with a buffer allocated per request.
type upstreamConn struct {
	net.Conn
}

// ReadFrom copies r to the connection. r is an *io.LimitedReader when
// the transport writes a body of known length; its N sizes the buffer.
func (c upstreamConn) ReadFrom(r io.Reader) (int64, error) {
	n := int64(-1)
	if lr, ok := r.(*io.LimitedReader); ok {
		n = lr.N
	}
	bp := buffers.get(n)
	defer buffers.put(bp)
	// The connection without its ReadFrom, or io.CopyBuffer would call
	// this method again.
	return io.CopyBuffer(struct{ io.Writer }{c.Conn}, r, *bp)
}

// dialUpstream wraps dial's connections in upstreamConn.
func dialUpstream(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return upstreamConn{c}, nil
	}
}
