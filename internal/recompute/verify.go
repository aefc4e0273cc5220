package recompute

import (
	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// Verify answers "is the signature req carries right?" in whatever scheme
// it carries (DetectScheme): it reads the signing fields (ParseAnyAuth),
// recomputes with them — their scope, time, signed headers and expiry —
// and decides. The HMAC schemes compare the recomputed signature with the
// sent one (creds needs the secret); gcs-v4-rsa and gcs-v2 verify the sent
// RSA signature over the recomputed string to sign with keyFile (a
// service-account key file, or a PEM public key or certificate); sigv4a-*
// verifies the sent DER ECDSA signature with the key derived from creds,
// since ECDSA signatures are randomized and never equal. opts supplies the
// rules the request does not carry (toggles, PayloadHash, Cache). An
// access key id missing from creds is taken from the request.
//
// The Result is the recomputation (its Signature is the recomputed one,
// empty for RSA without a private key); ok is false with a nil error when
// the signature is wrong, and an error means the question could not be
// answered (no signature, a malformed field, no secret or key).
func Verify(req *request.Request, creds credentials.Credentials, opts Options, keyFile []byte) (*Result, bool, error) {
	p, err := ParseAnyAuth(req)
	if err != nil {
		return nil, false, err
	}
	if creds.AccessKeyID == "" {
		creds.AccessKeyID = p.AccessKeyID
	}
	o := opts
	if p.Family != nil {
		o = p.Options()
		o.Normalize, o.DoubleEncode, o.SignBody, o.OmitSessionToken = opts.Normalize, opts.DoubleEncode, opts.SignBody, opts.OmitSessionToken
		o.PayloadHash, o.Cache = opts.PayloadHash, opts.Cache
	} else {
		o.Presign, o.Expires = p.Form == FormQuery, p.Expires
		if p.Form == FormQuery {
			o.Time = p.Time
		}
	}
	switch p.Scheme {
	case SchemeGCSV4RSA, SchemeGCSV2:
		if len(keyFile) == 0 {
			return nil, false, ErrNoKey
		}
	case SchemeSigV4AHeader, SchemeSigV4AQuery:
		if creds.Secret.Empty() {
			return nil, false, ErrNoSecret
		}
	default:
		if creds.Secret.Empty() {
			return nil, false, ErrNoSecret
		}
	}
	pub := creds
	if p.Scheme == SchemeSigV4AHeader || p.Scheme == SchemeSigV4AQuery {
		pub.Secret = credentials.Secret{} // stop at the string to sign: the key verifies, it does not re-sign
	}
	r, err := SignWithKey(req, pub, o, p.Scheme, keyFile)
	if err != nil {
		return nil, false, err
	}
	var ok bool
	switch p.Scheme {
	case SchemeGCSV4RSA:
		key, _ := parseKeyFile(keyFile)
		ok, err = VerifyGCSRSA(r.StringToSign, p.Signature, key)
	case SchemeGCSV2:
		key, _ := parseKeyFile(keyFile)
		ok, err = VerifyGCSV2(r.StringToSign, p.Signature, key)
	case SchemeSigV4AHeader, SchemeSigV4AQuery:
		key, kerr := DeriveSigV4AKey(creds)
		if kerr != nil {
			return nil, false, kerr
		}
		ok, err = VerifySigV4A(r.StringToSign, p.Signature, &key.PublicKey)
	default:
		ok = r.Signature == p.Signature
	}
	if err != nil {
		return r, false, err
	}
	return r, ok, nil
}
