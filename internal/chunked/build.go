package chunked

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"

	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

// BuildOptions choose the encoding Build writes.
type BuildOptions struct {
	PayloadHash string // the variant; "": recompute.StreamingPayload
	ChunkSize   int    // payload bytes per chunk, the last one shorter; 0: 64 KiB (the SDKs' default); at most MaxBuildChunkSize
	// Checksum names the trailing checksum (x-amz-checksum-crc32c, or
	// CRC32C) of the trailer variants; "" sends no trailer fields.
	Checksum string
}

// MaxBuildChunkSize caps BuildOptions.ChunkSize: Build holds one chunk,
// since a chunk's header carries the signature of the data after it.
const MaxBuildChunkSize = 16 << 20

const defaultChunkSize = 64 << 10

func (o *BuildOptions) resolve() (signed bool, alg *recompute.ChecksumAlgorithm, err error) {
	if o.PayloadHash == "" {
		o.PayloadHash = recompute.StreamingPayload
	}
	streaming, signed := recompute.IsStreaming(o.PayloadHash)
	if !streaming {
		return false, nil, ErrNotStreaming
	}
	if o.ChunkSize == 0 {
		o.ChunkSize = defaultChunkSize
	}
	if o.ChunkSize < 1 || o.ChunkSize > MaxBuildChunkSize {
		return false, nil, fmt.Errorf("chunk size %d is outside 1 to %d bytes", o.ChunkSize, MaxBuildChunkSize)
	}
	if o.Checksum != "" {
		var ok bool
		if alg, ok = recompute.LookupChecksum(o.Checksum); !ok {
			return false, nil, fmt.Errorf("%q is not one of S3's checksums (crc32, crc32c, crc64nvme, sha1, sha256)", truncate(o.Checksum))
		}
		if o.PayloadHash == recompute.StreamingPayload {
			return false, nil, errors.New("a trailing checksum needs a -TRAILER variant of x-amz-content-sha256")
		}
	}
	return signed, alg, nil
}

// Headers returns the headers a request with this body sends, to be set
// before the seed is signed (the SDKs sign all of them but Content-Length
// in the trailer variants): Content-Encoding, x-amz-content-sha256,
// x-amz-decoded-content-length, Content-Length and, with a checksum,
// x-amz-trailer.
func (o BuildOptions) Headers(decodedLength int64) ([]request.Field, error) {
	n, err := EncodedLength(decodedLength, o)
	if err != nil {
		return nil, err
	}
	_, alg, _ := o.resolve()
	hs := []request.Field{
		{Name: "Content-Encoding", Value: "aws-chunked"},
		{Name: "x-amz-content-sha256", Value: o.PayloadHash},
		{Name: "x-amz-decoded-content-length", Value: itoa(decodedLength)},
		{Name: "Content-Length", Value: itoa(n)},
	}
	if alg != nil {
		hs = append(hs, request.Field{Name: "x-amz-trailer", Value: alg.Header})
	}
	return hs, nil
}

// EncodedLength returns the length of the body Build writes for
// decodedLength payload bytes: the Content-Length to send (and, in the
// non-trailer variant, to sign in the seed).
func EncodedLength(decodedLength int64, o BuildOptions) (int64, error) {
	signed, alg, err := o.resolve()
	if err != nil {
		return 0, err
	}
	if decodedLength < 0 {
		return 0, errors.New("negative payload length")
	}
	ext := int64(0)
	if signed {
		ext = int64(len(";chunk-signature=")) + 64
	}
	cs := int64(o.ChunkSize)
	full, rest := decodedLength/cs, decodedLength%cs
	n := full * (int64(len(strconv.FormatInt(cs, 16))) + ext + 2 + cs + 2)
	if rest > 0 {
		n += int64(len(strconv.FormatInt(rest, 16))) + ext + 2 + rest + 2
	}
	n += 1 + ext + 2 // final chunk header
	if alg != nil {
		n += int64(len(alg.Header)+1+base64Len(alg.Size)) + 2
	}
	if signed && o.PayloadHash == recompute.StreamingPayloadTrailer {
		n += int64(len(recompute.TrailerSignatureName)+1+64) + 2
	}
	return n + 2, nil
}

func base64Len(n int) int { return (n + 2) / 3 * 4 }

// Build writes payload, read to its end, as an aws-chunked body of the
// variant and chunk size o names, signing each chunk (and the trailer)
// with signer, which it advances; signer is nil for the unsigned variant.
// It holds one chunk in memory. It returns the bytes written.
//
// Build writes what the AWS SDKs write: a lower-case hex size without
// leading zeros, ";chunk-signature=" on signed chunks, CR LF line ends,
// trailing headers in their canonical spelling, x-amz-trailer-signature
// last.
func Build(w io.Writer, payload io.Reader, signer *recompute.ChunkSigner, o BuildOptions) (int64, error) {
	signed, alg, err := o.resolve()
	if err != nil {
		return 0, err
	}
	if signed && signer == nil {
		return 0, recompute.ErrNoSigningKey
	}
	b := &builder{w: w, signer: signer, signed: signed, sha: sha256.New()}
	var sum hash.Hash
	if alg != nil {
		sum = alg.New()
	}
	data := make([]byte, o.ChunkSize)
	for {
		n, rerr := io.ReadFull(payload, data)
		if n > 0 {
			if sum != nil {
				sum.Write(data[:n])
			}
			b.chunk(data[:n])
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return b.n, rerr
		}
	}
	b.chunk(nil)
	if alg != nil {
		fields := []request.Field{{Name: alg.Header, Value: recompute.ChecksumValue(sum)}}
		b.printf("%s:%s\r\n", alg.Header, fields[0].Value)
		if signed {
			sig := signer.SignTrailer(recompute.CanonicalTrailer(fields))
			b.printf("%s:%s\r\n", recompute.TrailerSignatureName, sig[:])
		}
	} else if o.PayloadHash == recompute.StreamingPayloadTrailer {
		// A signed trailer with no fields still carries its signature.
		sig := signer.SignTrailer("")
		b.printf("%s:%s\r\n", recompute.TrailerSignatureName, sig[:])
	}
	b.printf("\r\n")
	return b.n, b.err
}

type builder struct {
	w      io.Writer
	signer *recompute.ChunkSigner
	signed bool
	sha    hash.Hash
	digest [32]byte
	n      int64
	err    error
}

func (b *builder) chunk(data []byte) {
	if b.signed {
		b.sha.Reset()
		b.sha.Write(data)
		b.sha.Sum(b.digest[:0])
		sig := b.signer.SignChunk(&b.digest)
		b.printf("%x;chunk-signature=%s\r\n", len(data), sig[:])
	} else {
		b.printf("%x\r\n", len(data))
	}
	if len(data) > 0 {
		b.write(data)
		b.printf("\r\n")
	}
}

func (b *builder) printf(format string, args ...any) {
	if b.err == nil {
		var n int
		n, b.err = fmt.Fprintf(b.w, format, args...)
		b.n += int64(n)
	}
}

func (b *builder) write(p []byte) {
	if b.err == nil {
		var n int
		n, b.err = b.w.Write(p)
		b.n += int64(n)
	}
}
