package proxy

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/har"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/s3error"
	"github.com/sigdiff/sigdiff/internal/search"
)

// transitCauses are the causes that name a change made to the request
// after it was signed; a hit on one of them makes the verdict
// request-changed-in-transit. The others (an encoding, a header list, a
// key derivation) are as often the client's own signing.
var transitCauses = map[string]bool{
	"content-type-changed":  true,
	"host-port":             true,
	"host-rewritten":        true,
	"method-changed":        true,
	"query-param-changed":   true,
	"signed-header-changed": true,
	"signed-header-missing": true,
}

// signatureCodes are the codes of a plain signature refusal: the ones a
// key that verifies the request contradicts.
var signatureCodes = map[string]bool{"SignatureDoesNotMatch": true, "SignatureNotMatch": true}

// refused reports whether an error answer concerns the signature: a
// signing error body (har.SigningError), MinIO's AccessDenied for a
// signed header that did not arrive ("There were headers present in the
// request which were not signed", without S3's HeadersNotSigned field),
// or a 400/403 without a readable body (S3 and MinIO answer HEAD with no
// body) to a request that did not verify.
func refused(status int, b *s3error.Body, v *verification) bool {
	if b == nil {
		return v.state == SigMismatch || v.state == SigMalformed
	}
	if har.SigningError(status, b) {
		return true
	}
	return b.Code == "AccessDenied" && strings.Contains(strings.ToLower(b.Message), "not signed")
}

// diagnose explains a refusal: from the error body where it carries what
// the server computed, from the proxy's own verification where it does
// not.
func (p *Proxy) diagnose(e *Entry, v *verification, req *request.Request, c *errorCapture) {
	var b *s3error.Body
	if len(c.body) > 0 {
		if pb, err := s3error.Parse(c.body); err == nil {
			b = pb
			e.ErrorCode = b.Code
		}
	}
	if !refused(c.status, b, v) {
		return
	}
	if b == nil {
		b = &s3error.Body{}
		e.Notes = append(e.Notes, fmt.Sprintf("the upstream answered %d without an error body", c.status))
	}
	if c.truncated {
		e.Notes = append(e.Notes, fmt.Sprintf("the error body was longer than %d bytes: its head was read", p.maxErr))
	}
	in := diagnose.Input{Body: b, Host: req.Host, HaveKey: v.result != nil && v.result.Signature != ""}
	if v.auth != nil {
		in.SentSignature = v.auth.Signature
	}
	if res := v.result; res != nil {
		rc := &diagnose.Recomputed{Scheme: res.Scheme, CanonicalRequest: res.CanonicalRequest, StringToSign: res.StringToSign, Signature: res.Signature, Notes: []string{}}
		if in.HaveKey && len(b.StringToSign) > 0 {
			if sv, err := recompute.SignStringToSign(res.Scheme, string(b.StringToSign), v.creds, v.opts); err == nil {
				rc.ServerSignature = sv.Signature
			}
		}
		in.Recomputed = rc
	}
	rep := diagnose.Diagnose(in)
	detail := len(b.StringToSign) > 0 || len(b.CanonicalRequest) > 0
	own := !detail && (signatureCodes[b.Code] || b.Code == "" || b.Code == "AccessDenied" && missingSigned(v) != nil)
	if !own {
		e.Verdict, e.Headline, e.Causes = rep.Verdict, rep.Headline, rep.Causes
		p.skewEvidence(e, b, v)
		return
	}
	e.Notes = append(e.Notes, "the server's error says nothing of what it signed: diagnosed from the proxy's own verification")
	p.ownDiagnosis(e, v, req)
}

