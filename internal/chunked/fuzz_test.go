package chunked

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/recompute"
)

// fuzzSeeds are the S3 examples' bodies as Build writes them (when the
// shared vectors are there), bodies of each variant, and broken ones.
// fuzzSeeds are the S3 examples' bodies as Build writes them (when the
// shared vectors are there), bodies of each variant, and broken ones.
// While fuzzing, the examples are built with 200 bytes of payload in
// 128-byte chunks instead of 66560 in 64 KiB: the fuzzing engine slows to
// a few executions a second on 64 KiB inputs.
func fuzzSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	if _, err := os.Stat("../../../shared/vectors/s3-docs"); err == nil || os.Getenv("CI") == "true" {
		fuzzing := flag.Lookup("test.fuzz").Value.String() != ""
		for _, name := range vectorNames {
			v := loadVector(f, name)
			_, signer := v.seed(f)
			n, o := int(v.Request.Body.DecodedLength), v.buildOptions()
			if fuzzing {
				n, o.ChunkSize = 200, 128
			}
			var b bytes.Buffer
			if _, err := Build(&b, strings.NewReader(strings.Repeat("a", n)), signer, o); err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, b.Bytes())
		}
	}
	for _, variant := range []string{recompute.StreamingPayload, recompute.StreamingPayloadTrailer, recompute.StreamingUnsignedPayloadTrailer} {
		checksum := "crc64nvme"
		if variant == recompute.StreamingPayload {
			checksum = ""
		}
		fx := build(f, variant, checksum, 300, 128)
		seeds = append(seeds, fx.body, fx.body[:len(fx.body)/2], replace(f, fx.body, "\r\n", "\n", 2))
	}
	return seeds
}

// FuzzChunkReader feeds any bytes to the decoder, whole and split in two
// writes, and to Verify in each variant: nothing panics, the split does
// not change what is decoded, the line buffer stays within its cap, and a
// report's totals agree with what the decoder saw.
func FuzzChunkReader(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, uint16(len(s)/3))
	}
	f.Fuzz(func(t *testing.T, body []byte, split uint16) {
		for _, signed := range []bool{false, true} {
			whole, wholeErr := decodeAll(signed, body)
			at := int(split) % (len(body) + 1)
			parts, partsErr := decodeAll(signed, body[:at], body[at:])
			if errString(wholeErr) != errString(partsErr) {
				t.Fatalf("signed=%v split at %d: %v, whole: %v", signed, at, partsErr, wholeErr)
			}
			if !bytes.Equal(whole.data.Bytes(), parts.data.Bytes()) || len(whole.headers) != len(parts.headers) || strings.Join(whole.trailer, "\n") != strings.Join(parts.trailer, "\n") {
				t.Fatalf("signed=%v split at %d decodes differently", signed, at)
			}
			var se *SyntaxError
			if wholeErr != nil && (!errors.As(wholeErr, &se) || se.Offset < 0 || se.Offset > int64(len(body))) {
				t.Fatalf("error %v is not a SyntaxError inside the body", wholeErr)
			}
		}
		for _, variant := range []string{recompute.StreamingPayload, recompute.StreamingPayloadTrailer, recompute.StreamingUnsignedPayloadTrailer} {
			var signer *recompute.ChunkSigner
			if _, signed := recompute.IsStreaming(variant); signed {
				signer = newSigner(t)
			}
			opts := Options{PayloadHash: variant, DecodedLength: -1, ContentLength: int64(len(body)), Trailer: "x-amz-checksum-crc32", MaxChunkSize: 1 << 20}
			rep, err := Verify(bytes.NewReader(body), signer, opts)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() && rep.EncodedBytes != int64(len(body)) {
				t.Fatalf("%s: accepted after %d of %d bytes", variant, rep.EncodedBytes, len(body))
			}
			if f := rep.Failure; f != nil && (f.Cause == "" || f.Offset < 0 || f.Offset > int64(len(body)) || strings.Contains(f.Error(), "\n")) {
				t.Fatalf("%s: failure %+v", variant, f)
			}
		}
	})
}

func decodeAll(signed bool, parts ...[]byte) (*recorder, error) {
	r := &recorder{}
	d := NewDecoder(r, signed)
	for _, p := range parts {
		if _, err := d.Write(p); err != nil {
			return r, err
		}
		if cap(d.line) > 2*MaxLineLength {
			panic("line buffer past its cap")
		}
	}
	return r, d.Close()
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
