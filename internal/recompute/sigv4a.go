package recompute

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math/big"
	"strconv"
	"strings"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// AWS Signature Version 4A (AWS4-ECDSA-P256-SHA256), for multi-region
// access points: SigV4's canonical request, with the region set signed as
// the x-amz-region-set header (X-Amz-Region-Set parameter), a scope
// without region, and an ECDSA P-256 key derived from the access key pair:
//
//	CredentialScope = yyyymmdd "/" service "/aws4_request"
//	StringToSign    = "AWS4-ECDSA-P256-SHA256\n" x-amz-date "\n" Scope "\n" hex(SHA-256(CanonicalRequest))
//	Signature       = hex(DER(ECDSA-P256(SHA-256(StringToSign))))    randomized: verified, never compared
//
// Behaviour checked against awslabs/aws-c-auth's v4a test suite
// (../shared/vectors/aws-sig-v4a) and its key derivation (derived-keys.json).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#derive-signing-key-sigv4a

// SigV4AAlgorithm names SigV4A in Authorization and X-Amz-Algorithm.
const SigV4AAlgorithm = "AWS4-ECDSA-P256-SHA256"

// SigV4A scheme ids.
const (
	SchemeSigV4AHeader = "sigv4a-header"
	SchemeSigV4AQuery  = "sigv4a-query"
)

// RegionSetHeader and RegionSetParam carry the signed region set.
const (
	RegionSetHeader = "x-amz-region-set"
	RegionSetParam  = "X-Amz-Region-Set"
)

// AWS4A is SigV4A's family: AWS4's names and object-storage services; its
// KeyPrefix is the KDF's ("AWS4A" + secret).
var AWS4A = NewFamily(SigV4AAlgorithm, "AWS4A", "aws4_request", "x-amz-", "X-Amz-",
	"s3", "s3-object-lambda", "s3-outposts", "s3express")

// V4A holds every step of one SigV4A signing. The embedded V4 holds the
// engine's steps; its Region is the region set and its Scope has no
// region. DERSignature is nil without a secret.
type V4A struct {
	V4
	RegionSet    string
	PublicKey    *ecdsa.PublicKey // derived from the key pair; nil without a secret
	DERSignature []byte
}

// DeriveSigV4AKey derives the ECDSA P-256 private key of an access key pair
// as AWS does: NIST SP 800-108 counter-mode KDF with HMAC-SHA256 keyed by
// "AWS4A" + secret over 1 || "AWS4-ECDSA-P256-SHA256" || 0x00 || access key
// id || counter || 256 (32-bit big-endian lengths), retried with the next
// counter while the result exceeds n-2; the key is that value plus one.
// The key is a credential: never print it.
func DeriveSigV4AKey(creds credentials.Credentials) (*ecdsa.PrivateKey, error) {
	if creds.Secret.Empty() {
		return nil, ErrNoSecret
	}
	curve := elliptic.P256()
	nMinus2 := new(big.Int).Sub(curve.Params().N, big.NewInt(2))
	input := make([]byte, 0, 4+len(SigV4AAlgorithm)+1+len(creds.AccessKeyID)+1+4)
	input = binary.BigEndian.AppendUint32(input, 1)
	input = append(input, SigV4AAlgorithm...)
	input = append(input, 0)
	input = append(input, creds.AccessKeyID...)
	ctr := len(input)
	input = append(input, 1)
	input = binary.BigEndian.AppendUint32(input, 256)
	for counter := 1; counter <= 254; counter++ {
		input[ctr] = byte(counter)
		m := hmac.New(sha256.New, []byte("AWS4A"+creds.Secret.Reveal()))
		m.Write(input)
		c := new(big.Int).SetBytes(m.Sum(nil))
		if c.Cmp(nMinus2) > 0 {
			continue
		}
		d := c.Add(c, big.NewInt(1))
		var db [32]byte
		d.FillBytes(db[:])
		return ecdsa.ParseRawPrivateKey(curve, db[:])
	}
	return nil, &AuthError{Field: "secret key", Offset: -1, Reason: "no sigv4a key after 254 counters"}
}

