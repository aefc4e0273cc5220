// Package recompute reproduces request signing step by step, so that each
// intermediate value a server computes (canonical request, string to sign,
// derived keys, signature) can be shown and compared.
//
// This file holds AWS Signature Version 4, header and query (presigned)
// forms, parameterized by Family so that GCS HMAC V4 and OSS V4 reuse it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
package recompute

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// V4 holds every step of one SigV4 signing, each named as the spec names
// it. String fields share memory with CanonicalRequest, StringToSign and
// Authorization/PresignedURL; the K* slices are nil when no secret was given
// (everything up to StringToSign is still filled in). Treat it as read-only.
// A signed session token appears in CanonicalRequest, Added and
// PresignedURL, as in the server's own canonical request; see RedactToken.
type V4 struct {
	Family *Family
	Rules  Rules
	Form   Form

	AccessKeyID string
	Time        time.Time
	AmzDate     string // RequestDateTime, yyyymmddThhmmssZ
	Date        string // yyyymmdd, the scope's date
	Region      string
	Service     string

	Method               string // HTTPMethod, as sent
	CanonicalURI         string
	CanonicalQueryString string
	CanonicalHeaders     string // "name:value\n" per header
	SignedHeaders        string
	PayloadHash          string // HashedPayload
	PayloadSource        PayloadSource
	CanonicalRequest     string
	CanonicalRequestHash string
	Scope                string // CredentialScope
	StringToSign         string

	KDate, KRegion, KService, KSigning []byte

	Signature     string
	Authorization string // header form
	PresignedURL  string // query form

	// Added lists the headers the signer adds to the request as given
	// (x-amz-date, x-amz-security-token, x-amz-content-sha256), whether or
	// not they are signed. Header form only.
	Added []request.Field
	// MissingSignedHeaders lists names in Options.SignedHeaders that the
	// request does not carry and the signer cannot supply; each is signed
	// with an empty value.
	MissingSignedHeaders []string

	keys  Keys
	added [3]request.Field // backs Added
	amz   [16]byte         // backs AmzDate
}

// SigV4 recomputes the signing of req with creds at opts.Time (or the
// request's own time). Without a secret it stops after the string to sign.
// It never reads the clock, the environment or files.
func SigV4(req *request.Request, creds credentials.Credentials, opts Options) (*V4, error) {
	if req == nil {
		return nil, ErrNoRequest
	}
	if requestSize(req) > maxRequestPart {
		return nil, ErrTooLarge
	}
	v, err := newV4(creds, &opts)
	if err != nil {
		return nil, err
	}
	v.Method = req.Method
	t, fromRequest, err := signingTime(req, v.Family, &opts)
	if err != nil {
		return nil, err
	}
	if err := v.setTime(t); err != nil {
		return nil, err
	}

	v.payloadHash(req, &opts)
	// Most requests need no allocation for the header and query lists.
	var stack, sorted [48]hdr
	hs := sortHeaders(sorted[:0], v.headers(stack[:0], req, creds, &opts, fromRequest))
	var q queryBuilder
	var omittedToken string
	if v.Form == FormQuery {
		if omittedToken, err = v.presignQuery(&q, req, creds, &opts, hs); err != nil {
			return nil, err
		}
	} else {
		q.parse(req.RawQuery, nil, 0)
	}
	var stackOrder [64]int32
	buf := v.canonicalRequest(req.RawPath, &q, q.finish(stackOrder[:0]), hs)

	sum := sha256.Sum256(buf)
	if creds.Secret.Empty() {
		v.stringToSign(&sum, 0)
		return v, nil
	}
	// The string to sign and the header or URL share one allocation.
	if v.Form == FormQuery {
		u := urlParts(req)
		sts := v.stringToSign(&sum, u.len(v.Family, v.CanonicalQueryString, omittedToken))
		mac := v.sign(creds.Secret, &opts, sts)
		v.PresignedURL = v.appendPresignedURL(sts, u, v.CanonicalQueryString, omittedToken, &mac)
		v.Signature = v.PresignedURL[len(v.PresignedURL)-64:]
	} else {
		sts := v.stringToSign(&sum, v.authorizationLen())
		mac := v.sign(creds.Secret, &opts, sts)
		v.Authorization = v.appendAuthorization(sts, &mac)
		v.Signature = v.Authorization[len(v.Authorization)-64:]
	}
	return v, nil
}

