package diagnose

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// explainCode turns the neighbouring error codes into plain language and
// their cause. These errors are fully explained by their own fields.
func (r *Report) explainCode() {
	b := r.body
	msg := b.Message
	switch b.Code {
	case "RequestTimeTooSkewed":
		r.explainSkew()
	case "AuthorizationHeaderMalformed", "AuthorizationQueryParametersError":
		if region := expectedRegion(b); region != "" {
			r.Headline = fmt.Sprintf("the scope names the wrong region: the server expects %q", region)
			r.addCause("wrong-region", Certain, "the server says: "+firstLine(msg))
		} else {
			r.Headline = "the Authorization header or X-Amz-* parameters are malformed: " + firstLine(msg)
		}
	case "AccessDenied":
		switch lower := strings.ToLower(msg); {
		case strings.Contains(lower, "request has expired"), strings.Contains(lower, "not yet valid"):
			r.explainExpired()
		case strings.Contains(lower, "invalid according to policy"):
			r.Headline = "the POST form breaks its policy: " + firstLine(msg)
			if strings.Contains(lower, "policy expired") {
				r.addCause("policy-expired", Certain, firstLine(msg))
			} else {
				r.addCause("policy-condition-failed", Certain, firstLine(msg))
			}
		default:
			if h, ok := b.Get("HeadersNotSigned"); ok {
				r.Headline = "these headers must be signed but were sent unsigned: " + h
				r.addCause("unsigned-headers-present", Certain, "HeadersNotSigned: "+h)
			}
		}
	case "XAmzContentSHA256Mismatch", "BadDigest":
		r.explainPayloadHash()
	case "InvalidAccessKeyId":
		id := b.AccessKeyID
		r.Headline = fmt.Sprintf("the endpoint does not know the access key id %q", id)
		r.addCause("access-key-unknown", Certain, firstLine(msg))
	case "InvalidRequest":
		if strings.Contains(msg, "AWS4-HMAC-SHA256") || strings.Contains(strings.ToLower(msg), "signature version 4") {
			r.Headline = "this endpoint accepts only Signature Version 4; the request used Version 2"
			r.addCause("v2-not-supported", Certain, firstLine(msg))
		}
	}
}

var expectingRE = regexp.MustCompile(`expecting '([^']+)'`)

func expectedRegion(b interface{ Get(string) (string, bool) }) string {
	if v, ok := b.Get("Region"); ok && v != "" {
		return v
	}
	msg, _ := b.Get("Message")
	if m := expectingRE.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}

func (r *Report) explainSkew() {
	b := r.body
	rt, _ := b.Get("RequestTime")
	st, _ := b.Get("ServerTime")
	allowed := 15 * time.Minute
	if v, ok := b.Get("MaxAllowedSkewMilliseconds"); ok {
		if ms, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			allowed = time.Duration(ms) * time.Millisecond
		}
	}
	evidence := fmt.Sprintf("RequestTime %s, ServerTime %s, allowed skew %s", rt, st, allowed)
	r.Headline = "the client's clock is off: the request time is too far from the server's"
	if req, err1 := parseTime(rt); err1 == nil {
		if srv, err2 := parseTime(st); err2 == nil {
			skew := srv.Sub(req)
			dir := "behind"
			if skew < 0 {
				dir, skew = "ahead of", -skew
			}
			evidence = fmt.Sprintf("the client's clock is %s %s the server's (ServerTime %s − RequestTime %s); %s allowed", skew.Round(time.Second), dir, st, rt, allowed)
			r.Headline = fmt.Sprintf("the client's clock is %s %s the server's; at most %s is allowed", skew.Round(time.Second), dir, allowed)
		}
	}
	r.addCause("clock-skew", Certain, evidence)
}

func (r *Report) explainExpired() {
	b := r.body
	msg := firstLine(b.Message)
	var parts []string
	for _, k := range []string{"X-Amz-Expires", "Expires", "ServerTime", "RequestTime"} {
		if v, ok := b.Get(k); ok {
			parts = append(parts, k+" "+v)
		}
	}
	evidence := msg
	if len(parts) > 0 {
		evidence += " (" + strings.Join(parts, ", ") + ")"
	}
	if exp, ok := b.Get("Expires"); ok {
		if st, ok2 := b.Get("ServerTime"); ok2 {
			if e, err := parseTime(exp); err == nil {
				if s, err := parseTime(st); err == nil && s.After(e) {
					evidence += fmt.Sprintf("; it expired %s before the server saw it", s.Sub(e).Round(time.Second))
				}
			}
		}
	}
	r.Headline = "the presigned URL is outside its validity window: " + msg
	r.addCause("presign-expired", Certain, evidence)
}

// emptySHA256 is the SHA-256 of no bytes: a client that signs it and then
// sends a body (or the reverse) is the classic payload-hash mistake.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func (r *Report) explainPayloadHash() {
	b := r.body
	client, _ := b.Get("ClientComputedContentSHA256")
	server, _ := b.Get("S3ComputedContentSHA256")
	evidence := fmt.Sprintf("x-amz-content-sha256 sent %s, body hashes to %s", orNone(client), orNone(server))
	switch {
	case client == emptySHA256:
		evidence += "; the client signed the hash of an empty body but sent a body"
	case server == emptySHA256:
		evidence += "; the body arrived empty (a proxy or the client dropped it)"
	}
	r.Headline = "the body the server received does not hash to the x-amz-content-sha256 the client sent"
	r.addCause("payload-hash", Certain, evidence)
}

func orNone(s string) string {
	if s == "" {
		return "(not given)"
	}
	return s
}

// parseTime reads the time formats S3-style errors use.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "20060102T150405Z", time.RFC1123, time.RFC1123Z, "2006-01-02T15:04:05.000Z"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 && n < 1<<40 {
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("unrecognised time %q", s)
}
