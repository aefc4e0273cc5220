package s3error

import (
	"bytes"
	"regexp"
	"strings"
)

// providerHints are strings that name a provider wherever they appear in
// a host name, a response header or the paste. Order matters: the stores
// that imitate S3 are checked before AWS (a Wasabi URL contains no
// "amazonaws", but a log about Wasabi may mention it).
var providerHints = []struct {
	provider string
	needles  []string
}{
	{"oss", []string{"aliyuncs.com", "AliyunOSS", "x-oss-request-id"}},
	{"gcs", []string{"storage.googleapis.com", "x-guploader-uploadid", "UploadServer", "goog4_request"}},
	{"r2", []string{"r2.cloudflarestorage.com", "cloudflarestorage.com"}},
	{"wasabi", []string{"wasabisys.com", "WasabiS3", "x-wasabi-"}},
	{"digitalocean", []string{"digitaloceanspaces.com"}},
	{"b2", []string{"backblazeb2.com", "Backblaze"}},
	{"minio", []string{"MinIO", "x-minio-"}},
	{"ceph", []string{"radosgw", "Ceph", "RGW"}},
	{"aws", []string{"amazonaws.com", "AmazonS3", "x-amz-id-2"}},
}

var serviceOf = map[string]string{
	"aws": "aws-s3", "oss": "oss", "gcs": "gcs",
	"r2": "s3-compatible", "wasabi": "s3-compatible", "digitalocean": "s3-compatible",
	"b2": "s3-compatible", "minio": "s3-compatible", "ceph": "s3-compatible",
}

var (
	minioHostID  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	awsRequestID = regexp.MustCompile(`^[0-9A-F]{16}$`)
	cephTxID     = regexp.MustCompile(`^tx0{5,}[0-9a-f]*-[0-9a-f]{6,}-[0-9a-z-]+$`)
	doZone       = regexp.MustCompile(`-(?:nyc|sfo|ams|sgp|fra|syd|blr|lon|tor|atl)\d`)
	awsKeyID     = regexp.MustCompile(`^(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}$`)
)

// detectService decides the service and provider from, in order: fields
// only one service sends, the hosts and headers in the paste, the shapes
// of the ids each store generates, and last any hint in the text. Without
// positive evidence an S3-shaped body is "s3-compatible", not AWS.
func (b *Body) detectService(text string) {
	p := b.providerFromFields()
	if p == "" {
		p = hintIn(b.hostStrings())
	}
	if p == "" {
		p = b.providerFromIDs(text)
	}
	if p == "" {
		p = hintIn([]string{text})
	}
	if p != "" {
		b.Provider, b.Service = p, serviceOf[p]
		return
	}
	b.Service = "unknown"
	for _, f := range b.Fields {
		switch canonicalField(f.Name) {
		case "AWSAccessKeyId", "StringToSign", "CanonicalRequest", "SignatureProvided", "StringToSignBytes", "HostId":
			b.Service = "s3-compatible"
		}
	}
}

func (b *Body) providerFromFields() string {
	alg, _, _ := bytes.Cut(b.StringToSign, []byte("\n"))
	doc, _ := b.Get("RecommendDoc")
	hostID, _ := b.Get("HostId")
	_, ossKey := b.Get("OSSAccessKeyId")
	_, ec := b.Get("EC")
	_, details := b.Get("Details")
	switch {
	case ossKey || ec || strings.Contains(doc, "aliyun") || strings.Contains(hostID, "aliyuncs.com") || bytes.HasPrefix(alg, []byte("OSS4-")):
		return "oss"
	case strings.Contains(b.Message, "Google") || bytes.HasPrefix(alg, []byte("GOOG4-")) || details || bytes.Contains(b.StringToSign, []byte("goog4_request")):
		return "gcs"
	}
	return ""
}

// hostStrings are the places that name the server: the host of the paste,
// the canonical request's host header, ids and response headers.
func (b *Body) hostStrings() []string {
	out := []string{b.Host, crHost(b.CanonicalRequest)}
	for _, n := range []string{"HostId", "Endpoint", "Resource"} {
		if v, ok := b.Get(n); ok {
			out = append(out, v)
		}
	}
	for _, h := range b.Headers {
		out = append(out, h.Name+": "+h.Text)
	}
	return out
}

func hintIn(ss []string) string {
	for _, h := range providerHints {
		for _, s := range ss {
			for _, n := range h.needles {
				if s != "" && strings.Contains(s, n) {
					return h.provider
				}
			}
		}
	}
	return ""
}

// providerFromIDs reads the shapes of what each store generates: MinIO's
// HostId is 64 hex digits, Ceph RGW's RequestId is a "tx000…" transaction
// id (DigitalOcean Spaces, built on RGW, adds its zone), R2 signs for
// region "auto" and sends no key id, Wasabi escapes newlines as &#xA;, AWS
// sends AKIA/ASIA key ids, 16-hex request ids and base64 host ids.
func (b *Body) providerFromIDs(text string) string {
	reqID, _ := b.Get("RequestId")
	hostID, _ := b.Get("HostId")
	_, hasKey := b.Get("AWSAccessKeyId")
	scope := stsLine(b.StringToSign, 2)
	switch {
	case minioHostID.MatchString(hostID):
		return "minio"
	case cephTxID.MatchString(reqID) && (doZone.MatchString(reqID) || doZone.MatchString(hostID)):
		return "digitalocean"
	case cephTxID.MatchString(reqID):
		return "ceph"
	case strings.Contains(scope, "/auto/s3/") && !hasKey,
		strings.Contains(b.Message, "Check your secret access key and signing method"):
		return "r2"
	case strings.Contains(b.Message, "Signature validation failed"):
		return "b2"
	case strings.Contains(text, "&#xA;") || strings.Contains(text, "&#xa;"):
		return "wasabi"
	case awsKeyID.MatchString(b.AccessKeyID),
		awsRequestID.MatchString(reqID) && len(hostID) >= 40 && strings.ContainsAny(hostID, "+/="):
		return "aws"
	}
	return ""
}

// crHost is the value of the canonical request's host header, if any.
func crHost(cr []byte) string {
	for rest := cr; ; {
		l, after, more := bytes.Cut(rest, []byte("\n"))
		if v, ok := bytes.CutPrefix(l, []byte("host:")); ok {
			return string(v)
		}
		if !more {
			return ""
		}
		rest = after
	}
}

// stsLine returns line n (0-based) of a string to sign, or "".
func stsLine(sts []byte, n int) string {
	lines := strings.Split(string(sts), "\n")
	if n < len(lines) {
		return lines[n]
	}
	return ""
}
