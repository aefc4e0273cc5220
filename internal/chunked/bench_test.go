package chunked

import (
	"bytes"
	"crypto/sha256"
	"io"
	"sync"
	"testing"

	"github.com/sigdiff/sigdiff/internal/recompute"
)

// The benchmarks verify a 256 MiB payload in 64 KiB chunks (the SDKs'
// chunk size), built once and streamed from memory, and compare with
// SHA-256 over the same payload bytes: verifying a signed body is one
// SHA-256 pass plus one HMAC per chunk, so SHA-256 bounds its speed.
// b.SetBytes counts payload bytes in all of them. Each also reports
// cpu-MB/s, payload bytes per second of process CPU time, which holds
// steady when other work shares the cores.
//
//	go test -run XXX -bench 'ChunkVerify|SHA256' -benchtime 5x ./internal/chunked/
const benchSize = 256 << 20

var bench struct {
	once      sync.Once
	payload   []byte
	bodies    map[string][]byte
	checksums map[string]string
}

func benchBody(b *testing.B, variant, checksum string) ([]byte, Options) {
	b.Helper()
	bench.once.Do(func() {
		bench.payload = make([]byte, benchSize)
		pattern := payload(4099) // a prime length: no alignment with the chunks
		for i := 0; i < benchSize; i += len(pattern) {
			copy(bench.payload[i:], pattern)
		}
		bench.bodies = map[string][]byte{}
	})
	key := variant + checksum
	if bench.bodies[key] == nil {
		var signer *recompute.ChunkSigner
		if _, signed := recompute.IsStreaming(variant); signed {
			signer = newSigner(b)
		}
		o := BuildOptions{PayloadHash: variant, Checksum: checksum}
		n, err := EncodedLength(benchSize, o)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		buf.Grow(int(n))
		if _, err := Build(&buf, bytes.NewReader(bench.payload), signer, o); err != nil {
			b.Fatal(err)
		}
		bench.bodies[key] = buf.Bytes()
	}
	body := bench.bodies[key]
	opts := Options{PayloadHash: variant, DecodedLength: benchSize, ContentLength: int64(len(body))}
	if checksum != "" {
		opts.Trailer = "x-amz-checksum-" + checksum
	}
	return body, opts
}

func benchVerify(b *testing.B, variant, checksum string, hideWriterTo bool) {
	body, opts := benchBody(b, variant, checksum)
	_, signed := recompute.IsStreaming(variant)
	b.SetBytes(benchSize)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		var signer *recompute.ChunkSigner
		if signed {
			signer = newSigner(b)
		}
		var r io.Reader = bytes.NewReader(body)
		if hideWriterTo {
			r = struct{ io.Reader }{r} // as a file is read: through the 256 KiB buffer
		}
		rep, err := Verify(r, signer, opts)
		if err != nil || !rep.OK() {
			b.Fatal(err, rep.Failure)
		}
	}
}

// BenchmarkChunkVerify: STREAMING-AWS4-HMAC-SHA256-PAYLOAD, body in memory.
func BenchmarkChunkVerify(b *testing.B) { benchVerify(b, recompute.StreamingPayload, "", false) }

// BenchmarkChunkVerifyBuffered: the same body through Read calls and the
// decoder's buffer, as a file or pipe is read (one copy more).
func BenchmarkChunkVerifyBuffered(b *testing.B) {
	benchVerify(b, recompute.StreamingPayload, "", true)
}

// BenchmarkChunkVerifyTrailerCRC32C: signed chunks and a CRC32C trailer.
func BenchmarkChunkVerifyTrailerCRC32C(b *testing.B) {
	benchVerify(b, recompute.StreamingPayloadTrailer, "crc32c", false)
}

// BenchmarkChunkVerifyUnsignedCRC64NVME: the SDKs' default since 2025.
func BenchmarkChunkVerifyUnsignedCRC64NVME(b *testing.B) {
	benchVerify(b, recompute.StreamingUnsignedPayloadTrailer, "crc64nvme", false)
}

// BenchmarkSHA256 hashes the same 256 MiB payload once: the bound.
func BenchmarkSHA256(b *testing.B) {
	benchBody(b, recompute.StreamingPayload, "")
	b.SetBytes(benchSize)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		sha256.Sum256(bench.payload)
	}
}

// reportCPU starts a CPU clock; the function it returns reports
// cpu-MB/s of the payload bytes hashed since.
func reportCPU(b *testing.B) func() {
	start, ok := cpuTime()
	return func() {
		end, _ := cpuTime()
		if ok && end > start {
			b.ReportMetric(float64(b.N)*benchSize/1e6/(end-start).Seconds(), "cpu-MB/s")
		}
	}
}
