package recompute

import (
	"strconv"
	"strings"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// The signing fields a request carries (header form):
//
//	Authorization = Algorithm 1*SP field *( "," *SP field )
//	field         = "Credential=" AccessKeyID "/" yyyymmdd "/" Region "/" Service "/" Terminator
//	              / "SignedHeaders=" name *( ";" name )
//	              / "Signature=" 64HEXDIG
//
// S3's documentation prints the fields without spaces after the commas and
// every SDK writes ", "; both are read here, and so is a field list
// separated by blanks only. The access key id is everything before the
// last four "/"-separated elements, as MinIO reads it (access keys of
// S3-compatible servers may contain "/").
// Query form: the X-Amz-* parameters listed in presign.go.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-auth-using-authorization-header.html

// AuthParams are the signing fields a request carries.
type AuthParams struct {
	// Scheme is the public id of the scheme the fields belong to:
	// sigv4-header, sigv4-query, sigv2-header, sigv2-query, oss-v1-header,
	// oss-v1-query, oss-v4-header, oss-v4-query, gcs-v4-hmac, gcs-v4-rsa,
	// gcs-v2, gcs-v2-hmac-header, sigv4a-header, sigv4a-query (SigV4A:
	// Region is the region set).
	Scheme        string
	Family        *Family // the V4 family; nil for SigV2 and OSS V1
	Form          Form
	AccessKeyID   string
	Date          string // scope date, yyyymmdd (V4 families)
	Region        string
	Service       string
	Terminator    string   // last scope element as sent; servers require Family.Terminator
	SignedHeaders []string // as listed, in the order sent; OSS V4: its AdditionalHeaders
	Signature     string
	// Expires is X-Amz-Expires (x-oss-expires) in seconds, 0 when absent;
	// for SigV2 and OSS V1 presigned URLs it is the Expires parameter
	// itself, Unix seconds.
	Expires       int64
	SecurityToken credentials.Secret // session token parameter (query form)

	// Time is the request time: X-Amz-Date (parameter in query form,
	// header otherwise), else the Date header; zero when the request has
	// neither. TimeSource names the field it came from.
	Time       time.Time
	TimeSource string
}

// schemeOf names the V4-family scheme of f in form.
func schemeOf(f *Family, form Form) string {
	prefix := "sigv4"
	switch f.Algorithm {
	case OSS4.Algorithm:
		prefix = "oss-v4"
	case GOOG4.Algorithm:
		return SchemeGCSV4HMAC
	case GOOG4RSA.Algorithm:
		return SchemeGCSV4RSA
	}
	if form == FormQuery {
		return prefix + "-query"
	}
	return prefix + "-header"
}

// Scope returns the credential scope as sent.
func (p *AuthParams) Scope() string {
	return p.Date + "/" + p.Region + "/" + p.Service + "/" + p.Terminator
}

// Options returns the Options that recompute what the request signed:
// its family, scope, time, form, expiry and signed headers.
func (p *AuthParams) Options() Options {
	return Options{
		Family:        p.Family,
		Region:        p.Region,
		Service:       p.Service,
		Time:          p.Time,
		Presign:       p.Form == FormQuery,
		Expires:       p.Expires,
		SignedHeaders: p.SignedHeaders,
	}
}

// ParseAuth reads the signing fields of req: its Authorization header, or
// the X-Amz-* parameters of a presigned URL. It returns ErrNoSignature when
// there are neither, and an *AuthError naming the field and byte otherwise.
func ParseAuth(req *request.Request) (*AuthParams, error) {
	if req == nil {
		return nil, ErrNoRequest
	}
	authz := req.Values("Authorization")
	f, inQuery := queryFamily(req.RawQuery)
	var p *AuthParams
	var err error
	switch {
	case len(authz) > 1:
		return nil, &AuthError{Field: "authorization header", Offset: -1, Reason: "sent " + strconv.Itoa(len(authz)) + " times; servers accept one"}
	case len(authz) == 1 && inQuery:
		return nil, &AuthError{Field: "authorization header", Offset: -1, Reason: "sent together with " + f.SignatureParam + " query parameters; servers accept only one way of signing"}
	case len(authz) == 1:
		if p, err = ParseAuthorization(authz[0]); err != nil {
			return nil, err
		}
		err = p.headerTime(req)
	case inQuery:
		p, err = parseAuthQuery(f, req.RawQuery, false)
	default:
		return nil, ErrNoSignature
	}
	if err != nil {
		return nil, err
	}
	p.Scheme = schemeOf(p.Family, p.Form)
	return p, nil
}

// queryFamily finds the family whose signing parameters the query carries.
func queryFamily(rawQuery string) (*Family, bool) {
	for _, f := range families {
		for _, name := range []string{f.AlgorithmParam, f.CredentialParam, f.SignatureParam} {
			if _, ok := queryValue(rawQuery, name); ok {
				return f, true
			}
		}
	}
	return nil, false
}

// ParseAuthorization reads an Authorization header value of the V4
// families ParseAuth knows (AWS4-HMAC-SHA256).
func ParseAuthorization(value string) (*AuthParams, error) {
	return parseV4Authorization(value, families, "SignedHeaders", true)
}

// parseV4Authorization reads a V4-style Authorization header of one of
// fams, whose signed-header list is the field signedField (OSS V4's
// AdditionalHeaders may be left out).
func parseV4Authorization(value string, fams []*Family, signedField string, signedRequired bool) (*AuthParams, error) {
	fail := func(off int, reason string, err error) (*AuthParams, error) {
		return nil, &AuthError{Field: "authorization header", Offset: off, Reason: reason, Err: err}
	}
	lead := len(value) - len(strings.TrimLeft(value, " \t"))
	rest := value[lead:]
	alg, fields := rest, ""
	if i := strings.IndexAny(rest, " \t"); i >= 0 {
		alg, fields = rest[:i], rest[i+1:]
	}
	var f *Family
	for _, fam := range fams {
		if alg == fam.Algorithm {
			f = fam
		}
	}
	if f == nil {
		return fail(lead, "scheme "+schemeName(alg)+" is not "+fams[0].Algorithm, ErrUnsupportedAlgorithm)
	}
	p := &AuthParams{Scheme: schemeOf(f, FormHeader), Family: f, Form: FormHeader}
	base := lead + len(alg) + 1
	seen := map[string]bool{}
	for i := 0; i < len(fields); {
		c := fields[i]
		if c == ',' || c == ' ' || c == '\t' {
			i++
			continue
		}
		j := i
		for j < len(fields) && fields[j] != ',' && fields[j] != ' ' && fields[j] != '\t' {
			j++
		}
		tok := fields[i:j]
		key, val, ok := strings.Cut(tok, "=")
		switch {
		case !ok:
			return fail(base+i, "field "+strconv.Quote(truncate(tok, 40))+" has no \"=\"", nil)
		case seen[key]:
			return fail(base+i, "field "+key+" appears twice", nil)
		}
		seen[key] = true
		var err error
		switch key {
		case "Credential":
			err = p.setCredential(val)
		case signedField:
			err = p.setSignedHeaders(val)
		case "Signature":
			p.Signature = val
			if val == "" {
				err = errEmpty
			}
		default:
			return fail(base+i, "unknown field "+strconv.Quote(truncate(key, 40))+" (fields are case-sensitive: Credential, "+signedField+", Signature)", nil)
		}
		if err != nil {
			return fail(base+i+len(key)+1, key+": "+err.Error(), nil)
		}
		i = j
	}
	for _, key := range []string{"Credential", signedField, "Signature"} {
		if !seen[key] && (key != signedField || signedRequired) {
			return fail(-1, "missing "+key+"=", nil)
		}
	}
	return p, nil
}

type parseError string

func (e parseError) Error() string { return string(e) }

const errEmpty = parseError("empty value")

func (p *AuthParams) setCredential(v string) error {
	parts := strings.Split(v, "/")
	if len(parts) < 5 {
		return parseError("want access-key-id/yyyymmdd/region/service/" + p.Family.Terminator + ", got " + strconv.Itoa(len(parts)) + " element(s)")
	}
	n := len(parts)
	p.AccessKeyID = strings.Join(parts[:n-4], "/")
	p.Date, p.Region, p.Service, p.Terminator = parts[n-4], parts[n-3], parts[n-2], parts[n-1]
	switch {
	case p.AccessKeyID == "":
		return parseError("empty access key id")
	case !isDate8(p.Date):
		return parseError("scope date " + strconv.Quote(truncate(p.Date, 20)) + " is not yyyymmdd")
	case p.Region == "":
		return parseError("empty region")
	case p.Service == "":
		return parseError("empty service")
	}
	return nil
}

func (p *AuthParams) setSignedHeaders(v string) error {
	if v == "" {
		return errEmpty
	}
	p.SignedHeaders = strings.Split(v, ";")
	for _, h := range p.SignedHeaders {
		if h == "" {
			return parseError("empty header name in " + strconv.Quote(truncate(v, 80)))
		}
	}
	return nil
}

func isDate8(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := 0; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	_, err := time.Parse("20060102", s)
	return err == nil
}

// schemeName quotes an Authorization scheme for a message, unless it does
// not look like a scheme name (a bare token pasted as the whole header
// would then be echoed).
func schemeName(s string) string {
	if s == "" || len(s) > 32 {
		return "(not a scheme name)"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !unreserved[c] || c == '~' || c == '.' {
			return "(not a scheme name)"
		}
	}
	return strconv.Quote(s)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// headerTime fills Time from the X-Amz-Date header, else the Date header.
func (p *AuthParams) headerTime(req *request.Request) error {
	f := p.Family
	if s, ok := req.Get(f.DateHeader); ok {
		t, err := ParseAmzDate(strings.TrimSpace(s))
		if err != nil {
			return &AuthError{Field: f.DateHeader + " header", Offset: -1, Reason: err.Error()}
		}
		p.Time, p.TimeSource = t, f.DateHeader+" header"
		return nil
	}
	if s, ok := req.Get("Date"); ok {
		t, err := parseHTTPDate(strings.TrimSpace(s))
		if err != nil {
			return &AuthError{Field: "date header", Offset: -1, Reason: err.Error()}
		}
		p.Time, p.TimeSource = t, "date header"
	}
	return nil
}

// parseAuthQuery reads the X-Amz-* parameters of a presigned URL (or
// another family's); OSS V4 may leave its signed-header list out.
func parseAuthQuery(f *Family, rawQuery string, signedOptional bool) (*AuthParams, error) {
	vals := map[string]string{}
	for rest := rawQuery; rest != ""; {
		var piece string
		piece, rest, _ = strings.Cut(rest, "&")
		k, v, _ := strings.Cut(piece, "=")
		k = decodeLenient(k, true)
		switch k {
		case f.AlgorithmParam, f.CredentialParam, f.DateParam, f.ExpiresParam,
			f.SignedHeadersParam, f.SecurityTokenParam, f.SignatureParam:
		default:
			continue
		}
		if _, dup := vals[k]; dup {
			return nil, &AuthError{Field: k + " parameter", Offset: -1, Reason: "appears twice"}
		}
		vals[k] = decodeLenient(v, true)
	}
	fail := func(name, reason string, err error) (*AuthParams, error) {
		return nil, &AuthError{Field: name + " parameter", Offset: -1, Reason: reason, Err: err}
	}
	for _, name := range []string{f.AlgorithmParam, f.CredentialParam, f.DateParam, f.SignedHeadersParam, f.SignatureParam} {
		if _, ok := vals[name]; !ok && (name != f.SignedHeadersParam || !signedOptional) {
			return fail(name, "missing", nil)
		}
	}
	if alg := vals[f.AlgorithmParam]; alg != f.Algorithm {
		return fail(f.AlgorithmParam, "algorithm "+strconv.Quote(truncate(alg, 40))+" is not "+f.Algorithm, ErrUnsupportedAlgorithm)
	}
	p := &AuthParams{Scheme: schemeOf(f, FormQuery), Family: f, Form: FormQuery, Signature: vals[f.SignatureParam]}
	if err := p.setCredential(vals[f.CredentialParam]); err != nil {
		return fail(f.CredentialParam, err.Error(), nil)
	}
	if sh, ok := vals[f.SignedHeadersParam]; ok || !signedOptional {
		if err := p.setSignedHeaders(sh); err != nil {
			return fail(f.SignedHeadersParam, err.Error(), nil)
		}
	}
	if p.Signature == "" {
		return fail(f.SignatureParam, errEmpty.Error(), nil)
	}
	t, err := ParseAmzDate(vals[f.DateParam])
	if err != nil {
		return fail(f.DateParam, err.Error(), nil)
	}
	p.Time, p.TimeSource = t, f.DateParam+" parameter"
	if s, ok := vals[f.ExpiresParam]; ok {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 || s == "" || s[0] == '+' {
			return fail(f.ExpiresParam, strconv.Quote(truncate(s, 20))+" is not a number of seconds", nil)
		}
		p.Expires = n
	}
	if s, ok := vals[f.SecurityTokenParam]; ok {
		p.SecurityToken = credentials.NewSecret(s)
	}
	return p, nil
}
