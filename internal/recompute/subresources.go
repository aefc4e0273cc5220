package recompute

import (
	"errors"
	"net"
	"slices"
	"strings"

	"github.com/sigdiff/sigdiff/internal/request"
)

// The CanonicalizedResource of the HMAC-SHA1 schemes (SigV2, OSS V1):
//
//	CanonicalizedResource = [ "/" Bucket ] Path [ "?" SubResource *( "&" SubResource ) ]
//	SubResource           = Name [ "=" DecodedValue ]
//
// The bucket is written when the request names it in the host (virtual
// hosted or CNAME), so that both styles sign "/bucket/key"; only the query
// parameters of the scheme's sub-resource table are kept, sorted by name,
// their values decoded ("when signing, you do not encode these values").
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html#ConstructingTheCanonicalizedResourceElement
// https://www.alibabacloud.com/help/en/oss/developer-reference/include-signatures-in-the-authorization-header

// s3SubResources, sorted byte-wise, are the parameters SigV2 signs. The S3
// guide names acl, cors, delete, lifecycle, location, logging,
// notification, partNumber, policy, requestPayment, restore, tagging,
// torrent, uploadId, uploads, versionId, versioning, versions, website and
// the six response-* overrides. The others are those botocore's HmacV1Auth
// (QSAOfInterest) also signs, and it is the V2 client still in use against
// S3: accelerate, analytics, inventory, metrics, object-lock, replication,
// select, select-type, and defaultObjectAcl and storageClass for Google
// Cloud Storage's S3-compatible XML API.
var s3SubResources = []string{
	"accelerate",
	"acl",
	"analytics",
	"cors",
	"defaultObjectAcl",
	"delete",
	"inventory",
	"lifecycle",
	"location",
	"logging",
	"metrics",
	"notification",
	"object-lock",
	"partNumber",
	"policy",
	"replication",
	"requestPayment",
	"response-cache-control",
	"response-content-disposition",
	"response-content-encoding",
	"response-content-language",
	"response-content-type",
	"response-expires",
	"restore",
	"select",
	"select-type",
	"storageClass",
	"tagging",
	"torrent",
	"uploadId",
	"uploads",
	"versionId",
	"versioning",
	"versions",
	"website",
}

// ossSubResources, sorted byte-wise, are the parameters OSS V1 signs
// besides every "x-oss-*" parameter: the union of aliyun-oss-go-sdk's
// signKeyList (oss/conn.go), alibabacloud-oss-go-sdk-v2's
// requiredSignedParametersMap (oss/signer/v1.go) and the sub-resources that
// SDK's operations declare for themselves (OpMetadata SubResource:
// cleanRestoredObject, objectWorm, resourceGroup, retention, rtc, …).
// security-token is here: a presigned URL signs its STS token.
var ossSubResources = []string{
	"acl", "append", "asyncFetch", "bucketInfo", "callback", "callback-var",
	"cleanRestoredObject", "cloudboxes", "cname", "comp", "continuation-token",
	"cors", "delete", "encryption", "endTime", "img", "inventory", "inventoryId",
	"lifecycle", "live", "location", "logging", "metaQuery", "objectMeta",
	"objectWorm", "partNumber", "policy", "position", "qos", "qosInfo",
	"referer", "regionList", "replication", "replicationLocation",
	"replicationProgress", "requestPayment", "resourceGroup",
	"response-cache-control", "response-content-disposition",
	"response-content-encoding", "response-content-language",
	"response-content-type", "response-expires", "restore", "retention", "rtc",
	"security-token", "sequential", "startTime", "stat", "status", "style",
	"styleName", "symlink", "tagging", "transferAcceleration", "udf",
	"udfApplication", "udfApplicationLog", "udfId", "udfImage", "udfImageDesc",
	"udfName", "uploadId", "uploads", "versionId", "versioning", "versions",
	"vod", "website", "withHashContext", "worm", "wormExtend", "wormId",
}

func inTable(table []string, name string) bool {
	_, ok := slices.BinarySearch(table, name)
	return ok
}

// HostStyle says how the bucket of a V2-style resource is found.
type HostStyle uint8

const (
	// HostAuto reads the host: a known endpoint with the bucket in front
	// (bucket.s3.amazonaws.com, bucket.oss-cn-hangzhou.aliyuncs.com) names
	// it; an endpoint alone, an IP address or localhost means path style; any
	// other name is a CNAME (SigV2: the host name is the bucket; OSS V1:
	// the bucket must be given).
	HostAuto    HostStyle = iota
	HostPath              // the path names the bucket: the resource is the path
	HostVirtual           // the bucket is V2Options.Bucket, else the host name (SigV2 CNAME)
)

// hostName returns the request's host without port, lower case, without a
// final dot.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	return strings.ToLower(host)
}

// isLocalHost reports names that never carry a bucket: IP addresses,
// localhost and single-label names.
func isLocalHost(h string) bool {
	return net.ParseIP(h) != nil || h == "localhost" || !strings.Contains(h, ".")
}

