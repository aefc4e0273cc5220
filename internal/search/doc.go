// Package search finds what a client really signed. Given what the server
// computed (its canonical request and string to sign), the user's key and
// the signature the client sent, it applies known client mistakes — each
// an operator tied to a cause id of ../shared/CAUSES.md — until one
// reproduces the signature exactly. A hit proves the mistake: the client's
// canonical request and string to sign are returned byte for byte, for the
// caller to diff against the server's (internal/diff).
//
// # Use
//
//	res, err := search.Run(ctx, search.Input{
//		CanonicalRequest: body.CanonicalRequestBytes, // or one recomputed from the request (Recomputed: true)
//		StringToSign:     body.StringToSignBytes,     // or empty, with AmzDate and Scope
//		Credentials:      creds,
//		Signature:        body.SignatureProvided,
//		Request:          req, // optional: body hash, Host, header values, orders as sent
//	}, search.Options{Budget: search.Quick, Progress: bar})
//
// err is non-nil only for input the search cannot start from (no secret,
// no signature, a signature that is neither hex nor base64 of 32 bytes, a
// string to sign without four lines). Otherwise the Result says what was
// found (Hit, with Hit.Causes for the causes list), how many candidates
// were tried, which operator groups and tiers ran, and whether the budget
// or the context stopped it; a cancelled search returns what it has.
//
// # Search order
//
// Operators are tried singly, then in pairs, then as subsets of the signed
// headers; the deep budget adds triples (pairs with a string-to-sign, scope
// or key operator, subsets with one more operator). Within a tier the
// first hit in a fixed order wins, whatever the number of workers, so a
// result is reproducible. Operators that give the same bytes as one tried
// before are dropped when generated, most specific first, so a hit names
// the narrowest mistake.
//
// The output encodings (base64, upper-case hex) are not tried: the
// signature is decoded as the client wrote it and every candidate is
// compared to those 32 bytes.
//
// # Speed
//
// A candidate costs what the issue calls the bound — one SHA-256 of a
// canonical request and one HMAC of a string to sign — or less:
//
//   - the message is a list of segments and an operator a few edits, so a
//     candidate is built into a worker's buffer without allocating;
//   - the SHA-256 state of the server's canonical request is kept at every
//     64-byte boundary, and a candidate hashes only from the block holding
//     its first change (restored with encoding.BinaryUnmarshaler, as
//     crypto/hmac's Reset does);
//   - each signing key is derived once per run and kept as two SHA-256
//     states, the HMAC's inner state also past the whole blocks of the
//     string to sign's head, so an HMAC costs about three compressions;
//   - candidates that change only the string to sign, scope or key reuse
//     the message's hash, one per message for all of them;
//   - one worker per GOMAXPROCS, handed rows in order.
//
// BenchmarkSearch reports candidates/s against bound/s, both per core of
// CPU time.
//
// # Extending
//
// The message model (model.go) has segment kinds for SigV2 and OSS V1
// strings to sign (method, Content-MD5, Content-Type, date, x-amz-*
// header lines, resource); operators keyed by kind (method swaps,
// Content-Type variants, header case and whitespace) apply to them as they
// are. What V2 needs besides is a parser into those kinds, its own
// date/resource operators, and a finisher signing the message itself with
// HMAC-SHA1 and base64 instead of the V4 hash-then-HMAC-SHA256 step.
package search
