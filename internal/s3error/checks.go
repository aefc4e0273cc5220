package s3error

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Check ids (stable: they appear in --json).
const (
	CheckCanonicalRequestHash = "canonical-request-hash"
	CheckSTSDateMatchesScope  = "sts-date-matches-scope"
	CheckAlgorithmKnown       = "algorithm-known"
	CheckScopeWellFormed      = "scope-well-formed"
	CheckHostRegion           = "host-region-matches-scope"
	CheckTextMatchesBytes     = "text-matches-bytes"
	CheckSignatureShape       = "signature-provided-shape"
)

// terminators maps an algorithm family to its scope terminator (AWS SigV4
// "Credential scope"; GCS V4 signing; OSS V4 signature).
var terminators = map[string]string{"AWS4": "aws4_request", "GOOG4": "goog4_request", "OSS4": "aliyun_v4_request"}

var knownAlgorithms = map[string]bool{
	"AWS4-HMAC-SHA256": true, "AWS4-ECDSA-P256-SHA256": true,
	"GOOG4-HMAC-SHA256": true, "GOOG4-RSA-SHA256": true, "OSS4-HMAC-SHA256": true,
}

// signing is the V4 facts the server states: from the string to sign's
// lines, or for a POST from the policy's conditions.
type signing struct {
	alg, date, scope, hash string
	source                 string
}

var policyField = regexp.MustCompile(`(?i)"x-(?:amz|goog|oss)-(algorithm|date|credential|signature-version)"\s*:\s*"([^"]*)"`)

func (b *Body) signing() (signing, bool) {
	lines := strings.Split(string(b.StringToSign), "\n")
	if len(lines) >= 3 && strings.HasSuffix(lines[0], "-SHA256") && !strings.Contains(lines[0], " ") {
		s := signing{alg: lines[0], date: lines[1], scope: lines[2], source: "the string to sign"}
		if len(lines) >= 4 {
			s.hash = lines[3]
		}
		return s, true
	}
	if len(b.Policy) == 0 {
		return signing{}, false
	}
	s := signing{source: "the POST policy"}
	for _, m := range policyField.FindAllStringSubmatch(string(b.Policy), -1) {
		switch strings.ToLower(m[1]) {
		case "algorithm", "signature-version":
			s.alg = m[2]
		case "date":
			s.date = m[2]
		case "credential":
			if _, scope, ok := strings.Cut(m[2], "/"); ok {
				s.scope = scope
			}
		}
	}
	return s, s.alg != "" || s.scope != ""
}

// crHashOK reports whether SHA-256 of the canonical request equals the
// string to sign's last line, and whether that check applies.
func crHashOK(b *Body) (ok, applies bool) {
	s, isV4 := b.signing()
	if !isV4 || s.hash == "" || len(b.CanonicalRequest) == 0 || s.source != "the string to sign" || b.crCut || b.stsCut {
		return false, false
	}
	sum := sha256.Sum256(b.CanonicalRequest)
	return hex.EncodeToString(sum[:]) == s.hash, true
}

// Checks runs the server self-consistency checks that apply to b. host is
// the request's host when the caller knows it; otherwise the host the
// paste names, then the canonical request's host header, is used.
func Checks(b *Body, host string) []Check {
	var out []Check
	if ok, applies := crHashOK(b); applies {
		out = append(out, hashCheck(b, ok))
	}
	s, isV4 := b.signing()
	if isV4 {
		out = append(out, dateCheck(s)...)
		out = append(out, algorithmCheck(s)...)
		out = append(out, scopeCheck(s)...)
		out = append(out, hostRegionCheck(b, s, host)...)
	}
	if (b.HasStringToSignBytes && b.StringToSignText != "") || (b.HasCanonicalRequestBytes && b.CanonicalRequestText != "") {
		c := Check{ID: CheckTextMatchesBytes, OK: len(b.Damage) == 0, Detail: "the text fields match their byte dumps"}
		if !c.OK {
			d := b.Damage[0]
			c.Detail = fmt.Sprintf("%d place(s) where the text disagrees with its byte dump (the dump is what the server signed); first: %s at byte %d: %s", len(b.Damage), d.Part, d.Offset, d.Note)
		}
		out = append(out, c)
	}
	out = append(out, signatureShapeCheck(b)...)
	return out
}

