package chunked

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"

	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

// DefaultMaxChunkSize caps a declared chunk size: 5 GiB, the largest
// object a single PUT (or one multipart part) may carry, so no valid chunk
// is larger. Data is streamed, never held, so the cap guards against
// nonsense sizes (ffffffffffffffff), not memory.
const DefaultMaxChunkSize = 5 << 30

// MinChunkSize is S3's smallest chunk but the last data chunk: smaller
// ones get InvalidChunkSizeError from S3 (sigv4-streaming.html: "at least
// 8 KB"); S3-compatible stores often accept them, so it is only a note.
const MinChunkSize = 8 << 10

// Options say what the request announced about its body. Build them with
// OptionsFromRequest, or set the lengths to -1 when unknown.
type Options struct {
	PayloadHash   string // x-amz-content-sha256: one of the recompute.Streaming* values
	DecodedLength int64  // x-amz-decoded-content-length; -1 when not sent
	ContentLength int64  // Content-Length, the encoded body's length; -1 when not sent
	Trailer       string // x-amz-trailer: the trailing headers declared, comma-separated; "" none
	MaxChunkSize  int64  // 0: DefaultMaxChunkSize
	KeepChunks    int    // chunks whose strings to sign Steps shows (besides the final one); 0: 2
}

// Verify reads an aws-chunked body to its end (or to its first failure)
// and checks, in the order a server meets them: framing, each declared
// chunk size against the cap, x-amz-decoded-content-length and
// Content-Length, each chunk signature in the chain (signed variants),
// then the trailer: its fields against x-amz-trailer, its signature
// (signed trailer variant), its checksums over the decoded payload.
//
// A body that fails a check is not an error: the Report says where and
// why (Report.Failure). Verify returns an error for options it cannot
// work with (not a STREAMING-* payload hash; a signed variant and a nil
// signer) and for errors reading body. signer must be fresh: it is
// advanced through the chain. Memory stays constant whatever the body
// size; bodies that implement io.WriterTo (bytes.Reader) are read without
// a copy, others through one 256 KiB buffer.
func Verify(body io.Reader, signer *recompute.ChunkSigner, opts Options) (*Report, error) {
	streaming, signed := recompute.IsStreaming(opts.PayloadHash)
	if !streaming {
		return nil, ErrNotStreaming
	}
	if signed && signer == nil {
		return nil, recompute.ErrNoSigningKey
	}
	if opts.MaxChunkSize <= 0 {
		opts.MaxChunkSize = DefaultMaxChunkSize
	}
	if opts.KeepChunks <= 0 {
		opts.KeepChunks = 2
	}
	v := &verifier{opts: opts, signer: signer, signed: signed,
		trailer: opts.PayloadHash != recompute.StreamingPayload,
		rep:     &Report{PayloadHash: opts.PayloadHash, Signed: signed}}
	if signed {
		v.sha = sha256.New()
		v.rep.SeedSignature = signer.Seed
		v.step("SeedSignature", "the request's own signature (Authorization Signature=), made over x-amz-content-sha256: "+opts.PayloadHash+"; the first chunk chains from it", signer.Seed)
	}
	for _, name := range splitNames(opts.Trailer) {
		if a, ok := recompute.LookupChecksum(name); ok && strings.EqualFold(name, a.Header) {
			v.sums = append(v.sums, sum{alg: a, h: a.New()})
		}
	}
	d := NewDecoder(v, signed)
	var err error
	if wt, ok := body.(io.WriterTo); ok {
		_, err = wt.WriteTo(d)
	} else {
		_, err = d.ReadFrom(body)
	}
	if err == nil {
		err = d.Close()
	}
	v.rep.EncodedBytes = d.Offset()
	if v.verified {
		v.rep.LastSignature = string(v.last[:])
	}
	var se *SyntaxError
	switch {
	case v.rep.Failure != nil:
		err = nil
	case errors.As(err, &se):
		check := CheckFraming
		switch {
		case errors.Is(err, ErrTruncated):
			check = CheckTruncated
		case errors.Is(err, ErrChunkTooLarge):
			check = CheckChunkSize
		}
		v.fail(&Failure{Chunk: se.Chunk, Offset: se.Offset, Check: check, Reason: se.Reason})
		err = nil
	}
	v.rep.steps = append(v.rep.steps, recompute.Step{Name: "Chunks", Rule: "chunks read (the final zero-size one included), payload bytes, encoded bytes", Value: v.rep.totals()})
	return v.rep, err
}

// errStop ends decoding after a recorded failure.
var errStop = errors.New("stopped at the first failure")

type sum struct {
	alg *recompute.ChecksumAlgorithm
	h   hash.Hash
}

type verifier struct {
	opts            Options
	signer          *recompute.ChunkSigner
	signed, trailer bool
	sha             hash.Hash
	digest          [32]byte
	found           [64]byte // the chunk signature sent
	foundLen        int
	sums            []sum
	smallChunk      int      // the number of the last data chunk under MinChunkSize, or 0
	last            [64]byte // the last chunk signature verified
	verified        bool
	trailerSigAt    int64
	rep             *Report
}

