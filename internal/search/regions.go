package search

import (
	"slices"
	"sort"

	"github.com/sigdiff/sigdiff/internal/regions"
)

// awsRegions lists, sorted, every AWS region a key can be derived for:
// the regions of all partitions (aws, aws-cn, aws-us-gov, aws-eusc and
// the isolated ones) in aws-sdk-go-v2 v1.48.0
// internal/endpoints/awsrulesfn/partitions.json, without the "*-global"
// pseudo-regions; then "auto", which Cloudflare R2 (and GCS) sign with.
var awsRegions = slices.Sorted(slices.Values(append(slices.Clone(regions.AWS), "auto")))

// ossRegions lists, sorted, the Alibaba Cloud region ids OSS V4 scopes
// name (the part after "oss-" in the public endpoints, Alibaba Cloud OSS
// "Regions and endpoints").
var ossRegions = []string{
	"ap-northeast-1",
	"ap-northeast-2",
	"ap-southeast-1",
	"ap-southeast-3",
	"ap-southeast-5",
	"ap-southeast-6",
	"ap-southeast-7",
	"cn-beijing",
	"cn-chengdu",
	"cn-guangzhou",
	"cn-hangzhou",
	"cn-heyuan",
	"cn-hongkong",
	"cn-huhehaote",
	"cn-qingdao",
	"cn-shanghai",
	"cn-shenzhen",
	"cn-wulanchabu",
	"cn-zhangjiakou",
	"eu-central-1",
	"eu-west-1",
	"me-central-1",
	"me-east-1",
	"us-east-1",
	"us-west-1",
}

// gcsLocations lists, sorted, the GCS locations a GOOG4 scope can name:
// "auto" (what the XML API's HMAC examples sign with), the multi-regions
// and the most used regions.
var gcsLocations = []string{
	"asia",
	"asia-east1",
	"asia-northeast1",
	"asia-southeast1",
	"auto",
	"eu",
	"europe-west1",
	"europe-west2",
	"europe-west3",
	"us",
	"us-central1",
	"us-east1",
	"us-east4",
	"us-west1",
}

// regionTable returns the region names worth trying for a key prefix.
func regionTable(keyPrefix string) []string {
	switch keyPrefix {
	case "OSS4":
		return ossRegions
	case "GOOG4":
		return gcsAndAWSRegions
	}
	return awsRegions
}

func inTable(table []string, s string) bool {
	i := sort.SearchStrings(table, s)
	return i < len(table) && table[i] == s
}

// services are the scope services clients put there by mistake or by
// copying another store's example: S3 and its variants, the capitalised
// name, GCS's and OSS's own, and services of other AWS examples.
var services = []string{
	"S3",
	"execute-api",
	"oss",
	"s3",
	"s3-object-lambda",
	"s3-outposts",
	"s3express",
	"storage",
	"sts",
}

// gcsAndAWSRegions are tried for GCS keys: its own locations, and the AWS
// region names that S3 clients pointed at GCS's XML API (boto3, the AWS
// SDKs) sign with instead of "auto".
var gcsAndAWSRegions = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(gcsLocations), awsRegions...))))
