package chunked

import (
	"fmt"

	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

// The checks Verify makes, as Failure.Check names them.
const (
	CheckFraming          = "framing"           // a line is not a chunk header or trailer line, or data is not followed by CR LF
	CheckTruncated        = "truncated"         // the body ends inside a chunk or before the final one
	CheckChunkSize        = "chunk-size"        // a declared size beyond Options.MaxChunkSize
	CheckDecodedLength    = "decoded-length"    // chunk sizes vs x-amz-decoded-content-length
	CheckContentLength    = "content-length"    // encoded length vs Content-Length
	CheckChunkSignature   = "chunk-signature"   // a chunk signature off the chain
	CheckTrailer          = "trailer"           // trailing headers vs the variant and x-amz-trailer
	CheckTrailerSignature = "trailer-signature" // x-amz-trailer-signature
	CheckChecksum         = "checksum"          // an x-amz-checksum-* trailer vs the decoded payload
)

// causeOf maps each check to its cause id in CAUSES.md.
var causeOf = map[string]string{
	CheckFraming:          "chunk-length",
	CheckTruncated:        "chunk-length",
	CheckChunkSize:        "chunk-length",
	CheckDecodedLength:    "chunk-length",
	CheckContentLength:    "chunk-length",
	CheckChunkSignature:   "chunk-signature-chain",
	CheckTrailerSignature: "chunk-signature-chain",
	CheckTrailer:          "checksum-trailer",
	CheckChecksum:         "checksum-trailer",
}

// Failure is the first check an aws-chunked body fails.
type Failure struct {
	Chunk    int    // 1-based number of the chunk (the trailer counts as the final chunk's)
	Offset   int64  // byte offset in the encoded body of the chunk header, line or byte at fault
	Check    string // Check* constant
	Cause    string // cause id (CAUSES.md): chunk-signature-chain, chunk-length or checksum-trailer
	Expected string // what a correct body has there ("" when nothing specific)
	Found    string // what this body has
	Reason   string // one lower-case line
}

func (f *Failure) Error() string {
	return fmt.Sprintf("aws-chunked body: byte %d: chunk %d: %s: %s", f.Offset, f.Chunk, f.Check, f.Reason)
}

// ChecksumCheck is one trailing checksum, sent and recomputed.
type ChecksumCheck struct {
	Header   string // x-amz-checksum-crc32c, …
	Sent     string
	Computed string
}

// Report is what Verify found, up to the first failure.
type Report struct {
	PayloadHash      string          // the STREAMING-* variant
	Signed           bool            // chunk signatures present
	Chunks           int             // chunk headers read, the final zero-size one included
	DecodedBytes     int64           // payload bytes in the chunks read
	EncodedBytes     int64           // body bytes read
	SeedSignature    string          // the chain's start (signed variants)
	LastSignature    string          // the last chunk signature that verified
	Trailer          []request.Field // trailing headers as sent, x-amz-trailer-signature left out
	TrailerSignature string          // x-amz-trailer-signature as sent
	Checksums        []ChecksumCheck // the declared checksums, when the trailer was reached
	Failure          *Failure        // nil when every check passed
	Notes            []string        // what S3 would refuse but other servers may accept

	steps []recompute.Step
}

// OK reports whether every check passed.
func (r *Report) OK() bool { return r.Failure == nil }

// Steps returns the chain as explain shows it: the seed, the first
// Options.KeepChunks chunks' strings to sign and signatures, the failing
// chunk's, the final chunk's, the trailer's, the checksums and the totals.
// None is secret: the signing key is not among them.
func (r *Report) Steps() []recompute.Step { return r.steps }

func (r *Report) totals() string {
	return fmt.Sprintf("%d chunks, %d payload bytes, %d encoded bytes", r.Chunks, r.DecodedBytes, r.EncodedBytes)
}