// s3Bucket finds the bucket in an S3 host name. The S3 label is the
// rightmost one that is "s3" or starts with "s3-" (s3.us-west-1,
// s3-us-west-1, s3-accelerate, s3.dualstack…), so buckets whose own labels
// look alike stay whole. The S3 guide's example host
// awsexamplebucket1.us-west-1.s3.amazonaws.com puts the region in front of
// "s3"; that label is dropped. Google Cloud Storage's XML API
// (bucket.storage.googleapis.com) works the same way. An Amazon host
// without an S3 label is another service: path style.
func s3Bucket(host string) (bucket, source string) {
	h := hostName(host)
	switch {
	case h == "":
		return "", "no host: the path names the bucket"
	case isLocalHost(h):
		return "", "host " + h + " names no bucket: the path does"
	case strings.HasSuffix(h, ".storage.googleapis.com"):
		return strings.TrimSuffix(h, ".storage.googleapis.com"), "host: virtual-hosted bucket"
	case h == "storage.googleapis.com":
		return "", "path-style host: the path names the bucket"
	}
	labels := strings.Split(h, ".")
	for i := len(labels) - 1; i >= 0; i-- {
		if l := labels[i]; l != "s3" && !strings.HasPrefix(l, "s3-") {
			continue
		}
		if i == 0 {
			return "", "path-style host: the path names the bucket"
		}
		end := i
		if labels[i] == "s3" && i >= 2 && isRegionName(labels[i-1]) {
			end = i - 1
		}
		return strings.Join(labels[:end], "."), "host: virtual-hosted bucket"
	}
	if strings.HasSuffix(h, ".amazonaws.com") || strings.HasSuffix(h, ".amazonaws.com.cn") {
		return "", "host " + h + " names no bucket: the path does"
	}
	return h, "host name as the bucket (CNAME)"
}

// isRegionName matches AWS region names: us-west-1, us-gov-west-1, cn-north-1.
func isRegionName(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || len(parts[0]) != 2 {
		return false
	}
	last := parts[len(parts)-1]
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			return false
		}
	}
	return last != ""
}

type subResource struct{ name, value string }

// query picks the sub-resources and, in the query form, the signing
// parameters (left out of what is kept for the URL) and, for S3, the
// x-amz-* parameters, which count as headers.
func (v *V2) query(rawQuery string, opts *V2Options, hs *[]hdr) (subs []subResource, keep []string, expires string, sawToken bool) {
	d := v.dialect
	sawExpires := false
	for rest := rawQuery; rest != ""; {
		var piece string
		piece, rest, _ = strings.Cut(rest, "&")
		if piece == "" {
			continue
		}
		k, val, _ := strings.Cut(piece, "=")
		name := decodeLenient(k, true)
		if v.Form == FormQuery {
			switch name {
			case "Expires":
				if !sawExpires {
					expires, sawExpires = decodeLenient(val, true), true
				}
				continue
			case d.accessKeyParam, "Signature":
				continue
			}
		}
		keep = append(keep, piece)
		switch {
		case inTable(d.subResources, name) || inTable(opts.SubResources, name) || (d.prefixParams && strings.HasPrefix(name, d.prefix)):
			subs = append(subs, subResource{name, decodeLenient(val, true)})
			sawToken = sawToken || name == d.tokenParam
		case d.queryHeaders && v.Form == FormQuery && hasPrefixFold(name, d.prefix):
			*hs = append(*hs, hdr{name, decodeLenient(val, true)})
			sawToken = sawToken || equalFold(name, d.tokenHeader)
		}
	}
	return subs, keep, expires, sawToken
}

// ErrNoBucket: an OSS request to a custom domain, whose bucket only the
// server knows (OSS signs the bucket's own name, not the domain's).
var ErrNoBucket = errors.New("the host is a custom domain: oss signs the bucket's name, which the request does not show; give the bucket")

// resolveBucket applies HostStyle and Bucket, else reads the host.
func (d *v2Dialect) resolveBucket(host string, opts *V2Options) (bucket, source string, err error) {
	switch {
	case opts.Bucket != "":
		return opts.Bucket, "given", nil
	case opts.HostStyle == HostPath:
		return "", "path style, as given: the path names the bucket", nil
	case opts.HostStyle == HostVirtual && d.ossy:
		return "", "", ErrNoBucket
	case opts.HostStyle == HostVirtual:
		return hostName(host), "host name as the bucket (CNAME), as given", nil
	}
	return d.bucket(host)
}

// resource builds the CanonicalizedResource.
func (v *V2) resource(rawPath string, subs []subResource) string {
	p := rawPath
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // origin form: what the server reads always starts with "/"
	}
	if v.dialect.decodePath {
		p = decodeLenient(p, false)
	}
	var b strings.Builder
	if v.Bucket != "" {
		b.WriteByte('/')
		b.WriteString(v.Bucket)
	}
	b.WriteString(p)
	slices.SortStableFunc(subs, func(a, b subResource) int { return strings.Compare(a.name, b.name) })
	for i, s := range subs {
		b.WriteByte("?&"[min(i, 1)])
		b.WriteString(s.name)
		if s.value != "" {
			b.WriteByte('=')
			b.WriteString(s.value)
		}
	}
	return b.String()
}

func (v *V2) resourceRule() string {
	d := v.dialect
	bucket := "the path as sent"
	if d.decodePath {
		bucket = "the path decoded"
	}
	if v.Bucket != "" {
		bucket = "/bucket (" + v.BucketSource + "), then " + bucket
	}
	params := "the signed sub-resources"
	if d.prefixParams {
		params += " and " + d.prefix + "* parameters"
	}
	return bucket + "; then " + params + ", sorted by name, values decoded; other parameters are not signed"
}

// requestHost is the authority the request was sent to.
func requestHost(req *request.Request) string {
	if req.Host != "" {
		return req.Host
	}
	h, _ := req.Get("Host")
	return h
}
