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
//   - a row of pairs keeps the hash states of its first operator's
//     message, so a pair hashes only from its second operator's change
//     (the cuts are rows too: an edit lands at a known place after them);
//   - one worker per GOMAXPROCS, handed rows in order.
//
// BenchmarkSearch reports candidates/s against bound/s, both per core of
// CPU time.
//
// # Memory
//
// Inputs are capped at 64 KiB (canonical request, string to sign). The
// operators hold their edited segments: a few hundred for a typical
// request; header moves are limited to blocks of 24 headers or fewer
// (beyond, only moves to either end), and the subset tier to every subset
// of up to 14 headers (beyond, sets of two and three, at most 32768 and
// 8 MiB of edited SignedHeaders lines).
// Each worker owns two buffers a little over twice the message and the
// hash states of one message (108 bytes per 64-byte block).
//
// # Extending
//
// SigV2 and OSS V1 sign their string to sign itself (HMAC-SHA1, base64).
// The message model (model.go) reserves segment kinds for its lines
// (method, Content-MD5, Content-Type, date, x-amz-*/x-oss-* header lines,
// resource), and every message operator is a set of segment edits, so
// the engine, the pairing rules and the hash-state sharing carry over.
// What V2 needs: a parser into those kinds; the generators looking up
// their segment by kind where they now use the V4 index (method) or the
// header name (content-type, which V2 has as its own line); date and
// resource operators (Expires vs Date, x-amz-date with an empty Date line,
// bucket and sub-resources in the resource); and a finisher whose signer
// is HMAC-SHA1 of the message, with the secret variants unchanged.
package search
