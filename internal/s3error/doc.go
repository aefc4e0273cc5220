// Package s3error finds a signature-error body (S3 SignatureDoesNotMatch
// and its neighbours, the S3-compatible stores', Aliyun OSS's, GCS's XML
// API's) in whatever the user pasted, reads its fields, decodes its byte
// dumps, reports where the pasted text disagrees with the dumps, and checks
// the server's data for self-consistency. No key is involved.
//
// # Forms, in the order Parse un-wraps them
//
//  1. Input: a byte order mark is dropped, UTF-16 (PowerShell's `>`) decoded;
//     more than MaxInput (16 MiB) is refused.
//  2. Transport: a `curl -v` transcript (`*`, `>`, `<` lines; the request
//     line and Host are kept), else a raw HTTP response (status line and
//     headers kept; chunked framing undone, leniently when the CRs of the
//     framing were lost).
//  3. Lines: the banner of a browser's raw XML view; CRLF line ends when
//     every line has one (a Windows clipboard); lines broken by a terminal
//     at a fixed width (joined after the prefixes are stripped, before, or
//     not at all: each is a reading); prefixes on each line:
//     quote markers ("> "), headings ("## "), shell and REPL prompts,
//     logcat tags, log timestamps and levels.
//  4. Escapes, peeled one layer per round until none is left (so doubly
//     escaped text takes two): byte lists (<<60,63,…>>, [60, 63, …],
//     <Buffer 3c 3f …>); a string literal holding the body (JSON, Python
//     str/bytes repr in pieces, Ruby, Rust, Java, Swift, Go, Erlang,
//     Elixir, util.inspect); HTML/XML escaping (&lt;Error&gt;, &#xA;);
//     Markdown backslashes (\_, \&).
//  5. Reading: XML (tolerant: truncated elements, stray "<…>" in text),
//     else the XML-less forms (Key: value, Key=value, print_r, var_dump,
//     SimpleXMLElement dumps, dict and JSON objects, util.inspect), else
//     Safari's text-only view (text nodes run together), and the SDKs'
//     exception texts for a code and message.
//  6. Fields: pretty-printer re-indentation of a text field is undone; the
//     dumps are decoded and are the truth; a text field is compared with
//     its dump (Damage); without a dump, blank lines around the text are
//     dropped and line breaks a browser collapsed into spaces are rebuilt
//     from the string's layout (Notes says so).
//
// Each reading that step 3 may produce is read in full, and the one that
// yields the most consistent body wins (quality). Body.Form names the
// layers found, joined by "+".
package s3error