// ownDiagnosis explains a refusal the server does not explain, from what
// the proxy saw: the request as received, and the key.
func (p *Proxy) ownDiagnosis(e *Entry, v *verification, req *request.Request) {
	add := func(id, confidence, evidence string) {
		entry, _ := diagnose.Lookup(id)
		e.Causes = append(e.Causes, diagnose.Cause{ID: id, Summary: entry.Summary, Fix: entry.Fix, Evidence: evidence, Confidence: confidence})
	}
	switch v.state {
	case SigOK:
		if v.plus != 0 {
			// The signature is right for one reading of '+' in the path;
			// the server took the other.
			e.Verdict = diagnose.ClientSignedDifferently
			signed, server := "a space (%20), as S3 reads a raw '+'", "a plus sign (%2B), as MinIO and Go servers do"
			if v.plus == plusLiteral {
				signed, server = "a plus sign (%2B), as MinIO reads a raw '+'", "a space (%20), as S3 does"
			}
			e.Headline = "the path carries a raw '+' that the client signed as " + signed + "; the server read it as " + server
			add("uri-encoding", diagnose.Likely, "the signature sent verifies with the '+' read as "+signed+", and the server refused it: it read "+server)
			return
		}
		e.Verdict = diagnose.KeyMismatch
		e.Headline = "the request verifies with the proxy's key and was forwarded unchanged, yet the server refused its signature: the server holds another secret for " + v.auth.AccessKeyID
		add("secret-key-mismatch", diagnose.Likely, "the signature sent is the one the proxy's key gives for this request, byte for byte as the server received it")
		return
	case SigNoKey:
		e.Verdict = diagnose.Undetermined
		e.Headline = "the proxy has no key for " + e.AccessKeyID + ": give it the key to verify the signature"
		return
	case SigMalformed, SigUnsigned:
		e.Verdict = diagnose.Undetermined
		e.Headline = "the request's signing fields cannot be verified"
		return
	}
	if v.chunkFailure != nil && v.result.Signature == v.auth.Signature {
		f := v.chunkFailure
		e.Verdict = diagnose.ClientSignedDifferently
		e.Headline = "the seed signature verifies, but the aws-chunked body does not: " + f.Reason
		add(f.Cause, diagnose.Certain, f.Error())
		return
	}
	if missing := missingSigned(v); missing != nil {
		e.Verdict = diagnose.RequestChangedInTransit
		e.Headline = "a header the client signed did not reach the proxy: " + strings.Join(missing, ", ")
		add("signed-header-missing", diagnose.Certain, "SignedHeaders lists "+strings.Join(missing, ", ")+", absent from the request as received")
		return
	}
	find := p.search
	if v.auth.Family == nil {
		find = p.v2Search
	}
	hit, ran, notes := find(v, req)
	e.Notes = append(e.Notes, notes...)
	if hit != nil && len(hit.Ops) > 0 {
		var summaries []string
		for _, op := range hit.Ops {
			summaries = append(summaries, op.Summary)
		}
		for _, id := range hit.Causes() {
			var ev []string
			for _, op := range hit.Ops {
				if op.Cause == id {
					ev = append(ev, op.Summary)
				}
			}
			add(id, diagnose.Reproduced, "the signature sent is reproduced when "+strings.Join(ev, "; "))
		}
		e.Verdict = diagnose.ClientSignedDifferently
		if transitCauses[e.Causes[0].ID] {
			e.Verdict = diagnose.RequestChangedInTransit
		}
		e.Headline = "what the client signed differs from what arrived: " + strings.Join(summaries, "; ")
		return
	}
	e.Verdict = diagnose.ClientSignedDifferently
	e.Headline = "the proxy's key does not reproduce the signature sent, and no known change to the request does: the client signed with another secret"
	confidence := diagnose.Likely
	if !ran {
		confidence = diagnose.Possible
	}
	add("secret-key-mismatch", confidence, "your key gives "+v.result.Signature+" for the request as received; the client sent "+v.auth.Signature)
}

// missingSigned lists the headers the signature names that the request
// arrived without. Host is always there (net/http requires it); Expect,
// Transfer-Encoding and Content-Length are the connection's and may
// legitimately be absent or rewritten (MinIO's extractSignedHeaders
// tolerates their absence the same way).
func missingSigned(v *verification) []string {
	if v.auth == nil {
		return nil
	}
	var missing []string
	for _, name := range v.auth.SignedHeaders {
		n := strings.ToLower(strings.TrimSpace(name))
		switch n {
		case "", "host", "expect", "transfer-encoding", "content-length":
			continue
		}
		if _, ok := v.req.Get(n); !ok {
			missing = append(missing, n)
		}
	}
	return missing
}

// maxQueuedSearches bounds the refusals waiting for a search.
const maxQueuedSearches = 16