// SigV4A recomputes the SigV4A signing of req. Options.Region is the
// region set ("us-east-1", "*" or a comma list); a request carrying
// x-amz-region-set (X-Amz-Region-Set in the query form) signs its own.
// With a secret it signs, with a fresh random nonce.
func SigV4A(req *request.Request, creds credentials.Credentials, opts Options) (*V4A, error) {
	if req == nil {
		return nil, ErrNoRequest
	}
	if requestSize(req) > maxRequestPart {
		return nil, ErrTooLarge
	}
	opts.Family = AWS4A
	a := &V4A{}
	if opts.Presign {
		if s, ok := queryValue(req.RawQuery, RegionSetParam); ok && opts.Region == "" {
			opts.Region = s
		}
	} else if s, ok := req.Get(RegionSetHeader); ok {
		opts.Region = trimOWS(s)
	}
	nv, err := newV4(creds, &opts)
	if err != nil {
		return nil, err
	}
	a.V4, a.RegionSet = *nv, opts.Region
	v := &a.V4
	v.Method = req.Method
	t, fromRequest, err := signingTime(req, v.Family, &opts)
	if err != nil {
		return nil, err
	}
	if err := v.setTime(t); err != nil {
		return nil, err
	}
	v.payloadHash(req, &opts)
	signReq := req
	if _, ok := req.Get(RegionSetHeader); !ok && v.Form == FormHeader {
		c := *req
		c.Header = append(append(make([]request.Field, 0, len(req.Header)+1), req.Header...), request.Field{Name: RegionSetHeader, Value: a.RegionSet})
		signReq = &c
	}
	hs := sortHeaders(nil, v.headers(nil, signReq, creds, &opts, fromRequest))
	var q queryBuilder
	if v.Form == FormQuery {
		if err := a.presignQuery(&q, req, creds, &opts, hs); err != nil {
			return nil, err
		}
	} else {
		q.parse(req.RawQuery, nil, 0)
	}
	buf := v.canonicalRequest(req.RawPath, &q, q.finish(nil), hs)
	sum := sha256.Sum256(buf)
	v.CanonicalRequestHash = hex.EncodeToString(sum[:])
	v.Scope = v.Date + "/" + v.Service + "/" + v.Family.Terminator
	v.StringToSign = v.Family.StringToSign(v.AmzDate, v.Scope, v.CanonicalRequestHash)
	if creds.Secret.Empty() {
		return a, nil
	}
	if err := a.sign(creds); err != nil {
		return nil, err
	}
	if v.Form == FormQuery {
		v.PresignedURL = gcsSignedURL(req, v.CanonicalQueryString, v.Family.SignatureParam, v.Signature)
	} else {
		v.Authorization = v.Family.Authorization(v.AccessKeyID, v.Scope, v.SignedHeaders, v.Signature)
	}
	return a, nil
}

func (a *V4A) sign(creds credentials.Credentials) error {
	key, err := DeriveSigV4AKey(creds)
	if err != nil {
		return err
	}
	a.PublicKey = &key.PublicKey
	sum := sha256.Sum256([]byte(a.StringToSign))
	if a.DERSignature, err = ecdsa.SignASN1(rand.Reader, key, sum[:]); err != nil {
		return err
	}
	a.Signature = hex.EncodeToString(a.DERSignature)
	return nil
}

// presignQuery adds the signing parameters as presign.go does for SigV4,
// with the region set as its own parameter and a scope without region; a
// region set the URL carries is signed as sent.
func (a *V4A) presignQuery(q *queryBuilder, req *request.Request, creds credentials.Credentials, opts *Options, hs []hdr) error {
	v, f := &a.V4, a.Family
	filter := authFilter{f: f, dropExpires: opts.Expires > 0, dropToken: opts.OmitSessionToken}
	q.parse(req.RawQuery, &filter, 3*(len(v.AccessKeyID)+len(a.RegionSet)+len(v.Service)+256+len(creds.SessionToken.Reveal())))
	if !filter.dropExpires && !filter.sawExpires {
		return ErrNoExpires
	}
	add := func(name, value string) {
		off := len(q.arena)
		q.arena = appendURIEncode(q.arena, value, false)
		q.add(name, off)
	}
	add(f.AlgorithmParam, f.Algorithm)
	add(f.CredentialParam, v.AccessKeyID+"/"+v.Date+"/"+v.Service+"/"+f.Terminator)
	add(f.DateParam, v.AmzDate)
	if filter.dropExpires {
		add(f.ExpiresParam, strconv.FormatInt(opts.Expires, 10))
	}
	if _, ok := queryValue(req.RawQuery, RegionSetParam); !ok {
		add(RegionSetParam, a.RegionSet)
	}
	add(f.SignedHeadersParam, string(appendSignedHeaders(nil, hs)))
	if !filter.sawToken && !creds.SessionToken.Empty() && !opts.OmitSessionToken {
		add(f.SecurityTokenParam, creds.SessionToken.Reveal())
	}
	return nil
}

// VerifySigV4A checks a hex DER ECDSA signature of stringToSign with pub.
func VerifySigV4A(stringToSign, signatureHex string, pub *ecdsa.PublicKey) (bool, error) {
	if pub == nil {
		return false, ErrNoKey
	}
	sig, err := hex.DecodeString(signatureHex)
	if err != nil {
		return false, &AuthError{Field: "signature", Offset: -1, Reason: "not hex: sigv4a signatures are hex der"}
	}
	sum := sha256.Sum256([]byte(stringToSign))
	return ecdsa.VerifyASN1(pub, sum[:], sig), nil
}

