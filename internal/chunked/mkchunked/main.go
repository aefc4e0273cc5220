// Command mkchunked writes a signed aws-chunked upload of any size, for
// timing sigdiff verify against sha256sum on the same file:
//
//	go run ./internal/chunked/mkchunked -size 1GiB -out /tmp/big
//	AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
//	  time sigdiff verify --request /tmp/big.http --body /tmp/big.body
//	time sha256sum /tmp/big.body
//
// It writes OUT.http (the signed request head) and OUT.body (the
// aws-chunked body), signed with the S3 documentation's example key.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/sigdiff/sigdiff/internal/chunked/sample"
	"github.com/sigdiff/sigdiff/internal/recompute"
)

func main() {
	size := flag.String("size", "1GiB", "payload `bytes` (suffixes KiB, MiB, GiB)")
	chunk := flag.Int("chunk", 64<<10, "payload bytes per chunk")
	variant := flag.String("variant", "signed", "signed, signed-trailer or unsigned-trailer")
	checksum := flag.String("checksum", "", "trailing checksum of the trailer variants: crc32, crc32c, crc64nvme, sha1, sha256")
	out := flag.String("out", "chunked", "output `prefix`: writes PREFIX.http and PREFIX.body")
	flag.Parse()
	if err := run(*size, *chunk, *variant, *checksum, *out); err != nil {
		fmt.Fprintln(os.Stderr, "mkchunked: error:", err)
		os.Exit(2)
	}
}

func run(size string, chunk int, variant, checksum, out string) error {
	n, err := parseSize(size)
	if err != nil {
		return err
	}
	s := sample.Spec{Size: n, ChunkSize: chunk, Checksum: checksum}
	switch variant {
	case "signed":
		s.PayloadHash = recompute.StreamingPayload
	case "signed-trailer":
		s.PayloadHash = recompute.StreamingPayloadTrailer
	case "unsigned-trailer":
		s.PayloadHash = recompute.StreamingUnsignedPayloadTrailer
	default:
		return fmt.Errorf("unknown variant %q", variant)
	}
	head, err := os.Create(out + ".http")
	if err != nil {
		return err
	}
	defer head.Close()
	body, err := os.Create(out + ".body")
	if err != nil {
		return err
	}
	if err := sample.Write(head, body, s); err != nil {
		body.Close()
		return err
	}
	return body.Close()
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = v, u.n
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 1<<50 {
		return 0, fmt.Errorf("size %q is not a number of bytes", s)
	}
	return n * mult, nil
}
