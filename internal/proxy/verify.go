package proxy

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sigdiff/sigdiff/internal/chunked"
	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/gcskey"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

// verification is the check of one request's signature: made before the
// request is forwarded, finished when its body has passed (a payload
// hashed while streaming, aws-chunked chunk signatures).
type verification struct {
	state  string // Sig* constant; settled by finish
	auth   *recompute.AuthParams
	opts   recompute.Options
	scheme string
	creds  credentials.Credentials
	gcsKey *gcsKey // for the GCS RSA schemes; nil without one
	req    *request.Request
	result *recompute.Result // nil until signed (unsigned, no key, malformed)
	notes  []string

	// hashBody: a SigV4 request without x-amz-content-sha256 whose body
	// is hashed as it streams and signed at its end.
	hashBody bool
	// chunks verifies an aws-chunked body as it streams.
	chunks *chunkTap
	// chunkFailure is the first chunk check that failed, once finished.
	chunkFailure *chunked.Failure
	// plus says how the signature that verified read a raw '+' in the
	// path: plusAsSpace or plusLiteral; 0 when the path has none.
	plus int
}

// verify starts the check of req: parse its signing fields, and sign it
// with the key unless its payload hash has to wait for its body.
func verify(req *request.Request, creds credentials.Credentials, key *gcsKey, contentLength int64) *verification {
	v := &verification{req: req, creds: creds, gcsKey: key}
	auth, err := recompute.ParseAnyAuth(req)
	switch {
	case errors.Is(err, recompute.ErrNoSignature):
		v.state = SigUnsigned
		return v
	case err != nil:
		v.state = SigMalformed
		v.notes = append(v.notes, "signing fields unreadable: "+err.Error())
		return v
	}
	v.auth, v.opts, v.scheme = auth, auth.Options(), auth.Scheme
	if auth.Scheme == recompute.SchemeGCSV4RSA || auth.Scheme == recompute.SchemeGCSV2 {
		// Signed with a service account's RSA key: verified with its
		// public half, whatever HMAC key the proxy holds.
		switch {
		case key == nil:
			v.state = SigNoKey
			v.notes = append(v.notes, v.scheme+" is verified with the service account's public key, which the proxy does not hold (give it a key file or certificate)")
		case key.email != "" && auth.AccessKeyID != key.email:
			v.state = SigNoKey
			v.notes = append(v.notes, fmt.Sprintf("the request names service account %s; the proxy holds the key of %s", auth.AccessKeyID, key.email))
		default:
			// The request's own service account signs; the HMAC key the
			// proxy holds has no part in it.
			v.creds = credentials.Credentials{}
			v.sign()
		}
		return v
	}
	if creds.Secret.Empty() || auth.AccessKeyID != creds.AccessKeyID {
		v.state = SigNoKey
		if !creds.Secret.Empty() {
			v.notes = append(v.notes, fmt.Sprintf("the request names access key %s; the proxy holds the key of %s", auth.AccessKeyID, creds.AccessKeyID))
		}
		return v
	}
	if auth.Family != nil && auth.Form == recompute.FormHeader {
		ph, ok := req.Get(auth.Family.ContentSHA256Header)
		ph = strings.TrimSpace(ph)
		if streaming, _ := recompute.IsStreaming(ph); streaming && auth.Family == recompute.AWS4 {
			v.startChunks()
		} else if !ok && contentLength != 0 {
			// Services other than S3 hash the body into the canonical
			// request without announcing it in a header.
			v.hashBody = true
			return v
		}
	}
	v.sign()
	return v
}

