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

	"github.com/minio/minio-go/v7"
	mcreds "github.com/minio/minio-go/v7/pkg/credentials"
)

func TestMinioGo(t *testing.T) {
	for _, tc := range []struct {
		name   string
		creds  *mcreds.Credentials
		scheme string // the header scheme the client signs with
		query  string // and its presigned URLs
	}{
		{"v4", mcreds.NewStaticV4(rootUser, rootPassword, ""), "sigv4-header", "sigv4-query"},
		// minio-go still signs SigV2 when asked to (NewStaticV2).
		{"v2", mcreds.NewStaticV2(rootUser, rootPassword, ""), "sigv2-header", "sigv2-query"},
	} {
		t.Run(tc.name, func(t *testing.T) { minioGo(t, tc.creds, tc.scheme, tc.query, "e2e-miniogo-"+tc.name) })
	}
	noted("minio-go/v7", moduleVersion("github.com/minio/minio-go/v7"))
}

func minioGo(t *testing.T, creds *mcreds.Credentials, scheme, queryScheme, bucket string) {
	st := needSuite(t)
	ctx := context.Background()
	c, err := minio.New(strings.TrimPrefix(st.proxyURL, "http://"), &minio.Options{Creds: creds, Region: region, BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(t.TempDir(), "minio-go.log")
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c.TraceOn(f)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("make bucket", c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{Region: region}))
	for _, k := range keys {
		_, err := c.PutObject(ctx, bucket, k, strings.NewReader(content), int64(len(content)),
			minio.PutObjectOptions{ContentType: "text/plain", UserMetadata: map[string]string{"color": "blue", "note": "e2e run"}})
		must("put "+k, err)
		obj, err := c.GetObject(ctx, bucket, k, minio.GetObjectOptions{})
		must("get "+k, err)
		b, err := io.ReadAll(obj)
		must("read "+k, err)
		obj.Close()
		if string(b) != content {
			t.Errorf("get %s: %q", k, b)
		}
		var ro minio.GetObjectOptions
		ro.SetRange(6, 9)
		obj, err = c.GetObject(ctx, bucket, k, ro)
		must("get range "+k, err)
		b, err = io.ReadAll(obj)
		must("read range "+k, err)
		obj.Close()
		if string(b) != content[6:10] {
			t.Errorf("range of %s: %q", k, b)
		}
		info, err := c.StatObject(ctx, bucket, k, minio.StatObjectOptions{})
		must("stat "+k, err)
		if info.UserMetadata["Color"] != "blue" || info.ContentType != "text/plain" {
			t.Errorf("stat %s: metadata %v, content type %q", k, info.UserMetadata, info.ContentType)
		}
	}
	var listed []string
	for o := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: "dir/", Recursive: true}) {
		must("list", o.Err)
		listed = append(listed, o.Key)
	}
	if len(listed) != 1 || listed[0] != keys[1] {
		t.Errorf("list with prefix: %v", listed)
	}
	_, data := randomFile(t, multipartSize)
	mk := "multi/big file+1.bin"
	_, err = c.PutObject(ctx, bucket, mk, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{PartSize: 5 << 20, ContentType: "application/octet-stream"})
	must("multipart put", err)
	obj, err := c.GetObject(ctx, bucket, mk, minio.GetObjectOptions{})
	must("get multipart", err)
	b, _ := io.ReadAll(obj)
	obj.Close()
	if !bytes.Equal(b, data) {
		t.Errorf("multipart object: %d bytes back of %d", len(b), len(data))
	}

	curlLog := filepath.Join(t.TempDir(), "curl.log")
	pk := "presigned/a b+c~=.txt"
	pu, err := c.PresignedPutObject(ctx, bucket, pk, 10*time.Minute)
	must("presign put", err)
	if body, status := curl(t, curlLog, "-X", "PUT", "--data-binary", content, "-H", "Content-Type:", pu.String()); status != "200" {
		t.Errorf("presigned PUT: %s %s", status, body)
	}
	gu, err := c.PresignedGetObject(ctx, bucket, pk, 10*time.Minute, nil)
	must("presign get", err)
	if body, status := curl(t, curlLog, gu.String()); status != "200" || body != content {
		t.Errorf("presigned GET: %s %q", status, body)
	}
	for _, k := range append(append([]string{}, keys...), mk, pk) {
		must("remove "+k, c.RemoveObject(ctx, bucket, k, minio.RemoveObjectOptions{}))
	}
	checkEntries(t, "/"+bucket, scheme, http.MethodPut, http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete)
	es := s.log.settle("/" + bucket)
	if !hasScheme(es, queryScheme) {
		t.Errorf("no presigned request in %s", queryScheme)
	}
	c.TraceOff()
	keepLog(t, "minio-go-"+moduleVersion("github.com/minio/minio-go/v7")+"-"+scheme+".log", logPath)
}

func hasScheme(es []*proxyEntry, scheme string) bool {
	for _, e := range es {
		if e.Scheme == scheme {
			return true
		}
	}
	return false
}
