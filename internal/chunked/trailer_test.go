package chunked

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

func TestVerify_checksum(t *testing.T) {
	t.Run("unsigned", func(t *testing.T) {
		f := build(t, recompute.StreamingUnsignedPayloadTrailer, "crc32c", 9000, 8192)
		g := f
		g.body = append([]byte(nil), f.body...)
		g.body[offsetOfChunk(t, g.body, 2)+10] ^= 0x20 // a payload byte: nothing else checks it
		rep := g.verify(t)
		at := int64(bytes.LastIndex(g.body, []byte("\r\n\r\n")) + 2)
		wantFailure(t, rep, 3, at, CheckChecksum)
		if rep.Failure.Found == rep.Failure.Expected || rep.Failure.Found != rep.Checksums[0].Sent {
			t.Errorf("found %s expected %s", rep.Failure.Found, rep.Failure.Expected)
		}
	})
	t.Run("signed trailer changed after signing", func(t *testing.T) {
		f := build(t, recompute.StreamingPayloadTrailer, "sha256", 9000, 8192)
		a, _ := recompute.LookupChecksum("sha256")
		g := f
		g.body = replace(t, f.body, a.Checksum(payload(9000)), a.Checksum(payload(8999)), 1)
		wantFailure(t, g.verify(t), 3, int64(bytes.Index(g.body, []byte("x-amz-trailer-signature"))), CheckTrailerSignature)
	})
	t.Run("unknown algorithm", func(t *testing.T) {
		f := build(t, recompute.StreamingUnsignedPayloadTrailer, "crc32", 10, 8192)
		g := f
		g.body = replace(t, f.body, "x-amz-checksum-crc32:", "x-amz-checksum-md5:", 1)
		g.opts.Trailer = "x-amz-checksum-md5"
		wantFailure(t, g.verify(t), 2, int64(len(g.body)-2), CheckChecksum)
	})
}

func TestVerify_trailerSignature(t *testing.T) {
	f := build(t, recompute.StreamingPayloadTrailer, "crc32", 9000, 8192)
	sigAt := bytes.Index(f.body, []byte("x-amz-trailer-signature:"))
	g := f
	g.body = append([]byte(nil), f.body...)
	g.body[sigAt+30] ^= 1
	if g.body[sigAt+30] > 'f' || g.body[sigAt+30] < '0' {
		g.body[sigAt+30] = '0'
	}
	rep := g.verify(t)
	wantFailure(t, rep, 3, int64(sigAt), CheckTrailerSignature)
	if rep.Failure.Found != string(g.body[sigAt+24:sigAt+88]) {
		t.Errorf("found %s", rep.Failure.Found)
	}
	g.body = append(append([]byte(nil), f.body[:sigAt]...), "\r\n"...) // signature line dropped
	g.opts.ContentLength = -1
	wantFailure(t, g.verify(t), 3, int64(sigAt), CheckTrailerSignature)
}

func TestVerify_trailerDeclarations(t *testing.T) {
	f := build(t, recompute.StreamingUnsignedPayloadTrailer, "crc32", 10, 8192)
	end := int64(len(f.body) - 2)
	g := f
	g.opts.Trailer = ""
	wantFailure(t, g.verify(t), 2, end, CheckTrailer) // sent, not declared
	g.opts.Trailer = "x-amz-checksum-crc32, x-amz-checksum-sha1"
	wantFailure(t, g.verify(t), 2, end, CheckTrailer) // declared, not sent
	g.opts.Trailer = "X-Amz-Checksum-CRC32"
	if rep := g.verify(t); !rep.OK() {
		t.Errorf("declared in another case: %v", rep.Failure)
	}
	p := build(t, recompute.StreamingPayload, "", 10, 8192)
	p.body = replace(t, p.body, "\r\n\r\n", "\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", 1)
	p.opts.ContentLength = -1
	wantFailure(t, p.verify(t), 2, int64(bytes.Index(p.body, []byte("x-amz-checksum"))), CheckTrailer)
	u := build(t, recompute.StreamingUnsignedPayloadTrailer, "", 10, 8192)
	u.body = replace(t, u.body, "0\r\n\r\n", "0\r\nx-amz-trailer-signature:"+testSeed+"\r\n\r\n", 1)
	u.opts.ContentLength = -1
	wantFailure(t, u.verify(t), 2, int64(bytes.Index(u.body, []byte("x-amz-trailer"))), CheckTrailer)
}

func TestVerifyRequest(t *testing.T) {
	f := build(t, recompute.StreamingUnsignedPayloadTrailer, "crc32", 100, 8192)
	req := &request.Request{Method: "PUT", Host: "h", RawPath: "/b/k", Header: []request.Field{
		{Name: "x-amz-date", Value: testDate},
		{Name: "X-Amz-Content-Sha256", Value: f.opts.PayloadHash},
		{Name: "x-amz-decoded-content-length", Value: " 100"},
		{Name: "Content-Length", Value: itoa(int64(len(f.body)))},
		{Name: "x-amz-trailer", Value: "x-amz-checksum-crc32"},
	}}
	opts, err := OptionsFromRequest(req)
	if err != nil || opts != f.opts {
		t.Fatalf("options %+v (%v), want %+v", opts, err, f.opts)
	}
	noKey, err := recompute.SigV4(req, credentials.Credentials{AccessKeyID: "AKID"}, recompute.Options{Region: "us-east-1", Service: "s3"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := VerifyRequest(bytes.NewReader(f.body), req, noKey, "")
	if err != nil || !rep.OK() {
		t.Errorf("unsigned variant without a key: %v %v", err, rep)
	}
	req.Header[1].Value = recompute.StreamingPayload
	if _, err := VerifyRequest(bytes.NewReader(f.body), req, noKey, ""); !errors.Is(err, recompute.ErrNoSigningKey) {
		t.Errorf("signed variant without a key: %v", err)
	}
	req.Header[1].Value = recompute.UnsignedPayload
	if _, err := VerifyRequest(bytes.NewReader(f.body), req, noKey, ""); !errors.Is(err, ErrNotStreaming) {
		t.Errorf("not streaming: %v", err)
	}
	req.Header[1].Value = recompute.StreamingPayload
	req.Header[2].Value = "-1"
	if _, err := OptionsFromRequest(req); err == nil || !strings.Contains(err.Error(), "x-amz-decoded-content-length") {
		t.Errorf("bad length: %v", err)
	}
}
