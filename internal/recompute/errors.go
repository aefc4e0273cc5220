package recompute

import (
	"errors"
	"fmt"
)

// Sentinel errors of a run; each message is one lower-case line.
var (
	ErrNoRequest   = errors.New("no request to sign")
	ErrNoRegion    = errors.New("no region for the credential scope")
	ErrNoService   = errors.New("no service for the credential scope")
	ErrNoTime      = errors.New("no signing time: the request has no x-amz-date or date, and none was given")
	ErrNoExpires   = errors.New("a presigned url needs an expiry: the request has no x-amz-expires parameter, and none was given")
	ErrNoSignature = errors.New("the request carries no sigv4 signature: no authorization header and no x-amz-signature parameter")
	ErrTimeRange   = errors.New("signing time outside the years 0000 to 9999 that x-amz-date can write")
	ErrTooLarge    = errors.New("request too large to canonicalize: path, query and headers exceed 64 MiB")

	// ErrUnsupportedAlgorithm is wrapped by the AuthError of an Authorization
	// header or X-Amz-Algorithm that names another scheme (SigV2's "AWS
	// AKID:sig", SigV4A, OSS, a bearer token): other recomputers handle those.
	ErrUnsupportedAlgorithm = errors.New("unsupported signing algorithm")
)

// AuthError reports a malformed signing field of a request: which field,
// where in its value (byte offset, -1 when it concerns the whole field), and
// what is wrong. Values quoted in Reason are never secrets: the fields it
// reports on hold an access key id, a scope, header names and a signature.
type AuthError struct {
	Field  string // "authorization header", "X-Amz-Credential parameter", …
	Offset int    // byte offset in the field's value, or -1
	Reason string // lower case, no final period
	Err    error  // a sentinel this error wraps, or nil
}

func (e *AuthError) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("%s: byte %d: %s", e.Field, e.Offset, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Reason)
}

func (e *AuthError) Unwrap() error { return e.Err }
