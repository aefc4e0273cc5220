package search

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// hit rebuilds the bytes of a reproduction, outside the hot loop, and
// checks them once more with crypto/hmac: a hit is only reported when the
// rebuilt string to sign gives the client's signature.
func (e *engine) hit(at *hitAt) *Hit {
	sg := e.signers[at.signer]
	s := e.s
	var msg, line string
	if s.msgKnown {
		msg = e.m.message(s.head, at.a, at.b)
		sum := sha256.Sum256([]byte(msg))
		line = hex.EncodeToString(sum[:])
	} else {
		line = s.hashLine
	}
	switch sg.mode {
	case modeRaw:
		line = msg
	case modeHashOfHash:
		sum := sha256.Sum256([]byte(line))
		line = hex.EncodeToString(sum[:])
	}
	sts := sg.head + line + string(sg.tail)
	mac := e.sign(&sg.spec, sts)
	if !hmac.Equal(mac, s.target[:]) {
		return nil // unreachable: the hot loop computed the same bytes
	}
	h := &Hit{
		CanonicalRequest: msg,
		StringToSign:     sts,
		Signature:        encodeSignature(mac, s.output),
		Key:              e.derivation(&sg.spec),
		recomputed:       s.recomputed,
	}
	for _, o := range [...]*msgOp{at.a, at.b} {
		if o != nil && o != noOp {
			h.Ops = append(h.Ops, o.op)
			h.Alternatives = append(h.Alternatives, o.aliases...)
		}
	}
	for _, o := range sg.ops {
		h.Ops = append(h.Ops, o.op)
	}
	if s.output != nil {
		h.Ops = append(h.Ops, *s.output)
	}
	h.Tier = at.tier
	return h
}

// sign is HMAC-SHA256 with p's key, with crypto/hmac.
func (e *engine) sign(p *spec, sts string) []byte {
	m := hmac.New(sha256.New, e.key(p))
	m.Write([]byte(sts))
	return m.Sum(nil)
}

// identityWithServerSTS checks the server's string to sign as given when
// its hash line is not the canonical request's hash (the pasted canonical
// request lost bytes): the server signed that string, so it is the one
// that proves a key mismatch.
func (e *engine) identityWithServerSTS() *Hit {
	s := e.s
	if s.stsGiven == "" || !s.msgKnown || s.stsGiven == s.head+s.hashLine {
		return nil
	}
	p := e.baseSpec()
	mac := e.sign(&p, s.stsGiven)
	if !hmac.Equal(mac, s.target[:]) {
		return nil
	}
	h := &Hit{StringToSign: s.stsGiven, Signature: encodeSignature(mac, s.output), Key: e.derivation(&p), Tier: "server", recomputed: s.recomputed}
	if s.output != nil {
		h.Ops = append(h.Ops, *s.output)
	}
	return h
}
