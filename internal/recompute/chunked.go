package recompute

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/sigdiff/sigdiff/internal/request"
)

// aws-chunked uploads ("Transferring payload in multiple chunks"): the
// request is signed as usual with x-amz-content-sha256 set to one of the
// STREAMING-* literals below; that signature is the seed. Each chunk then
// carries its own signature, chained through the previous one:
//
//	ChunkStringToSign = "AWS4-HMAC-SHA256-PAYLOAD" LF RequestDateTime LF CredentialScope LF
//	                    PreviousSignature LF Hex(SHA256("")) LF Hex(SHA256(ChunkData))
//	ChunkSignature    = Hex(HMAC-SHA256(kSigning, ChunkStringToSign))
//
// The first chunk's previous signature is the seed, and the final chunk
// (size 0, data empty) is signed like any other. With trailing headers the
// final chunk's signature is the previous signature of the trailer's:
//
//	TrailerStringToSign = "AWS4-HMAC-SHA256-TRAILER" LF RequestDateTime LF CredentialScope LF
//	                      PreviousSignature LF Hex(SHA256(CanonicalTrailer))
//
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
//
// Quirks: the fifth line of a chunk's string to sign is always the hash of
// the empty string (a slot for chunk headers that no client fills); the
// time and scope are the seed request's, however long the upload takes; the
// key is the request's kSigning, so a chunk signature proves nothing the
// seed did not, except that the bytes were not changed or reordered.
// internal/chunked reads and writes the framing around these signatures.

// The x-amz-content-sha256 values that announce an aws-chunked body. The
// ECDSA (SigV4A) streaming variants are not listed: their chunk signatures
// are not deterministic and cannot be recomputed, only verified with the
// public key, which sigdiff does not do.
const (
	// StreamingPayload: signed chunks, no trailer.
	StreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	// StreamingPayloadTrailer: signed chunks, then trailing headers and
	// their signature.
	StreamingPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	// StreamingUnsignedPayloadTrailer: plain chunks (no chunk-signature),
	// then trailing headers without a signature; the SDKs' default for
	// uploads over HTTPS since the 2025 "flexible checksums" change.
	StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// The first lines of the chunk and trailer strings to sign.
const (
	ChunkAlgorithm   = "AWS4-HMAC-SHA256-PAYLOAD"
	TrailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER"
)

// ErrNoSigningKey: chunk signatures need the signing key, so the run that
// produced the seed must have had the secret key.
var ErrNoSigningKey = errors.New("no signing key: chunk signatures can only be recomputed with the secret key")

// IsStreaming reports whether payloadHash is one of the STREAMING-* values
// this package recomputes, and whether its chunks are signed.
func IsStreaming(payloadHash string) (streaming, signed bool) {
	switch payloadHash {
	case StreamingPayload, StreamingPayloadTrailer:
		return true, true
	case StreamingUnsignedPayloadTrailer:
		return true, false
	}
	return false, false
}

// ChunkStringToSign builds a chunk's string to sign from hex hashes.
func ChunkStringToSign(amzDate, scope, previousSignature, chunkHash string) string {
	return ChunkAlgorithm + "\n" + amzDate + "\n" + scope + "\n" + previousSignature + "\n" + EmptySHA256 + "\n" + chunkHash
}

// TrailerStringToSign builds the trailer's string to sign; canonicalTrailerHash
// is the hex SHA-256 of CanonicalTrailer.
func TrailerStringToSign(amzDate, scope, previousSignature, canonicalTrailerHash string) string {
	return TrailerAlgorithm + "\n" + amzDate + "\n" + scope + "\n" + previousSignature + "\n" + canonicalTrailerHash
}

// CanonicalTrailer renders trailing headers as they are signed: each
// "name:value\n" with the name lower-cased and the value trimmed, sorted by
// name, x-amz-trailer-signature left out. On the wire each line ends in
// CR LF; the signed form ends each in LF, like the canonical headers.
// aws-c-auth and the Kotlin SDK sort the names; the S3 example has a single
// header, so the order is only seen with several (aws-c-auth's test).
func CanonicalTrailer(fields []request.Field) string {
	lines := make([]string, 0, len(fields))
	for _, f := range fields {
		name := strings.ToLower(strings.TrimSpace(f.Name))
		if name == TrailerSignatureName {
			continue
		}
		lines = append(lines, name+":"+strings.TrimSpace(f.Value)+"\n")
	}
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		return a[:strings.IndexByte(a, ':')] < b[:strings.IndexByte(b, ':')]
	})
	return strings.Join(lines, "")
}

// TrailerSignatureName is the trailing header that carries the trailer's
// signature (signed variant only).
const TrailerSignatureName = "x-amz-trailer-signature"

// ChunkSigner computes the chain of chunk signatures of one aws-chunked
// body, then the trailer's. Each call advances the chain, so a signer
// serves one body, in order; it is not safe for concurrent use. It holds
// the signing key (a credential for its day, region and service) in an
// unexported field and never prints it.
//
// Signing a chunk allocates nothing: the string to sign is built once and
// only its previous-signature and chunk-hash lines are rewritten.
type ChunkSigner struct {
	AmzDate string // RequestDateTime of the seed request
	Scope   string // its CredentialScope
	Seed    string // the seed signature: the first chunk's previous signature

	key      [32]byte
	chunk    []byte   // 64 bytes of HMAC scratch, then the chunk string to sign
	trailer  []byte   // the same for the trailer
	prevAt   int      // offset of the previous signature in chunk
	hashAt   int      // offset of the chunk hash in chunk
	head     [64]byte // the last chunk signature, once advanced
	advanced bool
	last     []byte // the last string to sign built (chunk or trailer), behind its scratch
}

