package main

import (
	"bytes"
	"io"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
)

// redactWriter masks the user's session token (and, as a second line of
// defence, the secret key) in everything sigdiff prints once a key is
// loaded. A token is signed like any header (x-amz-security-token in the
// canonical request, X-Amz-Security-Token in a presigned URL), so every
// view of a signing — the check report in text, JSON and Markdown, the
// server's own canonical request pasted back, explain, verify — would
// otherwise print it; masking at the stream covers them all (issue 9 §2).
// Diagnosis still compares the real bytes: only what is shown is masked.
//
// Output is held until a line ends (a token never holds CR or LF) or, for
// a long line, all but the last maxHeld bytes are written.
type redactWriter struct {
	w       io.Writer
	secrets []credentials.Secret
	held    []byte
	maxHeld int // a secret URI-encoded is at most three times as long
}

func newRedactWriter(w io.Writer, secrets ...credentials.Secret) *redactWriter {
	r := &redactWriter{w: w}
	for _, s := range secrets {
		if !s.Empty() {
			r.secrets = append(r.secrets, s)
			r.maxHeld = max(r.maxHeld, 3*len(s.Reveal()))
		}
	}
	return r
}

func (r *redactWriter) mask(b []byte) []byte {
	s := string(b)
	for _, sec := range r.secrets {
		s = recompute.RedactToken(s, sec)
	}
	return []byte(s)
}

func (r *redactWriter) Write(p []byte) (int, error) {
	// What is held ends no line, so only p is searched.
	i := bytes.LastIndexAny(p, "\r\n")
	if i >= 0 {
		i += len(r.held)
	}
	r.held = append(r.held, p...)
	if i >= 0 {
		out := r.mask(r.held[:i+1])
		r.held = append(r.held[:0], r.held[i+1:]...)
		if _, err := r.w.Write(out); err != nil {
			return 0, err
		}
	}
	if len(r.held) > 1<<20 {
		// A secret that starts before the last maxHeld bytes ends inside
		// the buffer, so it is masked whole before anything is written.
		m := r.mask(r.held)
		cut := max(0, len(m)-r.maxHeld)
		if _, err := r.w.Write(m[:cut]); err != nil {
			return 0, err
		}
		r.held = append(r.held[:0], m[cut:]...)
	}
	return len(p), nil
}

// Flush writes what is held.
func (r *redactWriter) Flush() error {
	if len(r.held) == 0 {
		return nil
	}
	_, err := r.w.Write(r.mask(r.held))
	r.held = r.held[:0]
	return err
}

// tokenVariables hold session tokens (credentials.Load reads the same):
// their values are masked even when the key comes from elsewhere (flags),
// for a server's canonical request pasted back still signs the token.
var tokenVariables = []string{"AWS_SESSION_TOKEN", "OSS_SESSION_TOKEN", "ALIBABA_CLOUD_SECURITY_TOKEN"}

// redactEnv masks the session tokens of the environment from the start.
func (e *env) redactEnv() {
	if e.getenv == nil {
		return
	}
	var toks []credentials.Secret
	for _, v := range tokenVariables {
		if t := e.getenv(v); t != "" {
			toks = append(toks, credentials.NewSecret(t))
		}
	}
	if len(toks) > 0 {
		e.stdout = newRedactWriter(e.stdout, toks...)
		e.stderr = newRedactWriter(e.stderr, toks...)
	}
}

// redact routes the command's output through a redactWriter for creds.
func (e *env) redact(creds credentials.Credentials) {
	if creds.SessionToken.Empty() && creds.Secret.Empty() {
		return
	}
	e.stdout = newRedactWriter(e.stdout, creds.SessionToken, creds.Secret)
	e.stderr = newRedactWriter(e.stderr, creds.SessionToken, creds.Secret)
}

// flush writes out what redactWriters hold, innermost last.
func (e *env) flush() {
	for _, w := range []io.Writer{e.stdout, e.stderr} {
		for {
			r, ok := w.(*redactWriter)
			if !ok {
				break
			}
			r.Flush()
			w = r.w
		}
	}
}
