// Package proxy is sigdiff's live mode: a transparent reverse proxy for
// S3-style traffic that verifies the signature of every request it
// forwards and, when the upstream refuses one for its signature, says why.
//
// # What passes through untouched
//
// The request goes upstream with the method, the request target's raw
// bytes (path and query as the client wrote them: net/http's URL cleaning
// and re-encoding are bypassed), the Host header and every end-to-end
// header as received. Hop-by-hop headers (RFC 9110 §7.6.1: Connection and
// the headers it names, Keep-Alive, Proxy-*, TE, Trailer,
// Transfer-Encoding, Upgrade) are the connection's, not the message's, and
// are not forwarded; a client that signs one of them (MinIO tolerates a
// signed Transfer-Encoding) is verified with it all the same. Bodies
// stream in both directions through fixed buffers: a multi-gigabyte upload
// costs the memory of one copy buffer. Expect: 100-continue is passed on:
// the client's body is read only once the upstream answered 100 Continue
// (or ExpectContinueTimeout passed), so an upstream refusal still saves
// the upload.
//
// # Retries
//
// A request that fails on a kept-alive upstream connection before any
// answer came back (the store closed the connection as the proxy took it
// from its pool) is sent once more, on a new connection, when that is
// safe: the first 64 KiB of a body are kept while they are all that was
// read, which covers what goes out before a dead connection fails, and a
// request that may have arrived whole is sent again only when its method
// is idempotent. Nothing else is retried; the client gets the upstream's
// failure as a 502 or 504.
//
// # What is checked
//
// Each request's signature (Authorization header or presigned query, any
// scheme recompute.ParseAnyAuth reads) is recomputed with the configured
// key from the request as received. The payload hash is the one the
// request announces in x-amz-content-sha256; a body is never buffered to
// hash it. A SigV4 request without that header (services other than S3)
// is hashed while it streams and verified when its body ends. An
// aws-chunked body's chunk signatures are verified as the chunks pass.
//
// When the upstream answers 400 or 403 with a signing error (or a bodiless
// 400/403 to a request whose signature did not verify), the first
// MaxErrorBody bytes of its body are kept while they stream to the client,
// and the diagnosis is made: internal/diagnose over the error body where
// it carries the server's canonical request or string to sign (AWS); from
// the proxy's own verification and the mistake search of internal/search
// where it does not (MinIO, Ceph, B2).
//
// # Secrets
//
// An Entry never holds the secret key or a session token: query strings
// are not logged, headers are not logged, and every string of an Entry is
// scrubbed of the configured secret and token and of any token the
// request carries before Config.Log sees it.
package proxy
