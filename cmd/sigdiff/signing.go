package main

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/har"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

// signFlags are the inputs of a recomputation: the request as sent, its
// body, overrides of date/region/service, and where the key is.
type signFlags struct {
	request       string
	body          string
	time          string
	region        string
	service       string
	profile       string
	accessKey     string
	secretKey     string
	secretKeyFile string
	scheme        string
	entry         int    // --entry: which HAR entry
	gcsKey        string // --gcs-key: a service-account key file or PEM key
}

func addSignFlags(c *cobra.Command, o *signFlags, requestRequired bool) {
	f := c.Flags()
	what := "the request as sent: raw HTTP, a curl command, or a (presigned) URL"
	if !requestRequired {
		what += "; with a key, sigdiff recomputes the signature"
	}
	f.StringVar(&o.request, "request", "", "`FILE` holding "+what)
	f.StringVar(&o.body, "body", "", "`FILE` with the payload, hashed streaming, when the request file lacks it")
	f.StringVar(&o.time, "time", "", "signing `TIME` (20150830T123600Z or RFC 3339) instead of the request's own")
	f.StringVar(&o.region, "region", "", "scope `REGION` instead of the request's or the error's")
	f.StringVar(&o.service, "service", "", "scope `SERVICE` instead of the request's or the error's (s3 for S3)")
	f.StringVar(&o.profile, "profile", "", "`NAME` of a profile in the AWS shared credentials/config files")
	f.StringVar(&o.accessKey, "access-key", "", "access key `ID` (with --secret-key or --secret-key-file)")
	f.StringVar(&o.secretKey, "secret-key", "", "secret `KEY` (lands in your shell history: prefer the environment, a profile or --secret-key-file)")
	f.StringVar(&o.secretKeyFile, "secret-key-file", "", "`FILE` whose first line is the secret key")
	f.StringVar(&o.gcsKey, "gcs-key", "", "`FILE`: a Google service-account key (JSON) or a PEM key or certificate, for GOOG4-RSA-SHA256 and V2 signed URLs")
	f.IntVar(&o.entry, "entry", 0, "with a HAR: use entry `N` (1-based) instead of the first refused one")
	f.StringVar(&o.scheme, "scheme", "", "sign as `SCHEME` (sigv4-header, sigv4-query, sigv2-header, sigv2-query, oss-v1-header, oss-v1-query, oss-v4-header, oss-v4-query, gcs-v2-hmac-header) instead of the one the request's signature names")
}

// signing is a resolved recomputation: request, key and options.
type signing struct {
	req     *request.Request
	auth    *recompute.AuthParams // nil when the request carries no signature
	scheme  string                // --scheme, or "" for the one the request's signature names
	creds   credentials.Credentials
	haveKey bool
	opts    recompute.Options
	notes   []string // what sigdiff assumed, for the report
	// chunkedBody is the aws-chunked body file of a STREAMING-* request.
	chunkedBody string
	// keyFile is --gcs-key's content: RSA schemes sign or verify with it.
	keyFile []byte
}

// scopeHint is what an error body knows of the scope: its string to sign's
// date line and scope line.
type scopeHint struct {
	amzDate, region, service string
}

func (o *signFlags) resolve(e *env, hint scopeHint, needKey bool) (*signing, error) {
	data, src, err := readInput(e, o.request, "request")
	if err != nil {
		return nil, err
	}
	req, err := parseRequest(data, src, o.entry)
	if err != nil {
		return nil, err
	}
	return o.resolveRequest(e, req, src, hint, needKey)
}

// parseRequest reads a request file: raw HTTP, curl, a URL, or a HAR
// (entry n, else the first entry refused with a signing error, else the
// first entry).
func parseRequest(data []byte, src string, entry int) (*request.Request, error) {
	if looksLikeHAR(data) {
		h, err := har.Parse(data)
		if err != nil {
			return nil, badInput(prefixed(src, err))
		}
		if entry > 0 {
			e, err := h.Entry(entry)
			if err != nil {
				return nil, badInput(prefixed(src, err))
			}
			return e.Request, nil
		}
		if fs := har.Failures(h); len(fs) > 0 {
			return fs[0].Request, nil
		}
		if len(h.Entries) == 0 {
			return nil, badInputf("%s: the HAR holds no entries", src)
		}
		return h.Entries[0].Request, nil
	}
	req, err := request.Parse(data)
	if err != nil {
		return nil, badInput(prefixed(src, err), "give the raw HTTP request, a curl command line, the URL or a HAR")
	}
	return req, nil
}

