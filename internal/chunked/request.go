package chunked

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

// ErrNotStreaming: the payload hash announces no aws-chunked body.
var ErrNotStreaming = errors.New("x-amz-content-sha256 is not STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] or STREAMING-UNSIGNED-PAYLOAD-TRAILER")

// OptionsFromRequest reads x-amz-content-sha256, x-amz-decoded-content-length,
// Content-Length and x-amz-trailer from req's headers.
func OptionsFromRequest(req *request.Request) (Options, error) {
	o := Options{DecodedLength: -1, ContentLength: -1}
	o.PayloadHash, _ = req.Get("x-amz-content-sha256")
	o.PayloadHash = strings.TrimSpace(o.PayloadHash)
	if ok, _ := recompute.IsStreaming(o.PayloadHash); !ok {
		return o, ErrNotStreaming
	}
	for _, l := range []struct {
		name string
		dst  *int64
	}{{"x-amz-decoded-content-length", &o.DecodedLength}, {"content-length", &o.ContentLength}} {
		if s, ok := req.Get(l.name); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil || n < 0 {
				return o, fmt.Errorf("%s header %q is not a length", l.name, truncate(s))
			}
			*l.dst = n
		}
	}
	o.Trailer = strings.Join(req.Values("x-amz-trailer"), ",")
	return o, nil
}

// VerifyRequest verifies body as the aws-chunked body of req, whose
// signing v recomputed (recompute.SigV4 with the user's key): the options
// come from req's headers, and the chain starts from seedSignature, the
// signature req carries ("" means v.Signature). Passing the sent signature
// checks the chunks against what the client chained from, so a seed that
// differs (another key, a changed header) is reported by the seed
// comparison and not again at every chunk. The unsigned variant needs no
// key; the signed ones return recompute.ErrNoSigningKey without one.
func VerifyRequest(body io.Reader, req *request.Request, v *recompute.V4, seedSignature string) (*Report, error) {
	opts, err := OptionsFromRequest(req)
	if err != nil {
		return nil, err
	}
	var signer *recompute.ChunkSigner
	if _, signed := recompute.IsStreaming(opts.PayloadHash); signed {
		if signer, err = v.ChunkSigner(seedSignature); err != nil {
			return nil, err
		}
	}
	return Verify(body, signer, opts)
}
