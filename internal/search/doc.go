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
// Inputs are capped at 64 KiB (canonical request, string to sign) and 160
// header lines. The
// operators hold their edited segments: a few hundred for a typical
// request; header moves are limited to blocks of 24 headers or fewer
// (beyond, only moves to either end), and the subset tier to every subset
// of up to 14 headers (beyond, sets of two and three, at most 32768 and
// 8 MiB of edited SignedHeaders lines).
// Each worker owns two buffers a little over twice the message and the
// hash states of one message (108 bytes per 64-byte block).
//
// # SigV2 and OSS V1
//
// RunV2 searches the HMAC-SHA1 schemes (sigv2-header, sigv2-query,
// oss-v1-header, oss-v1-query, and GCS's GOOG1 gcs-v2-hmac-header with its
// x-goog-* headers; IsV2 says which), which sign their string to sign
// itself:
//
//	res, err := search.RunV2(ctx, search.V2Input{
//		Scheme:       body.Scheme,                    // or recompute's, from the request
//		StringToSign: string(body.StringToSignBytes), // or recomputed (Recomputed: true)
//		Credentials:  creds,
//		Signature:    body.SignatureProvided, // base64 of 20 bytes
//		Request:      req,                    // optional: values, names, order and query as sent
//	}, search.Options{Budget: search.Quick})
//
// The string to sign is taken apart into the segment kinds model.go
// reserves for it (v2model.go), and its operators (v2gen.go) are segment
// edits like the V4 ones, so the same opSet drops duplicates and the same
// touch bits decide which combine: the method; Content-MD5 emptied or
// added; Content-Type added, dropped or changed; the Date line under each
// x-amz-date rule, in other formats, or Expires off by a second or in
// milliseconds; each x-amz-*/x-oss-* header dropped, added, untrimmed,
// not lower-cased, not joined, out of order; the resource's bucket missing
// or doubled, its key encoded otherwise, a trailing slash; sub-resources
// dropped, extra, unsorted, encoded, twice; newlines. The secret variants
// are the V4 ones; the signature's encodings (a '+' read as a space,
// hex, URL-safe) are decoded, not tried. The tiers are singles and pairs,
// and triples under Deep; a hit's Hit.StringToSign is the client's, its
// CanonicalRequest empty.
//
// A candidate is one HMAC-SHA1 of a string to sign of a few hundred
// bytes; the inner state after the padded key and the server's unchanged
// blocks is kept per secret, and a row of pairs keeps its first
// operator's states, as for V4. BenchmarkRunV2 reports candidates/s
// against a bare crypto/hmac HMAC-SHA1 of the same string.

package search
