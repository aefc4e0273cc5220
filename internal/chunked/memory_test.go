package chunked

import (
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/recompute"
)

// pattern is an endless reader of a repeating byte pattern.
type pattern struct{ i int }

func (p *pattern) Read(b []byte) (int, error) {
	for k := range b {
		b[k] = byte(p.i % 253)
		p.i++
	}
	return len(b), nil
}

// One 64 MiB chunk, streamed through a reader without WriterTo (so
// through the decoder's buffer): the verifier allocates a small constant
// amount whatever the chunk's declared size.
func TestVerify_constantMemory(t *testing.T) {
	const size = 64 << 20
	h := crc32.NewIEEE()
	io.Copy(h, io.LimitReader(&pattern{}, size))
	a, _ := recompute.LookupChecksum("crc32")
	trailer := fmt.Sprintf("\r\n0\r\n%s:%s\r\n\r\n", a.Header, recompute.ChecksumValue(h))
	body := io.MultiReader(strings.NewReader(fmt.Sprintf("%x\r\n", size)), io.LimitReader(&pattern{}, size), strings.NewReader(trailer))
	opts := Options{PayloadHash: recompute.StreamingUnsignedPayloadTrailer, DecodedLength: size, ContentLength: -1, Trailer: a.Header}

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rep, err := Verify(body, nil, opts)
	runtime.ReadMemStats(&after)
	if err != nil || !rep.OK() {
		t.Fatal(err, rep.Failure)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("verifying one %d-byte chunk allocated %d bytes", size, alloc)
	}
}
