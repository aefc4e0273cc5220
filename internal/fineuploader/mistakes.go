package fineuploader

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"strconv"
	"strings"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
)

// The mistake search: the signing server answered a signature that S3
// rejected. Each classic mistake of hand-written signing servers (seen in
// public questions about this flow; ../shared/examples/README.md) is
// replayed with the user's key, and the one whose signature equals the
// answer is named, with the exact bytes the server signed. An HMAC match
// cannot happen by accident, so a hit is certain.

// Cause ids (../shared/CAUSES.md) a Mistake names.
const (
	CauseHashedWrongBytes = "sts-hashed-wrong-bytes"
	CauseNotHashed        = "sts-not-hashed"
	CauseFraming          = "sts-framing"
	CauseKeyDerivation    = "signing-key-derivation"
	CauseEncoding         = "signature-encoding"
	CausePolicyBytes      = "policy-signed-wrong-bytes"
)

// Variants: which mistake reproduced the signature. Stable ids.
const (
	VariantEncoding          = "signature-encoding"         // right signature, written as base64, upper-case hex, or hex for SigV2
	VariantCut               = "canonical-request-cut"      // hashed Headers[Offset:], a fixed offset
	VariantStripped          = "stripped"                   // hashed the canonical request strip()ped (Python str.strip)
	VariantLinesStripped     = "lines-stripped"             // each line stripped
	VariantBlankLinesDropped = "blank-lines-dropped"        // empty lines removed
	VariantNotHashed         = "not-hashed"                 // signed the payload as received: the canonical request in place of its hash
	VariantCRSigned          = "canonical-request-signed"   // signed the canonical request alone
	VariantHashOfHash        = "hash-of-hash"               // hashed the hex hash once more
	VariantHashOfDigest      = "hash-of-digest"             // hashed the raw SHA-256 digest once more
	VariantHashOnly          = "hash-only-signed"           // signed the canonical request's hash alone
	VariantJoinedWithN       = "joined-with-n"              // string to sign joined with the letter n
	VariantJoinedWithBackslN = "joined-with-backslash-n"    // joined with the two characters \n
	VariantCRLF              = "crlf"                       // string to sign joined with CR LF
	VariantTrailingNewline   = "trailing-newline"           // string to sign with a final LF
	VariantCRJoinedCRLF      = "canonical-request-crlf"     // canonical request's lines joined with CR LF before hashing
	VariantCRJoinedWithN     = "canonical-request-joined-n" // canonical request's lines joined with the letter n
	VariantWrongRegion       = "wrong-region"               // key derived for another region
	VariantWrongDate         = "wrong-date"                 // key derived for the day before or after
	VariantTimestampAsDate   = "timestamp-as-date"          // key derived with yyyymmddThhmmssZ as the date
	VariantNoAWS4Prefix      = "no-aws4-prefix"             // kDate keyed with the bare secret
	VariantSecretAsKey       = "secret-as-key"              // no derivation: the secret signed directly
	VariantV2Signer          = "v2-signer"                  // SigV2 signing (HMAC-SHA1, bare secret, base64) for a SigV4 request
	VariantPolicyJSON        = "policy-json-signed"         // signed the policy JSON instead of its base64
	VariantPolicyReserialize = "policy-reserialized"        // signed the base64 of the policy serialized again (Style)
	VariantPolicyAnswer      = "policy-answer-differs"      // signed the body's base64 but answered another policy
	VariantPolicyWrapped     = "policy-base64-wrapped"      // base64 with line breaks (Python base64.encodebytes, openssl)
	VariantPolicyURLSafe     = "policy-base64-url-safe"     // url-safe base64 alphabet
	VariantV2Stripped        = "v2-stripped"                // SigV2: the string to sign strip()ped
	VariantV2LinesStripped   = "v2-lines-stripped"          // SigV2: each line stripped
	VariantV2CRLF            = "v2-crlf"                    // SigV2: lines joined with CR LF
	VariantV2JoinedWithN     = "v2-joined-with-n"           // SigV2: lines joined with the letter n
	VariantV2TrailingNewline = "v2-trailing-newline"        // SigV2: a final LF added
)