func hashCheck(b *Body, ok bool) Check {
	sum := sha256.Sum256(b.CanonicalRequest)
	got := hex.EncodeToString(sum[:])
	from := "the canonical request text"
	if b.HasCanonicalRequestBytes {
		from = "CanonicalRequestBytes"
	}
	want := stsLine(b.StringToSign, 3)
	if ok {
		return Check{CheckCanonicalRequestHash, true, fmt.Sprintf("SHA-256 of %s is %s, the string to sign's last line", from, got)}
	}
	detail := fmt.Sprintf("SHA-256 of %s is %s but the string to sign's last line is %q", from, got, want)
	if strings.EqualFold(got, want) {
		detail += " (they differ only in letter case)"
	} else if !b.HasCanonicalRequestBytes {
		detail += "; without CanonicalRequestBytes the text may have lost bytes (CR, trailing spaces)"
	}
	return Check{CheckCanonicalRequestHash, false, detail}
}

func dateCheck(s signing) []Check {
	if s.date == "" || s.scope == "" {
		return nil
	}
	scopeDate, _, _ := strings.Cut(s.scope, "/")
	switch {
	case !isAmzDate(s.date):
		return []Check{{CheckSTSDateMatchesScope, false, fmt.Sprintf("the date in %s, %q, is not of the form 20060102T150405Z", s.source, s.date)}}
	case s.date[:8] != scopeDate:
		return []Check{{CheckSTSDateMatchesScope, false, fmt.Sprintf("%s is dated %s but its scope says %s", s.source, s.date[:8], scopeDate)}}
	}
	return []Check{{CheckSTSDateMatchesScope, true, fmt.Sprintf("the date %s and the scope date %s agree", s.date, scopeDate)}}
}

func algorithmCheck(s signing) []Check {
	if s.alg == "" {
		return nil
	}
	if knownAlgorithms[s.alg] {
		return []Check{{CheckAlgorithmKnown, true, s.alg + " is a known signing algorithm"}}
	}
	return []Check{{CheckAlgorithmKnown, false, fmt.Sprintf("%q in %s is not a signing algorithm sigdiff knows (AWS4-HMAC-SHA256, AWS4-ECDSA-P256-SHA256, GOOG4-HMAC-SHA256, GOOG4-RSA-SHA256, OSS4-HMAC-SHA256)", s.alg, s.source)}}
}

var (
	regionRe  = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	serviceRe = regexp.MustCompile(`^[a-z0-9-]+$`)
)

// scopeCheck checks date/region/service/terminator (SigV4A scopes have no
// region: date/service/aws4_request).
func scopeCheck(s signing) []Check {
	if s.scope == "" {
		return nil
	}
	parts := strings.Split(s.scope, "/")
	var problems []string
	if s.alg == "AWS4-ECDSA-P256-SHA256" && len(parts) == 3 {
		parts = []string{parts[0], "", parts[1], parts[2]}
	} else if len(parts) != 4 {
		return []Check{{CheckScopeWellFormed, false, fmt.Sprintf("scope %q has %d parts; it should be date/region/service/terminator", s.scope, len(parts))}}
	}
	if _, err := time.Parse("20060102", parts[0]); err != nil || len(parts[0]) != 8 {
		problems = append(problems, fmt.Sprintf("date %q is not a calendar date of the form 20060102", parts[0]))
	}
	if parts[1] != "" || s.alg != "AWS4-ECDSA-P256-SHA256" {
		if !regionRe.MatchString(parts[1]) {
			problems = append(problems, fmt.Sprintf("region %q is not a region name (lower case, digits and hyphens, as in us-east-1)", parts[1]))
		}
	}
	if !serviceRe.MatchString(parts[2]) {
		problems = append(problems, fmt.Sprintf("service %q is not a service name", parts[2]))
	}
	family, _, _ := strings.Cut(s.alg, "-")
	if want, ok := terminators[family]; ok && parts[3] != want {
		problems = append(problems, fmt.Sprintf("terminator %q should be %q for %s", parts[3], want, s.alg))
	} else if !ok && !strings.HasSuffix(parts[3], "_request") {
		problems = append(problems, fmt.Sprintf("terminator %q does not end in _request", parts[3]))
	}
	if len(problems) > 0 {
		return []Check{{CheckScopeWellFormed, false, "scope " + s.scope + ": " + strings.Join(problems, "; ")}}
	}
	return []Check{{CheckScopeWellFormed, true, "scope " + s.scope + " is well-formed"}}
}

func hostRegionCheck(b *Body, s signing, host string) []Check {
	from := "the host given"
	if host == "" {
		host, from = b.Host, "the host in the paste"
	}
	if host == "" {
		host, from = crHost(b.CanonicalRequest), "the canonical request's host header"
	}
	parts := strings.Split(s.scope, "/")
	if host == "" || len(parts) != 4 {
		return nil
	}
	region, accepts, ok := regionFromHost(host)
	if !ok {
		return nil
	}
	for _, a := range accepts {
		if parts[1] == a {
			return []Check{{CheckHostRegion, true, fmt.Sprintf("%s, %s, is in region %s, as the scope says", from, host, region)}}
		}
	}
	return []Check{{CheckHostRegion, false, fmt.Sprintf("%s, %s, is in region %s but the scope says %q", from, host, region, parts[1])}}
}

