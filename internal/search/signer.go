package search

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
)

// After the canonical request, a candidate is a way of signing its hash:
// how the string to sign is framed, what scope it names, and how the key
// is derived. A signer holds one such way, ready for the hot loop: the
// HMAC's inner state after the padded key and the whole 64-byte blocks of
// the string to sign's head, and the outer state after the padded key
// (RFC 2104), so that each candidate costs the head's remainder, the hash
// line and two finalisations.

type hashMode uint8

const (
	modeHex        hashMode = iota // hex(SHA-256(canonical request)): the spec
	modeRaw                        // the canonical request itself (sts-not-hashed)
	modeHashOfHash                 // hex(SHA-256(hex(SHA-256(canonical request))))
)

type chainMode uint8

const (
	chainHMAC chainMode = iota // kDate → kRegion → kService → kSigning
	chainHex                   // each key hex-encoded before it keys the next HMAC
	chainNone                  // the secret is the signing key
)

// spec is everything a signer varies.
type spec struct {
	mode      hashMode
	sep, tail string // line separator of the string to sign; bytes after its hash line

	algorithm, amzDate             string
	sDate, sRegion, sService, term string // the scope written in the string to sign

	kPrefix                         string
	kDate, kRegion, kService, kTerm string // the scope the key is derived for
	secret                          int    // index into engine.secrets
	chain                           chainMode
}

// touch bits of the context operators: two combine when theirs differ.
const (
	tMode uint16 = 1 << iota
	tSep
	tTail
	tSecret
	tPrefix
	tChain
	tDate
	tRegion
	tService
)

// ctxOp is an operator after the canonical request.
type ctxOp struct {
	op    Op
	touch uint16
	apply func(*spec)
}

type signer struct {
	ops          []*ctxOp
	spec         spec
	mode         hashMode
	inner, outer []byte // marshalled SHA-256 states
	rest, tail   []byte // the head after the blocks inner holds; the bytes after the hash line
	head         string
}

// secretVariant is the user's secret as a client may have read it.
type secretVariant struct {
	name   string
	secret credentials.Secret
}

// secretVariants lists the pollutions a secret picks up on its way into a
// client: a trailing newline from a file or `echo`, CR LF from a Windows
// editor, spaces, quotes kept from a .env file, the % zsh prints after
// output without a final newline, URL encoding (a secret with + or /
// passed in a URL or form), and '+' read back as a space.
func secretVariants(s credentials.Secret) []secretVariant {
	v := s.Reveal()
	out := []secretVariant{{"as given", s}}
	add := func(name, x string) {
		if x == v {
			return
		}
		for _, o := range out {
			if o.secret.Reveal() == x {
				return
			}
		}
		out = append(out, secretVariant{name, credentials.NewSecret(x)})
	}
	add("trimmed", strings.TrimSpace(v))
	add("trailing newline", v+"\n")
	add("trailing cr lf", v+"\r\n")
	add("trailing space", v+" ")
	add("leading space", " "+v)
	add("double quotes", `"`+v+`"`)
	add("single quotes", "'"+v+"'")
	add("trailing percent sign", v+"%")
	add("url-encoded", url.QueryEscape(v))
	add("plus read as space", strings.ReplaceAll(v, "+", " "))
	return out
}

// ctxOps returns the context operators of an input, in the order tried.
func (e *engine) ctxOps() []*ctxOp {
	s := e.s
	var ops []*ctxOp
	add := func(id, arg, summary string, touch uint16, f func(*spec)) {
		ops = append(ops, &ctxOp{op: newOp(id, arg, summary), touch: touch, apply: f})
	}
	if s.msgKnown {
		add("sts-not-hashed", "", "", tMode, func(p *spec) { p.mode = modeRaw })
	}
	add("sts-hash-of-hash", "", "", tMode, func(p *spec) { p.mode = modeHashOfHash })
	add("sts-newline-as-n", "", "", tSep, func(p *spec) { p.sep = "n" })
	add("sts-crlf", "", "", tSep, func(p *spec) { p.sep = "\r\n" })
	add("sts-extra-final-newline", "", "", tTail, func(p *spec) { p.tail = "\n" })
	for i := 1; i < len(e.secrets); i++ {
		add("secret-polluted", e.secrets[i].name, "the secret was used with its "+e.secrets[i].name, tSecret, func(p *spec) { p.secret = i })
	}
	add("key-prefix-missing", "", "the signing key derived without the \""+s.family.KeyPrefix+"\" prefix on the secret", tPrefix, func(p *spec) { p.kPrefix = "" })
	add("key-chain-hex", "", "", tChain, func(p *spec) { p.chain = chainHex })
	add("key-not-derived", "", "", tChain|tPrefix|tDate|tRegion|tService, func(p *spec) { p.chain = chainNone })

	// Dates: a day either side (local time against UTC), and the full
	// timestamp where yyyymmdd belongs.
	if d, err := time.Parse("20060102", s.date); err == nil {
		for _, shift := range [...]int{-1, 1} {
			day := d.AddDate(0, 0, shift).Format("20060102")
			arg := "+1 day"
			if shift < 0 {
				arg = "-1 day"
			}
			add("key-date-shifted", arg, "the signing key derived for "+day+"; the scope says "+s.date, tDate, func(p *spec) { p.kDate = day })
			add("scope-date-shifted", arg, "signed with the scope date "+day+"; the server's is "+s.date, tDate, func(p *spec) { p.kDate, p.sDate = day, day })
		}
	}
	if s.amzDate != s.date {
		add("key-date-timestamp", s.amzDate, "", tDate, func(p *spec) { p.kDate = s.amzDate })
		add("scope-date-timestamp", s.amzDate, "", tDate, func(p *spec) { p.kDate, p.sDate = s.amzDate, s.amzDate })
	}
	for _, svc := range services {
		if svc == s.service {
			continue
		}
		add("key-service", svc, "the signing key derived for service "+svc+"; the scope says "+s.service, tService, func(p *spec) { p.kService = svc })
		add("scope-service", svc, "signed for service "+svc+"; the server used "+s.service, tService, func(p *spec) { p.kService, p.sService = svc, svc })
	}
	// Regions: the host's own first, then the table.
	table := regionTable(s.family.KeyPrefix)
	regions := table
	if hr := e.hostRegion(); hr != "" {
		regions = append([]string{hr}, table...)
	}
	seen := map[string]bool{s.region: true}
	for _, r := range regions {
		if seen[r] {
			continue
		}
		seen[r] = true
		add("key-region", r, "the signing key derived for region "+r+"; the scope says "+s.region, tRegion, func(p *spec) { p.kRegion = r })
		add("scope-region", r, "signed for region "+r+"; the server used "+s.region, tRegion, func(p *spec) { p.kRegion, p.sRegion = r, r })
	}
	return ops
}

