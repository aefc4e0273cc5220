package recompute

import (
	"slices"
	"testing"
)

func TestSubResources_sortedTables(t *testing.T) {
	for name, table := range map[string][]string{"s3": s3SubResources, "oss": ossSubResources} {
		if !slices.IsSorted(table) || len(slices.Compact(slices.Clone(table))) != len(table) {
			t.Errorf("%s sub-resource table is not sorted byte-wise without repeats", name)
		}
	}
	for _, want := range []string{"acl", "cors", "delete", "lifecycle", "location", "logging", "notification", "partNumber", "policy",
		"requestPayment", "restore", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
		"response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language",
		"response-content-type", "response-expires"} {
		if !inTable(s3SubResources, want) {
			t.Errorf("S3 guide's sub-resource %q missing", want)
		}
	}
	for _, want := range []string{"acl", "security-token", "resourceGroup", "versionId", "response-content-disposition"} {
		if !inTable(ossSubResources, want) {
			t.Errorf("OSS sub-resource %q missing", want)
		}
	}
}

func TestS3Bucket_hosts(t *testing.T) {
	for _, tt := range []struct{ host, bucket string }{
		{"johnsmith.s3.amazonaws.com", "johnsmith"},
		{"awsexamplebucket1.s3.us-west-1.amazonaws.com", "awsexamplebucket1"},
		{"awsexamplebucket1.s3-us-west-1.amazonaws.com", "awsexamplebucket1"},
		{"awsexamplebucket1.us-west-1.s3.amazonaws.com", "awsexamplebucket1"},
		{"my.dotted.bucket.s3.dualstack.eu-west-1.amazonaws.com", "my.dotted.bucket"},
		{"s3-backups.s3.amazonaws.com", "s3-backups"},
		{"Bucket.S3.amazonaws.com.:443", "bucket"},
		{"s3.amazonaws.com", ""},
		{"s3.us-west-1.amazonaws.com", ""},
		{"s3-external-1.amazonaws.com", ""},
		{"sts.amazonaws.com", ""},
		{"static.johnsmith.net:8080", "static.johnsmith.net"},
		{"b.storage.googleapis.com", "b"},
		{"storage.googleapis.com", ""},
		{"127.0.0.1:9000", ""},
		{"[::1]:9000", ""},
		{"localhost:9000", ""},
		{"minio", ""},
		{"", ""},
	} {
		if got, src := s3Bucket(tt.host); got != tt.bucket || src == "" {
			t.Errorf("s3Bucket(%q) = %q (%s), want %q", tt.host, got, src, tt.bucket)
		}
	}
}
