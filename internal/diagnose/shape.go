package diagnose

import (
	"encoding/base64"
	"strings"
)

// shapeRules read what the body alone shows, before any comparison: the
// shape of the signature sent, and values in the server's canonical
// request that point at a known cause.
func (r *Report) shapeRules() {
	b := r.body
	sig := b.SignatureProvided
	v2 := strings.HasPrefix(b.Scheme, "sigv2-") || strings.HasPrefix(b.Scheme, "oss-v1-")
	switch {
	case sig == "":
	case v2 && strings.Contains(sig, " "):
		// A base64 signature whose '+' reached the server as a space: the
		// query string was not URL-encoded.
		r.addCause("v2-signature-not-url-encoded", Likely, "the signature the server read has a space where base64 has '+': "+sig)
	case !v2 && isBase64Digest(sig):
		r.addCause("signature-encoding", Likely, "the signature sent is base64 ("+sig+"), where this scheme wants 64 lower-case hex digits")
	case !v2 && len(sig) == 64 && isHex(sig) && sig != strings.ToLower(sig):
		r.addCause("signature-encoding", Likely, "the signature sent is upper-case hex; servers compare it as lower-case")
	}
	if ph := lastLine(b.CanonicalRequest); strings.HasPrefix(ph, "STREAMING-UNSIGNED-PAYLOAD-TRAILER") || strings.Contains(string(b.CanonicalRequest), "\nx-amz-trailer:") {
		if b.Service != "aws-s3" {
			r.addCause("checksum-trailer", Likely, "the canonical request carries "+ph+" or x-amz-trailer: the SDK's default checksums, which S3-compatible stores often refuse")
		}
	}
}

func isBase64Digest(s string) bool {
	d, err := base64.StdEncoding.DecodeString(s)
	return err == nil && len(d) == 32
}

func lastLine(b []byte) string {
	s := string(b)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
