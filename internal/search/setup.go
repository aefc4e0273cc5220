package search

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

// setup is the input checked and taken apart.
type setup struct {
	family *recompute.Family

	// The server's string to sign, line by line, and its scope.
	algorithm, amzDate                string
	date, region, service, terminator string
	hashLine                          string // its fourth line
	head                              string // algorithm "\n" amzDate "\n" scope "\n": the signer's input before the canonical request

	cr       string // the server's canonical request; empty when unknown
	msgKnown bool
	stsGiven string // the server's string to sign as given

	secret    credentials.Secret
	target    [32]byte // the signature to reproduce, decoded
	output    *Op      // how the client encoded it, when not lower-case hex
	signature string   // as given

	req        *request.Request
	bodyHash   string
	recomputed bool
	notes      []string
}

// maxInput caps the canonical request and the string to sign: real ones
// are a few KiB (S3 limits headers to 8 KiB); the search's memory is a
// small multiple of this per worker, plus the operators' texts.
const maxInput = 64 << 10

func newSetup(in *Input) (*setup, error) {
	s := &setup{
		cr:         in.CanonicalRequest,
		msgKnown:   in.CanonicalRequest != "",
		secret:     in.Credentials.Secret,
		signature:  strings.TrimSpace(in.Signature),
		req:        in.Request,
		recomputed: in.Recomputed,
		stsGiven:   in.StringToSign,
	}
	switch {
	case s.secret.Empty():
		return nil, ErrNoSecret
	case s.signature == "":
		return nil, ErrNoSignature
	case in.CanonicalRequest == "" && in.StringToSign == "":
		return nil, ErrNoInput
	case len(in.CanonicalRequest) > maxInput || len(in.StringToSign) > maxInput:
		return nil, ErrTooLarge
	}
	var err error
	if s.target, s.output, err = decodeSignature(s.signature); err != nil {
		return nil, err
	}
	if err := s.scope(in); err != nil {
		return nil, err
	}
	s.family = in.Family
	if s.family == nil {
		s.family = familyOf(s.algorithm)
	}
	if s.msgKnown {
		sum := sha256.Sum256([]byte(s.cr))
		h := hex.EncodeToString(sum[:])
		if in.StringToSign != "" && s.hashLine != h {
			s.notes = append(s.notes, "the string to sign's last line is not the sha-256 of the canonical request given: the search starts from the canonical request")
		}
		s.hashLine = h
	}
	switch {
	case in.PayloadHash != "":
		s.bodyHash = strings.ToLower(strings.TrimSpace(in.PayloadHash))
	case in.Request != nil && in.Request.HasBody:
		sum := sha256.Sum256(in.Request.Body)
		s.bodyHash = hex.EncodeToString(sum[:])
	}
	return s, nil
}

// scope reads the algorithm, date and scope from the server's string to
// sign, or from Input.AmzDate and Input.Scope.
func (s *setup) scope(in *Input) error {
	scope := in.Scope
	if in.StringToSign != "" {
		lines := strings.Split(in.StringToSign, "\n")
		if len(lines) != 4 {
			return &InputError{Field: "string to sign", Reason: "want four lines (algorithm, date, scope, hash), have " + itoa(len(lines))}
		}
		s.algorithm, s.amzDate, scope, s.hashLine = lines[0], lines[1], lines[2], lines[3]
	} else {
		f := in.Family
		if f == nil {
			f = recompute.AWS4
		}
		s.algorithm, s.amzDate = f.Algorithm, in.AmzDate
		if s.amzDate == "" {
			return &InputError{Field: "amz date", Reason: "needed when the string to sign is not given"}
		}
	}
	parts := strings.Split(scope, "/")
	if len(parts) != 4 || parts[0] == "" || parts[3] == "" {
		return &InputError{Field: "scope", Reason: "want date/region/service/terminator, have " + quote(scope)}
	}
	s.date, s.region, s.service, s.terminator = parts[0], parts[1], parts[2], parts[3]
	s.head = s.algorithm + "\n" + s.amzDate + "\n" + scope + "\n"
	return nil
}

// familyOf builds the family an algorithm line names: every "version 4"
// scheme is <prefix>-HMAC-SHA256 and keys its first HMAC with prefix +
// secret (AWS4, GOOG4, OSS4).
func familyOf(algorithm string) *recompute.Family {
	prefix, ok := strings.CutSuffix(algorithm, "-HMAC-SHA256")
	switch {
	case !ok || prefix == "AWS4":
		return recompute.AWS4
	case prefix == "GOOG4":
		return recompute.NewFamily(algorithm, prefix, "goog4_request", "x-goog-", "X-Goog-")
	case prefix == "OSS4":
		return recompute.NewFamily(algorithm, prefix, "aliyun_v4_request", "x-oss-", "x-oss-")
	}
	return recompute.NewFamily(algorithm, prefix, strings.ToLower(prefix)+"_request", "x-amz-", "X-Amz-")
}

// decodeSignature reads the signature the client sent: lower-case hex is
// the spec's form; upper-case hex and base64 are client mistakes the hit
// names (the signature-encoding cause), found by decoding rather than by
// trying, so they cost nothing per candidate.
func decodeSignature(sig string) (t [32]byte, out *Op, err error) {
	if len(sig) == 64 && isHex(sig) {
		hex.Decode(t[:], []byte(sig))
		if strings.ContainsAny(sig, "ABCDEF") && !strings.ContainsAny(sig, "abcdef") {
			o := newOp("signature-upper-hex", "", "")
			out = &o
		}
		return t, out, nil
	}
	for _, enc := range []struct {
		name string
		e    *base64.Encoding
	}{
		{"standard", base64.StdEncoding}, {"standard unpadded", base64.RawStdEncoding},
		{"url", base64.URLEncoding}, {"url unpadded", base64.RawURLEncoding},
	} {
		if b, err := enc.e.DecodeString(sig); err == nil && len(b) == 32 {
			copy(t[:], b)
			o := newOp("signature-base64", enc.name, "")
			return t, &o, nil
		}
	}
	return t, nil, &InputError{Field: "signature", Reason: "want 64 hex digits (or the base64 of 32 bytes), have " + itoa(len(sig)) + " characters"}
}

// encodeSignature writes mac as the client did.
func encodeSignature(mac []byte, out *Op) string {
	if out == nil {
		return hex.EncodeToString(mac)
	}
	switch {
	case out.ID == "signature-upper-hex":
		return strings.ToUpper(hex.EncodeToString(mac))
	case out.Arg == "standard":
		return base64.StdEncoding.EncodeToString(mac)
	case out.Arg == "standard unpadded":
		return base64.RawStdEncoding.EncodeToString(mac)
	case out.Arg == "url":
		return base64.URLEncoding.EncodeToString(mac)
	}
	return base64.RawURLEncoding.EncodeToString(mac)
}

// hostRegion finds a region in a host name: s3.<region>.amazonaws.com,
// s3-<region>.amazonaws.com, <bucket>.s3.<region>.amazonaws.com.cn,
// oss-<region>.aliyuncs.com; R2 and GCS sign with "auto".
func hostRegion(host string, table []string) string {
	host, _ = splitPort(host)
	if strings.HasSuffix(host, ".r2.cloudflarestorage.com") || strings.HasSuffix(host, "storage.googleapis.com") {
		return "auto"
	}
	for _, l := range strings.Split(host, ".") {
		for _, c := range [...]string{l, strings.TrimPrefix(l, "s3-"), strings.TrimPrefix(l, "oss-"), strings.TrimPrefix(l, "s3-website-")} {
			if inTable(table, c) {
				return c
			}
		}
	}
	return ""
}