func (v *verifier) fail(f *Failure) error {
	if f.Cause == "" {
		f.Cause = causeOf[f.Check]
	}
	v.rep.Failure = f
	return errStop
}

func (v *verifier) Header(h *Header) error {
	r := v.rep
	r.Chunks = h.Number
	o := &v.opts
	if o.ContentLength >= 0 && h.Offset >= o.ContentLength {
		return v.fail(&Failure{Chunk: h.Number, Offset: h.Offset, Check: CheckContentLength,
			Expected: "the body to end by byte " + itoa(o.ContentLength), Found: "chunk " + itoa(int64(h.Number)) + " starts at byte " + itoa(h.Offset),
			Reason: "Content-Length " + itoa(o.ContentLength) + " ends the body before this chunk: the server stops reading there and finds the body truncated"})
	}
	if h.Size > o.MaxChunkSize {
		return v.fail(&Failure{Chunk: h.Number, Offset: h.Offset, Check: CheckChunkSize,
			Expected: "at most " + itoa(o.MaxChunkSize) + " bytes", Found: string(clip(h.Line)),
			Reason: "declared chunk size " + itoa(h.Size) + " is larger than any object S3 accepts in one request"})
	}
	if o.DecodedLength >= 0 && (r.DecodedBytes+h.Size > o.DecodedLength || h.Size == 0 && r.DecodedBytes != o.DecodedLength) {
		return v.fail(&Failure{Chunk: h.Number, Offset: h.Offset, Check: CheckDecodedLength,
			Expected: itoa(o.DecodedLength) + " payload bytes (x-amz-decoded-content-length)", Found: itoa(r.DecodedBytes+h.Size) + " through chunk " + itoa(int64(h.Number)),
			Reason: "the chunk sizes do not add up to x-amz-decoded-content-length"})
	}
	if h.Size > 0 && v.smallChunk > 0 && len(r.Notes) == 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("chunk %d holds fewer than %d bytes and is not the last: S3 answers InvalidChunkSizeError (S3-compatible stores may accept it)", v.smallChunk, MinChunkSize))
	}
	if h.Size > 0 && h.Size < MinChunkSize {
		v.smallChunk = h.Number
	}
	if v.signed {
		v.foundLen = copy(v.found[:], h.Signature)
		if len(h.Signature) != 64 {
			v.foundLen = -1 // never equal
		}
		v.sha.Reset()
	}
	return nil
}

func (v *verifier) Data(p []byte) {
	if v.signed {
		v.sha.Write(p)
	}
	for i := range v.sums {
		v.sums[i].h.Write(p)
	}
}

func (v *verifier) ChunkEnd(h *Header) error {
	v.rep.DecodedBytes += h.Size
	if !v.signed {
		return nil
	}
	v.sha.Sum(v.digest[:0])
	want := v.signer.SignChunk(&v.digest)
	keep := h.Number <= v.opts.KeepChunks || h.Size == 0
	if keep {
		n := " #" + itoa(int64(h.Number))
		v.step("ChunkStringToSign"+n, "AWS4-HMAC-SHA256-PAYLOAD, request date-time, scope, previous signature, SHA-256 of the empty string, SHA-256 of the chunk's "+itoa(h.Size)+" data bytes, joined with LF", v.signer.StringToSign())
		v.step("ChunkSignature"+n, "lower-case hex of HMAC-SHA256(kSigning, the chunk's string to sign), sent as "+itoa(h.Size)+" in hex + \";chunk-signature=…\"", string(want[:]))
	}
	if v.foundLen == 64 && bytes.Equal(v.found[:], want[:]) {
		v.last, v.verified = want, true // a string per chunk would be an allocation per chunk
		return nil
	}
	found := string(h.Signature)
	reason := "the chunk signature does not follow from the previous signature and the chunk's data"
	switch {
	case v.foundLen != 64:
		reason = "the chunk-signature is not 64 hex digits"
	case strings.EqualFold(found, string(want[:])):
		reason = "the chunk-signature is upper-case hex; SigV4 signatures are lower case"
	case h.Number == 1:
		reason = "the first chunk's signature does not follow from the seed signature and its data (another key, seed or data)"
	}
	if !keep { // the failing chunk's string to sign is always shown
		v.step("ChunkStringToSign #"+itoa(int64(h.Number)), "the failing chunk's string to sign", v.signer.StringToSign())
	}
	return v.fail(&Failure{Chunk: h.Number, Offset: h.Offset, Check: CheckChunkSignature, Expected: string(want[:]), Found: found, Reason: reason})
}

