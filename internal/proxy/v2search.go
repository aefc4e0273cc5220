package proxy

import (
	"net/url"
	"sort"
	"strings"

	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
)

// The mistake search of internal/search knows the V4 schemes only. For
// SigV2 and OSS V1 the string to sign is five short lines and one HMAC-SHA1
// is cheap, so the proxy tries the variants that real clients sign
// instead, line by line:
//
//	Method \n Content-MD5 \n Content-Type \n Date \n CanonicalizedAmzHeaders CanonicalizedResource
//
// The resource variants are what botocore's HmacV1Auth (signature_version
// 's3', botocore 1.29) signs against a path-style endpoint: "/bucket/"
// for a request to "/bucket" (CreateBucket, ListObjects), list-type=2 as
// a sub-resource (ListObjectsV2, which S3's sub-resource list does not
// name), and the sub-resource written twice ("/b/k?uploads?uploads",
// CreateMultipartUpload).

// v2Variant is one thing a V2 client may have signed instead.
type v2Variant struct {
	cause   string
	summary string
	sts     string
}

// v2Search returns the first variant of the string to sign that the
// client's signature reproduces, or nil.
func v2Search(v *verification) *v2Variant {
	if v.result == nil || v.auth == nil {
		return nil
	}
	for _, c := range v2Variants(v.result.StringToSign, v.req) {
		res, err := recompute.V2FromStringToSign(v.result.Scheme, c.sts, v.creds)
		if err == nil && res.Signature != "" && res.Signature == v.auth.Signature {
			return &c
		}
	}
	return nil
}

func v2Variants(sts string, req *request.Request) []v2Variant {
	lines := strings.Split(sts, "\n")
	if len(lines) < 5 {
		return nil
	}
	var out []v2Variant
	with := func(i int, value, cause, summary string) {
		if lines[i] == value {
			return
		}
		c := append([]string(nil), lines...)
		c[i] = value
		out = append(out, v2Variant{cause: cause, summary: summary, sts: strings.Join(c, "\n")})
	}
	last := len(lines) - 1
	res := lines[last]
	path, sub, hasSub := strings.Cut(res, "?")
	q := func(p, s string) string {
		if s == "" {
			return p
		}
		return p + "?" + s
	}
	if !strings.HasSuffix(path, "/") {
		with(last, q(path+"/", sub), "v2-resource", "signed resource "+q(path+"/", sub)+" (a slash added after the bucket) for "+res)
	} else if path != "/" {
		with(last, q(strings.TrimSuffix(path, "/"), sub), "v2-resource", "signed resource without its trailing slash for "+res)
	}
	if hasSub {
		with(last, res+"?"+sub, "v2-resource", "signed the sub-resources twice: "+res+"?"+sub)
		with(last, path, "v2-resource", "signed resource "+path+" without its sub-resources")
	}
	for _, extra := range unlistedParams(req.RawQuery, sub) {
		s := addSub(sub, extra)
		with(last, q(path, s), "v2-resource", "signed "+extra+" as a sub-resource: "+q(path, s))
		if !strings.HasSuffix(path, "/") {
			with(last, q(path+"/", s), "v2-resource", "signed "+extra+" as a sub-resource and a slash after the bucket: "+q(path+"/", s))
		}
	}
	for _, m := range []string{"GET", "HEAD", "PUT", "POST", "DELETE"} {
		with(0, m, "method-changed", "signed "+m+"; the server received "+lines[0])
	}
	ct := lines[2]
	base, _, _ := strings.Cut(ct, ";")
	for _, x := range append([]string{"", strings.TrimSpace(base)}, contentTypes...) {
		with(2, x, "content-type-changed", "signed content-type "+quoteOrEmpty(x)+"; the server received "+quoteOrEmpty(ct))
	}
	if lines[1] != "" {
		with(1, "", "v2-content-md5", "signed an empty Content-MD5 line; the request carries "+lines[1])
	}
	return out
}

// contentTypes are the values clients add without being asked (see
// internal/search's list, which these mirror for V2).
var contentTypes = []string{"application/octet-stream", "binary/octet-stream", "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8", "text/plain;charset=UTF-8"}

func quoteOrEmpty(s string) string {
	if s == "" {
		return "(empty)"
	}
	return `"` + s + `"`
}

// unlistedParams are the request's query parameters that the resource's
// sub-resources leave out, as "name" or "name=value" decoded.
func unlistedParams(rawQuery, sub string) []string {
	have := map[string]bool{}
	for _, s := range strings.Split(sub, "&") {
		name, _, _ := strings.Cut(s, "=")
		have[name] = true
	}
	var out []string
	for _, piece := range strings.Split(rawQuery, "&") {
		if piece == "" {
			continue
		}
		k, val, hasVal := strings.Cut(piece, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(val)
		if err1 != nil || err2 != nil || have[dk] || strings.HasPrefix(strings.ToLower(dk), "x-amz-") {
			continue
		}
		switch dk {
		case "AWSAccessKeyId", "Signature", "Expires":
			continue
		}
		if hasVal {
			out = append(out, dk+"="+dv)
		} else {
			out = append(out, dk)
		}
		if len(out) == 8 {
			break
		}
	}
	return out
}

// addSub inserts one "name[=value]" into a sub-resource list, sorted by
// name as the V2 rule sorts them.
func addSub(sub, extra string) string {
	var parts []string
	if sub != "" {
		parts = strings.Split(sub, "&")
	}
	parts = append(parts, extra)
	sort.SliceStable(parts, func(i, j int) bool {
		a, _, _ := strings.Cut(parts[i], "=")
		b, _, _ := strings.Cut(parts[j], "=")
		return a < b
	})
	return strings.Join(parts, "&")
}
