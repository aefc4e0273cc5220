package search

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

// Budget bounds a search: it is what --search quick|deep|off selects.
type Budget uint8

const (
	// Quick runs the singles, pairs and header-subset tiers and stops after
	// Options.QuickTime of wall time (DefaultQuickTime when zero).
	Quick Budget = iota
	// Deep runs every tier to its end, triples included, with no time
	// limit; only the context, MaxCandidates or the end of the tiers stop it.
	Deep
	// Off searches nothing: Run returns an empty Result at once.
	Off
)

// DefaultQuickTime is the wall-time bound of a Quick search: short enough
// to run on every diagnosis, long enough for every single and pair over a
// large canonical request on one core.
const DefaultQuickTime = 2 * time.Second

// ParseBudget reads the value of --search.
func ParseBudget(s string) (Budget, error) {
	switch s {
	case "quick", "":
		return Quick, nil
	case "deep":
		return Deep, nil
	case "off":
		return Off, nil
	}
	return Off, fmt.Errorf("unknown search budget %q: want quick, deep or off", s)
}

func (b Budget) String() string {
	switch b {
	case Quick:
		return "quick"
	case Deep:
		return "deep"
	case Off:
		return "off"
	}
	return "unknown"
}

// Input is what the search starts from: what the server computed, the
// user's key and the signature to reproduce.
type Input struct {
	// Family names the scheme (AWS4, GOOG4, OSS4). Nil: the key prefix is
	// read from the string to sign's algorithm line (AWS4-HMAC-SHA256 →
	// AWS4), else AWS4.
	Family *recompute.Family

	// CanonicalRequest is the server's canonical request (the
	// CanonicalRequestBytes dump, not the pasted text), or, when the server
	// gave none, the one recomputed from the request. Empty: only the
	// operators after the canonical request (string to sign, scope, key,
	// output) are tried, from StringToSign's hash line.
	CanonicalRequest string
	// StringToSign is the server's. Empty: it is built from
	// CanonicalRequest, AmzDate and Scope.
	StringToSign string
	// AmzDate (yyyymmddThhmmssZ) and Scope (date/region/service/terminator)
	// are used only when StringToSign is empty.
	AmzDate, Scope string
	// Recomputed says CanonicalRequest was recomputed by sigdiff, not
	// given by the server; it only changes what an empty hit means (see
	// Hit.Causes).
	Recomputed bool

	// Credentials holds the user's key; the secret is required.
	Credentials credentials.Credentials
	// Signature is SignatureProvided, or the signature the request carries:
	// 64 hex digits, or the base64 of 32 bytes (a client mistake the
	// search names).
	Signature string

	// Request, when given, is what was sent: it supplies the real body
	// hash, the Host as sent, raw header values, names and order, and the
	// query order as sent.
	Request *request.Request
	// PayloadHash is the hex SHA-256 of the body when it is known only by
	// its hash (a body hashed while streaming); it wins over Request.Body.
	PayloadHash string
}

// Options tune a run.
type Options struct {
	Budget Budget
	// Progress, when not nil, is called from Run's own goroutine about
	// every ProgressInterval while the search runs, and once at the end.
	// The command draws a progress bar on a terminal once a search has run
	// for half a second.
	Progress func(Progress)
	// Workers is the number of goroutines hashing; 0 means GOMAXPROCS.
	Workers int
	// MaxCandidates, when positive, stops the search after about that many
	// candidates (it is checked between batches); tests use it.
	MaxCandidates int64
	// QuickTime overrides DefaultQuickTime for the Quick budget.
	QuickTime time.Duration
}

// ProgressInterval is how often Options.Progress is called.
const ProgressInterval = 100 * time.Millisecond

// Progress is a snapshot of a running search.
type Progress struct {
	Tried   int64  // candidates tried so far
	Planned int64  // candidates the budget's tiers hold, estimated from above when the search starts: Tried ends at or a little below it
	Tier    string // tier running: "singles", "pairs", "subsets", "triples"
	Elapsed time.Duration
}

// Op is one operator as applied in a hit: a client mistake, tied to a
// cause id of ../shared/CAUSES.md.
type Op struct {
	ID      string // stable operator id, as Operators lists it ("uri-encoded-twice", "key-region")
	Group   string // operator group: method, uri, query, headers, payload, framing, string-to-sign, scope, key, secret, output
	Cause   string // cause id ("uri-encoding", "signing-key-derivation")
	Arg     string // the instance's parameter ("HEAD", "eu-west-1", "x-amz-acl", "70"), empty when none
	Summary string // one lowercase line: what the client did; never holds a secret
}