// Scheme names the run: sigv4a-header or sigv4a-query.
func (a *V4A) Scheme() string {
	if a.Form == FormQuery {
		return SchemeSigV4AQuery
	}
	return SchemeSigV4AHeader
}

// Result is the engine's Result with SigV4A's scope, key and signature steps.
func (a *V4A) Result() *Result {
	r := a.V4.Result()
	r.Scheme = a.Scheme()
	steps := r.Steps[:0:0]
	for _, s := range r.Steps {
		switch s.Name {
		case "CredentialScope":
			s.Rule = "date/service/aws4_request: SigV4A's scope has no region; the region set is signed as " + RegionSetHeader + " (" + RegionSetParam + " in a presigned URL)"
		case "kDate", "kRegion", "kService", "kSigning", "Signature":
			continue
		}
		steps = append(steps, s)
		if s.Name == "StringToSign" && a.PublicKey != nil {
			pub, _ := a.PublicKey.ECDH()
			steps = append(steps,
				Step{Name: "PublicKey", Rule: "ECDSA P-256 key derived from the key pair: HMAC-SHA256 counter KDF keyed by \"AWS4A\" + secret over the access key id; the uncompressed public point", Value: hex.EncodeToString(pub.Bytes())},
				Step{Name: "Signature", Rule: "hex of the DER ECDSA P-256 signature of SHA-256(string to sign); randomized, so only verification decides", Value: a.Signature})
		}
	}
	r.Steps = steps
	return r
}

// parseSigV4AAuthorization reads "AWS4-ECDSA-P256-SHA256 Credential=AKID/
// date/service/aws4_request, SignedHeaders=…, Signature=…" by inserting
// the region set as the scope's region for the V4 parser; offsets past
// the credential are then shifted, which is why errors there name no byte.
func parseSigV4AAuthorization(req *request.Request, value string) (*AuthParams, error) {
	regionSet, _ := req.Get(RegionSetHeader)
	regionSet = trimOWS(regionSet)
	if regionSet == "" {
		return nil, &AuthError{Field: RegionSetHeader + " header", Offset: -1, Reason: "missing: sigv4a signs the region set in it"}
	}
	i := strings.Index(value, "Credential=")
	if i < 0 {
		return nil, &AuthError{Field: "authorization header", Offset: -1, Reason: "missing Credential="}
	}
	j := i + len("Credential=")
	k := j + strings.IndexAny(value[j:]+",", ", \t")
	parts := strings.Split(value[j:k], "/")
	if len(parts) < 4 {
		return nil, &AuthError{Field: "authorization header", Offset: j, Reason: "Credential: want access-key-id/yyyymmdd/service/aws4_request, got " + strconv.Itoa(len(parts)) + " element(s)"}
	}
	n := len(parts)
	cred := strings.Join(parts[:n-3], "/") + "/" + parts[n-3] + "/" + strings.ReplaceAll(regionSet, "/", "%2F") + "/" + parts[n-2] + "/" + parts[n-1]
	p, err := parseV4Authorization(value[:j]+cred+value[k:], []*Family{AWS4A}, "SignedHeaders", true)
	if err != nil {
		return nil, err
	}
	p.Scheme, p.Region = SchemeSigV4AHeader, regionSet
	return p, p.headerTime(req)
}

// parseSigV4AQuery reads a SigV4A presigned URL's parameters.
func parseSigV4AQuery(rawQuery string) (*AuthParams, error) {
	regionSet, ok := queryValue(rawQuery, RegionSetParam)
	if !ok || regionSet == "" {
		return nil, &AuthError{Field: RegionSetParam + " parameter", Offset: -1, Reason: "missing: sigv4a signs the region set in it"}
	}
	cred, _ := queryValue(rawQuery, AWS4A.CredentialParam)
	parts := strings.Split(cred, "/")
	if len(parts) < 4 {
		return nil, &AuthError{Field: AWS4A.CredentialParam + " parameter", Offset: -1, Reason: "want access-key-id/yyyymmdd/service/aws4_request, got " + strconv.Itoa(len(parts)) + " element(s)"}
	}
	n := len(parts)
	parts = append(parts[:n-2:n-2], "r", parts[n-2], parts[n-1])
	var b strings.Builder
	for rest := rawQuery; rest != ""; {
		var piece string
		piece, rest, _ = strings.Cut(rest, "&")
		if k, _, _ := strings.Cut(piece, "="); decodeLenient(k, true) == AWS4A.CredentialParam {
			piece = AWS4A.CredentialParam + "=" + string(appendURIEncode(nil, strings.Join(parts, "/"), false))
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(piece)
	}
	p, err := parseAuthQuery(AWS4A, b.String(), false)
	if err != nil {
		return nil, err
	}
	p.Scheme, p.Region = SchemeSigV4AQuery, regionSet
	return p, nil
}
