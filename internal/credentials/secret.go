// Package credentials finds the user's key the way AWS, OSS and GCS users
// already keep it, and holds the secret so that it cannot be printed by accident.
package credentials

import (
	"fmt"
	"io"
)

// Secret holds a secret key or session token. Every way of formatting it
// (fmt verbs, JSON, text marshalling) yields a fixed mask; only Reveal gives
// the bytes, and only signing code calls it.
type Secret struct{ v string }

// NewSecret wraps s.
func NewSecret(s string) Secret { return Secret{v: s} }

const mask = "[redacted]"

// Reveal returns the secret itself, for HMAC keys only.
func (s Secret) Reveal() string { return s.v }

// Empty reports whether no secret is held.
func (s Secret) Empty() bool { return s.v == "" }

// Format masks the secret for every verb: fmt calls String only for %v %s
// %q %x %X, and would print the bytes for %d or %c ("%!d(string=…)").
func (s Secret) Format(f fmt.State, verb rune) { io.WriteString(f, mask) }

func (s Secret) String() string               { return mask }
func (s Secret) GoString() string             { return mask }
func (s Secret) MarshalText() ([]byte, error) { return []byte(mask), nil }
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + mask + `"`), nil }

// Credentials is an access key pair, with a session token for temporary keys.
type Credentials struct {
	AccessKeyID  string
	Secret       Secret
	SessionToken Secret
	Source       string // where they came from, e.g. "env", "profile default", "flags"
}
