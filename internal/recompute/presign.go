package recompute

import (
	"encoding/hex"
	"strconv"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// Query (presigned) form (S3, "Authenticating Requests: Using Query
// Parameters"): the signing fields travel as parameters and are signed as
// part of the canonical query string, all but the signature itself:
//
//	X-Amz-Algorithm=AWS4-HMAC-SHA256
//	X-Amz-Credential=AccessKeyID/CredentialScope
//	X-Amz-Date=yyyymmddThhmmssZ
//	X-Amz-Expires=seconds
//	X-Amz-SignedHeaders=SignedHeaders
//	X-Amz-Security-Token=token           (unless added after signing)
//	X-Amz-Signature=Signature            (never signed)
//
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html

// authFilter drops the signing fields a presigned URL already carries: the
// signer sets them anew (to the same values when they came from this URL).
// A session token the URL carries is kept, as the header form keeps an
// X-Amz-Security-Token header: it is what the server reads, whatever token
// the credentials at hand hold. Only OmitSessionToken takes it out of the
// canonical query (it goes back into the URL after signing).
type authFilter struct {
	f                      *Family
	dropExpires, dropToken bool
	sawExpires, sawToken   bool
	token                  string // X-Amz-Security-Token as sent, when dropped
}

func (a *authFilter) drop(key, rawValue string) bool {
	switch key {
	case a.f.SignatureParam, a.f.AlgorithmParam, a.f.CredentialParam, a.f.DateParam, a.f.SignedHeadersParam:
		return true
	case a.f.ExpiresParam:
		a.sawExpires = true
		return a.dropExpires
	case a.f.SecurityTokenParam:
		if a.dropToken && !a.sawToken {
			a.token = rawValue
		}
		a.sawToken = true
		return a.dropToken
	}
	return false
}

// presignQuery fills q with the request's parameters and the signing
// fields. hs are the sorted headers to sign.
func (v *V4) presignQuery(q *queryBuilder, req *request.Request, creds credentials.Credentials, opts *Options, hs []hdr) (omittedToken string, err error) {
	f := v.Family
	fromCreds := !creds.SessionToken.Empty()
	a := authFilter{f: f, dropExpires: opts.Expires > 0, dropToken: opts.OmitSessionToken}
	token := creds.SessionToken.Reveal()
	room := 3*(len(f.Algorithm)+len(v.AccessKeyID)+len(v.Region)+len(v.Service)+len(f.Terminator)+len(token)) + 16 + 20 + 4*len(hs)
	for _, h := range hs {
		room += 3 * len(h.name)
	}
	q.parse(req.RawQuery, &a, room)
	if !a.dropExpires && !a.sawExpires {
		return "", ErrNoExpires
	}

	off := len(q.arena)
	q.arena = appendURIEncode(q.arena, f.Algorithm, false)
	q.add(f.AlgorithmParam, off)

	off = len(q.arena)
	q.arena = appendURIEncode(q.arena, v.AccessKeyID, false)
	for _, s := range [...]string{v.Date, v.Region, v.Service, f.Terminator} {
		q.arena = append(q.arena, "%2F"...)
		q.arena = appendURIEncode(q.arena, s, false)
	}
	q.add(f.CredentialParam, off)

	off = len(q.arena)
	q.arena = append(q.arena, v.AmzDate...)
	q.add(f.DateParam, off)

	if a.dropExpires {
		off = len(q.arena)
		q.arena = strconv.AppendInt(q.arena, opts.Expires, 10)
		q.add(f.ExpiresParam, off)
	}

	var stack [256]byte
	sh := appendSignedHeaders(stack[:0], hs)
	off = len(q.arena)
	q.arena = appendURIEncode(q.arena, sh, false)
	q.add(f.SignedHeadersParam, off)

	switch {
	case a.sawToken && opts.OmitSessionToken:
		omittedToken = a.token // back into the URL after signing
	case a.sawToken, !fromCreds:
		// the URL's own token, if any, is signed as sent
	case opts.OmitSessionToken:
		omittedToken = string(appendURIEncode(nil, token, false))
	default:
		off = len(q.arena)
		q.arena = appendURIEncode(q.arena, token, false)
		q.add(f.SecurityTokenParam, off)
	}
	return omittedToken, nil
}

// urlTarget is where a presigned URL points: scheme, host and path as a
// client sends them.
type urlTarget struct{ scheme, host, path string }

func urlParts(req *request.Request) urlTarget {
	u := urlTarget{scheme: req.Scheme, host: req.Host, path: req.RawPath}
	if u.scheme == "" {
		u.scheme = "https"
	}
	if u.host == "" {
		u.host, _ = req.Get("Host")
	}
	if u.path == "" {
		u.path = "/"
	}
	return u
}

// len bounds the length of the presigned URL.
func (u urlTarget) len(f *Family, cq, omittedToken string) int {
	return len(u.scheme) + 3 + len(u.host) + 3*len(u.path) + 1 + len(cq) + len(omittedToken) +
		len(f.SecurityTokenParam) + len(f.SignatureParam) + 64 + 4
}

// appendPresignedURL appends the URL a client sends to buf (in its spare
// capacity) and returns it: scheme, host, the path as sent (escaped where
// a URL needs it), the canonical query string, the session token when it
// was left out of the signature, and the signature last, as aws-sdk-go-v2
// and aws-c-auth write it.
func (v *V4) appendPresignedURL(buf []byte, u urlTarget, cq, omittedToken string, mac *[32]byte) string {
	f := v.Family
	start := len(buf)
	buf = append(buf, u.scheme...)
	buf = append(buf, "://"...)
	buf = append(buf, u.host...)
	buf = appendURLPath(buf, u.path)
	buf = append(buf, '?')
	buf = append(buf, cq...)
	if omittedToken != "" {
		buf = append(buf, '&')
		buf = append(buf, f.SecurityTokenParam...)
		buf = append(buf, '=')
		buf = append(buf, omittedToken...)
	}
	buf = append(buf, '&')
	buf = append(buf, f.SignatureParam...)
	buf = append(buf, '=')
	buf = hex.AppendEncode(buf, mac[:])
	return frozen(buf[start:])
}