// Mistake is the signing-server mistake that reproduces the answered
// signature.
type Mistake struct {
	Variant string   // one of the Variant constants
	Cause   string   // the cause id of the mistake
	Causes  []string // Cause, then signature-encoding when the answer was also encoded wrongly
	Summary string   // one plain sentence

	Offset int    // VariantCut: where the server cut the payload; -1 otherwise
	Region string // key variants: the region the key was derived for
	Date   string // key variants: the date the key was derived with
	Style  string // VariantPolicyReserialize: the serializer imitated (policy.Styles)

	// Hashed is what the server hashed as the canonical request (empty
	// when the mistake is not there); StringToSign the exact bytes it
	// HMACed; CorrectStringToSign what it should have.
	Hashed              string
	StringToSign        string
	CorrectStringToSign string

	Signature string // the answer as given
	Encoding  string // how the answer is written: "hex", "HEX" (upper or mixed case), "base64"
}

// Errors of the search.
var (
	ErrSignatureCorrect = errors.New("the signature is the correct one: the signing server signed this payload as it should")
	ErrNotFound         = errors.New("no known signing-server mistake reproduces the signature")
)

// SignatureError is an answer that is no HMAC signature at all.
type SignatureError struct{ Reason string }

func (e *SignatureError) Error() string { return "signature: " + e.Reason }

// FindMistake replays the classic signing-server mistakes with creds and
// returns the one whose signature equals signature (hex or base64), with
// the number of candidates computed. ErrSignatureCorrect means the answer
// is right (look elsewhere: the key, or the request sent); ErrNotFound
// that no mistake known here reproduces it.
func FindMistake(p *Payload, creds credentials.Credentials, signature string) (*Mistake, int, error) {
	if creds.Secret.Empty() {
		return nil, 0, ErrNoSecret
	}
	want, enc, err := decodeSignature(signature)
	if err != nil {
		return nil, 0, err
	}
	s := &search{p: p, secret: creds.Secret, want: want, answer: signature, encoding: enc, seen: map[string]bool{}}
	s.correctSTS = p.StringToSign()
	switch {
	case p.Kind == KindPolicy && p.Version == 4:
		err = s.policyV4()
	case p.Kind == KindPolicy:
		s.policyV2()
	case p.Version == 4:
		s.headersV4()
	default:
		s.headersV2()
	}
	if err != nil {
		return nil, s.tried, err
	}
	if s.correct {
		if s.canonicalEncoding() {
			return nil, s.tried, ErrSignatureCorrect
		}
		m := s.mistake(cand{variant: VariantEncoding, cause: CauseEncoding, sts: s.correctSTS, summary: s.encodingSummary})
		return m, s.tried, nil
	}
	if s.hit == nil {
		return nil, s.tried, ErrNotFound
	}
	return s.hit, s.tried, nil
}

// decodeSignature reads an answer written as hex (64 or 40 digits, any
// case) or base64 (standard or url-safe, padded or not) of a 32-byte
// (HMAC-SHA256) or 20-byte (HMAC-SHA1) MAC.
func decodeSignature(sig string) ([]byte, string, error) {
	s := strings.Trim(strings.TrimSpace(sig), `"'`)
	if s == "" {
		return nil, "", &SignatureError{Reason: "empty"}
	}
	if (len(s) == 64 || len(s) == 40) && isHex(s) {
		b, _ := hex.DecodeString(s)
		if strings.ToLower(s) != s {
			return b, "HEX", nil
		}
		return b, "hex", nil
	}
	for _, e := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := e.DecodeString(s); err == nil && (len(b) == 32 || len(b) == 20) {
			return b, "base64", nil
		}
	}
	return nil, "", &SignatureError{Reason: "neither 64 or 40 hex digits nor base64 of a 32- or 20-byte hmac (" + strconv.Itoa(len(s)) + " characters)"}
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// cand is one replayed mistake: the bytes signed and the key.
type cand struct {
	variant, cause string
	extra          []string // more causes the variant always carries
	sts            string
	hashed         string
	key            []byte // HMAC key; nil: the correct SigV4 signing key
	keyName        string // identifies key for de-duplication
	sha1           bool   // HMAC-SHA1 instead of HMAC-SHA256
	offset         int
	region, date   string
	style          string
	summary        func(c *cand) string
}

