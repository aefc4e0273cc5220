// Command sigdiff finds out why an object store rejected a request
// signature (S3 and S3-compatible stores, Aliyun OSS, Google Cloud Storage).
//
// Usage:
//
//	sigdiff [flags] [FILE|-]                       diagnose an error body (same as sigdiff check)
//	sigdiff check [flags] [FILE|-]                 diagnose an error body, a HAR or a client debug log
//	sigdiff verify (--request FILE | --form FILE)  recompute a request's signature with your key
//	sigdiff explain --request FILE                 walk through the signing of your request
//	sigdiff explain --fineuploader FILE [--signature SIG]
//	sigdiff proxy --upstream URL                   verify every signature between a client and its store
//	sigdiff demo                                   run the whole experience on a bundled example
//
// Give sigdiff the body of the error response — pasted on standard input,
// piped, or in a file — in whatever form you have it: bare XML, a full HTTP
// response, a curl -v transcript, a JSON or Python string, HTML-escaped, a log
// line. It prints what the server signed with invisible bytes made visible,
// checks the paste and the server's own data, and, given what your client
// signed (--client FILE) or the request and your key (--request FILE and the
// AWS_* variables, --profile or --secret-key-file), the byte where the two
// first differ and the cause with its fix. With a key it searches the known
// client mistakes for the one that reproduces the signature sent.
//
// Main flags of check (see sigdiff help check for all):
//
//	--client FILE        what your client signed: canonical request and/or string to sign, or its debug log
//	--request FILE       the request as sent: raw HTTP, a curl command, a URL or a HAR
//	--form FILE          a browser form upload (POST policy)
//	--search MODE        quick (default), deep or off
//	--json               one JSON object instead of the text report
//	--format FORMAT      text (default), json or markdown
//	--redact             mask key ids, buckets, hosts and tokens for public pasting
//	--color WHEN         auto (default), always or never; NO_COLOR and TERM=dumb turn colour off
//
// Exit status: 0 nothing diverges (or a non-signature error was fully
// explained, or verify matched); 1 a mismatch or its cause was found, or the
// server rejected the signature and sigdiff could not yet say why; 2 bad
// input or usage, with a one-line "sigdiff: error: …" message.
//
// Examples:
//
//	sigdiff error.xml
//	pbpaste | sigdiff --client signer-debug.log
//	AWS_PROFILE=dev sigdiff check --request request.txt error.xml
//	sigdiff check capture.har
//	sigdiff verify --request presigned.url
//	sigdiff check --json error.xml | jq .causes
package main

import "os"

func main() { os.Exit(run(os.Args[1:], osEnv())) }
