package s3error

import (
	"regexp"
	"strings"
)

// Safari (and "copy text" from some viewers) shows an XML body as its text
// nodes run together, tags gone and white space collapsed:
//
//	SignatureDoesNotMatchThe request signature … signing method.AKIA…AWS4-HMAC-SHA256 20180123T203739Z …
//
// extractTextOnly takes the fields back apart in S3's order, using their
// shapes: a known code, a message ending in a full stop glued to what
// follows, an access key id, a V4 string to sign (4 tokens, the last 64 hex
// digits) glued to the 64-hex signature, byte dumps (runs of hex pairs;
// the string to sign's dump is as long as its text), the canonical request
// up to its dump, the request id and host id.

var (
	textCode   = regexp.MustCompile(`(?:^|[^A-Za-z])(` + codeAlternation + `)[A-Z][a-z]`)
	textAKID   = regexp.MustCompile(`^(?:AKIA|ASIA)[A-Z0-9]{16}`)
	textV4STS  = regexp.MustCompile(`^((?:AWS4|GOOG4|OSS4)-[A-Z0-9-]+ \d{8}T\d{6}Z [^ ]+ [0-9a-f]{64})([0-9a-f]{64})?`)
	textDump   = regexp.MustCompile(`^[0-9a-fA-F]{2}(?: [0-9a-fA-F]{2})*`)
	textMethod = regexp.MustCompile(`^(?:GET|PUT|POST|DELETE|HEAD|OPTIONS|PATCH) `)
)

func extractTextOnly(s string) *Body {
	if !containsCode(s) {
		return nil
	}
	s = strings.Join(strings.Fields(s), " ")
	m := textCode.FindStringSubmatchIndex(s)
	if m == nil {
		return nil
	}
	b := &Body{Layers: []string{"text-only"}}
	add := func(name, text string) { b.Fields = append(b.Fields, Field{name, text}) }
	add("Code", s[m[2]:m[3]])
	rest := s[m[3]:]
	if i := gluedFullStop(rest); i > 0 {
		add("Message", rest[:i+1])
		rest = rest[i+1:]
	} else {
		add("Message", strings.TrimSpace(rest))
		return b
	}
	if k := textAKID.FindString(rest); k != "" {
		add("AWSAccessKeyId", k)
		rest = rest[len(k):]
	}
	sm := textV4STS.FindStringSubmatchIndex(rest)
	if sm == nil {
		return b
	}
	sts := rest[sm[2]:sm[3]]
	add("StringToSign", sts)
	if sm[4] >= 0 {
		add("SignatureProvided", rest[sm[4]:sm[5]])
	}
	rest = rest[sm[1]:]
	if d, n := takeDump(rest, len(sts)); n > 0 {
		add("StringToSignBytes", d)
		rest = rest[n:]
	}
	if !textMethod.MatchString(rest) {
		return b
	}
	// the canonical request runs to its dump: the first " xx xx" run of
	// hex pairs long enough not to be a header value
	loc := crDumpStart.FindStringSubmatchIndex(rest)
	if loc == nil {
		add("CanonicalRequest", rest)
		return b
	}
	add("CanonicalRequest", rest[:loc[2]])
	rest = rest[loc[2]:]
	d, n := takeDump(rest, -1)
	add("CanonicalRequestBytes", d)
	rest = rest[n:]
	if len(rest) >= 16 && awsRequestID.MatchString(rest[:16]) {
		add("RequestId", rest[:16])
		if h := strings.TrimSpace(rest[16:]); h != "" {
			add("HostId", h)
		}
	}
	return b
}

// crDumpStart finds where a canonical request's dump is glued to its last
// line: the payload hash (64 hex digits or UNSIGNED-PAYLOAD/STREAMING-…)
// followed by at least 16 hex pairs.
var crDumpStart = regexp.MustCompile(`(?:[0-9a-f]{64}|PAYLOAD|TRAILER)([0-9a-fA-F]{2}(?: [0-9a-fA-F]{2}){15})`)

// gluedFullStop returns the index of the first full stop that is followed
// by something other than a blank: where the message element ended.
func gluedFullStop(s string) int {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '.' && s[i+1] != ' ' {
			return i
		}
	}
	return -1
}

// takeDump reads want hex pairs (all of them when want < 0); the last pair
// may be glued to the next field.
func takeDump(s string, want int) (string, int) {
	d := textDump.FindString(s)
	if d == "" {
		return "", 0
	}
	n := (len(d) + 1) / 3
	if want >= 0 && n > want {
		n = want
	}
	return d[:n*3-1], n*3 - 1
}
