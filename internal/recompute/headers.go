package recompute

import (
	"cmp"
	"slices"
	"strings"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// CanonicalHeaders grammar (SigV4, "Create a canonical request"):
//
//	CanonicalHeaders = *( Lowercase(HeaderName) ":" Trimall(HeaderValue) "\n" )
//	SignedHeaders    = Lowercase(HeaderName) *( ";" Lowercase(HeaderName) )
//
// sorted by lower-case name; the values of a repeated header are joined by
// "," in the order sent (aws-sig-v4-test-suite get-header-key-duplicate).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request

// ignoredHeaders, sorted, are left unsigned when the request does not say
// which headers it signed: each is changed in transit or after signing, so
// signing it breaks requests that work with every SDK.
//   - authorization: carries the signature itself.
//   - connection, transfer-encoding: hop-by-hop (RFC 9110 §7.6.1); proxies
//     remove or rewrite them.
//   - expect: Go's and other servers consume "100-continue" before the
//     handler sees it (MinIO cmd/signature-v4-utils.go, extractSignedHeaders).
//   - user-agent: SDK middleware appends to it after signing.
//   - x-amzn-trace-id: added by AWS load balancers and X-Ray.
//
// aws-sdk-go-v2 (aws/signer/internal/v4/headers.go, IgnoredHeaders) skips the
// same set except connection.
var ignoredHeaders = []string{
	"authorization",
	"connection",
	"expect",
	"transfer-encoding",
	"user-agent",
	"x-amzn-trace-id",
}

func isIgnored(name string) bool {
	for _, h := range ignoredHeaders {
		if equalFold(h, name) {
			return true
		}
	}
	return false
}

// equalFold is strings.EqualFold for ASCII header names, length first.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] && lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// compareFold orders header names by their ASCII lower-case form without
// building it. Header names are RFC 9110 tokens, so ASCII folding is the
// whole of Lowercase().
func compareFold(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] == b[i] {
			continue // names sent alike (most are) compare at memory speed
		}
		ca, cb := lowerASCII(a[i]), lowerASCII(b[i])
		if ca != cb {
			return cmp.Compare(ca, cb)
		}
	}
	return cmp.Compare(len(a), len(b))
}

func appendLower(dst []byte, s string) []byte {
	n := len(dst)
	dst = append(dst, s...)
	for i := n; i < len(dst); i++ {
		if c := dst[i]; 'A' <= c && c <= 'Z' {
			dst[i] = c + 'a' - 'A'
		}
	}
	return dst
}

// CanonicalHeaderValue is the spec's Trimall: leading and trailing spaces
// removed and each run of inner spaces made one. Folded lines (obs-fold,
// RFC 9112 §5.2: CR LF or LF followed by spaces or tabs) count as one space,
// which is how a server reads them (get-header-value-multiline). Only SP
// runs collapse: the spec names spaces, and aws-sdk-go-v2's
// StripExcessSpaces keeps tabs inside a value; tabs at either end go, as
// HTTP parsers drop them as optional whitespace.
func CanonicalHeaderValue(v string) string {
	if isTrimmed(v) {
		return v
	}
	return string(appendHeaderValue(nil, v))
}

func isTrimmed(v string) bool {
	if v == "" {
		return true
	}
	return !isOWS(v[0]) && !isOWS(v[len(v)-1]) && !strings.Contains(v, "  ") &&
		strings.IndexByte(v, '\n') < 0 && strings.IndexByte(v, '\r') < 0
}