type search struct {
	p          *Payload
	secret     credentials.Secret
	want       []byte
	answer     string
	encoding   string
	correctSTS string
	signingKey []byte
	tried      int
	correct    bool
	hit        *Mistake
	seen       map[string]bool
	signer     hash.Hash // HMAC keyed with signingKey
	sum        [sha256.Size]byte
}

// try computes one candidate unless it cannot match (wrong MAC length) or
// repeats one already computed, and records a hit. It reports whether the
// search is over.
func (s *search) try(c cand) bool {
	if s.hit != nil || s.correct {
		return true
	}
	size := sha256.Size
	if c.sha1 {
		size = sha1.Size
	}
	if size != len(s.want) {
		return false
	}
	id := c.keyName + "\x00" + boolStr(c.sha1) + c.sts
	if s.seen[id] {
		return false
	}
	s.seen[id] = true
	s.tried++
	var h hash.Hash
	switch {
	case c.key == nil:
		// Most candidates sign with the signing key: one HMAC, reset.
		if s.signer == nil {
			s.signer = hmac.New(sha256.New, s.signingKey)
		}
		h = s.signer
		h.Reset()
	case c.sha1:
		h = hmac.New(sha1.New, c.key)
	default:
		h = hmac.New(sha256.New, c.key)
	}
	h.Write([]byte(c.sts))
	if !hmac.Equal(h.Sum(s.sum[:0]), s.want) {
		return false
	}
	if c.variant == "" {
		s.correct = true
	} else {
		s.hit = s.mistake(c)
	}
	return true
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (s *search) canonicalEncoding() bool {
	if len(s.want) == sha1.Size || s.p.Version == 2 {
		return s.encoding == "base64"
	}
	return s.encoding == "hex"
}

func (s *search) mistake(c cand) *Mistake {
	m := &Mistake{
		Variant: c.variant, Cause: c.cause, Causes: append([]string{c.cause}, c.extra...),
		Offset: -1, Region: c.region, Date: c.date, Style: c.style,
		Hashed: c.hashed, StringToSign: c.sts, CorrectStringToSign: s.correctSTS,
		Signature: s.answer, Encoding: s.encoding,
	}
	if c.variant == VariantCut {
		m.Offset = c.offset
	}
	m.Summary = c.summary(&c)
	// A variant that itself fixes the encoding (the SigV2 signer) or is
	// the encoding does not count it twice.
	if c.variant != VariantEncoding && c.variant != VariantV2Signer && !s.canonicalEncoding() {
		m.Causes = append(m.Causes, CauseEncoding)
		m.Summary += "; " + s.encodingSummary(&c)
	}
	return m
}

func (s *search) encodingSummary(*cand) string {
	switch s.encoding {
	case "HEX":
		return "the signature is written in upper-case hex; S3 compares lower-case hex"
	case "hex":
		return "the signature is written in hex; SigV2 signatures are base64"
	}
	return "the signature is written in base64; SigV4 signatures are lower-case hex"
}

// keyFor derives a SigV4 signing key; prefix "" leaves out "AWS4".
func (s *search) keyFor(prefix, date, region, service string) []byte {
	f := recompute.AWS4
	if prefix != f.KeyPrefix {
		g := *f
		g.KeyPrefix = prefix
		f = &g
	}
	k := recompute.DeriveKeys(f, s.secret, date, region, service)
	return k.Signing[:]
}
