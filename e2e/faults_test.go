package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/minio/minio-go/v7"
	mcreds "github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/sigdiff/sigdiff/internal/proxy"
)

// hop is a reverse proxy in front of sigdiff proxy that changes each
// request as change says, the way CDNs, ingress controllers and
// misconfigured nginx do. Host is kept unless change rewrites it.
func hop(t *testing.T, target string, change func(*httputil.ProxyRequest)) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = pr.In.Host
			change(pr)
		},
		Transport: &http.Transport{DisableCompression: true},
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return srv.URL
}

// refusal returns the proxy's entry for the refused request under
// prefix, failing when there is not exactly one.
func refusal(t *testing.T, prefix string) *proxy.Entry {
	t.Helper()
	var found []*proxy.Entry
	for _, e := range s.log.settle(prefix) {
		if e.Status == http.StatusForbidden || e.Status == http.StatusBadRequest {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d refusals under %s, want 1", len(found), prefix)
	}
	return found[0]
}

func TestFaults(t *testing.T) {
	st := needSuite(t)
	ctx := context.Background()
	logDir := t.TempDir()
	direct := newGoSDK(t, st.minioURL, rootPassword, filepath.Join(logDir, "setup.log"))
	bucket := "e2e-faults"
	if _, err := direct.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := direct.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("method/object.txt"), Body: strings.NewReader(content)}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name   string // also the key prefix
		change func(*httputil.ProxyRequest)
		do     func(c *s3.Client, key string) error
		cause  string
	}{
		{
			name: "content-type",
			// A hop that appends a charset, as Java servlet filters and
			// some mini-program runtimes do.
			change: func(pr *httputil.ProxyRequest) {
				if ct := pr.In.Header.Get("Content-Type"); ct != "" {
					pr.Out.Header.Set("Content-Type", ct+"; charset=UTF-8")
				}
			},
			do: func(c *s3.Client, key string) error {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(content), ContentType: aws.String("text/plain")})
				return err
			},
			cause: "content-type-changed",
		},
		{
			name: "host",
			// nginx's proxy_pass without proxy_set_header Host: the
			// upstream's name replaces the client's; the original goes
			// in X-Forwarded-Host.
			change: func(pr *httputil.ProxyRequest) {
				pr.Out.Host = ""
				pr.SetXForwarded()
			},
			do: func(c *s3.Client, key string) error {
				_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
				return err
			},
			cause: "host-rewritten",
		},
		{
			name:   "dropped-header",
			change: func(pr *httputil.ProxyRequest) { pr.Out.Header.Del("X-Amz-Meta-Color") },
			do: func(c *s3.Client, key string) error {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(content), Metadata: map[string]string{"color": "blue"}})
				return err
			},
			cause: "signed-header-missing",
		},
		{
			name: "method",
			// A CDN that fetches HEAD requests from the origin as GET.
			change: func(pr *httputil.ProxyRequest) {
				if pr.In.Method == http.MethodHead {
					pr.Out.Method = http.MethodGet
				}
			},
			do: func(c *s3.Client, key string) error {
				_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("method/object.txt")})
				return err
			},
			cause: "method-changed",
		},
		{
			name: "path-encoding",
			// A hop that re-encodes the path form-style: a blank becomes
			// "+", which S3 reads as a plus sign.
			change: func(pr *httputil.ProxyRequest) {
				raw, _, _ := strings.Cut(pr.In.RequestURI, "?")
				pr.Out.URL.Opaque = strings.ReplaceAll(raw, "%20", "+")
			},
			do: func(c *s3.Client, key string) error {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key + " with blanks.txt"), Body: strings.NewReader(content)})
				return err
			},
			cause: "uri-encoding",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			endpoint := hop(t, st.proxyURL, tc.change)
			if tc.name == "host" {
				// The client names the hop, the hop names the proxy:
				// another name, not only another port.
				endpoint = strings.Replace(endpoint, "127.0.0.1", "localhost", 1)
			}
			c := newGoSDK(t, endpoint, rootPassword, filepath.Join(logDir, tc.name+".log"))
			key := tc.name + "/object.txt"
			if tc.name == "path-encoding" {
				key = tc.name + "/object"
			}
			if err := tc.do(c, key); err == nil {
				t.Fatal("the server accepted the changed request")
			}
			prefix := "/" + bucket + "/" + tc.name
			if tc.name == "method" {
				prefix = "/" + bucket + "/method"
			}
			checkCause(t, refusal(t, prefix), tc.cause)
		})
	}

	t.Run("content-type-added", func(t *testing.T) {
		// SigV4 signs Content-Type only when the client sent one, so a hop
		// adding it is harmless there; SigV2 always signs its line. A
		// minio-go SigV2 client's GET, with a hop that adds a form
		// content type (what axios and jQuery do by default).
		endpoint := hop(t, st.proxyURL, func(pr *httputil.ProxyRequest) {
			if pr.In.Header.Get("Content-Type") == "" {
				pr.Out.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
		})
		c, err := minio.New(strings.TrimPrefix(endpoint, "http://"), &minio.Options{Creds: mcreds.NewStaticV2(rootUser, rootPassword, ""), Region: region, BucketLookup: minio.BucketLookupPath})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.StatObject(ctx, bucket, "content-type-added/object.txt", minio.StatObjectOptions{}); err == nil {
			t.Fatal("the server accepted the changed request")
		}
		checkCause(t, refusal(t, "/"+bucket+"/content-type-added"), "content-type-changed")
	})

	t.Run("wrong-secret", func(t *testing.T) {
		c := newGoSDK(t, st.proxyURL, "not-the-"+rootPassword, filepath.Join(logDir, "wrong-secret.log"))
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("wrong-secret/object.txt"), Body: strings.NewReader(content)})
		if err == nil {
			t.Fatal("the server accepted a wrong secret")
		}
		checkCause(t, refusal(t, "/"+bucket+"/wrong-secret"), "secret-key-mismatch")
	})

	t.Run("clock-skew", func(t *testing.T) {
		// aws-sdk-go-v2's signer with a clock 20 minutes slow (the S3
		// client corrects skew on retry, so the signer is driven directly).
		req, _ := http.NewRequest(http.MethodGet, st.proxyURL+"/"+bucket+"/clock-skew/object.txt", nil)
		req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
		err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: rootUser, SecretAccessKey: rootPassword}, req, emptySHA256, "s3", region, time.Now().Add(-20*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		e := refusal(t, "/"+bucket+"/clock-skew")
		if e.ErrorCode != "RequestTimeTooSkewed" || e.Signature != proxy.SigOK {
			t.Errorf("code %s, signature %s", e.ErrorCode, e.Signature)
		}
		checkCause(t, e, "clock-skew")
		// x-amz-date has whole seconds: the skew reads 20 minutes, give or
		// take the seconds the request took.
		if !regexp.MustCompile(`(19m5\ds|20m[0-5]s) behind`).MatchString(e.Causes[0].Evidence) {
			t.Errorf("evidence does not size the skew: %s", e.Causes[0].Evidence)
		}
	})
}

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func checkCause(t *testing.T, e *proxy.Entry, want string) {
	t.Helper()
	var b strings.Builder
	e.WriteText(&b)
	if e.FirstCause() != want {
		t.Errorf("first cause %q, want %q; sigdiff proxy said:\n%s", e.FirstCause(), want, b.String())
		return
	}
	t.Logf("sigdiff proxy said:\n%s", b.String())
}