// NewChunkSigner starts a chain from the seed signature with the request's
// signing key (kSigning), date-time and scope.
func NewChunkSigner(signingKey []byte, amzDate, scope, seedSignature string) (*ChunkSigner, error) {
	switch {
	case len(signingKey) != 32:
		return nil, ErrNoSigningKey
	case len(amzDate) != 16:
		return nil, &AuthError{Field: "seed x-amz-date", Offset: -1, Reason: "not a yyyymmddThhmmssZ date-time: " + strconv.Quote(truncate(amzDate, 40))}
	case !isLowerHex64(seedSignature):
		return nil, &AuthError{Field: "seed signature", Offset: -1, Reason: "not 64 lower-case hex digits: " + strconv.Quote(truncate(seedSignature, 80))}
	}
	s := &ChunkSigner{AmzDate: amzDate, Scope: scope, Seed: seedSignature}
	copy(s.key[:], signingKey)
	head := func(alg string) []byte {
		b := make([]byte, 64, 64+len(alg)+len(amzDate)+len(scope)+3+64+1+64+1+64)
		b = append(b, alg...)
		b = append(b, '\n')
		b = append(b, amzDate...)
		b = append(b, '\n')
		b = append(b, scope...)
		return append(b, '\n')
	}
	s.chunk = head(ChunkAlgorithm)
	s.prevAt = len(s.chunk)
	s.chunk = append(s.chunk, seedSignature...)
	s.chunk = append(append(s.chunk, '\n'), EmptySHA256...)
	s.chunk = append(s.chunk, '\n')
	s.hashAt = len(s.chunk)
	s.chunk = append(s.chunk, EmptySHA256...)
	s.trailer = head(TrailerAlgorithm)
	s.trailer = append(s.trailer, make([]byte, 64+1+64)...)
	s.trailer[len(s.trailer)-65] = '\n'
	return s, nil
}

// ChunkSigner starts a chain from this run's signing key, date-time and
// scope. seedSignature is the signature the chain starts from: pass the
// one the request carries, so that the chunks are checked against what
// the client chained from even when the seed itself differs; "" uses the
// recomputed Signature.
func (v *V4) ChunkSigner(seedSignature string) (*ChunkSigner, error) {
	if v.KSigning == nil {
		return nil, ErrNoSigningKey
	}
	if seedSignature == "" {
		seedSignature = v.Signature
	}
	return NewChunkSigner(v.KSigning, v.AmzDate, v.Scope, seedSignature)
}

// Format prints the signer's public fields and chain head, never its key
// (nor the HMAC scratch space in front of its strings to sign, which holds
// the key XOR ipad): fmt would print unexported fields for %v and %#v.
func (s ChunkSigner) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "ChunkSigner{AmzDate:%s Scope:%s Seed:%s Previous:%s}", s.AmzDate, s.Scope, s.Seed, s.Previous())
}

// Previous returns the signature the next chunk (or the trailer) chains
// from: the seed, then the last chunk signature.
func (s *ChunkSigner) Previous() string {
	if s.advanced {
		return string(s.head[:])
	}
	return s.Seed
}

// SignChunk returns the hex signature of the chunk whose data hashes to
// chunkSHA256 and makes it the previous signature of the next.
func (s *ChunkSigner) SignChunk(chunkSHA256 *[32]byte) [64]byte {
	if s.advanced {
		copy(s.chunk[s.prevAt:], s.head[:])
	}
	hex.Encode(s.chunk[s.hashAt:], chunkSHA256[:])
	mac := hmacPrefixed(&s.key, s.chunk)
	// The new head goes into the string to sign only at the next call, so
	// that StringToSign still shows what this signature was made from.
	hex.Encode(s.head[:], mac[:])
	s.advanced = true
	s.last = s.chunk
	return s.head
}

// SignTrailer returns the hex signature of the trailing headers whose
// canonical form (CanonicalTrailer) is canonicalTrailer, chained from the
// last chunk signature. It does not advance the chain.
func (s *ChunkSigner) SignTrailer(canonicalTrailer string) (sig [64]byte) {
	n := len(s.trailer)
	copy(s.trailer[n-129:], s.Previous())
	sum := sha256.Sum256([]byte(canonicalTrailer))
	hex.Encode(s.trailer[n-64:], sum[:])
	mac := hmacPrefixed(&s.key, s.trailer)
	hex.Encode(sig[:], mac[:])
	s.last = s.trailer
	return sig
}

// StringToSign returns the string to sign of the last SignChunk or
// SignTrailer call ("" before the first). It allocates: explain shows a
// few, verification needs none.
func (s *ChunkSigner) StringToSign() string {
	if s.last == nil {
		return ""
	}
	return string(s.last[64:])
}

func isLowerHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