// hostRegion is the region the Host header (or the request's host) names.
func (e *engine) hostRegion() string {
	table := regionTable(e.s.family.KeyPrefix)
	if h := e.m.header("host"); h >= 0 {
		if r := hostRegion(e.m.segs[h].value, table); r != "" {
			return r
		}
	}
	if e.s.req != nil {
		return hostRegion(e.s.req.Host, table)
	}
	return ""
}

// baseSpec is the server's own signing.
func (e *engine) baseSpec() spec {
	s := e.s
	return spec{
		sep: "\n", algorithm: s.algorithm, amzDate: s.amzDate,
		sDate: s.date, sRegion: s.region, sService: s.service, term: s.terminator,
		kPrefix: s.family.KeyPrefix, kDate: s.date, kRegion: s.region, kService: s.service, kTerm: s.terminator,
	}
}

// newSigner builds the signer of a set of context operators; nil when
// the key cannot be derived (never for valid input) or when it signs
// exactly like one already built (seen holds their digests).
func (e *engine) newSigner(ops []*ctxOp, seen map[string]bool) *signer {
	p := e.baseSpec()
	for _, o := range ops {
		o.apply(&p)
	}
	key := e.key(&p)
	head := p.algorithm + p.sep + p.amzDate + p.sep + p.sDate + "/" + p.sRegion + "/" + p.sService + "/" + p.term + p.sep
	tail := ""
	if p.tail != "" {
		tail = p.sep
	}
	id := string(key) + "\x00" + head + "\x00" + tail + "\x00" + string(rune('0'+p.mode))
	if seen != nil {
		if seen[id] {
			return nil
		}
		seen[id] = true
	}
	sg := &signer{ops: ops, spec: p, mode: p.mode, head: head, tail: []byte(tail)}
	var pad [64]byte
	if len(key) > len(pad) {
		sum := sha256.Sum256(key)
		key = sum[:]
	}
	h := sha256.New()
	copy(pad[:], key)
	for i := range pad {
		pad[i] ^= 0x36
	}
	h.Write(pad[:])
	absorbed := len(head) &^ 63
	h.Write([]byte(head[:absorbed]))
	sg.inner = marshal(h)
	sg.rest = []byte(head[absorbed:])
	h.Reset()
	clear(pad[:])
	copy(pad[:], key)
	for i := range pad {
		pad[i] ^= 0x5c
	}
	h.Write(pad[:])
	sg.outer = marshal(h)
	return sg
}

func marshal(h interface{}) []byte {
	b, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic("search: sha256 state cannot be marshalled: " + err.Error()) // crypto/sha256 always can
	}
	return b
}

// keyID names a derived key within one run; secrets by index, never by value.
type keyID struct {
	secret                              int
	prefix, date, region, service, term string
	chain                               chainMode
}

// key derives (or recalls) the signing key of p. Keys are cached per
// scope for the run: a region tried in a hundred pairs is derived once.
func (e *engine) key(p *spec) []byte {
	id := keyID{p.secret, p.kPrefix, p.kDate, p.kRegion, p.kService, p.kTerm, p.chain}
	if p.chain == chainNone {
		id = keyID{secret: p.secret, chain: chainNone}
	}
	if k, ok := e.keys[id]; ok {
		return k
	}
	secret := e.secrets[p.secret].secret.Reveal()
	var k []byte
	switch p.chain {
	case chainNone:
		k = []byte(secret)
	default:
		k = []byte(p.kPrefix + secret)
		for _, msg := range [...]string{p.kDate, p.kRegion, p.kService, p.kTerm} {
			m := hmac.New(sha256.New, k)
			m.Write([]byte(msg))
			k = m.Sum(nil)
			if p.chain == chainHex {
				k = []byte(hex.EncodeToString(k))
			}
		}
	}
	e.keys[id] = k
	return k
}

// derivation describes p's key for a hit.
func (e *engine) derivation(p *spec) KeyDerivation {
	d := KeyDerivation{Prefix: p.kPrefix, Date: p.kDate, Region: p.kRegion, Service: p.kService, Terminator: p.kTerm,
		Secret: e.secrets[p.secret].name, Chain: "hmac"}
	switch p.chain {
	case chainHex:
		d.Chain = "hex"
	case chainNone:
		d = KeyDerivation{Secret: d.Secret, Chain: "none"}
	}
	return d
}
