package s3error

import "strings"

// bases returns every body of the corpus by name.
func bases() map[string]base {
	m := map[string]base{}
	add := func(b base) { m[b.name] = b }
	add(awsV4("aws-sigv4", SigV4Header, getObjectRangeSTS, getObjectRangeCR))
	add(awsV4("aws-sigv4-query", SigV4Query, presignedSTS, presignedCR))
	add(awsV4("aws-sigv4-streaming", SigV4Streaming, chunkedSTS, chunkedCR))
	add(awsV4("aws-sigv4-cr", SigV4Header, crLostSTS, crLostCR))

	post := awsV4("aws-sigv4-post", SigV4Post, postPolicySTS, "")
	post.fields = without(post.fields, "CanonicalRequest", "CanonicalRequestBytes")
	add(post)
	for _, v2 := range []struct{ name, scheme, sts string }{
		{"aws-sigv2", SigV2Header, sigv2STS}, {"aws-sigv2-query", SigV2Query, sigv2QuerySTS}, {"aws-sigv2-post", SigV2Post, sigv2PolicySTS},
	} {
		b := awsV4(v2.name, v2.scheme, v2.sts, "")
		b.fields = without(b.fields, "CanonicalRequest", "CanonicalRequestBytes")
		b.fields[4].Text = sigV2Provided
		add(b)
	}

	r2msg := "The request signature we calculated does not match the signature you provided. Check your secret access key and signing method."
	add(base{name: "r2", code: "SignatureDoesNotMatch", message: r2msg, service: "s3-compatible", provider: "r2", scheme: SigV4Header,
		sts: r2STS, cr: r2CR, decl: decl, fields: fieldsWithDumps([]Field{{"Code", "SignatureDoesNotMatch"}, {"Message", r2msg},
			{"StringToSign", r2STS}, {"StringToSignBytes", ""}, {"CanonicalRequest", r2CR}, {"CanonicalRequestBytes", ""},
			{"SignatureProvided", sigV4Provided}}, false)})
	wasabi := awsV4("wasabi", SigV4Header, wasabiSTS, wasabiCR)
	wasabi.service, wasabi.provider, wasabi.akid, wasabi.entityNewlines = "s3-compatible", "wasabi", "PX0EXAMPLEWASABIKEY1", true
	wasabi.fields[2].Text = wasabi.akid
	wasabi.fields[8].Text, wasabi.fields[9].Text = "5A1E7C1B9F0D2E44", "aT2dIqYhCeMKR1cp0X3G+Qq9dTzYbO1pgBr6tOZ8rWsYj8T8V0nQfO0u2z7p1RHkLx9pBlq5e0U="
	wasabi.fields = append(wasabi.fields, Field{"Resource", "/my-bucket/photos/cat.jpg"}, Field{"AccountId", "100000123456"})
	add(wasabi)
	add(minimal("digitalocean", "digitalocean", []Field{{"Code", "SignatureDoesNotMatch"}, {"BucketName", "my-space"},
		{"RequestId", "tx00000b9d9e3f4a8c1b2d3-0065f1a2b3-1a2b3c4d-nyc3a"}, {"HostId", "1a2b3c4d-nyc3a-nyc3-zg03"}}))
	add(minimal("ceph", "ceph", []Field{{"Code", "SignatureDoesNotMatch"}, {"Message", ""}, {"BucketName", "backups"},
		{"RequestId", "tx000000000000000000d4e-0065f1a2b3-5e1f-default"}, {"HostId", "5e1f-default-default"}}))
	add(minimal("minio", "minio", []Field{{"Code", "SignatureDoesNotMatch"}, {"Message", awsMessage}, {"Key", "photos/cat.jpg"},
		{"BucketName", "my-bucket"}, {"Resource", "/my-bucket/photos/cat.jpg"}, {"RequestId", "17B2C9E4F1A3D5C7"},
		{"HostId", "dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8"}}))
	b2 := minimal("b2", "b2", []Field{{"Code", "SignatureDoesNotMatch"}, {"Message", "Signature validation failed"}})
	b2.decl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	add(b2)

	ossMsg := awsMessage
	for _, o := range []struct{ name, scheme, sts, cr string }{
		{"oss-v1", OSSV1Header, ossV1STS, ""}, {"oss-v1-query", OSSV1Query, ossV1QuerySTS, ""},
		{"oss-v4", OSSV4Header, ossV4STS, ossV4CR}, {"oss-v4-query", OSSV4Query, ossV4QuerySTS, ossV4QueryCR},
	} {
		sig := "kSHKmLxlyEAKtZPkJhG9bZb5k7M="
		if o.cr != "" {
			sig = "e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe"
		}
		fs := []Field{{"Code", "SignatureDoesNotMatch"}, {"Message", ossMsg}, {"RequestId", "65DA19AE09E59839308E9C36"},
			{"HostId", "examplebucket.oss-cn-hangzhou.aliyuncs.com"}, {"OSSAccessKeyId", "LTAI5tExampleAccessKey"},
			{"SignatureProvided", sig}, {"StringToSign", o.sts}, {"StringToSignBytes", ""}}
		if o.cr != "" {
			fs = append(fs, Field{"CanonicalRequest", o.cr}, Field{"CanonicalRequestBytes", ""})
		}
		fs = append(fs, Field{"EC", "0002-00000040"}, Field{"RecommendDoc", "https://api.aliyun.com/troubleshoot?q=0002-00000040"})
		add(base{name: o.name, code: "SignatureDoesNotMatch", message: ossMsg, service: "oss", provider: "oss", scheme: o.scheme,
			akid: "LTAI5tExampleAccessKey", sts: o.sts, cr: o.cr, decl: decl, upperDump: true, fields: fieldsWithDumps(fs, true)})
	}

	gcsMsg := "The request signature we calculated does not match the signature you provided. Check your Google secret key and signing method."
	for _, g := range []struct{ name, scheme, sts, cr string }{
		{"gcs-v4-rsa", GCSV4RSA, gcsRSASTS, gcsRSACR}, {"gcs-v4-hmac", GCSV4HMAC, gcsHMACSTS, gcsHMACCR}, {"gcs-v2", GCSV2, gcsV2STS, ""},
	} {
		fs := []Field{{"Code", "SignatureDoesNotMatch"}, {"Message", gcsMsg}, {"StringToSign", g.sts}}
		if g.cr != "" {
			fs = append(fs, Field{"CanonicalRequest", g.cr})
		}
		add(base{name: g.name, code: "SignatureDoesNotMatch", message: gcsMsg, service: "gcs", provider: "gcs", scheme: g.scheme,
			sts: g.sts, cr: g.cr, decl: "<?xml version='1.0' encoding='UTF-8'?>", fields: fs})
	}
	add(base{name: "gcs-details", code: "AccessDenied", message: "Access denied.", service: "gcs", provider: "gcs", scheme: SchemeUnknown,
		decl: "<?xml version='1.0' encoding='UTF-8'?>", fields: []Field{{"Code", "AccessDenied"}, {"Message", "Access denied."},
			{"Details", "GOOG1EXAMPLEHMACACCESSID does not have storage.objects.get access to the Google Cloud Storage object."}}})

	for _, n := range neighbours {
		b := base{name: n.name, code: n.fields[0].Text, service: "aws-s3", provider: "aws", scheme: n.scheme, decl: decl,
			fields: append(append([]Field(nil), n.fields...), Field{"RequestId", awsRequestIDV}, Field{"HostId", awsHostIDV})}
		b.message = n.fields[1].Text
		if v, ok := (&Body{Fields: n.fields}).Get("AWSAccessKeyId"); ok {
			b.akid = v
		}
		add(b)
	}
	sdk := base{name: "aws-sdk-exception", code: "SignatureDoesNotMatch", message: awsMessage, service: "unknown", scheme: SchemeUnknown}
	add(sdk)
	java := sdk
	java.name, java.service, java.provider = "aws-java-exception", "aws-s3", "aws"
	add(java)
	return m
}

