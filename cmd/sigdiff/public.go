package main

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/proxy"
)

// publicMasker makes a report safe to paste publicly (--redact): access
// key ids, bucket names, hosts and security tokens are replaced by masks,
// the same value always by the same mask, so the report still reads
// ("bucket-1" in the host and in the path is one bucket); signatures are
// kept, since they prove nothing without the key.
type publicMasker struct {
	masks map[string]string
	n     map[string]int
}

func newPublicMasker() *publicMasker {
	return &publicMasker{masks: map[string]string{}, n: map[string]int{}}
}

func (m *publicMasker) add(kind, value string) {
	value = strings.TrimSpace(value)
	if len(value) < 2 || m.masks[value] != "" {
		return
	}
	m.n[kind]++
	mask := fmt.Sprintf("%s-%d", kind, m.n[kind])
	if kind == "host" {
		mask += ".example"
	}
	m.masks[value] = mask
	if enc := url.QueryEscape(value); enc != value {
		m.masks[enc] = mask
	}
}

var (
	hostLineRE = regexp.MustCompile(`(?m)^host:(.+)$`)
	tokenRE    = regexp.MustCompile(`(?mi)(?:^x-amz-security-token:|^x-oss-security-token:|X-Amz-Security-Token=|security-token=)([^&\s]+)`)
	credRE     = regexp.MustCompile(`(?:Credential=|X-Amz-Credential=|X-Goog-Credential=|x-oss-credential=)([^/%&,\s]+)(?:/|%2F)`)
	awsKeyRE   = regexp.MustCompile(`\b(?:AKIA|ASIA|AIDA|AROA|GOOG|LTAI)[A-Z0-9]{12,}\b`)
)

var (
	anyHostRE  = regexp.MustCompile(`(?i)(?:(?:^|[^a-z0-9-]|\\n)host:|https?://)([a-z0-9][a-z0-9.\-]*[a-z0-9](?::\d+)?)`)
	akidJSONRE = regexp.MustCompile(`"access_key_id":\s*"([^"]+)"`)
)

// learn finds values to mask in printed text itself: hosts (canonical
// header lines, URLs), credentials' access key ids and tokens — for the
// commands whose output is a derivation rather than a report.
func (m *publicMasker) learn(text string) {
	for _, s := range anyHostRE.FindAllStringSubmatch(text, -1) {
		m.addHost(s[1])
	}
	for _, s := range credRE.FindAllStringSubmatch(text, -1) {
		m.add("access-key", s[1])
	}
	for _, s := range akidJSONRE.FindAllStringSubmatch(text, -1) {
		m.add("access-key", s[1])
	}
	for _, s := range tokenRE.FindAllStringSubmatch(text, -1) {
		m.add("token", s[1])
	}
}

// collect learns the values to mask from one report.
func (m *publicMasker) collect(r *diagnose.Report) {
	texts := []string{r.Server.CanonicalRequest, r.Server.StringToSign}
	if r.Client != nil {
		texts = append(texts, r.Client.CanonicalRequest, r.Client.StringToSign)
	}
	if r.Recomputed != nil {
		texts = append(texts, r.Recomputed.CanonicalRequest)
	}
	m.add("access-key", r.Server.AccessKeyID)
	for _, k := range []string{"AWSAccessKeyId", "OSSAccessKeyId", "GoogleAccessId", "BucketName", "Bucket", "Key"} {
		if v, ok := r.Server.Fields[k]; ok {
			switch k {
			case "BucketName", "Bucket":
				m.add("bucket", v)
			case "Key":
			default:
				m.add("access-key", v)
			}
		}
	}
	for _, t := range texts {
		for _, s := range tokenRE.FindAllStringSubmatch(t, -1) {
			v, _ := url.QueryUnescape(s[1])
			m.add("token", v)
			m.add("token", s[1])
		}
		for _, s := range credRE.FindAllStringSubmatch(t, -1) {
			m.add("access-key", s[1])
		}
		for _, s := range hostLineRE.FindAllStringSubmatch(t, -1) {
			if !m.addHost(s[1]) {
				m.pathBucket(t)
			}
		}
	}
}

