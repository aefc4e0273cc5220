package main

import (
	"strings"

	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/gcskey"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/s3error"
)

// verifyViews fills the views of an asymmetric scheme (GCS RSA and V2,
// SigV4A). Their signatures are checked with the public key, never
// compared — ECDSA signatures are randomized — so "reproduces the
// signature sent" means "the signature sent verifies over these bytes".
// The diagnosis compares signatures, so a view that verifies carries the
// signature sent, and one that does not carries none.
func verifyViews(s *signing, body *s3error.Body, rc *diagnose.Recomputed, provided string) {
	rc.Signature, rc.ServerSignature = "", ""
	provided = strings.TrimSpace(provided)
	if provided == "" {
		return
	}
	check := verifierFor(s)
	if check == nil {
		rc.Notes = append(rc.Notes, "no public key to verify this scheme's signature with: give --gcs-key (GCS) or the access key pair (SigV4A)")
		return
	}
	if ok, err := check(rc.StringToSign, provided); err == nil && ok {
		rc.Signature = provided
	}
	if len(body.StringToSign) > 0 {
		if ok, err := check(string(body.StringToSign), provided); err == nil && ok {
			rc.ServerSignature = provided
		}
	}
	rc.Notes = append(rc.Notes, "the signature sent is verified with the public key over each string to sign, not recomputed: RSA and ECDSA signatures are checked, not compared")
}

// verifierFor returns the check of a signature over a string to sign for
// the request's scheme, or nil without a key.
func verifierFor(s *signing) func(sts, sig string) (bool, error) {
	switch sc := s.schemeName(); {
	case strings.HasPrefix(sc, "sigv4a-"):
		if s.creds.Secret.Empty() {
			return nil
		}
		k, err := recompute.DeriveSigV4AKey(s.creds)
		if err != nil {
			return nil
		}
		return func(sts, sig string) (bool, error) { return recompute.VerifySigV4A(sts, sig, &k.PublicKey) }
	case sc == "gcs-v4-rsa" || sc == "gcs-v2":
		if len(s.keyFile) == 0 {
			return nil
		}
		k, err := gcskey.Parse(s.keyFile)
		if err != nil {
			return nil
		}
		if sc == "gcs-v2" {
			return func(sts, sig string) (bool, error) { return recompute.VerifyGCSV2(sts, sig, k) }
		}
		return func(sts, sig string) (bool, error) { return recompute.VerifyGCSRSA(sts, sig, k) }
	}
	return nil
}