// canonicalRequest writes the canonical request into one buffer, sized
// once, and sets CanonicalRequest and its part fields as slices of it.
func (v *V4) canonicalRequest(rawPath string, q *queryBuilder, order []int32, hs []hdr) []byte {
	hLen, shLen := canonicalHeadersLen(hs)
	buf := make([]byte, 0, len(v.Method)+canonicalURILen(rawPath, v.Rules)+q.size()+hLen+shLen+len(v.PayloadHash)+5)
	buf = append(buf, v.Method...)
	buf = append(buf, '\n')
	uri := len(buf)
	buf = appendCanonicalURI(buf, rawPath, v.Rules)
	query := len(buf) + 1
	buf = q.appendTo(append(buf, '\n'), order)
	headers := len(buf) + 1
	buf = appendCanonicalHeaders(append(buf, '\n'), hs)
	signed := len(buf) + 1
	buf = appendSignedHeaders(append(buf, '\n'), hs)
	payload := len(buf) + 1
	buf = append(append(buf, '\n'), v.PayloadHash...)
	cr := frozen(buf) // buf is not written again
	v.CanonicalRequest = cr
	v.CanonicalURI = cr[uri : query-1]
	v.CanonicalQueryString = cr[query : headers-1]
	v.CanonicalHeaders = cr[headers : signed-1]
	v.SignedHeaders = cr[signed : payload-1]
	v.PayloadHash = cr[payload:]
	return buf
}

func newV4(creds credentials.Credentials, opts *Options) (*V4, error) {
	switch {
	case opts.Region == "":
		return nil, ErrNoRegion
	case opts.Service == "":
		return nil, ErrNoService
	}
	v := &V4{
		Family:      opts.family(),
		Rules:       opts.Rules(),
		Form:        FormHeader,
		AccessKeyID: creds.AccessKeyID,
		Region:      opts.Region,
		Service:     opts.Service,
	}
	if opts.Presign {
		v.Form = FormQuery
	}
	return v, nil
}

// signingTime returns Options.Time, else the time the request carries:
// X-Amz-Date (the parameter for a presigned URL, else the header), else
// Date. fromRequest reports the latter, in which case the request's own
// date field is signed as sent.
func signingTime(req *request.Request, f *Family, opts *Options) (t time.Time, fromRequest bool, err error) {
	if !opts.Time.IsZero() {
		return opts.Time, false, nil
	}
	if opts.Presign {
		if s, ok := queryValue(req.RawQuery, f.DateParam); ok {
			t, err := ParseAmzDate(s)
			if err != nil {
				return t, true, &AuthError{Field: f.DateParam + " parameter", Offset: -1, Reason: err.Error()}
			}
			return t, true, nil
		}
	}
	if s, ok := req.Get(f.DateHeader); ok {
		t, err := ParseAmzDate(strings.TrimSpace(s))
		if err != nil {
			return t, true, &AuthError{Field: f.DateHeader + " header", Offset: -1, Reason: err.Error()}
		}
		return t, true, nil
	}
	if s, ok := req.Get("Date"); ok {
		t, err := parseHTTPDate(strings.TrimSpace(s))
		if err != nil {
			return t, true, &AuthError{Field: "date header", Offset: -1, Reason: err.Error()}
		}
		return t, true, nil
	}
	return time.Time{}, false, ErrNoTime
}

// payloadHash picks the HashedPayload (see PayloadSource for the order).
func (v *V4) payloadHash(req *request.Request, opts *Options) {
	f := v.Family
	switch {
	case opts.PayloadHash != "":
		v.PayloadHash, v.PayloadSource = opts.PayloadHash, PayloadGiven
		return
	case v.Rules.S3:
		if h, ok := req.Get(f.ContentSHA256Header); ok {
			v.PayloadHash, v.PayloadSource = CanonicalHeaderValue(h), PayloadHeader
			return
		}
		if v.Form == FormQuery {
			if p, ok := queryValue(req.RawQuery, f.ContentSHA256Param); ok {
				v.PayloadHash, v.PayloadSource = p, PayloadParam
			} else {
				v.PayloadHash, v.PayloadSource = UnsignedPayload, PayloadUnsigned
			}
			return
		}
	}
	switch {
	case !req.HasBody:
		v.PayloadHash, v.PayloadSource = EmptySHA256, PayloadAssumedEmpty
	case len(req.Body) == 0:
		v.PayloadHash, v.PayloadSource = EmptySHA256, PayloadBody
	default:
		sum := sha256.Sum256(req.Body)
		v.PayloadHash, v.PayloadSource = hex.EncodeToString(sum[:]), PayloadBody
	}
}

