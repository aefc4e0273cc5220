package clientlog

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/s3error"
)

// The fixtures in testdata/logs are client logs of requests sent to a local
// stand-in for S3 that answers "fail" paths with a SignatureDoesNotMatch
// body computed from the request it received (see testdata/logs/README.md).
// Three checks tie each log together, byte for byte:
//
//   - the canonical request and string to sign the client logged equal the
//     ones the server computed from the wire (in the error body), for every
//     client whose signing is right;
//   - sigdiff's recomputation from the request read out of the log equals
//     the canonical request the client logged (and, for clients that log
//     none, the server's);
//   - the failures found are the requests the server refused.

var exampleCreds = credentials.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", Secret: credentials.NewSecret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")}

func readLog(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "logs", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recomputeCR signs the request again, with the headers its Authorization
// (or X-Amz-SignedHeaders) names, and returns the canonical request.
func recomputeCR(t *testing.T, r *request.Request) string {
	t.Helper()
	opts := recompute.Options{Region: "us-east-1", Service: "s3"}
	if auth, ok := r.Get("Authorization"); ok {
		_, after, _ := strings.Cut(auth, "SignedHeaders=")
		list, _, _ := strings.Cut(after, ",")
		opts.SignedHeaders = strings.Split(list, ";")
	} else if _, after, ok := strings.Cut(r.RawQuery, "X-Amz-SignedHeaders="); ok {
		list, _, _ := strings.Cut(after, "&")
		opts.SignedHeaders = strings.Split(strings.ReplaceAll(list, "%3B", ";"), ";")
		opts.Presign = true
	}
	v4, err := recompute.SigV4(r, exampleCreds, opts)
	if err != nil {
		t.Fatalf("recompute: %v", err)
	}
	return v4.CanonicalRequest
}

func TestParse_fixtures(t *testing.T) {
	for _, c := range []struct {
		file      string
		format    string
		exchanges int
		failures  []int
		sigv2     bool // the client signs with SigV2: only a string to sign is logged
		noCR      bool // the client logs no canonical request (request and response dumps only)
		clientBug bool // the client's canonical request differs from the wire (awscurl quotes the path twice)
		noSTS     bool // the client logs its canonical request but not its string to sign (s3cmd)
	}{
		{file: "awscli-get-signature-mismatch.log", format: FormatBotocore, exchanges: 1, failures: []int{1}},
		{file: "boto3-session.log", format: FormatBotocore, exchanges: 5, failures: []int{4}},
		{file: "boto3-sigv2-signature-mismatch.log", format: FormatBotocore, exchanges: 1, failures: []int{1}, sigv2: true},
		{file: "aws-sdk-go-v2-session.log", format: FormatAWSSDKGoV2, exchanges: 4, failures: []int{3}},
		{file: "aws-sdk-go-session.log", format: FormatAWSSDKGo, exchanges: 2, failures: []int{2}},
		{file: "s3cmd-ls-signature-mismatch.log", format: FormatS3cmd, exchanges: 1, failures: []int{1}, noSTS: true},
		{file: "s3cmd-sigv2-signature-mismatch.log", format: FormatS3cmd, exchanges: 1, failures: []int{1}, sigv2: true},
		{file: "curl-aws-sigv4-signature-mismatch.log", format: FormatCurl, exchanges: 1, failures: []int{1}},
		{file: "awscurl-signature-mismatch.log", format: FormatAWSCurl, exchanges: 1, failures: []int{1}, clientBug: true},
		{file: "aws-sdk-java-signature-mismatch.log", format: FormatAWSSDKJava, exchanges: 1, failures: []int{1}},
		{file: "aws-sdk-java-v2-signature-mismatch.log", format: FormatAWSSDKJavaV2, exchanges: 1, failures: []int{1}},
		{file: "minio-go-trace.log", format: FormatMinioGo, exchanges: 3, failures: []int{3}, noCR: true},
		{file: "rclone-dump.log", format: FormatRclone, exchanges: 2, failures: []int{2}, noCR: true},
	} {
		t.Run(c.file, func(t *testing.T) {
			in := readLog(t, c.file)
			if got := Detect(in); got != c.format {
				t.Fatalf("Detect = %q, want %q", got, c.format)
			}
			l, err := Parse(in)
			if err != nil {
				t.Fatal(err)
			}
			if l.Format != c.format || len(l.Exchanges) != c.exchanges {
				t.Fatalf("format %q with %d exchanges, want %q with %d", l.Format, len(l.Exchanges), c.format, c.exchanges)
			}
			fs := l.Failures()
			var idx []int
			for _, f := range fs {
				idx = append(idx, f.Index)
			}
			if !slices.Equal(idx, c.failures) {
				t.Fatalf("failures at %v, want %v", idx, c.failures)
			}
			for _, f := range fs {
				checkFailure(t, f, c.sigv2, c.noCR, c.clientBug, c.noSTS)
			}
			for i, x := range l.Exchanges {
				if x.Request != nil && x.Request.Source != c.format {
					t.Errorf("exchange %d: request source %q", i+1, x.Request.Source)
				}
				if x.Line < 1 || (i > 0 && x.Line <= l.Exchanges[i-1].Line) {
					t.Errorf("exchange %d starts at line %d", i+1, x.Line)
				}
			}
		})
	}
}

func checkFailure(t *testing.T, f Failure, sigv2, noCR, clientBug, noSTS bool) {
	t.Helper()
	x, b := f.Exchange, f.Body
	if b.Code != "SignatureDoesNotMatch" || x.Request == nil {
		t.Fatalf("failure %d: code %q, request %v", f.Index, b.Code, x.Request)
	}
	if sigv2 {
		if string(x.StringToSign) != string(b.StringToSign) || len(x.CanonicalRequest) != 0 {
			t.Errorf("string to sign\nclient %q\nserver %q", x.StringToSign, b.StringToSign)
		}
		return
	}
	if noCR {
		if len(x.CanonicalRequest) != 0 {
			t.Errorf("a canonical request appeared in a log that has none: %q", x.CanonicalRequest)
		}
		if got := recomputeCR(t, x.Request); got != string(b.CanonicalRequest) {
			t.Errorf("recomputed from the dump\n got %q\nwant %q (server)", got, b.CanonicalRequest)
		}
		return
	}
	if clientBug {
		if string(x.CanonicalRequest) == string(b.CanonicalRequest) {
			t.Error("awscurl's canonical request equals the server's; the fixture shows its double-quoted path")
		}
		if got := recomputeCR(t, x.Request); got != string(b.CanonicalRequest) {
			t.Errorf("recomputed from the wire\n got %q\nwant %q (server)", got, b.CanonicalRequest)
		}
		return
	}
	if string(x.CanonicalRequest) != string(b.CanonicalRequest) {
		t.Errorf("canonical request\nclient %q\nserver %q", x.CanonicalRequest, b.CanonicalRequest)
	}
	if noSTS && x.StringToSign != nil {
		t.Errorf("a string to sign appeared in a log that has none: %q", x.StringToSign)
	} else if !noSTS && string(x.StringToSign) != string(b.StringToSign) {
		t.Errorf("string to sign\nclient %q\nserver %q", x.StringToSign, b.StringToSign)
	}
	if got := recomputeCR(t, x.Request); got != string(x.CanonicalRequest) {
		t.Errorf("recomputed from the request in the log\n got %q\nwant %q (client)", got, x.CanonicalRequest)
	}
}

// TestParse_everyExchangeRecomputes checks the successful exchanges too:
// wherever a log holds both a canonical request and the request, sigdiff's
// recomputation from the request equals the logged one.
func TestParse_everyExchangeRecomputes(t *testing.T) {
	for _, file := range []string{"boto3-session.log", "aws-sdk-go-v2-session.log", "aws-sdk-go-session.log", "awscli-get-signature-mismatch.log", "curl-aws-sigv4-signature-mismatch.log", "s3cmd-ls-signature-mismatch.log", "aws-sdk-java-signature-mismatch.log"} {
		l, err := Parse(readLog(t, file))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for i, x := range l.Exchanges {
			if x.CanonicalRequest == nil || x.Request == nil {
				continue
			}
			n++
			if got := recomputeCR(t, x.Request); got != string(x.CanonicalRequest) {
				t.Errorf("%s exchange %d:\nrecomputed %q\n    logged %q", file, i+1, got, x.CanonicalRequest)
			}
		}
		if n == 0 {
			t.Errorf("%s: no exchange with both a canonical request and a request", file)
		}
	}
}

func TestParse_fixtureDetails(t *testing.T) {
	t.Run("botocore unicode key", func(t *testing.T) {
		l, _ := Parse(readLog(t, "awscli-get-signature-mismatch.log"))
		x := l.Exchanges[0]
		if x.Request.RawPath != "/examplebucket/fail/My%20Photo%2B1%3D2~%C3%A9.jpg" || x.Request.Method != "GET" || x.Request.Host != "127.0.0.1:18080" {
			t.Errorf("request %s %s %s", x.Request.Method, x.Request.Host, x.Request.RawPath)
		}
		if x.Signature != "45cf7a18bee40916da9828f1ff7dd242b90ab407921f333e4b8d138f988ca027" || x.Status != 403 {
			t.Errorf("signature %q status %d", x.Signature, x.Status)
		}
		if !strings.HasPrefix(string(x.ResponseBody), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>") {
			t.Errorf("bytes repr not unescaped: %q", x.ResponseBody[:50])
		}
	})
	t.Run("botocore head without body", func(t *testing.T) {
		l, _ := Parse(readLog(t, "boto3-session.log"))
		x := l.Exchanges[2]
		if x.Request.Method != "HEAD" || x.Status != 403 || !x.HasResponseBody || len(x.ResponseBody) != 0 {
			t.Errorf("HEAD exchange: %s %d body %q", x.Request.Method, x.Status, x.ResponseBody)
		}
		last := l.Exchanges[4] // generate_presigned_url: signed with SigV2 query auth, never sent
		if last.Request != nil || last.CanonicalRequest != nil || !strings.HasPrefix(string(last.StringToSign), "GET\n\n\n") {
			t.Errorf("presign exchange: %+v", last)
		}
	})
	t.Run("go sdk presigned url", func(t *testing.T) {
		l, _ := Parse(readLog(t, "aws-sdk-go-v2-session.log"))
		x := l.Exchanges[3]
		if x.Request == nil || x.Status != 0 || !strings.Contains(x.Request.RawQuery, "X-Amz-Signature=") {
			t.Fatalf("presign exchange: %+v", x)
		}
		if got := recomputeCR(t, x.Request); got != string(x.CanonicalRequest) {
			t.Errorf("recomputed %q\nlogged %q", got, x.CanonicalRequest)
		}
		put := l.Exchanges[0].Request
		if string(put.Body) != "Welcome to Amazon S3." || !put.HasBody {
			t.Errorf("LogRequestWithBody body %q", put.Body)
		}
	})
	t.Run("s3cmd", func(t *testing.T) {
		l, _ := Parse(readLog(t, "s3cmd-ls-signature-mismatch.log"))
		x := l.Exchanges[0]
		if x.Request.Scheme != "http" || x.Request.Host != "127.0.0.1:18080" || x.Request.RawQuery != "delimiter=%2F&prefix=fail%2Fphotos%2F" {
			t.Errorf("request %s://%s%s", x.Request.Scheme, x.Request.Host, x.Request.Target())
		}
		if len(x.Notes) != 0 {
			t.Errorf("the response dict holds the body; no ErrorXML rebuild expected: %q", x.Notes)
		}
	})
	t.Run("java error text", func(t *testing.T) {
		l, _ := Parse(readLog(t, "aws-sdk-java-signature-mismatch.log"))
		x := l.Exchanges[0]
		if !strings.Contains(x.ErrorText, "Error Code: SignatureDoesNotMatch") || x.Request.Method != "GET" {
			t.Errorf("error text %q", x.ErrorText)
		}
		if v, _ := x.Request.Get("amz-sdk-retry"); v != "0/0/500" {
			t.Errorf("the request must come from the apache header log, not the sdk summary: %v", x.Request.Header)
		}
	})
	t.Run("minio-go redacted", func(t *testing.T) {
		l, _ := Parse(readLog(t, "minio-go-trace.log"))
		r := l.Exchanges[2].Request
		if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "redacts") }) {
			t.Errorf("notes %q", r.Notes)
		}
		if b := string(l.Exchanges[2].ResponseBody); !strings.HasSuffix(b, "</Error>") {
			t.Errorf("body must end where END-HTTP starts: %q", b[max(0, len(b)-30):])
		}
	})
	t.Run("rclone body", func(t *testing.T) {
		l, _ := Parse(readLog(t, "rclone-dump.log"))
		r := l.Exchanges[1].Request
		if string(r.Body) != "Welcome to Amazon S3." || !r.HasBody {
			t.Errorf("body %q (known %v)", r.Body, r.HasBody)
		}
	})
}