// collectEntry learns the values to mask from one proxy entry: its
// access key id, its Host (a virtual-hosted bucket, or a host whose path
// then starts with the bucket) and the tokens and hosts of its canonical
// request.
func (m *publicMasker) collectEntry(e *proxy.Entry) {
	m.add("access-key", e.AccessKeyID)
	if e.Host != "" && !m.addHost(e.Host) {
		m.pathBucket("\n" + e.Path)
	}
	for _, s := range tokenRE.FindAllStringSubmatch(e.CanonicalRequest, -1) {
		v, _ := url.QueryUnescape(s[1])
		m.add("token", v)
		m.add("token", s[1])
	}
}

// pathBucket masks the bucket of a path-style canonical request: the first
// segment of its URI line (the second line).
func (m *publicMasker) pathBucket(canonicalRequest string) {
	lines := strings.SplitN(canonicalRequest, "\n", 3)
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "/") {
		return
	}
	seg, _, _ := strings.Cut(lines[1][1:], "/")
	if v, err := url.PathUnescape(seg); err == nil && v != "" {
		m.add("bucket", v)
	}
}

// addHost masks a host and the bucket in it (virtual-hosted style:
// bucket.s3.region.amazonaws.com, bucket.oss-region.aliyuncs.com,
// bucket.storage.googleapis.com). It reports whether the host named the
// bucket; when not, the bucket is the path's first segment.
func (m *publicMasker) addHost(h string) bool {
	h = strings.TrimSpace(h)
	name, _, _ := strings.Cut(h, ":")
	for _, marker := range []string{".s3.", ".s3-", ".oss-", ".storage.googleapis.com", ".r2.cloudflarestorage.com", ".digitaloceanspaces.com"} {
		if i := strings.Index(name, marker); i > 0 {
			m.add("bucket", name[:i])
			return true // the service's own domain is public; the bucket is not
		}
	}
	if strings.HasSuffix(name, "amazonaws.com") || strings.HasSuffix(name, "amazonaws.com.cn") || strings.HasSuffix(name, "aliyuncs.com") || name == "storage.googleapis.com" {
		return false
	}
	m.add("host", name)
	return false
}

// apply masks every learned value in out, longest first so that a host
// is masked before a bucket name inside it; then any AWS-looking access
// key id left. A value is masked where it stands as a word, not inside a
// longer one: a bucket named "test" leaves "latest" alone (an escape —
// %2F, \n — before it is no letter).
func (m *publicMasker) apply(out string) string {
	if len(m.masks) > 0 {
		keys := make([]string, 0, len(m.masks))
		for k := range m.masks {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int { return len(b) - len(a) })
		for i, k := range keys {
			keys[i] = regexp.QuoteMeta(k)
		}
		re := regexp.MustCompile(strings.Join(keys, "|")) // leftmost, then the longest
		var b strings.Builder
		last := 0
		for pos := 0; pos < len(out); {
			loc := re.FindStringIndex(out[pos:])
			if loc == nil {
				break
			}
			i, j := pos+loc[0], pos+loc[1]
			if !wordStart(out, i) || (isAlnum(out[j-1]) && j < len(out) && isAlnum(out[j])) {
				pos = i + 1
				continue
			}
			b.WriteString(out[last:i])
			b.WriteString(m.masks[out[i:j]])
			last, pos = j, j
		}
		b.WriteString(out[last:])
		out = b.String()
	}
	return awsKeyRE.ReplaceAllStringFunc(out, func(k string) string {
		m.add("access-key", k)
		return m.masks[k]
	})
}

// wordStart reports whether a value at s[i:] starts a word: the byte
// before it is no letter or digit, or ends an escape (%2F, \n).
func wordStart(s string, i int) bool {
	if i == 0 || !isAlnum(s[i]) || !isAlnum(s[i-1]) {
		return true
	}
	if i >= 2 && s[i-2] == '\\' {
		return true
	}
	return i >= 3 && s[i-3] == '%' && isHex(s[i-2]) && isHex(s[i-1])
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