var awsRegionRe = regexp.MustCompile(`^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d+$`)

// regionFromHost returns the region a host name names and the scope
// regions the endpoint accepts, for the endpoints of AWS S3, R2, Wasabi,
// DigitalOcean Spaces, OSS and Backblaze B2. ok is false when the host names
// no region (s3.amazonaws.com, storage.googleapis.com, an IP address).
func regionFromHost(host string) (region string, accepts []string, ok bool) {
	h := strings.ToLower(strings.TrimSpace(host))
	if _, after, ok := strings.Cut(h, "://"); ok {
		h = after
	}
	h, _, _ = strings.Cut(h, "/")
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	labels := strings.Split(strings.TrimSuffix(h, "."), ".")
	at := func(suffix string) int {
		for i, l := range labels {
			if l == suffix {
				return i
			}
		}
		return -1
	}
	switch {
	case strings.HasSuffix(h, ".r2.cloudflarestorage.com"):
		return "auto", []string{"auto", "us-east-1"}, true
	case at("amazonaws") > 0:
		l := labels[at("amazonaws")-1]
		l = strings.TrimPrefix(strings.TrimPrefix(l, "s3-"), "s3.")
		if l == "s3-external-1" || l == "external-1" {
			return "us-east-1", []string{"us-east-1"}, true
		}
		if awsRegionRe.MatchString(l) {
			return l, []string{l}, true
		}
	case at("wasabisys") > 0:
		if i := at("wasabisys"); i >= 2 && labels[i-2] == "s3" {
			return labels[i-1], []string{labels[i-1]}, true
		} else if labels[i-1] == "s3" {
			return "us-east-1", []string{"us-east-1"}, true
		}
	case at("digitaloceanspaces") > 0:
		r := labels[at("digitaloceanspaces")-1]
		return r, []string{r, "us-east-1"}, true
	case at("aliyuncs") > 0:
		l := labels[at("aliyuncs")-1]
		if r, ok := strings.CutPrefix(strings.TrimSuffix(l, "-internal"), "oss-"); ok {
			return r, []string{r}, true
		}
	case at("backblazeb2") > 1:
		r := labels[at("backblazeb2")-1]
		return r, []string{r}, true
	}
	return "", nil, false
}

var (
	hex64  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	hexAny = regexp.MustCompile(`^[0-9a-f]+$`)
	b64sha = regexp.MustCompile(`^[A-Za-z0-9+/]{27}=$`)
)

// signatureShapeCheck compares SignatureProvided with what its scheme
// emits: 64 lower-case hex digits for the HMAC-SHA256 schemes, hex for
// GCS RSA, 28 characters of base64 (HMAC-SHA1) for SigV2 and OSS V1.
func signatureShapeCheck(b *Body) []Check {
	sig := b.SignatureProvided
	if sig == "" {
		return nil
	}
	var ok bool
	var want string
	switch b.Scheme {
	case SigV4Header, SigV4Query, SigV4Streaming, SigV4Post, GCSV4HMAC, OSSV4Header, OSSV4Query:
		ok, want = hex64.MatchString(sig), "64 lower-case hex digits (HMAC-SHA256)"
	case GCSV4RSA:
		ok, want = hexAny.MatchString(sig) && len(sig) >= 256 && len(sig)%2 == 0, "hex of an RSA signature"
	case SigV2Header, SigV2Query, SigV2Post, OSSV1Header, OSSV1Query, GCSV2:
		ok, want = b64sha.MatchString(sig), "28 characters of base64 (HMAC-SHA1)"
	default:
		return nil
	}
	if ok {
		return []Check{{CheckSignatureShape, true, "SignatureProvided has the shape of " + want}}
	}
	detail := fmt.Sprintf("SignatureProvided %q is not %s", sig, want)
	switch {
	case strings.Contains(sig, " ") && want[0] == '2':
		detail += ": a space stands where base64 has '+', so the signature was not URL-encoded in the query string"
	case strings.ToLower(sig) != sig && hex64.MatchString(strings.ToLower(sig)):
		detail += ": it is upper-case hex"
	case len(sig) == 44 && strings.HasSuffix(sig, "="):
		detail += ": it looks like base64 of a SHA-256 HMAC, where hex is expected"
	}
	return []Check{{CheckSignatureShape, false, detail}}
}
