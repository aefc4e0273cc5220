package chunked

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sigdiff/sigdiff/internal/recompute"
)

// The S3 examples' key, date and scope; the seed is any signature: the
// chain starts wherever it says.
var (
	testKey   = recompute.DeriveKeys(recompute.AWS4, secretOf("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "20130524", "us-east-1", "s3").Signing
	testSeed  = strings.Repeat("5eed", 16)
	testDate  = "20130524T000000Z"
	testScope = "20130524/us-east-1/s3/aws4_request"
)

func newSigner(t testing.TB) *recompute.ChunkSigner {
	t.Helper()
	s, err := recompute.NewChunkSigner(testKey[:], testDate, testScope, testSeed)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// payload returns n bytes of a repeating, non-uniform pattern.
func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// fixture is a correctly built body and the options that accept it.
type fixture struct {
	body []byte
	opts Options
	size int // payload bytes
}

func build(t testing.TB, variant, checksum string, n, chunk int) fixture {
	t.Helper()
	var signer *recompute.ChunkSigner
	if _, signed := recompute.IsStreaming(variant); signed {
		signer = newSigner(t)
	}
	o := BuildOptions{PayloadHash: variant, ChunkSize: chunk, Checksum: checksum}
	var b bytes.Buffer
	if _, err := Build(&b, bytes.NewReader(payload(n)), signer, o); err != nil {
		t.Fatal(err)
	}
	opts := Options{PayloadHash: variant, DecodedLength: int64(n), ContentLength: int64(b.Len())}
	if checksum != "" {
		a, _ := recompute.LookupChecksum(checksum)
		opts.Trailer = a.Header
	}
	return fixture{body: b.Bytes(), opts: opts, size: n}
}

func (f fixture) verify(t testing.TB) *Report {
	t.Helper()
	var signer *recompute.ChunkSigner
	if _, signed := recompute.IsStreaming(f.opts.PayloadHash); signed {
		signer = newSigner(t)
	}
	rep, err := Verify(bytes.NewReader(f.body), signer, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// replace returns a copy of body with the n-th occurrence (1-based) of old
// replaced.
func replace(t testing.TB, body []byte, old, new string, n int) []byte {
	t.Helper()
	at := -1
	for i := 0; i < n; i++ {
		j := bytes.Index(body[at+1:], []byte(old))
		if j < 0 {
			t.Fatalf("%q occurs fewer than %d times", old, n)
		}
		at += 1 + j
	}
	out := append([]byte(nil), body[:at]...)
	out = append(out, new...)
	return append(out, body[at+len(old):]...)
}

// offsetOfChunk returns the offset of the n-th chunk header (1-based).
func offsetOfChunk(t testing.TB, body []byte, n int) int64 {
	t.Helper()
	d := &recorder{}
	dec := NewDecoder(d, bytes.Contains(body, []byte(";chunk-signature=")))
	dec.Write(body)
	if n > len(d.headers) {
		t.Fatalf("no chunk %d", n)
	}
	return d.headers[n-1].Offset
}

func wantFailure(t *testing.T, rep *Report, chunk int, offset int64, check string) {
	t.Helper()
	f := rep.Failure
	if f == nil {
		t.Fatalf("no failure; want %s at chunk %d", check, chunk)
	}
	if f.Chunk != chunk || f.Offset != offset || f.Check != check {
		t.Errorf("failure at chunk %d byte %d check %s (%s), want chunk %d byte %d check %s", f.Chunk, f.Offset, f.Check, f.Reason, chunk, offset, check)
	}
	if f.Cause != causeOf[check] || f.Cause == "" {
		t.Errorf("cause %q for check %s", f.Cause, check)
	}
	msg := f.Error()
	if strings.Contains(msg, "\n") || msg != strings.ToLower(msg[:1])+msg[1:] || strings.HasSuffix(msg, ".") {
		t.Errorf("message %q is not one lower-case line", msg)
	}
}

func TestVerify_variantsAccepted(t *testing.T) {
	for _, tc := range []struct{ variant, checksum string }{
		{recompute.StreamingPayload, ""},
		{recompute.StreamingPayloadTrailer, ""},
		{recompute.StreamingUnsignedPayloadTrailer, ""},
	} {
		for _, a := range recompute.ChecksumAlgorithms {
			if tc.variant != recompute.StreamingPayload {
				tc.checksum = a.Header
			}
			for _, n := range []int{0, 1, 8192, 3*8192 + 5} {
				f := build(t, tc.variant, tc.checksum, n, 8192)
				rep := f.verify(t)
				if !rep.OK() {
					t.Fatalf("%s %s %d bytes: %v", tc.variant, tc.checksum, n, rep.Failure)
				}
				if rep.DecodedBytes != int64(n) || rep.EncodedBytes != int64(len(f.body)) || rep.Chunks != (n+8191)/8192+1 {
					t.Errorf("%s %d bytes: %d chunks, %d decoded, %d encoded", tc.variant, n, rep.Chunks, rep.DecodedBytes, rep.EncodedBytes)
				}
				if tc.checksum != "" && (len(rep.Checksums) != 1 || rep.Checksums[0].Computed != a.Checksum(payload(n))) {
					t.Errorf("%s: checksums %+v", tc.checksum, rep.Checksums)
				}
			}
		}
	}
}

// A reader without WriterTo, giving one byte per Read, splits every line
// and takes the other path; the report is the same.
func TestVerify_oneByteReads(t *testing.T) {
	f := build(t, recompute.StreamingPayloadTrailer, "crc64nvme", 20000, 8192)
	want := f.verify(t)
	got, err := Verify(iotest.OneByteReader(bytes.NewReader(f.body)), newSigner(t), f.opts)
	if err != nil {
		t.Fatal(err)
	}
	if !got.OK() || got.EncodedBytes != want.EncodedBytes || got.LastSignature != want.LastSignature || got.TrailerSignature != want.TrailerSignature {
		t.Errorf("one byte at a time: %+v, whole: %+v", got, want)
	}
	broken := replace(t, f.body, "\r\n", "\r\r", 3)
	got, _ = Verify(iotest.OneByteReader(bytes.NewReader(broken)), newSigner(t), f.opts)
	f.body = broken
	if want := f.verify(t); got.Failure == nil || *got.Failure != *want.Failure {
		t.Errorf("broken, one byte at a time: %v, whole: %v", got.Failure, want.Failure)
	}
}

func TestVerify_chainBrokenAtChunk2(t *testing.T) {
	f := build(t, recompute.StreamingPayload, "", 3*8192, 8192)
	t.Run("data changed", func(t *testing.T) {
		g := f
		g.body = append([]byte(nil), f.body...)
		at := offsetOfChunk(t, g.body, 2) + 100 + 10
		g.body[at] ^= 1
		rep := g.verify(t)
		wantFailure(t, rep, 2, offsetOfChunk(t, g.body, 2), CheckChunkSignature)
		if rep.LastSignature == "" || rep.DecodedBytes != 2*8192 {
			t.Errorf("chunk 1 verified up to %q, %d bytes", rep.LastSignature, rep.DecodedBytes)
		}
	})
	t.Run("signature of another chain", func(t *testing.T) {
		g := f
		other := newSigner(t)
		var zero [32]byte
		sig := other.SignChunk(&zero)
		g.body = append([]byte(nil), f.body...)
		copy(g.body[offsetOfChunk(t, g.body, 2)+int64(len("2000;chunk-signature=")):], sig[:])
		rep := g.verify(t)
		wantFailure(t, rep, 2, offsetOfChunk(t, g.body, 2), CheckChunkSignature)
		if rep.Failure.Found != string(sig[:]) || len(rep.Failure.Expected) != 64 {
			t.Errorf("expected %s found %s", rep.Failure.Expected, rep.Failure.Found)
		}
		var shown bool
		for _, s := range rep.Steps() {
			shown = shown || s.Name == "ChunkStringToSign #2"
		}
		if !shown {
			t.Error("the failing chunk's string to sign is not among the steps")
		}
	})
	t.Run("upper-case hex", func(t *testing.T) {
		g := f
		i := bytes.Index(f.body, []byte("chunk-signature=")) + 16
		g.body = append([]byte(nil), f.body...)
		copy(g.body[i:], bytes.ToUpper(g.body[i:i+64]))
		rep := g.verify(t)
		wantFailure(t, rep, 1, 0, CheckChunkSignature)
		if !strings.Contains(rep.Failure.Reason, "upper-case") {
			t.Errorf("reason %q", rep.Failure.Reason)
		}
	})
	t.Run("short signature", func(t *testing.T) {
		g := f
		g.body = replace(t, f.body, "chunk-signature=", "chunk-signature=0", 3) // 65 digits
		rep := g.verify(t)
		wantFailure(t, rep, 3, offsetOfChunk(t, g.body, 3), CheckChunkSignature)
	})
}

func TestVerify_decodedLength(t *testing.T) {
	f := build(t, recompute.StreamingPayload, "", 3*8192, 8192)
	g := f
	g.opts.DecodedLength--
	wantFailure(t, g.verify(t), 3, offsetOfChunk(t, f.body, 3), CheckDecodedLength)
	g.opts.DecodedLength += 2
	wantFailure(t, g.verify(t), 4, offsetOfChunk(t, f.body, 4), CheckDecodedLength)
	g.opts.DecodedLength = -1 // unknown: not checked
	if rep := g.verify(t); !rep.OK() {
		t.Error(rep.Failure)
	}
}

func TestVerify_contentLength(t *testing.T) {
	f := build(t, recompute.StreamingUnsignedPayloadTrailer, "crc32", 3*8192, 8192)
	g := f
	g.opts.ContentLength = int64(len(f.body)) + 1
	wantFailure(t, g.verify(t), 4, int64(len(f.body)), CheckContentLength)
	g.opts.ContentLength = int64(len(f.body)) - 1
	wantFailure(t, g.verify(t), 4, g.opts.ContentLength, CheckContentLength)
	g.opts.ContentLength = offsetOfChunk(t, f.body, 2) // ends right before chunk 2
	wantFailure(t, g.verify(t), 2, g.opts.ContentLength, CheckContentLength)
}

func TestVerify_truncated(t *testing.T) {
	f := build(t, recompute.StreamingPayload, "", 3*8192, 8192)
	for _, cut := range []int64{offsetOfChunk(t, f.body, 2) + 500, offsetOfChunk(t, f.body, 2) + 30, int64(len(f.body)) - 1, 0} {
		g := f
		g.body = f.body[:cut]
		g.opts.ContentLength = -1
		rep := g.verify(t)
		chunk := 2
		switch {
		case cut == 0:
			chunk = 1
		case cut > offsetOfChunk(t, f.body, 4):
			chunk = 4
		}
		wantFailure(t, rep, chunk, cut, CheckTruncated)
	}
}

func TestVerify_chunkSizeCap(t *testing.T) {
	f := build(t, recompute.StreamingUnsignedPayloadTrailer, "", 100, 8192)
	for _, size := range []string{"ffffffffffffffff", "7fffffffffffffff", "140000001", "00000000000000000"} {
		g := f
		g.body = replace(t, f.body, "64\r\n", size+"\r\n", 1)
		rep := g.verify(t)
		wantFailure(t, rep, 1, 0, CheckChunkSize)
		if rep.DecodedBytes != 0 {
			t.Errorf("%s: %d bytes decoded", size, rep.DecodedBytes)
		}
	}
	g := f
	g.opts.MaxChunkSize = 99
	wantFailure(t, g.verify(t), 1, 0, CheckChunkSize)
}

func TestVerify_framing(t *testing.T) {
	f := build(t, recompute.StreamingPayload, "", 9000, 8192)
	c2 := offsetOfChunk(t, f.body, 2)
	for _, tc := range []struct {
		name      string
		body      []byte
		chunk     int
		offset    int64
		check     string
		inMessage string
	}{
		{"chunk extensions besides the signature", replace(t, f.body, "2000;", "2000;x=1;", 1), 0, 0, "", ""},
		{"header without CR", replace(t, f.body, "\r\n", "\n", 1), 1, 0, CheckFraming, "without cr"},
		{"data longer than declared", replace(t, f.body, "2000;", "1fff;", 1), 1, c2 - 3, CheckFraming, "no cr lf"},
		{"no chunk-signature", replace(t, f.body, ";chunk-signature=", ";chunk-signaturx=", 2), 2, c2, CheckFraming, "no chunk-signature"},
		{"not hex", replace(t, f.body, "2000;", "0x2000;", 1), 1, 0, CheckFraming, "not a hexadecimal"},
		{"bytes after the end", append(append([]byte(nil), f.body...), '\n'), 3, int64(len(f.body)), CheckFraming, "after the end"},
		{"line too long", append(append([]byte(nil), f.body[:c2]...), bytes.Repeat([]byte("1"), MaxLineLength+1)...), 2, c2, CheckFraming, "longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := f
			g.body = tc.body
			g.opts.ContentLength = -1
			rep := g.verify(t)
			if tc.check == "" {
				if !rep.OK() {
					t.Error(rep.Failure)
				}
				return
			}
			wantFailure(t, rep, tc.chunk, tc.offset, tc.check)
			if !strings.Contains(strings.ToLower(rep.Failure.Reason), tc.inMessage) {
				t.Errorf("reason %q lacks %q", rep.Failure.Reason, tc.inMessage)
			}
		})
	}
}

func TestVerify_smallChunkNote(t *testing.T) {
	f := build(t, recompute.StreamingPayload, "", 3000, 1000)
	rep := f.verify(t)
	if !rep.OK() || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "InvalidChunkSizeError") {
		t.Errorf("notes %q, failure %v", rep.Notes, rep.Failure)
	}
	if rep := build(t, recompute.StreamingPayload, "", 9000, 8192).verify(t); len(rep.Notes) != 0 {
		t.Errorf("a short last chunk is fine: %q", rep.Notes)
	}
}

func TestVerify_badOptions(t *testing.T) {
	if _, err := Verify(strings.NewReader(""), nil, Options{PayloadHash: recompute.StreamingPayload}); !errors.Is(err, recompute.ErrNoSigningKey) {
		t.Errorf("signed, no signer: %v", err)
	}
	if _, err := Verify(strings.NewReader(""), nil, Options{PayloadHash: recompute.UnsignedPayload}); !errors.Is(err, ErrNotStreaming) {
		t.Errorf("not streaming: %v", err)
	}
	rerr := errors.New("disk gone")
	f := build(t, recompute.StreamingUnsignedPayloadTrailer, "", 10000, 8192)
	rep, err := Verify(io.MultiReader(bytes.NewReader(f.body[:9000]), iotest.ErrReader(rerr)), nil, f.opts)
	if !errors.Is(err, rerr) || rep == nil || rep.Failure != nil {
		t.Errorf("read error: %v, %+v", err, rep)
	}
}
