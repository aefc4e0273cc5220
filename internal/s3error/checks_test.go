package s3error

import (
	"strings"
	"testing"
)

func v4Body(t *testing.T, sts, cr string) *Body {
	t.Helper()
	x := "<Error><Code>SignatureDoesNotMatch</Code><StringToSign>" + xmlEscape(sts) + "</StringToSign><SignatureProvided>" + sigV4Provided + "</SignatureProvided>"
	if cr != "" {
		x += "<CanonicalRequest>" + xmlEscape(cr) + "</CanonicalRequest>"
	}
	return mustParse(t, x+"</Error>")
}

func TestChecks_consistentBody(t *testing.T) {
	b := v4Body(t, getObjectRangeSTS, getObjectRangeCR)
	got := map[string]bool{}
	for _, c := range Checks(b, "") {
		got[c.ID] = c.OK
		if !c.OK {
			t.Errorf("%s failed: %s", c.ID, c.Detail)
		}
	}
	for _, id := range []string{CheckCanonicalRequestHash, CheckSTSDateMatchesScope, CheckAlgorithmKnown, CheckScopeWellFormed, CheckSignatureShape} {
		if _, ok := got[id]; !ok {
			t.Errorf("%s not run", id)
		}
	}
	// examplebucket.s3.amazonaws.com names no region; no dump, so no text check
	for _, id := range []string{CheckHostRegion, CheckTextMatchesBytes} {
		if _, ok := got[id]; ok {
			t.Errorf("%s run where it does not apply", id)
		}
	}
}

func TestChecks_failures(t *testing.T) {
	hash := strings.Repeat("0", 64)
	for _, c := range []struct {
		name, sts, cr, host, id, detail string
	}{
		{"hash", getObjectRangeSTS, strings.Replace(getObjectRangeCR, "0-9", "0-8", 1), "", CheckCanonicalRequestHash, "the string to sign's last line is"},
		{"date", "AWS4-HMAC-SHA256\n20130525T000000Z\n20130524/us-east-1/s3/aws4_request\n" + hash, "", "", CheckSTSDateMatchesScope, "dated 20130525 but its scope says 20130524"},
		{"date format", "AWS4-HMAC-SHA256\n2013-05-24T00:00:00Z\n20130524/us-east-1/s3/aws4_request\n" + hash, "", "", CheckSTSDateMatchesScope, "not of the form"},
		{"algorithm", "AWS4-HMAC-SHA1-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n" + hash, "", "", CheckAlgorithmKnown, "not a signing algorithm"},
		{"terminator", "GOOG4-HMAC-SHA256\n20130524T000000Z\n20130524/auto/storage/aws4_request\n" + hash, "", "", CheckScopeWellFormed, `should be "goog4_request"`},
		{"scope parts", "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/s3/aws4_request\n" + hash, "", "", CheckScopeWellFormed, "has 3 parts"},
		{"scope date", "AWS4-HMAC-SHA256\n20130524T000000Z\n20131324/us-east-1/s3/aws4_request\n" + hash, "", "", CheckScopeWellFormed, "not a calendar date"},
		{"region upper case", "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/US-EAST-1/s3/aws4_request\n" + hash, "", "", CheckScopeWellFormed, "not a region name"},
		{"host region", getObjectRangeSTS, "", "examplebucket.s3.eu-west-1.amazonaws.com", CheckHostRegion, "is in region eu-west-1 but the scope says \"us-east-1\""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ck := checkByID(Checks(v4Body(t, c.sts, c.cr), c.host), c.id)
			if ck == nil || ck.OK || !strings.Contains(ck.Detail, c.detail) {
				t.Errorf("%s: %+v, want failure saying %q", c.id, ck, c.detail)
			}
		})
	}
}

