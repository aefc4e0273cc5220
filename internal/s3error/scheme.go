package s3error

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Scheme values (Body.Scheme).
const (
	SigV4Header    = "sigv4-header"
	SigV4Query     = "sigv4-query"
	SigV4Post      = "sigv4-post"
	SigV4Streaming = "sigv4-streaming"
	SigV2Header    = "sigv2-header"
	SigV2Query     = "sigv2-query"
	SigV2Post      = "sigv2-post"
	OSSV1Header    = "oss-v1-header"
	OSSV1Query     = "oss-v1-query"
	OSSV4Header    = "oss-v4-header"
	OSSV4Query     = "oss-v4-query"
	GCSV4HMAC      = "gcs-v4-hmac"
	GCSV4RSA       = "gcs-v4-rsa"
	GCSV2          = "gcs-v2"
	GCSV2HMAC      = "gcs-v2-hmac-header"
	SchemeUnknown  = "unknown"
)

// inferScheme reads the scheme from what the server signed:
//
//   - a string to sign that is base64 of a JSON policy with "conditions"
//     is a browser POST (S3 "Browser-Based Uploads Using POST"; OSS
//     PostObject; GCS POST policies), its family from the policy's fields;
//   - a first line naming an algorithm (AWS4-HMAC-SHA256 and SigV4A's
//     AWS4-ECDSA-P256-SHA256, GOOG4-HMAC-SHA256, GOOG4-RSA-SHA256,
//     OSS4-HMAC-SHA256) is V4: presigned when the canonical query carries the
//     credential (X-Amz-Credential, x-oss-credential), streaming when the
//     payload hash is STREAMING-*, else the Authorization header;
//   - verb, Content-MD5, Content-Type, Date-or-Expires, headers, resource
//     is V2 (SigV2, OSS V1, GCS V2 signed URLs, GCS GOOG1): a Unix time in
//     place of the date means the query-string form;
//   - without a string to sign, the message and the request line may tell.
func (b *Body) inferScheme() {
	b.Scheme = SchemeUnknown
	sts := strings.TrimSpace(string(b.StringToSign))
	if sts == "" {
		b.Scheme = b.schemeWithoutSTS()
		return
	}
	if pol := decodePolicy(sts); pol != nil {
		b.Policy = pol
		b.Scheme = b.postScheme(string(pol))
		return
	}
	lines := strings.Split(sts, "\n")
	query, payload := "", ""
	if cr := b.CanonicalRequest; bytes.Count(cr, []byte("\n")) >= 2 {
		_, rest, _ := bytes.Cut(cr, []byte("\n"))
		_, rest, _ = bytes.Cut(rest, []byte("\n"))
		q, _, _ := bytes.Cut(rest, []byte("\n"))
		query = strings.ToLower(string(q))
		payload = string(cr[bytes.LastIndexByte(cr, '\n')+1:])
	} else {
		query = strings.ToLower(b.RequestLine)
	}
	switch alg := lines[0]; {
	case alg == "AWS4-HMAC-SHA256" || alg == "AWS4-ECDSA-P256-SHA256":
		switch {
		case strings.HasPrefix(payload, "STREAMING-"):
			b.Scheme = SigV4Streaming
		case strings.Contains(query, "x-amz-credential=") || strings.Contains(query, "x-amz-algorithm="):
			b.Scheme = SigV4Query
		default:
			b.Scheme = SigV4Header
		}
	case alg == "GOOG4-HMAC-SHA256":
		b.Scheme = GCSV4HMAC
	case alg == "GOOG4-RSA-SHA256":
		b.Scheme = GCSV4RSA
	case alg == "OSS4-HMAC-SHA256":
		b.Scheme = OSSV4Header
		if strings.Contains(query, "x-oss-credential=") || strings.Contains(query, "x-oss-signature-version=") {
			b.Scheme = OSSV4Query
		}
	case len(lines) >= 5 && httpMethods[alg] && strings.HasPrefix(lines[len(lines)-1], "/"):
		b.Scheme = b.v2Scheme(isDigits(lines[3]))
	}
}

func (b *Body) v2Scheme(query bool) string {
	switch {
	case b.Service == "oss" && query:
		return OSSV1Query
	case b.Service == "oss":
		return OSSV1Header
	case b.Service == "gcs" && query:
		return GCSV2
	case b.Service == "gcs":
		// A date, not Expires, on the Date line: GCS's GOOG1
		// Authorization header (HMAC key), not a V2 signed URL.
		return GCSV2HMAC
	case query:
		return SigV2Query
	}
	return SigV2Header
}

func (b *Body) schemeWithoutSTS() string {
	msg := strings.ToLower(b.Message)
	rl := strings.ToLower(b.RequestLine)
	switch {
	case strings.Contains(msg, "sigv2") || strings.Contains(msg, "signature version 2") ||
		(b.Code == "InvalidRequest" && strings.Contains(msg, "aws4-hmac-sha256")):
		return b.v2Scheme(strings.Contains(rl, "signature=") && strings.Contains(rl, "expires="))
	case b.Code == "AuthorizationQueryParametersError" || strings.Contains(rl, "x-amz-credential="):
		return SigV4Query
	case hasField(b, "X-Amz-Expires"): // an expired presigned URL
		return SigV4Query
	case b.Code == "AuthorizationHeaderMalformed" || b.Code == "XAmzContentSHA256Mismatch":
		return SigV4Header
	}
	return SchemeUnknown
}

func hasField(b *Body, name string) bool {
	_, ok := b.Get(name)
	return ok
}

// decodePolicy returns the policy JSON when s is base64 of a JSON object
// with "conditions" (pastes wrap long base64, so blanks are dropped).
func decodePolicy(s string) []byte {
	if len(s) < 16 || strings.Contains(s, ":") || !maybeBase64(s) {
		return nil
	}
	compact := strings.Join(strings.Fields(s), "")
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		d, err := enc.DecodeString(compact)
		if err != nil {
			continue
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(d, &obj) == nil {
			if _, ok := obj["conditions"]; ok {
				return d
			}
		}
		return nil
	}
	return nil
}

// maybeBase64 reports whether some base64 alphabet could hold s, blanks
// aside: every ASCII byte is in the standard or the URL alphabet or a
// blank, and not both "+/" and "-_" occur. A V4 string to sign
// ("AWS4-HMAC-SHA256\n…/…") fails this, and is not decoded four ways. Past
// ASCII it cannot tell (Unicode blanks are dropped too) and says maybe.
func maybeBase64(s string) bool {
	std, url := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '=':
		case c == '+' || c == '/':
			std = true
		case c == '-' || c == '_':
			url = true
		case c >= utf8.RuneSelf:
			return true
		case unicode.IsSpace(rune(c)):
		default:
			return false
		}
	}
	return !(std && url)
}

func (b *Body) postScheme(pol string) string {
	p := strings.ToLower(pol)
	switch {
	case strings.Contains(p, "goog4-rsa-sha256"):
		return GCSV4RSA
	case strings.Contains(p, "goog4-hmac-sha256"):
		return GCSV4HMAC
	case strings.Contains(p, "oss4-hmac-sha256") || strings.Contains(p, "x-oss-credential"):
		return OSSV4Header
	case strings.Contains(p, "x-amz-credential") || strings.Contains(p, "aws4-hmac-sha256"):
		return SigV4Post
	case b.Service == "oss":
		return OSSV1Header
	case b.Service == "gcs":
		return GCSV2
	}
	return SigV2Post
}