// Hit is a reproduction: these operators, applied to what the server
// computed, give a string to sign whose HMAC with the user's key (possibly
// derived as the operators say) is the signature the client sent.
type Hit struct {
	// Ops in the order the client's signer applies them: canonical
	// request, string to sign, key, output. Empty: the server's own string
	// to sign reproduces the signature with the user's key.
	Ops []Op
	// Alternatives are operators that give the same canonical request
	// bytes as one of Ops, so they explain the hit equally well: a leading
	// newline and Fine Uploader's cut one byte early, a raw space and the
	// path not encoded at all. Ops holds the narrowest, by search order; a
	// caller with more context (the Fine Uploader flow) may prefer one of
	// these.
	Alternatives []Op
	// CanonicalRequest is the bytes the client's signer took as its
	// canonical request: hashed for the string to sign, or written into it
	// raw (sts-not-hashed). Diff it against the server's with internal/diff.
	// Empty when the input had no canonical request.
	CanonicalRequest string
	// StringToSign is the exact bytes the client signed.
	StringToSign string
	// Signature is the reproduced signature, encoded as the client sent it.
	Signature string
	// Key says how the signing key was derived (never the key or secret).
	Key KeyDerivation
	// Tier is the tier that found the hit: singles, pairs, subsets,
	// triples, or server (the server's string to sign as given, when the
	// canonical request given does not hash to it).
	Tier string

	recomputed bool // Input.Recomputed
}

// KeyDerivation describes the signing key of a hit without revealing it.
type KeyDerivation struct {
	Prefix     string // prepended to the secret: "AWS4", or empty when the client left it out
	Date       string // the date string of kDate (yyyymmdd, or a full timestamp)
	Region     string
	Service    string
	Terminator string
	// Secret names the secret variant: "as given", or the pollution the
	// secret-polluted operator found ("trailing newline", …).
	Secret string
	// Chain: "hmac" (the spec), "hex" (each intermediate key hex-encoded
	// before the next step), "none" (the secret used as the signing key).
	Chain string
}

// Causes returns the cause ids of the hit's operators, each once, in
// order. A hit without operators is the server's own string to sign: with
// a server's data that proves the server holds another secret
// (secret-key-mismatch); with a recomputed canonical request it only shows
// the client signed correctly, so no cause is returned.
func (h *Hit) Causes() []string {
	if len(h.Ops) == 0 {
		if h.recomputed {
			return nil
		}
		return []string{"secret-key-mismatch"}
	}
	var ids []string
	for _, op := range h.Ops {
		dup := false
		for _, id := range ids {
			dup = dup || id == op.Cause
		}
		if !dup {
			ids = append(ids, op.Cause)
		}
	}
	return ids
}

// Result is the outcome of Run, also when it stopped early.
type Result struct {
	Hit       *Hit          // nil when nothing reproduced the signature
	Tried     int64         // candidates tried: one HMAC of a string to sign each (the output encodings are compared, not tried)
	Planned   int64         // candidates the budget's tiers hold (an upper estimate, as in Progress)
	Groups    []string      // operator groups tried, sorted
	Tiers     []string      // tiers run to their end, in order
	Algorithm string        // algorithm line of the strings to sign tried; RunV2: the Authorization word, AWS or OSS
	Elapsed   time.Duration // wall time
	Workers   int

	// BudgetExhausted: the quick time bound or MaxCandidates stopped the
	// search before its last tier ended. Cancelled: the context did.
	BudgetExhausted bool
	Cancelled       bool

	// Notes are facts about the input the caller may show, one lowercase
	// line each (never a secret).
	Notes []string
}

// Errors for input the search cannot start from.
var (
	ErrNoSecret    = errors.New("the mistake search needs the secret key")
	ErrNoSignature = errors.New("the mistake search needs the signature the client sent")
	ErrNoInput     = errors.New("the mistake search needs the server's canonical request or string to sign")
	ErrTooLarge    = errors.New("canonical request too large to search (over 64 KiB or 160 headers)")
)

// InputError says which input field is malformed and why.
type InputError struct {
	Field  string // "signature", "string to sign", "scope", "amz date"
	Reason string
}

func (e *InputError) Error() string { return "bad " + e.Field + ": " + e.Reason }

// Run searches for the client mistakes that reproduce in.Signature. It
// returns an error only for input it cannot search from; a search stopped
// by the budget or by ctx returns what it found so far, with
// BudgetExhausted or Cancelled set, and a nil error.
func Run(ctx context.Context, in Input, opts Options) (*Result, error) {
	return runEngine(ctx, opts, func() (*engine, error) { return newEngine(&in) })
}

// runner is a search engine set up for one input.
type runner interface {
	run(ctx context.Context, opts *Options, workers int, start time.Time) *Result
}

// runEngine runs the engine newEngine sets up, on opts.Workers workers
// (GOMAXPROCS when zero); the Off budget runs nothing.
func runEngine[E runner](ctx context.Context, opts Options, newEngine func() (E, error)) (*Result, error) {
	start := time.Now()
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if opts.Budget == Off {
		return &Result{Workers: workers, Groups: []string{}}, nil
	}
	e, err := newEngine()
	if err != nil {
		return nil, err
	}
	res := e.run(ctx, &opts, workers, start)
	res.Elapsed = time.Since(start)
	return res, nil
}
