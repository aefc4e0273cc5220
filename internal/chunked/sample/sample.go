// Package sample writes signed aws-chunked uploads for tests, fixtures and
// timing: a raw HTTP request head, signed like the S3 documentation's
// chunked-upload example (its published example key, us-east-1,
// 20130524T000000Z), and its aws-chunked body, streamed in constant memory.
// The key is AWS's documentation key and grants access to nothing.
package sample

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/sigdiff/sigdiff/internal/chunked"
	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

// The S3 documentation's example credentials and signing time.
const (
	AccessKeyID     = "AKIAIOSFODNN7EXAMPLE"
	SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	Region          = "us-east-1"
	AmzDate         = "20130524T000000Z"
)

// Spec describes one upload.
type Spec struct {
	PayloadHash string // the STREAMING-* variant; "": recompute.StreamingPayload
	Checksum    string // trailing checksum (crc32, crc32c, crc64nvme, sha1, sha256) of the trailer variants
	Size        int64  // payload bytes
	ChunkSize   int    // 0: 64 KiB
	// AnnouncedLength, when not 0, replaces x-amz-decoded-content-length in
	// the signed head (a fixture whose head disagrees with its body).
	AnnouncedLength int64
}

// Write writes the request head (request line, signed headers,
// Authorization, blank line; CR LF line ends) to head and the body to
// body. The payload is Payload(s.Size).
func Write(head, body io.Writer, s Spec) error {
	o := chunked.BuildOptions{PayloadHash: s.PayloadHash, ChunkSize: s.ChunkSize, Checksum: s.Checksum}
	hs, err := o.Headers(s.Size)
	if err != nil {
		return err
	}
	req := &request.Request{Method: "PUT", Scheme: "https", Host: "s3.amazonaws.com", RawPath: "/examplebucket/chunkObject.txt",
		Header: []request.Field{{Name: "Host", Value: "s3.amazonaws.com"}, {Name: "x-amz-date", Value: AmzDate}}}
	for _, h := range hs {
		if h.Name == "x-amz-decoded-content-length" && s.AnnouncedLength != 0 {
			h.Value = fmt.Sprint(s.AnnouncedLength)
		}
		req.Header = append(req.Header, h)
	}
	creds := credentials.Credentials{AccessKeyID: AccessKeyID, Secret: credentials.NewSecret(SecretAccessKey)}
	t, _ := time.Parse("20060102T150405Z", AmzDate)
	v, err := recompute.SigV4(req, creds, recompute.Options{Region: Region, Service: "s3", Time: t})
	if err != nil {
		return err
	}
	fmt.Fprintf(head, "%s %s HTTP/1.1\r\n", req.Method, req.RawPath)
	for _, h := range req.Header {
		fmt.Fprintf(head, "%s: %s\r\n", h.Name, h.Value)
	}
	if _, err := fmt.Fprintf(head, "Authorization: %s\r\n\r\n", v.Authorization); err != nil {
		return err
	}
	var signer *recompute.ChunkSigner
	if _, signed := recompute.IsStreaming(o.PayloadHash); signed || o.PayloadHash == "" {
		if signer, err = v.ChunkSigner(""); err != nil {
			return err
		}
	}
	w := bufio.NewWriterSize(body, 1<<20)
	if _, err := chunked.Build(w, Payload(s.Size), signer, o); err != nil {
		return err
	}
	return w.Flush()
}

// Payload returns n bytes of a repeating 251-byte pattern (a prime
// length, so chunks differ from one another).
func Payload(n int64) io.Reader { return io.LimitReader(&pattern{}, n) }

type pattern struct{ i int }

func (p *pattern) Read(b []byte) (int, error) {
	for k := range b {
		b[k] = 'A' + byte(p.i%251)%58
		p.i++
	}
	return len(b), nil
}
