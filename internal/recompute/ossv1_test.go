package recompute

import (
	"errors"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// TestVectors_ossV1 recomputes the OSS V1 vectors from their requests:
// string to sign, canonical headers where given, signature, and the
// Authorization header or the signed URL as the SDKs write it.
func TestVectors_ossV1(t *testing.T) {
	dir := testenv.Shared(t, "vectors", "oss")
	vs := readVectors(t, dir, "v1-")
	if len(vs) != 8 {
		t.Fatalf("found %d OSS V1 vectors, want 8", len(vs))
	}
	for _, hv := range vs {
		t.Run(hv.Name, func(t *testing.T) {
			req := hv.request(t)
			opts := V2Options{Presign: hv.Scheme == "oss-v1-query", Expires: hv.Request.Expires}
			v, err := SigOSSV1(req, hv.creds(), opts)
			if err != nil {
				t.Fatal(err)
			}
			same(t, "string to sign", v.StringToSign, hv.Expected.StringToSign)
			if hv.Expected.OSSHeaders != nil {
				same(t, "canonicalized oss headers", v.CanonicalizedAmzHeaders, *hv.Expected.OSSHeaders)
			}
			same(t, "signature", v.Signature, hv.Expected.Signature)
			same(t, "authorization", v.Authorization, hv.Expected.Authorization)
			if hv.Expected.SignedURL != "" {
				same(t, "signed url", v.URL, hv.Expected.SignedURL)
			}
			if hv.Expected.SignatureEncoded != "" && !strings.Contains(v.URL, "Signature="+hv.Expected.SignatureEncoded) {
				t.Errorf("url %q lacks the signature %q", v.URL, hv.Expected.SignatureEncoded)
			}
			if v.Scheme != hv.Scheme || v.Result().Scheme != hv.Scheme {
				t.Errorf("scheme %q, want %q", v.Scheme, hv.Scheme)
			}
			checkV2Fields(t, v)
			if s, err := SignStringToSign(hv.Scheme, hv.Expected.StringToSign, hv.creds(), Options{}); err != nil || s.Signature != hv.Expected.Signature {
				t.Errorf("from the string to sign: %v, %+v", err, s)
			}
		})
	}
}

func TestParseOSSHost(t *testing.T) {
	for _, tt := range []struct {
		host                    string
		bucket, region, product string
		known                   bool
	}{
		{"examplebucket.oss-cn-hangzhou.aliyuncs.com", "examplebucket", "cn-hangzhou", "oss", true},
		{"oss-example.oss-cn-hangzhou.aliyuncs.com:443", "oss-example", "cn-hangzhou", "oss", true},
		{"b.oss-cn-shanghai-internal.aliyuncs.com", "b", "cn-shanghai", "oss", true},
		{"oss-cn-hangzhou.aliyuncs.com", "", "cn-hangzhou", "oss", true},
		{"b.oss-accelerate.aliyuncs.com", "b", "", "oss", true},
		{"bucket.cb-123.cn-hangzhou.oss-cloudbox.aliyuncs.com", "bucket", "cb-123", "oss-cloudbox", true},
		{"ecs.aliyuncs.com", "", "", "", false},
		{"static.example.com", "", "", "", false},
	} {
		o := parseOSSHost(tt.host)
		if o.bucket != tt.bucket || o.region != tt.region || o.product != tt.product || o.known != tt.known {
			t.Errorf("parseOSSHost(%q) = %+v", tt.host, o)
		}
	}
}

func TestSigOSSV1_steps(t *testing.T) {
	creds := credentials.Credentials{AccessKeyID: "ak", Secret: credentials.NewSecret("sk"), SessionToken: credentials.NewSecret("tok")}
	req := testRequest("GET", "/dir/a%2Bb.txt?x-oss-process=image%2Fresize&acl&prefix=p", "Date", "Wed, 28 Dec 2022 10:27:41 GMT", "X-OSS-Meta-A", " 1 ")
	req.Host = "bkt.oss-cn-hangzhou.aliyuncs.com"
	v, err := SigOSSV1(req, creds, V2Options{})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "resource", v.CanonicalizedResource, "/bkt/dir/a+b.txt?acl&x-oss-process=image/resize")
	same(t, "headers", v.CanonicalizedAmzHeaders, "x-oss-meta-a:1\nx-oss-security-token:tok\n")
	same(t, "date", v.Date, "Wed, 28 Dec 2022 10:27:41 GMT")
	checkV2Fields(t, v)

	t.Run("custom domain needs the bucket", func(t *testing.T) {
		r := testRequest("GET", "/k", "Date", "d", "Host", "cdn.example.com")
		r.Host = ""
		if _, err := SigOSSV1(r, creds, V2Options{}); !errors.Is(err, ErrNoBucket) {
			t.Errorf("err = %v, want ErrNoBucket", err)
		}
		v, err := SigOSSV1(r, creds, V2Options{Bucket: "real"})
		if err != nil || v.CanonicalizedResource != "/real/k" {
			t.Errorf("%v, %q", err, v.CanonicalizedResource)
		}
	})
	t.Run("presigned url sorted, token signed", func(t *testing.T) {
		r := testRequest("GET", "/k?b=2&a=1")
		r.Host = "bkt.oss-cn-hangzhou.aliyuncs.com"
		v, err := SigOSSV1(r, creds, V2Options{Presign: true, Expires: 1700000000})
		if err != nil {
			t.Fatal(err)
		}
		same(t, "sts", v.StringToSign, "GET\n\n\n1700000000\n/bkt/k?security-token=tok")
		if !strings.HasPrefix(v.URL, "https://bkt.oss-cn-hangzhou.aliyuncs.com/k?Expires=1700000000&OSSAccessKeyId=ak&Signature=") ||
			!strings.HasSuffix(v.URL, "&a=1&b=2&security-token=tok") {
			t.Errorf("url %q", v.URL)
		}
	})
}
