// Package chunked reads and writes aws-chunked bodies, the framing of S3's
// streaming uploads, in constant memory, and verifies their chunk
// signatures, lengths, trailing checksum and trailer signature.
//
// Grammar (Content-Encoding: aws-chunked; x-amz-content-sha256: STREAMING-…):
//
//	body        = *chunk final-chunk trailer CRLF
//	chunk       = chunk-size [ ";chunk-signature=" 64HEXDIG ] CRLF chunk-data CRLF
//	final-chunk = "0" [ ";chunk-signature=" 64HEXDIG ] CRLF
//	trailer     = *( field-name ":" field-value CRLF )
//	chunk-size  = 1*16HEXDIG     ; hexadecimal, no "0x", any width ("10000" = 64 KiB)
//
// The signed variants (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) carry
// the chunk-signature extension on every chunk header, the unsigned one
// (STREAMING-UNSIGNED-PAYLOAD-TRAILER) on none. Without a trailer the final
// chunk's header is followed by the CR LF that ends its empty data, which
// this grammar reads as an empty trailer.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
//
// Unlike HTTP/1.1 chunked coding (RFC 9112 §7.1), which it copies, the
// chunk sizes count only data, S3 requires every chunk but the last to
// hold at least 8 KiB, and the body's own length is announced up front in
// x-amz-decoded-content-length.
//
// Quirks met in the wild, and what this package does with them:
//   - Content-Length counts the encoded body (headers, data, CR LFs,
//     trailer), x-amz-decoded-content-length the payload; the trailer
//     example of sigv4-streaming-trailers.html does not sign Content-Length,
//     the non-trailer one does. Both are checked when given.
//   - The trailer variants may send no trailing header at all when the
//     request declares none in x-amz-trailer (S3 accepts it; versitygw
//     issue 1632); a trailing header that x-amz-trailer does not declare,
//     or one declared and missing, is S3's MalformedTrailerError.
//   - Only the signed trailer variant ends with x-amz-trailer-signature;
//     servers that demand it of STREAMING-UNSIGNED-PAYLOAD-TRAILER reject
//     every SDK upload (s3-orchestrator issue 1536).
//   - Chunk sizes are hex of any width; upper-case digits and leading
//     zeros are read, "0x" and signs are not. Line ends must be CR LF: a
//     body whose line ends were converted to LF says so.
//   - Signatures are lower-case hex; upper case is reported as such.
package chunked

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Caps on what one body may make the decoder hold; data itself is never held.
const (
	MaxLineLength    = 4 << 10 // a chunk header or trailer line, CR LF included; a signed header is under 100 bytes
	MaxTrailerFields = 64      // trailing header lines, x-amz-trailer-signature included
	readBufferSize   = 256 << 10
)

// Sentinel errors a SyntaxError wraps.
var (
	ErrTruncated = errors.New("body ends early")
	ErrFraming   = errors.New("malformed aws-chunked framing")
	// ErrChunkTooLarge: a chunk size that does not fit in 63 bits
	// (ffffffffffffffff, or more than 16 digits).
	ErrChunkTooLarge = errors.New("chunk size too large")
)

