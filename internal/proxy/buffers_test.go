package proxy

import (
	"bytes"
	"context"
	"io"
	"net"
	"testing"
)

func TestBufferPool_largeBuffersCapped(t *testing.T) {
	p := newBufferPool(3)
	if b := p.get(smallBufferSize); len(*b) != smallBufferSize {
		t.Fatalf("a body that fits a small buffer got %d bytes", len(*b))
	}
	if b := p.get(-1); len(*b) != smallBufferSize {
		t.Fatalf("a body of unknown length got %d bytes", len(*b))
	}
	var large []*[]byte
	for range 3 {
		b := p.get(64 << 20)
		if len(*b) != largeBufferSize {
			t.Fatalf("large buffer %d: %d bytes", len(large), len(*b))
		}
		large = append(large, b)
	}
	extra := p.get(64 << 20)
	if len(*extra) != smallBufferSize {
		t.Fatalf("a fourth large buffer was lent with a cap of 3 (%d bytes)", len(*extra))
	}
	p.put(extra)
	p.put(large[0])
	if b := p.get(64 << 20); len(*b) != largeBufferSize {
		t.Fatalf("a returned large buffer's token was not freed: got %d bytes", len(*b))
	}
}

// maxRead records the largest read asked of it.
type maxRead struct {
	r   io.Reader
	max int
}

func (m *maxRead) Read(p []byte) (int, error) {
	m.max = max(m.max, len(p))
	return m.r.Read(p)
}

func TestUpstreamConn_readFromUsesLargeBuffer(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(server)
		got <- b
	}()
	body := bytes.Repeat([]byte("0123456789abcdef"), 3<<20/16)
	src := &maxRead{r: bytes.NewReader(body)}
	// What net/http's Transport hands the connection for a body of
	// known length.
	n, err := upstreamConn{client}.ReadFrom(&io.LimitedReader{R: src, N: int64(len(body))})
	client.Close()
	if err != nil || n != int64(len(body)) {
		t.Fatalf("copied %d of %d bytes: %v", n, len(body), err)
	}
	if b := <-got; !bytes.Equal(b, body) {
		t.Fatalf("the other end got %d bytes, not the body", len(b))
	}
	if src.max != largeBufferSize {
		t.Errorf("reads of up to %d bytes, want %d", src.max, largeBufferSize)
	}
}

func TestNewTransport_wrapsConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := NewTransport(nil).DialContext(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.(io.ReaderFrom); !ok {
		t.Fatalf("the transport dials %T, which has no ReadFrom", c)
	}
	if _, ok := c.(upstreamConn); !ok {
		t.Fatalf("the transport dials %T, not an upstreamConn", c)
	}
}
