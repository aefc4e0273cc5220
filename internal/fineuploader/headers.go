package fineuploader

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"github.com/sigdiff/sigdiff/internal/recompute"
)

// maxCut is the last offset tried for a canonical request cut out of the
// payload at a fixed byte: the canonical request starts at 60 plus the
// region's length (70 for cn-north-1), and region names run to 15
// characters; 120 leaves room for longer first lines.
const maxCut = 120

// headersV4 replays the mistakes of a SigV4 signing server that receives
// {"headers": …}: hashing the wrong bytes, not hashing, wrong framing,
// and a wrong key, in that order.
func (s *search) headersV4() {
	p := s.p
	s.signingKey = s.keyFor(recompute.AWS4.KeyPrefix, p.Date, p.Region, p.Service)
	prefix := p.Headers[:p.CanonicalRequestOffset]
	cr := p.CanonicalRequest
	hash := recompute.HashHex(cr)
	stsOf := func(hashed string) string { return prefix + recompute.HashHex(hashed) }

	s.try(cand{sts: s.correctSTS})
	s.try(cand{variant: VariantV2Signer, cause: CauseNotHashed, extra: []string{CauseKeyDerivation, CauseEncoding},
		sts: p.Headers, key: []byte(s.secret.Reveal()), keyName: "bare", sha1: true,
		summary: func(*cand) string {
			return "the signing server signed the payload the SigV2 way (Base64 of HMAC-SHA1 with the bare secret) although Fine Uploader asked for SigV4 (signature.version 4)"
		}})
	s.try(cand{variant: VariantNotHashed, cause: CauseNotHashed, sts: p.Headers, summary: func(*cand) string {
		return "the signing server signed the payload as received: its last part is the canonical request in clear, where the string to sign needs its SHA-256 hex"
	}})
	s.try(cand{variant: VariantCRSigned, cause: CauseNotHashed, sts: cr, summary: func(*cand) string {
		return "the signing server signed the canonical request itself instead of the string to sign built from its hash"
	}})
	for _, v := range []struct {
		variant string
		f       func(string) string
		what    string
	}{
		{VariantStripped, pyStrip, "with blanks and line breaks stripped from both ends (Python str.strip)"},
		{VariantLinesStripped, stripLines, "with every line stripped of blanks"},
		{VariantBlankLinesDropped, dropBlankLines, "without its empty lines (the blank line after the headers is part of it)"},
	} {
		h := v.f(cr)
		s.try(cand{variant: v.variant, cause: CauseHashedWrongBytes, hashed: h, sts: stsOf(h), summary: func(*cand) string {
			return "the signing server hashed the canonical request " + v.what
		}})
	}
	s.try(cand{variant: VariantHashOfHash, cause: CauseHashedWrongBytes, hashed: hash, sts: stsOf(hash), summary: func(*cand) string {
		return "the signing server hashed the canonical request's hex hash once more (SHA-256 of the SHA-256)"
	}})
	digest := sha256.Sum256([]byte(cr))
	s.try(cand{variant: VariantHashOfDigest, cause: CauseHashedWrongBytes, hashed: string(digest[:]), sts: stsOf(string(digest[:])), summary: func(*cand) string {
		return "the signing server hashed the canonical request's raw SHA-256 digest once more"
	}})
	if s.done() {
		return
	}
	s.framingV4(cr, hash, stsOf)
	s.cuts(stsOf)
	s.keyVariants(s.correctSTS, p.Date, p.Region, p.Service, p.AmzDate)
}

func (s *search) done() bool { return s.hit != nil || s.correct }

func (s *search) framingV4(cr, hash string, stsOf func(string) string) {
	p := s.p
	join := func(sep string) string { return strings.Join([]string{p.Algorithm, p.AmzDate, p.Scope, hash}, sep) }
	for _, v := range []struct{ variant, sts, what string }{
		{VariantHashOnly, hash, "signed only the canonical request's hash, without the three lines before it"},
		{VariantJoinedWithN, join("n"), "joined the string to sign's lines with the letter n instead of a line feed (a lost backslash)"},
		{VariantJoinedWithBackslN, join(`\n`), `joined the string to sign's lines with the two characters \n instead of a line feed (a raw string)`},
		{VariantCRLF, join("\r\n"), "joined the string to sign's lines with CR LF instead of LF"},
		{VariantTrailingNewline, s.correctSTS + "\n", "ended the string to sign with a line feed"},
	} {
		s.try(cand{variant: v.variant, cause: CauseFraming, sts: v.sts, summary: func(*cand) string { return "the signing server " + v.what }})
	}
	for _, v := range []struct{ variant, sep, what string }{
		{VariantCRJoinedCRLF, "\r\n", "CR LF"},
		{VariantCRJoinedWithN, "n", "the letter n"},
	} {
		h := strings.ReplaceAll(cr, "\n", v.sep)
		s.try(cand{variant: v.variant, cause: CauseFraming, hashed: h, sts: stsOf(h), summary: func(*cand) string {
			return "the signing server rebuilt the canonical request with its lines joined by " + v.what + " instead of LF before hashing it"
		}})
	}
}

// cuts tries the canonical request taken from each fixed offset of the
// payload: the hard-coded headers[70:] and its neighbours.
func (s *search) cuts(stsOf func(string) string) {
	p := s.p
	for k := 0; k <= min(maxCut, len(p.Headers)) && !s.done(); k++ {
		if k == p.CanonicalRequestOffset {
			continue
		}
		h := p.Headers[k:]
		s.try(cand{variant: VariantCut, cause: CauseHashedWrongBytes, hashed: h, sts: stsOf(h), offset: k, summary: s.cutSummary})
	}
}