// setTime sets Time, AmzDate and Date; AmzDate's bytes live in v.
func (v *V4) setTime(t time.Time) error {
	v.Time = t.UTC()
	if y := v.Time.Year(); y < 0 || y > 9999 {
		return ErrTimeRange
	}
	appendAmzDate(v.amz[:0], v.Time)
	v.AmzDate = frozen(v.amz[:]) // v.amz is not written again
	v.Date = v.AmzDate[:8]
	return nil
}

// stringToSign builds the string to sign behind 64 bytes of room for
// hmacPrefixed, with room for tail more bytes after it (the Authorization
// header or presigned URL), and sets StringToSign, Scope and
// CanonicalRequestHash as slices of it. Bytes once written are not written
// again: the tail goes after them, hmacPrefixed writes before them.
func (v *V4) stringToSign(crHash *[32]byte, tail int) []byte {
	f := v.Family
	n := 64 + len(f.Algorithm) + 1 + 16 + 1 + 8 + len(v.Region) + len(v.Service) + len(f.Terminator) + 3 + 1 + 64
	buf := f.appendStringToSign(make([]byte, 64, n+tail), v.AmzDate, v.Region, v.Service, crHash)
	sts := frozen(buf[64:])
	d := len(f.Algorithm) + 1 + 16 + 1
	v.StringToSign = sts
	v.Scope = sts[d : len(sts)-65]
	v.CanonicalRequestHash = sts[len(sts)-64:]
	return buf
}

// sign derives (or recalls) the keys and returns HMAC(kSigning, sts).
func (v *V4) sign(secret credentials.Secret, opts *Options, sts []byte) [32]byte {
	cache := opts.Cache
	if cache == nil {
		cache = defaultKeyCache
	}
	v.keys = cache.Keys(v.Family, secret, v.Date, v.Region, v.Service)
	v.KDate, v.KRegion, v.KService, v.KSigning = v.keys.Date[:], v.keys.Region[:], v.keys.Service[:], v.keys.Signing[:]
	return hmacPrefixed(&v.keys.Signing, sts)
}

func (v *V4) authorizationLen() int {
	return len(v.Family.Algorithm) + len(v.AccessKeyID) + 8 + 3 + len(v.Region) + len(v.Service) + len(v.Family.Terminator) +
		len(v.SignedHeaders) + 64 + 41
}

// appendAuthorization appends the Authorization header value to buf (in
// its spare capacity) and returns it.
func (v *V4) appendAuthorization(buf []byte, mac *[32]byte) string {
	start := len(buf)
	buf = append(buf, v.Family.Algorithm...)
	buf = append(buf, " Credential="...)
	buf = append(buf, v.AccessKeyID...)
	buf = append(buf, '/')
	buf = append(buf, v.Scope...)
	buf = append(buf, ", SignedHeaders="...)
	buf = append(buf, v.SignedHeaders...)
	buf = append(buf, ", Signature="...)
	buf = hex.AppendEncode(buf, mac[:])
	return frozen(buf[start:])
}

// queryValue returns the decoded value of the first parameter named name.
func queryValue(rawQuery, name string) (string, bool) {
	for rest := rawQuery; rest != ""; {
		var piece string
		piece, rest, _ = strings.Cut(rest, "&")
		k, val, _ := strings.Cut(piece, "=")
		if k == name || decodeLenient(k, true) == name {
			return decodeLenient(val, true), true
		}
	}
	return "", false
}

func itoa(n int) string { return strconv.Itoa(n) }

// maxRequestPart caps what one run canonicalizes (path, query and headers;
// the body is only hashed). Memory stays within a small multiple of it:
// encoding at most triples a component. Real requests are far smaller
// (S3 limits headers to 8 KiB and URLs to a few KiB).
const maxRequestPart = 64 << 20

func requestSize(req *request.Request) int {
	n := len(req.Method) + len(req.Host) + len(req.RawPath) + len(req.RawQuery)
	for _, h := range req.Header {
		n += len(h.Name) + len(h.Value)
	}
	return n
}

// frozen returns the bytes of b as a string without copying them. b must
// never be written again: the canonical request buffer is built once, then
// only read (hashed and sliced), which is how strings.Builder.String works.
func frozen(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
