package recompute

import (
	"encoding/base64"
	"strings"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/gcskey"
	"github.com/sigdiff/sigdiff/internal/request"
)

// Google Cloud Storage V2 signed URLs share SigV2's string to sign, with
// Google's header prefix and an RSA signature by a service account:
//
//	StringToSign = HTTP-Verb "\n" Content-MD5 "\n" Content-Type "\n" Expires "\n"
//	               CanonicalizedExtensionHeaders CanonicalizedResource
//	Signature    = Base64(RSASSA-PKCS1-v1_5(SHA-256(StringToSign)))
//	URL          = …?GoogleAccessId=client_email&Expires=unix-seconds&Signature=url-encoded-base64
//
// The extension headers are the x-goog-* headers; the resource is
// "/bucket/object" (the bucket from a bucket.storage.googleapis.com host)
// with the sub-resources S3's V2 signs (acl, cors, …). It runs through the
// SigV2 builder as a third dialect.
// https://cloud.google.com/storage/docs/access-control/signed-urls-v2

// SchemeGCSV2 is a GCS V2 signed URL.
const SchemeGCSV2 = "gcs-v2"

var gcsV2Dialect = &v2Dialect{
	algorithm: "GOOG1", headersStep: "CanonicalizedExtensionHeaders",
	prefix: "x-goog-", dateHeader: "x-goog-date",
	accessKeyParam: "GoogleAccessId",
	schemeHeader:   SchemeGCSV2, schemeQuery: SchemeGCSV2,
	subResources: s3SubResources,
	bucket:       gcsBucket,
}

// gcsBucket reads the bucket of a virtual-hosted GCS host; any other host
// is read as path style.
func gcsBucket(host string) (bucket, source string, err error) {
	h := strings.ToLower(hostName(host))
	for _, suffix := range []string{".storage.googleapis.com", ".commondatastorage.googleapis.com"} {
		if b, ok := strings.CutSuffix(h, suffix); ok && b != "" {
			return b, "the host names the bucket (" + suffix[1:] + ")", nil
		}
	}
	return "", "path style: the path names the bucket", nil
}

// GCSV2 holds every step of one GCS V2 signed URL: the V2 builder's steps
// and the key used (nil when none was given).
type GCSV2 struct {
	V2
	Key          *gcskey.Key
	RSASignature []byte
}

// SigGCSV2 recomputes the string to sign of a GCS V2 signed URL and signs
// it when key holds a private key. opts.Expires is the Expires parameter
// (Unix seconds; zero keeps the request's); opts.Presign is implied. The
// signer's id is creds.AccessKeyID, else key.ClientEmail.
func SigGCSV2(req *request.Request, creds credentials.Credentials, key *gcskey.Key, opts V2Options) (*GCSV2, error) {
	opts.Presign = true
	if creds.AccessKeyID == "" && key != nil {
		creds.AccessKeyID = key.ClientEmail
	}
	v, err := signV2(gcsV2Dialect, req, credentials.Credentials{AccessKeyID: creds.AccessKeyID}, &opts)
	if err != nil {
		return nil, err
	}
	g := &GCSV2{V2: *v, Key: key}
	g.Algorithm = "GOOG-V2-RSA-SHA256"
	if !key.HasPrivate() {
		return g, nil
	}
	if g.RSASignature, err = key.Sign([]byte(g.StringToSign)); err != nil {
		return nil, err
	}
	g.Signature = base64.StdEncoding.EncodeToString(g.RSASignature)
	var keep []string
	for rest := req.RawQuery; rest != ""; {
		var piece string
		piece, rest, _ = strings.Cut(rest, "&")
		k, _, _ := strings.Cut(piece, "=")
		switch decodeLenient(k, true) {
		case "GoogleAccessId", "Expires", "Signature", "":
			continue
		}
		keep = append(keep, piece)
	}
	g.URL = g.presignedURL(req, keep)
	return g, nil
}

// VerifyGCSV2 checks a Base64 RSA-SHA256 V2 signature of stringToSign
// with key (its public half is enough).
func VerifyGCSV2(stringToSign, signatureB64 string, key *gcskey.Key) (bool, error) {
	if key == nil || key.Public == nil {
		return false, ErrNoKey
	}
	sig, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(signatureB64, " ", "+"))
	if err != nil {
		return false, &AuthError{Field: "Signature parameter", Offset: -1, Reason: "not base64"}
	}
	return key.Verify([]byte(stringToSign), sig) == nil, nil
}

// Result is the V2 builder's Result with GCS's signature rule and key.
func (g *GCSV2) Result() *Result {
	r := g.V2.Result()
	for i := range r.Steps {
		switch s := &r.Steps[i]; s.Name {
		case "Signature":
			s.Rule = "Base64 of RSASSA-PKCS1-v1_5 over SHA-256 of the string to sign, with the service account's private key"
		case "Expires":
			s.Rule = "the Expires parameter: Unix seconds when the URL stops working"
		}
	}
	key := "no key given: the signature is checked with the public key, or not at all"
	if g.Key != nil {
		key = g.Key.String()
	}
	r.Steps = append(r.Steps, Step{Name: "SigningKey", Rule: "the service account's RSA key; GoogleAccessId is its client_email", Value: key})
	return r
}