func (v *verifier) TrailerField(name, value []byte, off int64) error {
	n := string(bytes.TrimSpace(name))
	if !v.trailer {
		return v.fail(&Failure{Chunk: v.rep.Chunks, Offset: off, Check: CheckTrailer, Found: string(clip(name)),
			Reason: "trailing header after the final chunk, but " + recompute.StreamingPayload + " announces no trailer"})
	}
	if strings.EqualFold(n, recompute.TrailerSignatureName) {
		if !v.signed || v.trailerSigAt > 0 {
			return v.fail(&Failure{Chunk: v.rep.Chunks, Offset: off, Check: CheckTrailer, Found: n,
				Reason: "x-amz-trailer-signature is only sent once, and only with " + recompute.StreamingPayloadTrailer})
		}
		v.rep.TrailerSignature, v.trailerSigAt = string(bytes.TrimSpace(value)), off
		return nil
	}
	v.rep.Trailer = append(v.rep.Trailer, request.Field{Name: n, Value: string(value)})
	return nil
}

func (v *verifier) End(off int64) error {
	if v.trailer {
		if err := v.checkTrailer(off); err != nil {
			return err
		}
	}
	if cl := v.opts.ContentLength; cl >= 0 && off != cl {
		return v.fail(&Failure{Chunk: v.rep.Chunks, Offset: min(off, cl), Check: CheckContentLength,
			Expected: itoa(cl) + " bytes (Content-Length)", Found: itoa(off) + " bytes of aws-chunked body",
			Reason: "Content-Length must count the whole encoded body: chunk headers, data, CR LFs and trailer"})
	}
	return nil
}

// checkTrailer checks the trailing headers against x-amz-trailer, then
// their signature, then the checksums.
func (v *verifier) checkTrailer(end int64) error {
	r := v.rep
	fail := func(check, expected, found, reason string) error {
		return v.fail(&Failure{Chunk: r.Chunks, Offset: end - 2, Check: check, Expected: expected, Found: found, Reason: reason})
	}
	declared := splitNames(v.opts.Trailer)
	for _, name := range declared {
		if !hasField(r.Trailer, name) {
			return fail(CheckTrailer, name, "no such trailing header", "x-amz-trailer declares "+name+" but the trailer does not carry it (S3: MalformedTrailerError)")
		}
	}
	for _, f := range r.Trailer {
		if !containsFold(declared, f.Name) {
			return fail(CheckTrailer, "only the trailing headers x-amz-trailer declares ("+v.opts.Trailer+")", f.Name, "trailing header not declared in x-amz-trailer (S3: MalformedTrailerError)")
		}
	}
	if v.signed {
		canonical := recompute.CanonicalTrailer(r.Trailer)
		want := v.signer.SignTrailer(canonical)
		v.step("CanonicalTrailer", "each trailing header as lower-case name:trimmed value LF, sorted by name, x-amz-trailer-signature left out", canonical)
		v.step("TrailerStringToSign", "AWS4-HMAC-SHA256-TRAILER, request date-time, scope, the final chunk's signature, SHA-256 of the canonical trailer, joined with LF", v.signer.StringToSign())
		v.step("TrailerSignature", "lower-case hex of HMAC-SHA256(kSigning, the trailer's string to sign), sent as x-amz-trailer-signature", string(want[:]))
		if v.trailerSigAt == 0 {
			return fail(CheckTrailerSignature, string(want[:]), "no x-amz-trailer-signature line", "a "+recompute.StreamingPayloadTrailer+" body ends with x-amz-trailer-signature")
		}
		if r.TrailerSignature != string(want[:]) {
			return v.fail(&Failure{Chunk: r.Chunks, Offset: v.trailerSigAt, Check: CheckTrailerSignature, Expected: string(want[:]), Found: r.TrailerSignature,
				Reason: "the trailer signature does not follow from the final chunk's signature and the canonical trailer"})
		}
	}
	for _, f := range r.Trailer {
		name := strings.ToLower(f.Name)
		if _, ok := recompute.LookupChecksum(name); !ok && strings.HasPrefix(name, recompute.ChecksumHeaderPrefix) {
			return fail(CheckChecksum, "one of S3's checksums (crc32, crc32c, crc64nvme, sha1, sha256)", f.Name, "unknown checksum algorithm")
		}
	}
	for _, s := range v.sums {
		sent, _ := fieldValue(r.Trailer, s.alg.Header)
		got := recompute.ChecksumValue(s.h)
		r.Checksums = append(r.Checksums, ChecksumCheck{Header: s.alg.Header, Sent: sent, Computed: got})
		v.step(s.alg.Header, "base64 of the big-endian "+s.alg.Name+" of the decoded payload", got)
		if sent != got {
			return fail(CheckChecksum, got, sent, s.alg.Name+" of the "+itoa(r.DecodedBytes)+" payload bytes differs from the trailer's")
		}
	}
	return nil
}

func (v *verifier) step(name, rule, value string) {
	v.rep.steps = append(v.rep.steps, recompute.Step{Name: name, Rule: rule, Value: value})
}

func splitNames(list string) []string {
	var names []string
	for _, n := range strings.Split(list, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, strings.ToLower(n))
		}
	}
	return names
}

func hasField(fs []request.Field, name string) bool {
	_, ok := fieldValue(fs, name)
	return ok
}

func fieldValue(fs []request.Field, name string) (string, bool) {
	for _, f := range fs {
		if strings.EqualFold(f.Name, name) {
			return strings.TrimSpace(f.Value), true
		}
	}
	return "", false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
