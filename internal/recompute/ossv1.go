package recompute

import (
	"strings"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// Alibaba Cloud OSS V1 signs as SigV2 does, with OSS's names:
//
//	StringToSign  = VERB "\n" Content-MD5 "\n" Content-Type "\n" Date "\n"
//	                CanonicalizedOSSHeaders CanonicalizedResource
//	Signature     = Base64( HMAC-SHA1( AccessKeySecret, StringToSign ) )
//	Authorization = "OSS" SP AccessKeyId ":" Signature
//
// It differs in what the builder's dialect holds: x-oss-* headers; x-oss-date
// on the Date line when sent (the SDKs set it with the same value as Date,
// and OSS reads it first); the resource holds the bucket's name and the
// decoded key ("/bucket/key+123" for a URL path "/key%2B123"); OSS's own
// sub-resource table plus every x-oss-* parameter (alibabacloud-oss-go-sdk-v2,
// oss/signer/v1.go); and a presigned URL signs its STS token as the
// security-token sub-resource and writes its parameters sorted.
// https://www.alibabacloud.com/help/en/oss/developer-reference/include-signatures-in-the-authorization-header
// https://www.alibabacloud.com/help/en/oss/developer-reference/add-signatures-to-urls

var ossV1Dialect = &v2Dialect{
	algorithm: "OSS", headersStep: "CanonicalizedOSSHeaders",
	prefix: "x-oss-", dateHeader: "x-oss-date",
	tokenHeader: "x-oss-security-token", tokenParam: "security-token",
	accessKeyParam: "OSSAccessKeyId",
	schemeHeader:   "oss-v1-header", schemeQuery: "oss-v1-query",
	subResources: ossSubResources, prefixParams: true,
	decodePath: true, sortedURL: true, ossy: true,
	bucket: ossBucket,
}

// SigOSSV1 recomputes the OSS V1 signing of req (V2Options.AmzDate does not
// apply). It never reads the clock.
func SigOSSV1(req *request.Request, creds credentials.Credentials, opts V2Options) (*V2, error) {
	return signV2(ossV1Dialect, req, creds, &opts)
}

// ossHost is what an OSS endpoint name tells.
type ossHost struct {
	bucket, region, product string
	known                   bool // an OSS endpoint, with or without a bucket in front
}

// parseOSSHost reads OSS endpoint names (bucket names hold no dots):
//
//	bucket.oss-cn-hangzhou.aliyuncs.com                   region cn-hangzhou, product oss
//	bucket.oss-cn-hangzhou-internal.aliyuncs.com          the same, from inside Alibaba Cloud
//	oss-cn-hangzhou.aliyuncs.com                          no bucket: path style
//	bucket.oss-accelerate.aliyuncs.com                    no region in the name
//	bucket.cb-123.cn-hangzhou.oss-cloudbox.aliyuncs.com   region cb-123 (a cloud box signs its
//	                                                      id as the region), product oss-cloudbox
//
// The OSS label is the rightmost one that is "oss" or starts with "oss-",
// so a bucket named oss-example is still a bucket.
func parseOSSHost(host string) ossHost {
	h := hostName(host)
	if !strings.HasSuffix(h, ".aliyuncs.com") {
		return ossHost{}
	}
	labels := strings.Split(strings.TrimSuffix(h, ".aliyuncs.com"), ".")
	for i := len(labels) - 1; i >= 0; i-- {
		l := labels[i]
		if l != "oss" && !strings.HasPrefix(l, "oss-") {
			continue
		}
		o := ossHost{known: true, product: "oss"}
		start := i
		if strings.HasPrefix(l, "oss-cloudbox") {
			o.product = "oss-cloudbox"
			if i >= 2 {
				o.region, start = labels[i-2], i-2
			}
		} else if r := strings.TrimSuffix(strings.TrimPrefix(l, "oss-"), "-internal"); r != l && !strings.HasPrefix(r, "accelerate") {
			o.region = r
		}
		o.bucket = strings.Join(labels[:start], ".")
		return o
	}
	return ossHost{}
}

// ossBucket finds the bucket of an OSS request for V1 and V4. A custom
// domain bound to a bucket hides its name, which OSS signs: ErrNoBucket.
func ossBucket(host string) (bucket, source string, err error) {
	h := hostName(host)
	switch o := parseOSSHost(h); {
	case h == "":
		return "", "no host: the path names the bucket", nil
	case isLocalHost(h):
		return "", "host " + h + " names no bucket: the path does", nil
	case o.known && o.bucket == "":
		return "", "path-style host: the path names the bucket", nil
	case o.known:
		return o.bucket, "host: virtual-hosted bucket", nil
	}
	return "", "", ErrNoBucket
}
