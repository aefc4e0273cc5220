package recompute

import (
	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
)

// Google Cloud Storage's legacy HMAC header signing (XML API
// interoperability, "GOOG1") is SigV2 with Google's names:
//
//	StringToSign  = HTTP-Verb "\n" Content-MD5 "\n" Content-Type "\n" Date "\n"
//	                CanonicalExtensionHeaders CanonicalResource
//	Signature     = Base64( HMAC-SHA1( HMAC secret, StringToSign ) )
//	Authorization = "GOOG1" SP HMAC-access-id ":" Signature
//
// The rules are those of the client that sends it, boto (and gsutil, which
// ships boto) with provider "google": HmacAuthV1Handler and
// boto.utils.canonical_string, with boto/provider.py's Google table
// (auth header "GOOG1", header prefix "x-goog-", date header
// "x-goog-date", token header "x-goog-security-token"):
//
//   - the Content-MD5, Content-Type and Date lines are those headers'
//     values, trimmed, or empty;
//   - when x-goog-date is sent the Date line is empty and x-goog-date is
//     signed among the x-goog-* headers (boto's "date_header" rule, as S3's
//     guide has it for x-amz-date: AmzDateEmptiesDateLine);
//   - the x-goog-* headers, names lower-cased, values trimmed, sorted,
//     one "name:value\n" each;
//   - the resource is "/bucket/object" (the bucket from a
//     bucket.storage.googleapis.com host, else the path's), then the
//     parameters of boto's qsa_of_interest, sorted, values decoded.
//
// Google's legacy developer guide gave the same layout
// (MessageToBeSigned = CanonicalHeaders + CanonicalExtensionHeaders +
// CanonicalResource; "Authorization: GOOG1 access-key:signature", as
// quoted in stackoverflow.com/questions/5625539); Google's current pages
// document only the V4 and V2 signed-URL processes. Where a rule is not
// written down sigdiff follows boto, which is what clients actually send.
// A request signed "AWS access:signature" against storage.googleapis.com
// (S3 simple migration) is SigV2 proper, x-amz-* headers and all: that
// stays sigv2-header.
// https://cloud.google.com/storage/docs/aws-simple-migration
// https://cloud.google.com/storage/docs/authentication/signatures

// SchemeGCSV2HMACHeader is GCS's GOOG1 Authorization header.
const SchemeGCSV2HMACHeader = "gcs-v2-hmac-header"

// gcsHMACSubResources, sorted byte-wise, are boto's qsa_of_interest
// (boto/utils.py): S3's V2 list of its time plus Google's own bucket and
// object sub-resources storageClass, websiteConfig, compose and
// defaultObjectAcl.
var gcsHMACSubResources = []string{
	"acl",
	"compose",
	"cors",
	"defaultObjectAcl",
	"delete",
	"lifecycle",
	"location",
	"logging",
	"partNumber",
	"policy",
	"requestPayment",
	"response-cache-control",
	"response-content-disposition",
	"response-content-encoding",
	"response-content-language",
	"response-content-type",
	"response-expires",
	"restore",
	"storageClass",
	"tagging",
	"torrent",
	"uploadId",
	"uploads",
	"versionId",
	"versioning",
	"versions",
	"website",
	"websiteConfig",
}

var gcsHMACDialect = &v2Dialect{
	algorithm: "GOOG1", headersStep: "CanonicalExtensionHeaders",
	prefix: "x-goog-", dateHeader: "x-goog-date",
	tokenHeader: "x-goog-security-token", tokenParam: "x-goog-security-token",
	accessKeyParam: "GoogleAccessId",
	schemeHeader:   SchemeGCSV2HMACHeader, schemeQuery: SchemeGCSV2HMACHeader,
	subResources: gcsHMACSubResources,
	bucket:       gcsBucket,
}

// SigGOOG1 recomputes the GOOG1 signing of req with an HMAC key (access id
// and secret). It has a header form only: opts.Presign and opts.Expires do
// not apply, nor does opts.AmzDate (x-goog-date always empties the Date
// line, as boto signs it). It never reads the clock.
func SigGOOG1(req *request.Request, creds credentials.Credentials, opts V2Options) (*V2, error) {
	opts.Presign, opts.Expires, opts.AmzDate = false, 0, AmzDateEmptiesDateLine
	return signV2(gcsHMACDialect, req, creds, &opts)
}
