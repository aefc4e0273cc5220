// Package clientlog reads the debug output of S3 clients and pairs, for
// each request in it, what the client signed (canonical request, string to
// sign, signature) with the request it sent and the response it got. A log
// holds many requests — retries, pagination, multipart parts — so pairing
// is the job; internal/clientsig reads a single signed block.
//
// The strings a client logged are kept byte for byte: they are diffed
// against the server's. A botocore repr ('GET\n/…') is unescaped exactly; a
// block neither gains nor loses a final newline (the logger's record
// terminator is not part of the string).
//
// # Formats
//
//   - botocore: AWS CLI --debug, boto3/botocore logging. "CanonicalRequest:",
//     "StringToSign:", "Signature:" records (auth.py), "Sending http
//     request: <AWSPreparedRequest …>" (endpoint.py), urllib3's
//     'https://host:443 "GET /k HTTP/1.1" 403 …' status line, "Response
//     headers: {…}" and "Response body:\nb'…'" (parsers.py). The body of a
//     request comes from "Making request for OperationModel(…) with params:
//     {… 'body': b'…'}" when it is bytes.
//   - aws-sdk-go-v2 (LogSigning, LogRequest[WithBody], LogResponse[WithBody])
//     and aws-sdk-go v1 (LogDebugWithSigning, LogDebugWithHTTPBody): the
//     "---[ CANONICAL STRING  ]---" / "---[ STRING TO SIGN ]---" block,
//     httputil dumps of the request and response.
//   - s3cmd --debug: "Canonical Request:" … "----------------------" (V4),
//     "SignHeaders: '…'" (V2), "Sending request method_string=…",
//     "Response:\n{…}" (pprint), "ErrorXML: Name: '…'".
//   - curl -v with --aws-sigv4 (curl 8): "aws_sigv4: Canonical request
//     (enclosed in []) - […]", "String to sign …", "Signature - …", the "> "
//     request and "< " response heads, and the body when stdout went to the
//     same file.
//   - awscurl -v: pprint'ed "CANONICAL REQUEST = …", "STRING_TO_SIGN = …",
//     headers, "Request URL = …", "Response code: …", then the body.
//   - aws-sdk-java v1 ("AWS4 Canonical Request: '\"…\"") and v2 ("AWS4
//     Canonical Request: …"), with Apache HttpClient's header and wire logs
//     and "Received error response: …".
//   - minio-go TraceOn (---------START-HTTP--------- … END-HTTP) and rclone
//     --dump headers,bodies,auth: request and response dumps, no canonical
//     request; each request is paired with its response.
//
// # Caps
//
// A log is at most MaxInput bytes and yields at most MaxExchanges
// exchanges; everything is linear in the input. Reading a log and then its
// Failures allocates 3 to 4 times its size in all (a 16 MiB botocore log
// 3.1 times, an aws-sdk-go-v2 log 3.5): the log as a string (1), its line
// index, the bytes the exchanges keep (canonical requests, strings to
// sign, requests, response bodies), and s3error's reading of each refused
// body (about 2.5 times the body). Records are paired as they are read,
// never collected first; Python literals without escapes are taken from
// the log, and HTTP request dumps parsed from the input's bytes, without a
// copy. TestParse_allocationBound holds this under 5 times the input plus
// 1 MiB; BenchmarkParse_large measures it.
package clientlog

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/sigdiff/sigdiff/internal/clientsig"
	"github.com/sigdiff/sigdiff/internal/har"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/s3error"
)

// Caps on what Parse reads. A debug log of a large sync is tens of
// megabytes; the cap stops a wrong file (a disk image) from being read.
const (
	MaxInput     = 256 << 20 // bytes of log, 256 MiB
	MaxExchanges = 100000    // exchanges kept; later ones are dropped with a note
)

