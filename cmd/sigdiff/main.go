// Command sigdiff finds out why an object store rejected a request
// signature (S3 and S3-compatible stores, Aliyun OSS, Google Cloud Storage).
//
// Usage:
//
//	sigdiff [flags] [FILE|-]        diagnose an error body (same as sigdiff check)
//	sigdiff check [flags] [FILE|-]  diagnose an error body
//	sigdiff demo                    run the whole experience on a bundled example
//
// Give sigdiff the body of the error response — pasted on standard input,
// piped, or in a file — in whatever form you have it: bare XML, a full HTTP
// response, a curl -v transcript, a JSON or Python string, HTML-escaped, a log
// line. It prints what the server signed with invisible bytes made visible,
// checks the paste and the server's own data, and, given what your client
// signed (--client FILE, copied from its debug log), the byte where the two
// first differ and the likely cause with its fix.
//
// Flags of check:
//
//	--client FILE        what your client signed: canonical request and/or string to sign
//	--host HOST          the host the request went to (checks the scope's region)
//	--json               one JSON object instead of the text report
//	--format FORMAT      text (default), json or markdown
//	--color WHEN         auto (default), always or never; NO_COLOR and TERM=dumb turn colour off
//
// Exit status: 0 nothing diverges (or a non-signature error was fully
// explained); 1 a mismatch or its cause was found, or the server rejected the
// signature and sigdiff could not yet say why; 2 bad input or usage, with a
// one-line "sigdiff: error: …" message.
//
// Examples:
//
//	sigdiff error.xml
//	pbpaste | sigdiff --client signer-debug.log
//	sigdiff check --json error.xml | jq .causes
package main

import "os"

func main() { os.Exit(run(os.Args[1:], osEnv())) }