// sign recomputes the signature and settles the state. recompute.Verify
// compares for the HMAC schemes and verifies the asymmetric ones (SigV4A's
// ECDSA signatures are randomized: recomputing never gives the same bytes).
func (v *verification) sign() {
	res, ok, err := recompute.Verify(v.req, v.creds, v.opts, v.gcsKey.file())
	switch {
	case errors.Is(err, recompute.ErrNoKey):
		v.state = SigNoKey
		v.notes = append(v.notes, v.scheme+" is verified with the signer's public key, which the proxy does not hold")
		return
	case res == nil && err != nil, res != nil && err != nil && !ok:
		v.state = SigMalformed
		v.notes = append(v.notes, "cannot verify: "+err.Error())
		return
	}
	v.result = res
	v.state = SigMismatch
	if ok || sameSig(res.Signature, v.auth.Signature) {
		v.state = SigOK
	}
	if v.auth.Family == nil || !strings.Contains(v.req.RawPath, "+") {
		return
	}
	// S3 reads a raw '+' in the path as a space, MinIO (Go's
	// url.PathUnescape) as a plus sign; recompute follows S3. A client
	// that signed the other reading is consistent with its request, and
	// which reading the server takes decides whether it is refused.
	if v.state == SigOK {
		v.plus = plusAsSpace
		return
	}
	alt := *v.req
	alt.RawPath = strings.ReplaceAll(alt.RawPath, "+", "%2B")
	if r2, ok, err := recompute.Verify(&alt, v.creds, v.opts, v.gcsKey.file()); err == nil && (ok || sameSig(r2.Signature, v.auth.Signature)) {
		v.result, v.state, v.plus = r2, SigOK, plusLiteral
		v.notes = append(v.notes, "the client signed the raw '+' in the path as a plus sign (%2B), as MinIO reads it; S3 reads it as a space")
	}
}

// How a verified signature read a raw '+' in the path.
const (
	plusAsSpace = 1 + iota // as S3 does: %20
	plusLiteral            // as MinIO does: %2B
)

// sameSig compares signatures as servers do: hex case-insensitively,
// base64 (SigV2, OSS V1) exactly.
func sameSig(a, b string) bool {
	return a != "" && (a == b || len(a) == 64 && strings.EqualFold(a, b))
}

// startChunks verifies the aws-chunked body in a goroutine fed by the
// body as it passes (see bodyTap): the seed signature from the headers,
// then each chunk's signature off the chain the client sent.
func (v *verification) startChunks() {
	v4, err := recompute.SigV4(v.req, v.creds, v.opts)
	if err != nil {
		return // sign reports it
	}
	pr, pw := io.Pipe()
	t := &chunkTap{pw: pw, done: make(chan struct{})}
	go func() {
		defer close(t.done)
		t.rep, t.err = chunked.VerifyRequest(pr, v.req, v4, v.auth.Signature)
		// The verifier may stop before the body ends: let the writer go on.
		pr.CloseWithError(errVerifierDone)
	}()
	v.chunks = t
}

var errVerifierDone = errors.New("aws-chunked verifier done")

// finish settles what waited for the body: complete says whether the
// body was read to its end, sum is its SHA-256 when hashBody.
func (v *verification) finish(complete bool, sum []byte) {
	if v.hashBody {
		if complete {
			v.opts.PayloadHash = hex.EncodeToString(sum)
		} else {
			v.opts.PayloadHash = recompute.EmptySHA256
			v.notes = append(v.notes, "the body was not read to its end (the upstream answered first): verified with the empty-body hash")
		}
		v.sign()
	}
	if t := v.chunks; t != nil {
		if complete {
			t.pw.Close()
		} else {
			t.pw.CloseWithError(errors.New("the body was not read to its end"))
		}
		<-t.done
		switch {
		case t.err != nil:
			v.notes = append(v.notes, "aws-chunked body not verified: "+t.err.Error())
		case !complete:
			v.notes = append(v.notes, "aws-chunked body not read to its end: chunks verified up to there")
		case t.rep.Failure != nil:
			v.chunkFailure = t.rep.Failure
			if v.state == SigOK {
				v.state = SigMismatch
			}
			v.notes = append(v.notes, "aws-chunked body: "+t.rep.Failure.Error())
		default:
			v.notes = append(v.notes, fmt.Sprintf("aws-chunked body: %d chunks verified", t.rep.Chunks))
		}
	}
}

// chunkTap is an aws-chunked verifier running beside the forwarding.
type chunkTap struct {
	pw     *io.PipeWriter
	closed bool // a write failed: the verifier stopped reading (under bodyTap.mu)
	done   chan struct{}
	rep    *chunked.Report
	err    error
}

// gcsKey is the key file GCS RSA signatures are verified with, read once.
type gcsKey struct {
	data  []byte // the file, as recompute.Verify takes it
	email string // its client_email; empty for a bare PEM key or certificate
}

func newGCSKey(data []byte) (*gcsKey, error) {
	if len(data) == 0 {
		return nil, nil
	}
	k, err := gcskey.Parse(data)
	if err != nil {
		return nil, err
	}
	return &gcsKey{data: data, email: k.ClientEmail}, nil
}

func (k *gcsKey) file() []byte {
	if k == nil {
		return nil
	}
	return k.data
}
