package recompute

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/sigdiff/sigdiff/internal/credentials"
)

// StringToSign grammar (SigV4, "Create a string to sign"):
//
//	StringToSign = Algorithm "\n" RequestDateTime "\n" CredentialScope "\n" HashedCanonicalRequest
//	CredentialScope = yyyymmdd "/" Region "/" Service "/" Terminator
//	Signature = Hex(HMAC-SHA256(kSigning, StringToSign))
//	Authorization = Algorithm " Credential=" AccessKeyID "/" CredentialScope
//	                ", SignedHeaders=" SignedHeaders ", Signature=" Signature
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-string-to-sign

// EmptySHA256 is the hex SHA-256 of the empty string, the payload hash of a
// request without a body.
const EmptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// UnsignedPayload is the payload hash S3 accepts in place of the body's.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// Scope returns the credential scope.
func (f *Family) Scope(date, region, service string) string {
	return date + "/" + region + "/" + service + "/" + f.Terminator
}

// StringToSign joins the four lines.
func (f *Family) StringToSign(amzDate, scope, canonicalRequestHash string) string {
	return f.Algorithm + "\n" + amzDate + "\n" + scope + "\n" + canonicalRequestHash
}

// HashHex returns the hex SHA-256 of s, as the canonical request and the
// payload are hashed.
func HashHex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Signature returns hex(HMAC-SHA256(kSigning, stringToSign)).
func Signature(kSigning [32]byte, stringToSign string) string {
	buf := make([]byte, 64, 64+len(stringToSign))
	buf = append(buf, stringToSign...)
	mac := hmacPrefixed(&kSigning, buf)
	return hex.EncodeToString(mac[:])
}

// Authorization returns the Authorization header value.
func (f *Family) Authorization(accessKeyID, scope, signedHeaders, signature string) string {
	var b strings.Builder
	b.Grow(len(f.Algorithm) + len(accessKeyID) + len(scope) + len(signedHeaders) + len(signature) + 43)
	b.WriteString(f.Algorithm)
	b.WriteString(" Credential=")
	b.WriteString(accessKeyID)
	b.WriteByte('/')
	b.WriteString(scope)
	b.WriteString(", SignedHeaders=")
	b.WriteString(signedHeaders)
	b.WriteString(", Signature=")
	b.WriteString(signature)
	return b.String()
}

// appendStringToSign appends the string to sign with the canonical
// request's hash given as raw bytes.
func (f *Family) appendStringToSign(dst []byte, amzDate, region, service string, crHash *[32]byte) []byte {
	dst = append(dst, f.Algorithm...)
	dst = append(dst, '\n')
	dst = append(dst, amzDate...)
	dst = append(dst, '\n')
	dst = f.appendScope(dst, amzDate[:8], region, service)
	dst = append(dst, '\n')
	return hex.AppendEncode(dst, crHash[:])
}

func (f *Family) appendScope(dst []byte, date, region, service string) []byte {
	dst = append(dst, date...)
	dst = append(dst, '/')
	dst = append(dst, region...)
	dst = append(dst, '/')
	dst = append(dst, service...)
	dst = append(dst, '/')
	return append(dst, f.Terminator...)
}

func hexString(b *[32]byte) string { return hex.EncodeToString(b[:]) }

// RedactToken masks a session token in s (as is and URI-encoded): the
// canonical request, the added headers and the presigned URL carry it when
// it is signed, as the server's canonical request does. Renderers that
// must not show it pass their text through here.
func RedactToken(s string, token credentials.Secret) string {
	t := token.Reveal()
	if t == "" {
		return s
	}
	s = strings.ReplaceAll(s, t, "[redacted]")
	return strings.ReplaceAll(s, string(appendURIEncode(nil, t, false)), "[redacted]")
}