// search runs the mistake search over the request as received: the hit
// is what the client signed instead. A hop that rewrote Host and said so
// in X-Forwarded-Host or Forwarded (RFC 7239) gives the host the client
// most likely signed.
func (p *Proxy) search(v *verification, req *request.Request) (hit *search.Hit, ran bool, notes []string) {
	if p.cfg.Search == search.Off {
		return nil, false, []string{"mistake search off: not run"}
	}
	if v.result == nil || v.result.CanonicalRequest == "" {
		return nil, false, []string{"mistake search not run: no canonical request"}
	}
	// Searches run one at a time, each on every core; refusals queue for
	// it, up to maxQueuedSearches, beyond which a flood of refusals is
	// reported without searching.
	if p.searchQueue.Add(1) > maxQueuedSearches {
		p.searchQueue.Add(-1)
		return nil, false, []string{fmt.Sprintf("mistake search not run: %d refusals already wait for one", maxQueuedSearches)}
	}
	p.searching <- struct{}{}
	defer func() { <-p.searching; p.searchQueue.Add(-1) }()
	sreq := req
	if fh := forwardedHost(req); fh != "" && !strings.EqualFold(fh, req.Host) {
		c := *req
		c.Host = fh
		notes = append(notes, "the request arrived with Host "+req.Host+", and a hop says the client sent "+fh)
		sreq = &c
	}
	in := search.Input{
		Family:           v.auth.Family,
		CanonicalRequest: v.result.CanonicalRequest,
		StringToSign:     v.result.StringToSign,
		Recomputed:       true,
		Credentials:      v.creds,
		Signature:        v.auth.Signature,
		Request:          sreq,
		PayloadHash:      v.opts.PayloadHash,
	}
	res, err := search.Run(context.Background(), in, search.Options{Budget: p.cfg.Search})
	if err != nil {
		return nil, false, append(notes, "mistake search not run: "+err.Error())
	}
	if res.Hit == nil {
		n := fmt.Sprintf("mistake search: %d candidates in %s, none reproduces the signature sent", res.Tried, res.Elapsed.Round(1e6))
		if res.BudgetExhausted {
			n += " (stopped by its time bound)"
		}
		return nil, true, append(notes, n)
	}
	return res.Hit, true, append(notes, fmt.Sprintf("mistake search: reproduced after %d candidates in %s", res.Tried, res.Elapsed.Round(1e6)))
}

// forwardedHost is the host a hop says the client asked for:
// X-Forwarded-Host (its first value), else Forwarded's host= parameter.
func forwardedHost(req *request.Request) string {
	if v, ok := req.Get("X-Forwarded-Host"); ok {
		first, _, _ := strings.Cut(v, ",")
		return strings.TrimSpace(first)
	}
	if v, ok := req.Get("Forwarded"); ok {
		first, _, _ := strings.Cut(v, ",")
		for _, pair := range strings.Split(first, ";") {
			k, val, _ := strings.Cut(strings.TrimSpace(pair), "=")
			if strings.EqualFold(k, "host") {
				return strings.Trim(val, `"`)
			}
		}
	}
	return ""
}

// secretForms are the ways a secret may appear in text: as is, and
// percent-encoded as a query value carries it.
func secretForms(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s == "" {
			continue
		}
		out = append(out, s)
		for _, enc := range []string{url.QueryEscape(s), url.PathEscape(s), strings.ReplaceAll(url.QueryEscape(s), "+", "%20")} {
			if enc != s {
				out = append(out, enc)
			}
		}
	}
	return out
}

// requestSecrets are the session tokens a request carries: header or
// query parameter.
func requestSecrets(req *request.Request, v *verification) []string {
	var ss []string
	for _, name := range []string{"X-Amz-Security-Token", "X-Oss-Security-Token", "x-goog-security-token"} {
		ss = append(ss, req.Values(name)...)
	}
	if v.auth != nil {
		ss = append(ss, v.auth.SecurityToken.Reveal())
	}
	for _, piece := range strings.Split(req.RawQuery, "&") {
		k, val, _ := strings.Cut(piece, "=")
		if strings.Contains(strings.ToLower(k), "security-token") || strings.EqualFold(k, "SecurityToken") {
			if d, err := url.QueryUnescape(val); err == nil {
				ss = append(ss, d)
			}
			ss = append(ss, val)
		}
	}
	return secretForms(ss...)
}

// skewEvidence puts the size of a clock skew in its evidence when the
// server's RequestTimeTooSkewed does not give its times (MinIO's does
// not): the request's date against the proxy's clock, which sits next to
// the server.
func (p *Proxy) skewEvidence(e *Entry, b *s3error.Body, v *verification) {
	if b.Code != "RequestTimeTooSkewed" || v.auth == nil || v.auth.Time.IsZero() {
		return
	}
	if _, ok := b.Get("ServerTime"); ok {
		return
	}
	now := p.cfg.Now().UTC()
	skew := now.Sub(v.auth.Time)
	dir := "behind"
	if skew < 0 {
		dir, skew = "ahead of", -skew
	}
	ev := fmt.Sprintf("the request is dated %s (%s); the proxy's clock reads %s: the client's clock is %s %s", v.auth.Time.Format(time.RFC3339), v.auth.TimeSource, now.Format(time.RFC3339), skew.Round(time.Second), dir)
	for i := range e.Causes {
		if e.Causes[i].ID == "clock-skew" {
			e.Causes[i].Evidence = ev
		}
	}
	e.Headline = fmt.Sprintf("the client's clock is %s %s the proxy's: the server refuses requests more than 15 minutes off", skew.Round(time.Second), dir)
}