func minimal(name, provider string, fs []Field) base {
	b := base{name: name, code: "SignatureDoesNotMatch", service: "s3-compatible", provider: provider, scheme: SchemeUnknown, decl: decl, fields: fs}
	for _, f := range fs {
		if f.Name == "Message" {
			b.message = f.Text
		}
	}
	return b
}

// neighbours are the error codes next to SignatureDoesNotMatch, with the
// fields S3 sends for each (S3 API Reference, "Error responses").
var neighbours = []struct {
	name, scheme string
	fields       []Field
}{
	{"aws-skewed", SchemeUnknown, []Field{{"Code", "RequestTimeTooSkewed"}, {"Message", "The difference between the request time and the current time is too large."},
		{"RequestTime", "Tue, 27 Mar 2007 19:36:42 +0000"}, {"ServerTime", "2007-03-27T20:01:13Z"}, {"MaxAllowedSkewMilliseconds", "900000"}}},
	{"aws-header-malformed", SigV4Header, []Field{{"Code", "AuthorizationHeaderMalformed"}, {"Message", "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'"},
		{"Region", "eu-west-1"}}},
	{"aws-expired", SigV4Query, []Field{{"Code", "AccessDenied"}, {"Message", "Request has expired"}, {"X-Amz-Expires", "86400"},
		{"Expires", "2013-05-25T00:00:00Z"}, {"ServerTime", "2013-05-26T09:12:44Z"}}},
	{"aws-sha256-mismatch", SigV4Header, []Field{{"Code", "XAmzContentSHA256Mismatch"}, {"Message", "The provided 'x-amz-content-sha256' header does not match what was computed."},
		{"ClientComputedContentSHA256", emptySHA}, {"S3ComputedContentSHA256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"}}},
	{"aws-invalid-key", SchemeUnknown, []Field{{"Code", "InvalidAccessKeyId"}, {"Message", "The AWS Access Key Id you provided does not exist in our records."},
		{"AWSAccessKeyId", exampleKey}}},
	{"aws-headers-not-signed", SchemeUnknown, []Field{{"Code", "AccessDenied"}, {"Message", "There were headers present in the request which were not signed"},
		{"HeadersNotSigned", "x-amz-acl, x-amz-server-side-encryption"}}},
	{"aws-invalid-request", SigV2Header, []Field{{"Code", "InvalidRequest"}, {"Message", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."}}},
}

// crLostText is the body of aws-sigv4-cr as a browser shows it: the CR of
// the metadata header is gone from the text, the dump still has it.
func crLostText(b base) base {
	c := b
	c.fields = append([]Field(nil), b.fields...)
	for i, f := range c.fields {
		if f.Name == "CanonicalRequest" {
			c.fields[i].Text = strings.ReplaceAll(f.Text, "\r", "")
		}
	}
	return c
}