func isOWS(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// appendHeaderValue appends Trimall(v).
func appendHeaderValue(dst []byte, v string) []byte {
	if isTrimmed(v) {
		return append(dst, v...)
	}
	i, j := 0, len(v)
	for i < j && isOWS(v[i]) {
		i++
	}
	for j > i && isOWS(v[j-1]) {
		j--
	}
	space := false
	for ; i < j; i++ {
		c := v[i]
		switch {
		case c == ' ':
			space = true
			continue
		case c == '\r' || c == '\n':
			// obs-fold: the line break and the blanks after it are one space.
			for i+1 < j && isOWS(v[i+1]) {
				i++
			}
			space = true
			continue
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		dst = append(dst, c)
	}
	return dst
}

// CanonicalHeaders returns the CanonicalHeaders and SignedHeaders of
// fields, every one of them signed: the step on its own, for callers that
// pick the headers themselves (a perturbed header set, a client's list).
func CanonicalHeaders(fields []request.Field) (canonicalHeaders, signedHeaders string) {
	hs := make([]hdr, len(fields))
	for i, f := range fields {
		hs[i] = hdr{f.Name, f.Value}
	}
	hs = sortHeaders(make([]hdr, 0, len(hs)), hs)
	n, sn := canonicalHeadersLen(hs)
	return string(appendCanonicalHeaders(make([]byte, 0, n), hs)), string(appendSignedHeaders(make([]byte, 0, sn), hs))
}

// hdr is one header to sign: its name and value as sent (names the
// signer adds are lower case). Every step folds the case of names itself.
type hdr struct {
	name, value string
}

// lowerNames lower-cases the names of hs, writing those that need it into
// one buffer, so that sorting and grouping compare with plain string order.
func lowerNames(hs []hdr) {
	n := 0
	for _, h := range hs {
		if hasUpper(h.name) {
			n += len(h.name)
		}
	}
	if n == 0 {
		return
	}
	buf := make([]byte, 0, n)
	for i := range hs {
		if hasUpper(hs[i].name) {
			off := len(buf)
			buf = appendLower(buf, hs[i].name)
			hs[i].name = frozen(buf[off:]) // buf never grows past n: never moves
		}
	}
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// sortHeaders appends hs to dst in lower-case name order, repeated names
// in the order sent. It sorts indices, not the headers, so no string is
// moved while sorting (nor a GC write barrier paid). Names need not be
// lower case: comparison folds case.
func sortHeaders(dst, hs []hdr) []hdr {
	var stack [48]int32
	idx := stack[:0]
	if len(hs) > len(stack) {
		idx = make([]int32, 0, len(hs))
	}
	for i := range hs {
		idx = append(idx, int32(i))
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if c := compareFold(hs[a].name, hs[b].name); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for _, i := range idx {
		dst = append(dst, hs[i])
	}
	return dst
}

// canonicalHeadersLen bounds the length of the canonical headers and signed
// headers of the sorted hs, so the canonical request is allocated once.
func canonicalHeadersLen(hs []hdr) (headers, signed int) {
	for i, h := range hs {
		headers += len(h.name) + len(h.value) + 2
		if i == 0 || !equalFold(hs[i-1].name, h.name) {
			signed += len(h.name) + 1
		}
	}
	return headers, signed
}

// appendCanonicalHeaders appends the CanonicalHeaders of the sorted hs.
func appendCanonicalHeaders(dst []byte, hs []hdr) []byte {
	for i := 0; i < len(hs); {
		dst = appendLower(dst, hs[i].name)
		dst = append(dst, ':')
		j := i
		for ; j < len(hs) && equalFold(hs[j].name, hs[i].name); j++ {
			if j > i {
				dst = append(dst, ',')
			}
			dst = appendHeaderValue(dst, hs[j].value)
		}
		dst = append(dst, '\n')
		i = j
	}
	return dst
}

// appendSignedHeaders appends the SignedHeaders of the sorted hs.
func appendSignedHeaders(dst []byte, hs []hdr) []byte {
	for i := range hs {
		if i > 0 && equalFold(hs[i-1].name, hs[i].name) {
			continue
		}
		if i > 0 {
			dst = append(dst, ';')
		}
		dst = appendLower(dst, hs[i].name)
	}
	return dst
}

// headers picks the headers to sign and adds the ones the signer supplies.
// keepDate keeps the request's own date header as sent (the signing time
// came from it); otherwise a given time replaces it, as an SDK re-signing
// the request would.
func (v *V4) headers(hs []hdr, req *request.Request, creds credentials.Credentials, opts *Options, keepDate bool) []hdr {
	f := v.Family
	header := v.Form == FormHeader
	var want []string
	if opts.SignedHeaders != nil {
		want = signedHeaderList(opts.SignedHeaders)
	}
	signs := func(name string) bool {
		if want != nil {
			_, ok := slices.BinarySearchFunc(want, name, compareFold)
			return ok
		}
		if opts.OmitSessionToken && equalFold(name, f.SecurityTokenHeader) {
			return false
		}
		return !isIgnored(name)
	}

	var haveHost, haveDate, haveToken, haveSHA bool
	for _, h := range req.Header {
		switch {
		case equalFold(h.Name, "host"):
			haveHost = true
		case equalFold(h.Name, f.DateHeader):
			if header && !keepDate {
				continue // replaced below
			}
			haveDate = true
		case equalFold(h.Name, f.SecurityTokenHeader):
			haveToken = true
		case equalFold(h.Name, f.ContentSHA256Header):
			haveSHA = true
		}
		if signs(h.Name) {
			hs = append(hs, hdr{h.Name, h.Value})
		}
	}
	add := func(name, value string, sign bool) {
		if v.Added == nil {
			v.Added = v.added[:0]
		}
		v.Added = append(v.Added, request.Field{Name: name, Value: value})
		if sign && signs(name) {
			hs = append(hs, hdr{name, value})
		}
	}
	if header && !haveDate {
		add(f.DateHeader, v.AmzDate, true)
	}
	if header && !haveToken && !creds.SessionToken.Empty() {
		add(f.SecurityTokenHeader, creds.SessionToken.Reveal(), !opts.OmitSessionToken)
	}
	if header && !haveSHA && v.Rules.SignBody {
		add(f.ContentSHA256Header, v.PayloadHash, true)
	}
	if !haveHost && req.Host != "" && signs("host") {
		hs = append(hs, hdr{"host", req.Host})
	}
	if want != nil {
		hs = v.supplyMissing(hs, want, req)
	}
	return hs
}

// supplyMissing adds, for each wanted name the request does not carry, the
// value the client must have sent (content-length of a known body) or an
// empty value, recording the latter in MissingSignedHeaders.
func (v *V4) supplyMissing(hs []hdr, want []string, req *request.Request) []hdr {
	for _, name := range want {
		found := false
		for _, h := range hs {
			if equalFold(h.name, name) {
				found = true
				break
			}
		}
		switch {
		case found:
		case name == "content-length" && req.HasBody:
			hs = append(hs, hdr{name, itoa(len(req.Body))})
		default:
			hs = append(hs, hdr{name, ""})
			v.MissingSignedHeaders = append(v.MissingSignedHeaders, name)
		}
	}
	return hs
}

// signedHeaderList lower-cases, sorts and deduplicates a SignedHeaders list.
func signedHeaderList(names []string) []string {
	want := make([]string, 0, len(names))
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			want = append(want, strings.ToLower(n))
		}
	}
	slices.Sort(want)
	return slices.Compact(want)
}