// TestParse_noSecret checks that the secret key, which awscurl prints in its
// argument dict, is nowhere in what Parse returns.
func TestParse_noSecret(t *testing.T) {
	in := readLog(t, "awscurl-signature-mismatch.log")
	if !strings.Contains(string(in), exampleCreds.Secret.Reveal()) {
		t.Fatal("the fixture no longer holds the secret; the test proves nothing")
	}
	l, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprintf("%+v", l); strings.Contains(s, exampleCreds.Secret.Reveal()) {
		t.Error("the secret key is in the parsed log")
	}
}

func TestFailures_errorTextOnly(t *testing.T) {
	l := &Log{Exchanges: []Exchange{{Status: 403, ErrorText: "com.amazonaws.services.s3.model.AmazonS3Exception: The request signature we calculated does not match the signature you provided. (Service: Amazon S3; Status Code: 403; Error Code: SignatureDoesNotMatch; Request ID: X)"}, {Status: 404, ResponseBody: []byte("<Error><Code>NoSuchKey</Code></Error>")}}}
	fs := l.Failures()
	if len(fs) != 1 || fs[0].Index != 1 || fs[0].Body.Code != "SignatureDoesNotMatch" {
		t.Fatalf("failures %+v", fs)
	}
	var _ *s3error.Body = fs[0].Body
}

// TestFixtures_keepCR checks that the dumps inside the fixtures still end
// their lines in CRLF: an editor or a git setting that converted them would
// change the requests read (gofmt's TestCRLF does the same for its files).
func TestFixtures_keepCR(t *testing.T) {
	for _, name := range []string{"aws-sdk-go-v2-session.log", "aws-sdk-go-session.log", "minio-go-trace.log", "rclone-dump.log", "curl-aws-sigv4-signature-mismatch.log"} {
		in := string(readLog(t, name))
		if !strings.Contains(in, "HTTP/1.1\r\n") || strings.Count(in, "\r\n") == strings.Count(in, "\n") {
			t.Errorf("%s: the dumps lost their CRs, or the log's own lines gained some", name)
		}
	}
}