func TestChecks_hostRegionFromCanonicalRequest(t *testing.T) {
	cr := strings.Replace(getObjectRangeCR, "examplebucket.s3.amazonaws.com", "examplebucket.s3.us-west-2.amazonaws.com", 1)
	sts := stsFor("AWS4-HMAC-SHA256", "20130524T000000Z", "20130524/us-east-1/s3/aws4_request", cr)
	ck := checkByID(Checks(v4Body(t, sts, cr), ""), CheckHostRegion)
	if ck == nil || ck.OK || !strings.Contains(ck.Detail, "canonical request's host header") {
		t.Errorf("got %+v", ck)
	}
	// a host given by the caller wins over the canonical request's
	ck = checkByID(Checks(v4Body(t, sts, cr), "bucket.s3.us-east-1.amazonaws.com:443"), CheckHostRegion)
	if ck == nil || !ck.OK {
		t.Errorf("got %+v", ck)
	}
}

func TestRegionFromHost(t *testing.T) {
	for _, c := range []struct{ host, region string }{
		{"aobq.s3.cn-north-1.amazonaws.com.cn", "cn-north-1"},
		{"s3-us-west-2.amazonaws.com", "us-west-2"},
		{"https://b.s3.eu-west-3.amazonaws.com:443/key?x=1", "eu-west-3"},
		{"b.s3.dualstack.ap-southeast-2.amazonaws.com", "ap-southeast-2"},
		{"b.s3-external-1.amazonaws.com", "us-east-1"},
		{"b.s3.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
		{"acct.r2.cloudflarestorage.com", "auto"},
		{"s3.eu-central-1.wasabisys.com", "eu-central-1"},
		{"s3.wasabisys.com", "us-east-1"},
		{"my-space.nyc3.digitaloceanspaces.com", "nyc3"},
		{"examplebucket.oss-cn-hangzhou.aliyuncs.com", "cn-hangzhou"},
		{"b.oss-cn-beijing-internal.aliyuncs.com", "cn-beijing"},
		{"s3.us-west-004.backblazeb2.com", "us-west-004"},
		{"examplebucket.s3.amazonaws.com", ""},
		{"storage.googleapis.com", ""},
		{"10.0.0.5:9000", ""},
	} {
		region, _, ok := regionFromHost(c.host)
		if region != c.region || ok != (c.region != "") {
			t.Errorf("%s: got %q %v, want %q", c.host, region, ok, c.region)
		}
	}
}

func TestChecks_signatureShape(t *testing.T) {
	for _, c := range []struct {
		name, body string
		ok         bool
		detail     string
	}{
		{"v2 ok", renderXML(bases()["aws-sigv2"]), true, ""},
		{"v2 plus as space", strings.Replace(renderXML(bases()["aws-sigv2"]), sigV2Provided, strings.Replace(sigV2Provided, "+", " ", 1), 1), false, "not URL-encoded"},
		{"v4 base64", strings.Replace(renderXML(bases()["aws-sigv4"]), sigV4Provided, "jQM1G7E0laOnvLuGgiLZUiou6TERY8ofnpwPBw8AzLM=", 1), false, "base64"},
		{"v4 upper hex", strings.Replace(renderXML(bases()["aws-sigv4"]), sigV4Provided, strings.ToUpper(sigV4Provided), 1), false, "upper-case"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ck := checkByID(Checks(mustParse(t, c.body), ""), CheckSignatureShape)
			if ck == nil || ck.OK != c.ok || !strings.Contains(ck.Detail, c.detail) {
				t.Errorf("got %+v", ck)
			}
		})
	}
}

func TestChecks_notApplicable(t *testing.T) {
	for _, name := range []string{"minio", "b2", "aws-skewed"} {
		if cs := Checks(mustParse(t, renderXML(bases()[name])), ""); len(cs) != 0 {
			t.Errorf("%s: %+v", name, cs)
		}
	}
	// V2: no V4 checks, only the signature's shape and the dump
	cs := Checks(mustParse(t, renderXML(bases()["aws-sigv2"])), "")
	for _, c := range cs {
		if c.ID != CheckSignatureShape && c.ID != CheckTextMatchesBytes {
			t.Errorf("V2 body ran %s", c.ID)
		}
	}
}

func TestChecks_textMatchesBytes(t *testing.T) {
	b := mustParse(t, renderXML(bases()["aws-sigv4"]))
	if ck := checkByID(Checks(b, ""), CheckTextMatchesBytes); ck == nil || !ck.OK {
		t.Errorf("got %+v", ck)
	}
}