// resolveRequest resolves signing for a request already parsed.
func (o *signFlags) resolveRequest(e *env, req *request.Request, src string, hint scopeHint, needKey bool) (*signing, error) {
	s := &signing{req: req, notes: req.Notes, scheme: o.scheme}
	auth, err := recompute.ParseAnyAuth(req)
	switch {
	case errors.Is(err, recompute.ErrNoSignature):
		s.notes = append(s.notes, "the request carries no signature: sigdiff signs it as it is")
	case err != nil:
		return nil, badInput(prefixed(src, err))
	default:
		s.auth = auth
		s.opts = auth.Options()
	}
	if err := o.applyScope(s, hint); err != nil {
		return nil, err
	}
	if o.body != "" && isStreamingRequest(req) {
		// An aws-chunked body is verified chunk by chunk (verify); its
		// payload hash is the STREAMING-* value the request carries.
		s.chunkedBody = o.body
	} else if o.body != "" {
		f, err := os.Open(o.body)
		if err != nil {
			return nil, badInput(err)
		}
		defer f.Close()
		sum, n, err := request.HashBody(f)
		if err != nil {
			return nil, badInputf("reading %s: %v", o.body, err)
		}
		s.opts.PayloadHash = sum
		s.notes = append(s.notes, fmt.Sprintf("payload hash from %s (%d bytes)", o.body, n))
	}
	if o.gcsKey != "" {
		data, _, err := readInput(e, o.gcsKey, "key file")
		if err != nil {
			return nil, err
		}
		s.keyFile = data
	}
	if s.asymmetric() {
		needKey = false // the key file signs and verifies, not a secret
	}
	accessKey := o.accessKey
	if accessKey == "" && s.auth != nil && o.secretKey == "" && o.secretKeyFile == "" {
		accessKey = s.auth.AccessKeyID
	}
	creds, haveKey, notes, err := o.loadCreds(e, accessKey, needKey, credentialService(s))
	if err != nil {
		return nil, err
	}
	s.creds, s.haveKey = creds, haveKey
	s.notes = append(s.notes, notes...)
	return s, nil
}

// applyScope fills date, region and service: flags first, then the
// request's own signature, then the error body's scope, then the host.
func (o *signFlags) applyScope(s *signing, hint scopeHint) error {
	if o.time != "" {
		t, err := parseFlagTime(o.time)
		if err != nil {
			return err
		}
		s.opts.Time = t
	}
	pick := func(flag, have, fromHint, fromHost, what string) string {
		switch {
		case flag != "":
			return flag
		case have != "":
			return have
		case fromHint != "":
			s.notes = append(s.notes, fmt.Sprintf("%s %s taken from the error body's scope", what, fromHint))
			return fromHint
		case fromHost != "":
			s.notes = append(s.notes, fmt.Sprintf("%s %s taken from the host name", what, fromHost))
			return fromHost
		}
		return ""
	}
	if !s.scoped() {
		return nil // SigV2 and OSS V1 have no scope
	}
	hostRegion, hostService := regionFromHost(s.req.Host)
	s.opts.Region = pick(o.region, s.opts.Region, hint.region, hostRegion, "region")
	s.opts.Service = pick(o.service, s.opts.Service, hint.service, hostService, "service")
	if strings.HasPrefix(s.schemeName(), "gcs-") {
		// GCS signs with region "auto" and service "storage".
		if s.opts.Region == "" {
			s.opts.Region = "auto"
		}
		if s.opts.Service == "" {
			s.opts.Service = "storage"
		}
	}
	if s.opts.Region == "" {
		s.opts.Region = "us-east-1"
		s.notes = append(s.notes, "region us-east-1 assumed: give --region to change it")
	}
	if s.opts.Service == "" {
		s.opts.Service = "s3"
		s.notes = append(s.notes, "service s3 assumed: give --service to change it")
	}
	if s.opts.Time.IsZero() && s.auth != nil && s.auth.Time.IsZero() && hint.amzDate != "" {
		if t, err := recompute.ParseAmzDate(hint.amzDate); err == nil {
			s.opts.Time = t
			s.notes = append(s.notes, "signing time "+hint.amzDate+" taken from the error body's string to sign")
		}
	}
	return nil
}

