package main

import (
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/recompute"
)

func TestRegionFromHost(t *testing.T) {
	tests := []struct{ host, region, service string }{
		{"examplebucket.s3.amazonaws.com", "", "s3"},
		{"aobq.s3.cn-north-1.amazonaws.com.cn", "cn-north-1", "s3"},
		{"bucket.s3.eu-west-1.amazonaws.com:443", "eu-west-1", "s3"},
		{"s3-eu-west-1.amazonaws.com", "eu-west-1", "s3"},
		{"s3.dualstack.us-east-2.amazonaws.com", "us-east-2", "s3"},
		{"my.bucket.s3.us-gov-west-1.amazonaws.com", "us-gov-west-1", "s3"},
		{"iam.amazonaws.com", "", "iam"},
		{"sts.us-east-1.amazonaws.com", "us-east-1", "sts"},
		{"minio.local:9000", "", ""},
		{"storage.googleapis.com", "", ""},
	}
	for _, tt := range tests {
		r, s := regionFromHost(tt.host)
		if r != tt.region || s != tt.service {
			t.Errorf("regionFromHost(%q) = %q, %q; want %q, %q", tt.host, r, s, tt.region, tt.service)
		}
	}
}

func TestFreshness(t *testing.T) {
	at := time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
	q := &recompute.AuthParams{Family: recompute.AWS4, Form: recompute.FormQuery, Expires: 86400, Time: at, TimeSource: "X-Amz-Date"}
	if w := freshness(q, at.Add(time.Hour)); len(w) != 0 {
		t.Errorf("fresh URL warned: %v", w)
	}
	if w := freshness(q, at.Add(25*time.Hour)); len(w) != 1 {
		t.Errorf("expired URL: %v", w)
	}
	v2 := &recompute.AuthParams{Scheme: "sigv2-query", Form: recompute.FormQuery, Expires: at.Unix()}
	if w := freshness(v2, at.Add(-time.Hour)); len(w) != 0 {
		t.Errorf("valid V2 URL warned: %v", w)
	}
	if w := freshness(v2, at.Add(time.Hour)); len(w) != 1 {
		t.Errorf("expired V2 URL: %v", w)
	}
	h := &recompute.AuthParams{Family: recompute.AWS4, Form: recompute.FormHeader, Time: at}
	if w := freshness(h, at.Add(20*time.Minute)); len(w) != 1 {
		t.Errorf("stale header date: %v", w)
	}
	if w := freshness(h, at.Add(time.Minute)); len(w) != 0 {
		t.Errorf("fresh header date warned: %v", w)
	}
}
