package fineuploader

import (
	"encoding/base64"
	"strings"

	"github.com/sigdiff/sigdiff/internal/policy"
)

// policyV4 replays the mistakes of a SigV4 signing server that receives a
// policy document: signing other bytes than the base64 it answers, and a
// wrong key.
func (s *search) policyV4() error {
	p := s.p
	cred, _ := p.Policy.Credential()
	parts := strings.Split(cred, "/")
	if len(parts) < 5 || parts[len(parts)-4] == "" || parts[len(parts)-3] == "" {
		return &PayloadError{Offset: -1, Reason: "the policy's x-amz-credential " + short(cred) + " is not access-key-id/yyyymmdd/region/service/aws4_request"}
	}
	n := len(parts)
	date, region, service := parts[n-4], parts[n-3], parts[n-2]
	s.signingKey = s.keyFor("AWS4", date, region, service)
	s.try(cand{sts: s.correctSTS})
	s.policyBytes(nil, "", false)
	amzDate, _ := p.Policy.Exact("x-amz-date")
	s.keyVariants(s.correctSTS, date, region, service, amzDate)
	s.try(cand{variant: VariantV2Signer, cause: CauseKeyDerivation, extra: []string{CauseEncoding},
		sts: s.correctSTS, key: []byte(s.secret.Reveal()), keyName: "bare", sha1: true,
		summary: func(*cand) string {
			return "the signing server signed the policy the SigV2 way (Base64 of HMAC-SHA1 with the bare secret) although the policy asks for SigV4 (x-amz-algorithm AWS4-HMAC-SHA256)"
		}})
	return nil
}

// policyV2 replays the byte mistakes with SigV2's HMAC-SHA1.
func (s *search) policyV2() {
	bare := []byte(s.secret.Reveal())
	s.try(cand{sts: s.correctSTS, key: bare, keyName: "bare", sha1: true})
	s.policyBytes(bare, "bare", true)
}

// policyBytes tries the policy strings a server may have signed instead
// of the base64 it answered; key nil is the SigV4 signing key.
func (s *search) policyBytes(key []byte, keyName string, sha1 bool) {
	p := s.p
	try := func(c cand) {
		c.cause, c.key, c.keyName, c.sha1 = CausePolicyBytes, key, keyName, sha1
		s.try(c)
	}
	body := base64.StdEncoding.EncodeToString(p.Body)
	if p.AnsweredPolicy != "" && body != p.AnsweredPolicy {
		try(cand{variant: VariantPolicyAnswer, sts: body, summary: func(*cand) string {
			return "the signing server signed the base64 of the body it received but answered another policy, which is what the browser sends and S3 checks"
		}})
	}
	try(cand{variant: VariantPolicyJSON, sts: string(p.Body), summary: func(*cand) string {
		return "the signing server signed the policy json itself; the string to sign is its base64"
	}})
	for _, st := range policy.Styles {
		enc := policy.Encode(p.Policy.Doc.Root, st)
		if string(enc) == string(p.Body) {
			continue
		}
		try(cand{variant: VariantPolicyReserialize, sts: base64.StdEncoding.EncodeToString(enc), style: st.Name, summary: func(c *cand) string {
			return "the signing server parsed the policy and serialized it again (as " + c.style + " writes it) before signing; the browser sends the bytes it received, so what was signed differs from the policy field"
		}})
	}
	for _, w := range []struct {
		width int
		who   string
	}{{76, "Python's base64.encodebytes"}, {64, "openssl base64"}} {
		try(cand{variant: VariantPolicyWrapped, sts: wrap(body, w.width), summary: func(*cand) string {
			return "the signing server signed the base64 broken into lines as " + w.who + " writes it; the policy field is one line"
		}})
	}
	try(cand{variant: VariantPolicyURLSafe, sts: base64.URLEncoding.EncodeToString(p.Body), summary: func(*cand) string {
		return "the signing server signed the policy in url-safe base64 (- and _); the policy field is standard base64"
	}})
}

// wrap breaks s into lines of width characters, each ended by LF.
func wrap(s string, width int) string {
	var b strings.Builder
	for i := 0; i < len(s); i += width {
		b.WriteString(s[i:min(i+width, len(s))])
		b.WriteByte('\n')
	}
	return b.String()
}