func parseFlagTime(v string) (time.Time, error) {
	if t, err := recompute.ParseAmzDate(v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, badInputf("--time %q is neither 20150830T123600Z nor RFC 3339", v)
}

// awsHostRE finds the region in S3 and other AWS endpoints:
// bucket.s3.eu-west-1.amazonaws.com, s3-eu-west-1.amazonaws.com,
// s3.dualstack.us-east-2.amazonaws.com, iam.amazonaws.com (global).
var awsHostRE = regexp.MustCompile(`(?:^|\.)(s3|[a-z0-9-]+?)(?:[.-](?:dualstack\.)?([a-z]{2}(?:-gov)?-[a-z]+-\d))?\.amazonaws\.com(?:\.cn)?(?::\d+)?$`)

// regionFromHost reads region and service from an AWS endpoint name.
func regionFromHost(host string) (region, service string) {
	m := awsHostRE.FindStringSubmatch(strings.ToLower(host))
	if m == nil {
		return "", ""
	}
	return m[2], m[1]
}

// credentialService picks which environment variables hold the key: OSS's
// for OSS schemes, AWS's otherwise.
func credentialService(s *signing) string {
	scheme := s.scheme
	if scheme == "" && s.auth != nil {
		scheme = s.auth.Scheme
	}
	switch {
	case strings.HasPrefix(scheme, "oss-"):
		return "oss"
	case strings.HasPrefix(scheme, "gcs-"):
		return "gcs"
	}
	return "aws"
}

// schemeName is --scheme, else the scheme of the request's signature.
func (s *signing) schemeName() string {
	if s.scheme == "" && s.auth != nil {
		return s.auth.Scheme
	}
	return s.scheme
}

// asymmetric reports whether the scheme signs with a private key and is
// verified with a public one (RSA for GCS, ECDSA for SigV4A): a signature
// is then checked, not recomputed and compared.
func (s *signing) asymmetric() bool {
	switch sc := s.schemeName(); {
	case sc == "gcs-v4-rsa", sc == "gcs-v2", strings.HasPrefix(sc, "sigv4a-"):
		return true
	}
	return false
}

// scoped reports whether the scheme signs with a credential scope (the V4
// families); SigV2, OSS V1 and GCS's GOOG1 do not.
func (s *signing) scoped() bool {
	scheme := s.scheme
	if scheme == "" && s.auth != nil {
		scheme = s.auth.Scheme
	}
	return !strings.HasPrefix(scheme, "sigv2-") && !strings.HasPrefix(scheme, "oss-v1-") && scheme != recompute.SchemeGCSV2HMACHeader
}

// loadCreds finds the key. accessKey is the key id the input names, for a
// note when the key found is another one; without a secret and !needKey
// the result carries just that id.
func (o *signFlags) loadCreds(e *env, accessKey string, needKey bool, service string) (credentials.Credentials, bool, []string, error) {
	if o.secretKey != "" {
		fmt.Fprintln(e.stderr, "sigdiff: warning: --secret-key puts the secret in your shell history and process list; prefer the environment, --profile or --secret-key-file")
	}
	var notes []string
	creds, err := credentials.Load(credentials.Options{
		Profile: o.profile, AccessKey: o.accessKey, SecretKey: credentials.NewSecret(o.secretKey),
		SecretKeyFile: o.secretKeyFile, Getenv: e.getenv, Service: service,
	})
	e.redact(creds)
	switch {
	case err == nil:
		if accessKey != "" && creds.AccessKeyID != "" && creds.AccessKeyID != accessKey {
			notes = append(notes, fmt.Sprintf("the key found (%s, from %s) is not the one the request names (%s)", creds.AccessKeyID, creds.Source, accessKey))
		}
		return creds, true, notes, nil
	case errors.Is(err, credentials.ErrNoCredentials) && !needKey:
		if creds.AccessKeyID == "" {
			creds.AccessKeyID = accessKey
		}
		notes = append(notes, "no secret key found: everything up to the string to sign is shown, not the signature")
		return creds, false, notes, nil
	case errors.Is(err, credentials.ErrNoCredentials):
		return creds, false, nil, badInput(err, "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give --profile NAME or --secret-key-file FILE")
	}
	return creds, false, nil, badInput(err)
}

// isStreamingRequest reports whether req sends an aws-chunked body.
func isStreamingRequest(req *request.Request) bool {
	v, _ := req.Get("x-amz-content-sha256")
	streaming, _ := recompute.IsStreaming(strings.TrimSpace(v))
	return streaming
}

// looksLikeHAR tells a HAR export from the other inputs: a JSON object
// whose first key is "log".
func looksLikeHAR(data []byte) bool {
	t := strings.TrimLeft(string(data[:min(len(data), 4096)]), " \t\r\n\ufeff")
	if !strings.HasPrefix(t, "{") {
		return false
	}
	t = strings.TrimLeft(t[1:], " \t\r\n")
	return strings.HasPrefix(t, `"log"`)
}
