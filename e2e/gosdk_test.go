package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/logging"
)

// goSDKVersion is read from the build: the module version go.mod pins.
func goSDKVersion() string { return moduleVersion("github.com/aws/aws-sdk-go-v2/service/s3") }

// newGoSDK is an aws-sdk-go-v2 S3 client for endpoint with its signing,
// request and response logging into logPath; no retries, so that each
// refusal is one request.
func newGoSDK(t *testing.T, endpoint, secret, logPath string) *s3.Client {
	t.Helper()
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	cfg := aws.Config{
		Region:           region,
		Credentials:      awscreds.NewStaticCredentialsProvider(rootUser, secret, ""),
		Logger:           logging.NewStandardLogger(f),
		ClientLogMode:    aws.LogSigning | aws.LogRequest | aws.LogResponseWithBody,
		RetryMaxAttempts: 1,
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = true
	})
}

func TestGoSDKv2(t *testing.T) {
	st := needSuite(t)
	ctx := context.Background()
	logPath := filepath.Join(t.TempDir(), "aws-sdk-go-v2.log")
	c := newGoSDK(t, st.proxyURL, rootPassword, logPath)
	bucket := "e2e-gosdk"
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must("create bucket", err)
	for _, k := range keys {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(k), Body: strings.NewReader(content),
			ContentType: aws.String("text/plain"), Metadata: map[string]string{"color": "blue", "note": "e2e run"}})
		must("put "+k, err)
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String(k)})
		must("get "+k, err)
		b, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if string(b) != content {
			t.Errorf("get %s: %q", k, b)
		}
		rng, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String(k), Range: aws.String("bytes=6-9")})
		must("get range "+k, err)
		b, _ = io.ReadAll(rng.Body)
		rng.Body.Close()
		if string(b) != content[6:10] {
			t.Errorf("range of %s: %q", k, b)
		}
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String(k)})
		must("head "+k, err)
		if head.Metadata["color"] != "blue" || aws.ToString(head.ContentType) != "text/plain" {
			t.Errorf("head %s: metadata %v, content type %q", k, head.Metadata, aws.ToString(head.ContentType))
		}
	}
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: aws.String("dir/with space/")})
	must("list", err)
	if len(list.Contents) != 1 || aws.ToString(list.Contents[0].Key) != keys[1] {
		t.Errorf("list with prefix: %+v", list.Contents)
	}

	// Multipart: 5 MiB, 5 MiB, 1 MiB.
	_, data := randomFile(t, multipartSize)
	mk := "multi/big file+1.bin"
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: &mk, ContentType: aws.String("application/octet-stream")})
	must("create multipart upload", err)
	var parts []types.CompletedPart
	for i, off := int32(1), 0; off < len(data); i, off = i+1, off+5<<20 {
		end := min(off+5<<20, len(data))
		pr, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: &mk, UploadId: up.UploadId, PartNumber: aws.Int32(i), Body: bytes.NewReader(data[off:end])})
		must("upload part", err)
		parts = append(parts, types.CompletedPart{ETag: pr.ETag, PartNumber: aws.Int32(i), ChecksumCRC32: pr.ChecksumCRC32})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &bucket, Key: &mk, UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	must("complete multipart upload", err)
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &mk})
	must("get multipart object", err)
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if !bytes.Equal(b, data) {
		t.Errorf("multipart object: %d bytes back of %d", len(b), len(data))
	}

	// Presigned GET and PUT, fetched with curl through the proxy.
	pc := s3.NewPresignClient(c)
	curlLog := filepath.Join(t.TempDir(), "curl-presigned.log")
	pk := "presigned/a b+c.txt"
	put, err := pc.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &pk}, s3.WithPresignExpires(10*time.Minute))
	must("presign put", err)
	body, status := curl(t, curlLog, "-X", "PUT", "--data-binary", content, "-H", "Content-Type:", put.URL)
	if status != "200" {
		t.Errorf("presigned PUT: %s %s", status, body)
	}
	get, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &pk}, s3.WithPresignExpires(10*time.Minute))
	must("presign get", err)
	if body, status := curl(t, curlLog, get.URL); status != "200" || body != content {
		t.Errorf("presigned GET: %s %q", status, body)
	}

	for _, k := range append(append([]string{}, keys...), mk, pk) {
		_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: aws.String(k)})
		must("delete "+k, err)
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String(keys[0])})
	if err == nil {
		t.Error("head after delete: no error")
	}
	es := checkEntries(t, "/"+bucket, "sigv4-query", http.MethodPut, http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete)
	compareSigned(t, logPath, es)
	noted("aws-sdk-go-v2/service/s3", goSDKVersion())
	noted("curl", curlVersion(t))
	keepLog(t, "aws-sdk-go-v2-s3-"+goSDKVersion()+".log", logPath)
	keepLog(t, "curl-"+curlVersion(t)+"-presigned.log", curlLog)
}