func (s *search) cutSummary(c *cand) string {
	p := s.p
	at, k := p.CanonicalRequestOffset, c.offset
	var b strings.Builder
	switch {
	case k == 0:
		fmt.Fprintf(&b, "the signing server hashed the whole payload, its three string-to-sign lines included, instead of the canonical request from byte %d", at)
	case k < at:
		fmt.Fprintf(&b, "the signing server cut the canonical request out of the payload at byte %d, %d byte(s) too early (it starts at byte %d), so it hashed %q in front of it", k, at-k, at, p.Headers[k:at])
	default:
		lost := p.Headers[at:min(k, len(p.Headers))]
		fmt.Fprintf(&b, "the signing server cut the canonical request out of the payload at byte %d, %d byte(s) too late (it starts at byte %d), so %q is missing from its start", k, k-at, at, lost)
	}
	// The canonical request starts at 60 + len(region) when the first
	// lines have their usual form.
	if n := k - (at - len(p.Region)); k > 0 && n > 0 && n <= 20 {
		fmt.Fprintf(&b, "; a hard-coded offset of %d fits a %d-character region, and %s has %d", k, n, p.Region, len(p.Region))
	}
	return b.String()
}

// keyVariants tries the correct string to sign with keys derived the
// wrong way: another day, the timestamp as the date, no "AWS4" prefix, no
// derivation at all, another region.
func (s *search) keyVariants(sts, date, region, service, amzDate string) {
	if len(s.want) != sha256.Size || s.done() {
		return
	}
	scope := "scope " + date + "/" + region + "/" + service
	if t, err := time.Parse("20060102", date); err == nil {
		for _, d := range []time.Time{t.AddDate(0, 0, -1), t.AddDate(0, 0, 1)} {
			ds := d.Format("20060102")
			s.try(cand{variant: VariantWrongDate, cause: CauseKeyDerivation, sts: sts, key: s.keyFor("AWS4", ds, region, service), keyName: "date:" + ds, date: ds, region: region,
				summary: func(c *cand) string {
					return "the signing server derived its key for " + c.date + " while the " + scope + " says " + date + " (a local date, or a date taken at another moment)"
				}})
		}
	}
	if amzDate != "" && amzDate != date {
		s.try(cand{variant: VariantTimestampAsDate, cause: CauseKeyDerivation, sts: sts, key: s.keyFor("AWS4", amzDate, region, service), keyName: "date:" + amzDate, date: amzDate, region: region,
			summary: func(*cand) string {
				return "the signing server derived its key with the whole timestamp " + amzDate + " as the date; kDate takes only yyyymmdd (" + date + ")"
			}})
	}
	s.try(cand{variant: VariantNoAWS4Prefix, cause: CauseKeyDerivation, sts: sts, key: s.keyFor("", date, region, service), keyName: "noprefix", date: date, region: region,
		summary: func(*cand) string {
			return "the signing server keyed kDate with the bare secret; it must be \"AWS4\" followed by the secret"
		}})
	s.try(cand{variant: VariantSecretAsKey, cause: CauseKeyDerivation, sts: sts, key: []byte(s.secret.Reveal()), keyName: "bare",
		summary: func(*cand) string {
			return "the signing server signed with the secret itself instead of the key derived through date, region, service and aws4_request"
		}})
	for _, r := range Regions {
		if r == region || s.done() {
			continue
		}
		s.try(cand{variant: VariantWrongRegion, cause: CauseKeyDerivation, sts: sts, key: s.keyFor("AWS4", date, r, service), keyName: "region:" + r, region: r, date: date,
			summary: func(c *cand) string {
				return "the signing server derived its key for region " + c.region + ", but the " + scope + " (the bucket's region) says " + region
			}})
	}
}

// headersV2 replays the mistakes of a SigV2 signing server: the string to
// sign is the payload itself, so only its bytes and the encoding can go
// wrong.
func (s *search) headersV2() {
	h := s.p.Headers
	bare := []byte(s.secret.Reveal())
	try := func(variant, cause, sts, what string) {
		s.try(cand{variant: variant, cause: cause, sts: sts, key: bare, keyName: "bare", sha1: true, summary: func(*cand) string {
			return "the signing server " + what
		}})
	}
	try("", "", h, "")
	try(VariantV2Stripped, CauseFraming, pyStrip(h), "signed the string to sign with blanks and line breaks stripped from both ends (Python str.strip)")
	try(VariantV2LinesStripped, CauseFraming, stripLines(h), "signed the string to sign with every line stripped of blanks")
	try(VariantV2CRLF, CauseFraming, strings.ReplaceAll(h, "\n", "\r\n"), "joined the string to sign's lines with CR LF instead of LF")
	try(VariantV2JoinedWithN, CauseFraming, strings.ReplaceAll(h, "\n", "n"), "joined the string to sign's lines with the letter n instead of a line feed")
	try(VariantV2TrailingNewline, CauseFraming, h+"\n", "ended the string to sign with a line feed")
}

// pyStrip is Python's str.strip() without arguments on ASCII text.
func pyStrip(s string) string { return strings.Trim(s, " \t\n\r\v\f\x1c\x1d\x1e\x1f") }

func stripLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = pyStrip(l)
	}
	return strings.Join(lines, "\n")
}

func dropBlankLines(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