// Format names, as Detect returns them and Log.Format holds them.
const (
	FormatBotocore     = "botocore" // AWS CLI, boto3, botocore
	FormatAWSSDKGoV2   = "aws-sdk-go-v2"
	FormatAWSSDKGo     = "aws-sdk-go"
	FormatS3cmd        = "s3cmd"
	FormatCurl         = "curl"
	FormatAWSCurl      = "awscurl"
	FormatAWSSDKJava   = "aws-sdk-java"
	FormatAWSSDKJavaV2 = "aws-sdk-java-v2"
	FormatMinioGo      = "minio-go"
	FormatRclone       = "rclone"
)

// Log is a client's debug output, read.
type Log struct {
	Format    string
	Exchanges []Exchange
	Notes     []string // what reading assumed or could not know, one lowercase line each
}

// Exchange is one request as the log shows it. Any part may be missing:
// minio-go and rclone log no canonical request, a presigned URL is signed
// but not sent, a log may stop before the response.
type Exchange struct {
	CanonicalRequest []byte // as the client logged it, exact bytes; nil when not logged
	StringToSign     []byte // likewise (for SigV2, the only string logged)
	Signature        string // when the log names it

	Request *request.Request // the request sent, when the log shows it; Source is the format name

	Status          int             // response status; 0 when no response was logged
	ResponseHeader  []request.Field // response fields, in the order logged
	ResponseBody    []byte          // response body, when logged
	HasResponseBody bool            // whether ResponseBody is the body (an empty body is a body)
	ErrorText       string          // the client's own one-line account of an error response (aws-sdk-java), which s3error.Parse also reads

	Line  int      // 1-based line of the log where the exchange's first record starts
	Notes []string // what reading assumed or could not know
}

// ErrUnknownFormat is returned when the input is no client log sigdiff reads.
var ErrUnknownFormat = errors.New("no client debug output found: expected a log of the aws cli (--debug), boto3/botocore, aws-sdk-go(-v2), s3cmd --debug, curl -v --aws-sigv4, awscurl -v, aws-sdk-java, minio-go TraceOn or rclone --dump")

// ParseError is a log that names its format but holds nothing usable.
type ParseError struct {
	Format string
	Line   int // 1-based; 0 when not on one line
	Msg    string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s log: line %d: %s", e.Format, e.Line, e.Msg)
	}
	return e.Format + " log: " + e.Msg
}

// Parse reads a client log: Detect names the format, and the reader of that
// format turns its records into exchanges, in log order.
func Parse(in []byte) (*Log, error) {
	if len(in) > MaxInput {
		return nil, &ParseError{Format: "client", Msg: fmt.Sprintf("input is %d bytes, more than the %d (256 MiB) this reads", len(in), MaxInput)}
	}
	s := string(in)
	s = strings.TrimPrefix(s, "\ufeff")
	raw := in[len(in)-len(s):] // the bytes s copies, while they are the same
	var notes []string
	if n := strings.Count(s, "\n"); n > 0 && strings.Count(s, "\r\n") == n {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		raw = nil
		notes = append(notes, "every line ended in crlf (a windows copy); the crs are dropped")
	}
	format := detectString(s)
	read, ok := readers[format]
	if !ok {
		return nil, ErrUnknownFormat
	}
	d := newDoc(s)
	d.raw = raw
	p := newPairer()
	read(d, func(ev event) {
		if ev.req != nil {
			ev.req.Source = format
		}
		p.add(ev)
	})
	l := &Log{Format: format, Exchanges: p.exchanges(), Notes: append(notes, p.notes...)}
	if p.capped {
		l.Notes = append(l.Notes, fmt.Sprintf("the log holds more than %d exchanges; the rest are not read", MaxExchanges))
	}
	if len(l.Exchanges) == 0 {
		return nil, &ParseError{Format: format, Msg: "no signing, request or response found in it"}
	}
	return l, nil
}

type reader func(*doc, func(event))

var readers = map[string]reader{
	FormatBotocore:     readBotocore,
	FormatAWSSDKGoV2:   readGoSDK,
	FormatAWSSDKGo:     readGoSDK,
	FormatS3cmd:        readS3cmd,
	FormatCurl:         readCurl,
	FormatAWSCurl:      readAWSCurl,
	FormatAWSSDKJava:   readJava,
	FormatAWSSDKJavaV2: readJava,
	FormatMinioGo:      readMinioGo,
	FormatRclone:       readRclone,
}

