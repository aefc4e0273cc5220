package recompute

import (
	"crypto/hmac"
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/sigdiff/sigdiff/internal/credentials"
)

// The signing key (SigV4, "Derive a signing key"):
//
//	kDate    = HMAC-SHA256(KeyPrefix + secret, Date)      Date = yyyymmdd
//	kRegion  = HMAC-SHA256(kDate, Region)
//	kService = HMAC-SHA256(kRegion, Service)
//	kSigning = HMAC-SHA256(kService, Terminator)
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#derive-signing-key

// Keys is the key chain of one (secret, date, region, service).
type Keys struct {
	Date, Region, Service, Signing [32]byte
}

// DeriveKeys computes the key chain. It is the only place besides the
// signature itself where the secret is revealed.
func DeriveKeys(f *Family, secret credentials.Secret, date, region, service string) Keys {
	var k Keys
	k.Date = hmacSHA256([]byte(f.KeyPrefix+secret.Reveal()), date)
	k.Region = hmacSHA256(k.Date[:], region)
	k.Service = hmacSHA256(k.Region[:], service)
	k.Signing = hmacSHA256(k.Service[:], f.Terminator)
	return k
}

func hmacSHA256(key []byte, msg string) (sum [32]byte) {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	m.Sum(sum[:0])
	return sum
}

// hmacPrefixed computes HMAC-SHA256(key, buf[64:]) without allocating:
// buf[:64] is scratch space the caller reserved in front of the message,
// where the inner padded key goes (RFC 2104: H((K⊕opad) ‖ H((K⊕ipad) ‖ m))).
// key is at most one SHA-256 block, as every derived SigV4 key is.
func hmacPrefixed(key *[32]byte, buf []byte) [32]byte {
	const block = 64
	for i := 0; i < block; i++ {
		var k byte
		if i < len(key) {
			k = key[i]
		}
		buf[i] = k ^ 0x36
	}
	inner := sha256.Sum256(buf)
	var outer [block + sha256.Size]byte
	for i := 0; i < block; i++ {
		var k byte
		if i < len(key) {
			k = key[i]
		}
		outer[i] = k ^ 0x5c
	}
	copy(outer[block:], inner[:])
	return sha256.Sum256(outer[:])
}

// KeyCache remembers key chains so that signing many requests with one key
// derives it once per day, region and service, as aws-sdk-go-v2 does
// (aws/signer/internal/v4/cache.go). Unlike that cache it is keyed by the
// secret too, so trying several secrets for one access key (diagnosis does)
// never returns another secret's key. Safe for concurrent use. It holds at
// most max entries and empties itself when full, so memory stays bounded.
// Entries are keyed by a digest of the secret, not the secret.
type KeyCache struct {
	mu   sync.RWMutex
	m    map[keyID]*Keys
	max  int
	last atomic.Pointer[lastKeys] // the chain used last: runs in a row share it
}

// lastKeys is the chain a cache handed out last. It holds the secret (as a
// Secret, which prints masked) so that its memory stays live: the fast path
// then knows a secret whose bytes are the very same bytes is the same
// secret, without hashing it.
type lastKeys struct {
	prefix, terminator, date, region, service string
	secret                                    credentials.Secret
	keys                                      Keys
}

func (l *lastKeys) matches(f *Family, secret credentials.Secret, date, region, service string) bool {
	a, b := l.secret.Reveal(), secret.Reveal()
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b) &&
		l.prefix == f.KeyPrefix && l.terminator == f.Terminator && l.date == date && l.region == region && l.service == service
}

// keyID names a key chain. It holds a SHA-256 of the secret, never the
// secret, so nothing that prints or dumps the cache can show it.
type keyID struct {
	prefix, terminator string
	secret             [32]byte
	date, region       string
	service            string
}

func secretDigest(s credentials.Secret) [32]byte {
	v := s.Reveal()
	var stack [128]byte
	if len(v) <= len(stack) {
		return sha256.Sum256(append(stack[:0], v...))
	}
	return sha256.Sum256([]byte(v))
}

// NewKeyCache returns a cache holding at most n key chains (at least 1).
func NewKeyCache(n int) *KeyCache {
	return &KeyCache{m: make(map[keyID]*Keys), max: max(n, 1)}
}

// defaultKeyCache serves runs whose Options.Cache is nil.
var defaultKeyCache = NewKeyCache(256)

// Keys returns the key chain, deriving it on first use.
func (c *KeyCache) Keys(f *Family, secret credentials.Secret, date, region, service string) Keys {
	if l := c.last.Load(); l != nil && l.matches(f, secret, date, region, service) {
		return l.keys
	}
	id := keyID{f.KeyPrefix, f.Terminator, secretDigest(secret), date, region, service}
	c.mu.RLock()
	k, ok := c.m[id]
	c.mu.RUnlock()
	if !ok {
		derived := DeriveKeys(f, secret, date, region, service)
		k = &derived
		c.mu.Lock()
		if len(c.m) >= c.max {
			clear(c.m)
		}
		c.m[id] = k
		c.mu.Unlock()
	}
	c.last.Store(&lastKeys{f.KeyPrefix, f.Terminator, date, region, service, secret, *k})
	return *k
}

// Len reports how many key chains the cache holds.
func (c *KeyCache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