// SyntaxError reports malformed framing: where (byte offset in the encoded
// body, and the 1-based number of the chunk being read) and what.
type SyntaxError struct {
	Offset int64
	Chunk  int    // 1-based; the trailer belongs to the final chunk
	Reason string // lower case, no final period
	Err    error  // ErrTruncated, ErrFraming or ErrChunkTooLarge
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("aws-chunked body: byte %d: chunk %d: %s", e.Offset, e.Chunk, e.Reason)
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// Header is one chunk header as read. Signature (and Line) alias the
// decoder's memory: they are valid only during the Handler call.
type Header struct {
	Number     int   // 1-based
	Offset     int64 // of the header line in the encoded body
	DataOffset int64 // of the chunk's first data byte
	Size       int64 // declared data bytes
	Signature  []byte
	Line       []byte // the header line without its CR LF
}

// Handler receives a body's parts in order. A non-nil error stops the
// decoder and is returned unchanged by Write, ReadFrom and Close.
type Handler interface {
	// Header is called for each chunk header, before its data.
	Header(h *Header) error
	// Data is called with the chunk's data, in pieces of any size.
	Data(p []byte)
	// ChunkEnd is called after the data and its CR LF; for the final
	// chunk, right after Header.
	ChunkEnd(h *Header) error
	// TrailerField is called for each trailing header line, name and
	// value as sent (valid during the call only).
	TrailerField(name, value []byte, offset int64) error
	// End is called after the blank line that ends the body.
	End(offset int64) error
}

type state uint8

const (
	stHeader state = iota
	stData
	stDataEnd // the CR LF after the data
	stTrailer
	stDone
)

// Decoder parses aws-chunked framing pushed into it (it is an io.Writer
// and an io.ReaderFrom) and calls its Handler. It holds at most one line
// (MaxLineLength) and, in ReadFrom, one read buffer: memory does not grow
// with the body or the declared chunk sizes.
type Decoder struct {
	h      Handler
	signed bool
	st     state
	off    int64 // bytes consumed
	left   int64 // data bytes left in the current chunk, or CR LF bytes left
	num    int   // the number of the chunk being read
	line   []byte
	hdr    Header
	fields int
	err    error
}

// NewDecoder returns a decoder for a signed (chunk-signature on every
// header) or unsigned body.
func NewDecoder(h Handler, signed bool) *Decoder {
	return &Decoder{h: h, signed: signed, num: 1, line: make([]byte, 0, 128)}
}

// Offset returns the number of bytes consumed.
func (d *Decoder) Offset() int64 { return d.off }

// Write consumes p. It returns the first error (framing or the Handler's);
// once failed it consumes nothing more.
func (d *Decoder) Write(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n := 0
	for n < len(p) && d.err == nil {
		var k int
		switch d.st {
		case stHeader, stTrailer:
			k = d.lineBytes(p[n:])
		case stData:
			k = int(min(d.left, int64(len(p)-n)))
			d.h.Data(p[n : n+k])
			d.left -= int64(k)
			if d.left == 0 {
				d.st, d.left = stDataEnd, 2
			}
		case stDataEnd:
			k = d.dataEnd(p[n:])
		case stDone:
			d.err = d.errf(ErrFraming, "bytes after the end of the body (the blank line after the final chunk)")
		}
		n += k
		d.off += int64(k)
	}
	return n, d.err
}

// ReadFrom reads r to its end through one buffer of 256 KiB. Readers that
// can write themselves out (bytes.Reader, strings.Reader) are better given
// to io.Copy with the decoder as destination: they hand over their bytes
// without a copy.
func (d *Decoder) ReadFrom(r io.Reader) (int64, error) {
	buf := make([]byte, readBufferSize)
	var total int64
	for {
		n, err := r.Read(buf)
		total += int64(n)
		if _, werr := d.Write(buf[:n]); werr != nil {
			return total, werr
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// Close reports a body that ended early; call it at the end of input.
func (d *Decoder) Close() error {
	if d.err != nil || d.st == stDone {
		return d.err
	}
	switch d.st {
	case stHeader:
		if len(d.line) > 0 {
			d.err = d.errf(ErrTruncated, "body ends inside a chunk header line")
		} else {
			d.err = d.errf(ErrTruncated, "body ends before the final (zero-size) chunk")
		}
	case stData:
		d.err = d.errf(ErrTruncated, "body ends after %d of the chunk's %d data bytes", d.hdr.Size-d.left, d.hdr.Size)
	case stDataEnd:
		d.err = d.errf(ErrTruncated, "body ends before the CR LF after the chunk's data")
	case stTrailer:
		d.err = d.errf(ErrTruncated, "body ends before the blank line that closes the trailer")
	}
	return d.err
}

func (d *Decoder) errf(sentinel error, format string, args ...any) error {
	return d.errAt(d.off, sentinel, format, args...)
}

func (d *Decoder) errAt(off int64, sentinel error, format string, args ...any) error {
	return &SyntaxError{Offset: off, Chunk: d.num, Reason: fmt.Sprintf(format, args...), Err: sentinel}
}

// lineBytes consumes up to one line end from p (which starts at d.off),
// handling a line whole when it lies in p (no copy) and gathering it in
// d.line otherwise.
func (d *Decoder) lineBytes(p []byte) int {
	start := d.off - int64(len(d.line))
	i := bytes.IndexByte(p, '\n')
	if i < 0 {
		if len(d.line)+len(p) >= MaxLineLength {
			d.err = d.errAt(start, ErrFraming, "line longer than %d bytes", MaxLineLength)
			return 0
		}
		d.line = append(d.line, p...)
		return len(p)
	}
	line := p[:i+1]
	if len(d.line)+len(line) > MaxLineLength {
		d.err = d.errAt(start, ErrFraming, "line longer than %d bytes", MaxLineLength)
		return 0
	}
	if len(d.line) > 0 {
		d.line = append(d.line, line...)
		line = d.line
	}
	switch {
	case len(line) < 2 || line[len(line)-2] != '\r':
		d.err = d.errAt(start, ErrFraming, "line %q ends in LF without CR (were line ends converted?)", clip(line))
	case d.st == stHeader:
		d.header(line[:len(line)-2], start)
	default:
		d.trailerLine(line[:len(line)-2], start)
	}
	d.line = d.line[:0]
	if d.err != nil {
		return 0
	}
	return i + 1
}

func (d *Decoder) header(line []byte, off int64) {
	d.hdr = Header{Number: d.num, Offset: off, DataOffset: off + int64(len(line)) + 2, Line: line}
	h := &d.hdr
	sizeText, ext, hasExt := bytes.Cut(line, []byte{';'})
	size, err := parseSize(sizeText)
	if err != nil {
		sentinel := ErrFraming
		if errors.Is(err, ErrChunkTooLarge) {
			sentinel = ErrChunkTooLarge
		}
		d.err = d.errAt(off, sentinel, "chunk size %q: %v", clip(sizeText), err)
		return
	}
	h.Size = size
	for hasExt {
		var e []byte
		e, ext, hasExt = bytes.Cut(ext, []byte{';'})
		if v, ok := bytes.CutPrefix(e, []byte("chunk-signature=")); ok {
			h.Signature = v
		}
	}
	if d.signed && h.Signature == nil {
		d.err = d.errAt(off, ErrFraming, "chunk header %q has no chunk-signature, which a signed body needs", clip(line))
		return
	}
	if d.err = d.h.Header(h); d.err != nil {
		return
	}
	if size > 0 {
		d.st, d.left = stData, size
		return
	}
	if d.err = d.h.ChunkEnd(h); d.err == nil {
		d.st = stTrailer
	}
}

func (d *Decoder) trailerLine(line []byte, off int64) {
	if len(line) == 0 {
		d.st = stDone
		d.err = d.h.End(off + 2)
		return
	}
	if d.fields++; d.fields > MaxTrailerFields {
		d.err = d.errAt(off, ErrFraming, "more than %d trailing header lines", MaxTrailerFields)
		return
	}
	name, value, ok := bytes.Cut(line, []byte{':'})
	if !ok || len(bytes.TrimSpace(name)) == 0 {
		d.err = d.errAt(off, ErrFraming, "trailer line %q is not name:value", clip(line))
		return
	}
	d.err = d.h.TrailerField(name, value, off)
}

func (d *Decoder) dataEnd(p []byte) int {
	k := 0
	for k < len(p) && d.left > 0 {
		want := byte('\r')
		if d.left == 1 {
			want = '\n'
		}
		if p[k] != want {
			d.err = d.errAt(d.off+int64(k), ErrFraming, "no CR LF after the chunk's %d data bytes: found %q (the size is wrong, or the data longer than declared)", d.hdr.Size, p[k:k+1])
			return k
		}
		k++
		d.left--
	}
	if d.left == 0 {
		if d.err = d.h.ChunkEnd(&d.hdr); d.err == nil {
			d.st = stHeader
			d.num++
		}
	}
	return k
}

// parseSize reads 1 to 16 hex digits, the width of an int64 chunk size.
// It is written out rather than strconv.ParseUint to take no allocation
// and no "0x" or sign.
func parseSize(b []byte) (int64, error) {
	switch {
	case len(b) == 0:
		return 0, errors.New("empty")
	case len(b) > 16:
		return 0, fmt.Errorf("more than 16 hex digits: %w", ErrChunkTooLarge)
	}
	var u uint64
	for _, c := range b {
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			return 0, errors.New("not a hexadecimal number")
		}
		u = u<<4 | uint64(v)
	}
	if u > 1<<63-1 {
		return 0, fmt.Errorf("larger than 2^63-1: %w", ErrChunkTooLarge)
	}
	return int64(u), nil
}

// clip shortens bytes quoted in an error.
func clip(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}