// Detect names the client whose debug output in is, or returns "". Each
// format is told by text only its client writes, checked in an order where
// no earlier marker can appear in a later format's log. The regular
// expressions run only where a plain substring says they may match: they
// are the slow part over a large log.
func Detect(in []byte) string {
	in = in[:min(len(in), MaxInput)]
	return detect(func(sub string) bool { return bytes.Contains(in, []byte(sub)) }, func(re *regexp.Regexp) bool { return re.Match(in) })
}

// detectString is Detect for the text Parse has made of its input.
func detectString(s string) string {
	return detect(func(sub string) bool { return strings.Contains(s, sub) }, func(re *regexp.Regexp) bool { return re.MatchString(s) })
}

// detect is Detect over any text: contains tells a substring, matches a
// regular expression. Detect reads the caller's bytes as they are, without
// a copy of a log that may be tens of megabytes.
func detect(contains func(string) bool, matches func(*regexp.Regexp) bool) string {
	has := func(subs ...string) bool {
		for _, sub := range subs {
			if contains(sub) {
				return true
			}
		}
		return false
	}
	switch {
	case has("---------START-HTTP---------"):
		return FormatMinioGo
	case has("HTTP REQUEST (req 0x", "HTTP RESPONSE (req 0x"):
		return FormatRclone
	case has("DEBUG: Request Signature:", "---[ REQUEST POST-SIGN ]", "---[ RESPONSE ]---"):
		return FormatAWSSDKGo
	case has("---[ CANONICAL STRING  ]", "Request Signature:\n---[") || has("SDK ") && matches(sdkV2Record):
		return FormatAWSSDKGoV2
	case has("AWS4 String to sign: ", "software.amazon.awssdk"):
		return FormatAWSSDKJavaV2
	case has("AWS4 Canonical Request: ", "AWS4 String to Sign: ", "com.amazonaws."):
		return FormatAWSSDKJava
	case has("Sending request method_string=", "SignHeaders: ", "ErrorXML: ") || has("DEBUG: Canonical Request:") && matches(s3cmdCR):
		return FormatS3cmd
	case has("CANONICAL REQUEST = ", "BEGIN REQUEST+++", "STRING_TO_SIGN = "):
		return FormatAWSCurl
	case has("Canonical request (enclosed in [])", "String to sign (enclosed in [])"):
		return FormatCurl
	case has("botocore.", "CanonicalRequest:", "StringToSign:", "<AWSPreparedRequest "):
		return FormatBotocore
	case has("> ", "< HTTP/") && matches(curlHead):
		return FormatCurl
	}
	return ""
}

// Failure is an exchange answered with a signing error.
type Failure struct {
	Index    int // 1-based position in Log.Exchanges
	Exchange *Exchange
	Body     *s3error.Body
}

// Failures returns, in log order, the exchanges whose response is a
// signing error (har.SigningError): status 400 or 403 and a body — or,
// without one, the client's error text — that names a signing error code.
func (l *Log) Failures() []Failure {
	var fs []Failure
	for i := range l.Exchanges {
		x := &l.Exchanges[i]
		if x.Status != 400 && x.Status != 403 {
			continue
		}
		in := x.ResponseBody
		if len(in) == 0 {
			in = []byte(x.ErrorText)
		}
		if len(in) == 0 {
			continue
		}
		if b, err := s3error.Parse(in); err == nil && har.SigningError(x.Status, b) {
			fs = append(fs, Failure{Index: i + 1, Exchange: x, Body: b})
		}
	}
	return fs
}

// Signed returns what the exchange's client signed, in the form the
// diagnosis takes (diagnose.Input.Client), or nil when the log shows no
// canonical request and no string to sign for it.
func (x *Exchange) Signed() *clientsig.Signed {
	if x.CanonicalRequest == nil && x.StringToSign == nil {
		return nil
	}
	return &clientsig.Signed{CanonicalRequest: x.CanonicalRequest, StringToSign: x.StringToSign, Signature: x.Signature, Form: "client-log"}
}
