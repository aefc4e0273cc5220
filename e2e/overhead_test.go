package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestOverhead measures requests per second and MB/s through sigdiff proxy
// against MinIO directly, in the same run, alternating the two so that a
// busy machine weighs on both alike. It logs the figures and asserts
// nothing about them: CI machines are shared.
func TestOverhead(t *testing.T) {
	st := needSuite(t)
	const bucket = "e2e-overhead"
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: rootUser, SecretAccessKey: rootPassword}
	ctx := context.Background()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	defer client.CloseIdleConnections()
	do := func(method, url string, body []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, url, bytes.NewReader(body))
		if body == nil {
			req.Body = nil
		}
		req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		if err := signer.SignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", region, time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d", method, url, resp.StatusCode)
		}
	}
	do(http.MethodPut, st.minioURL+"/"+bucket, nil)
	small := bytes.Repeat([]byte("s"), 1024)
	do(http.MethodPut, st.minioURL+"/"+bucket+"/small", small)

	// Small requests: one presigned GET URL per endpoint, fetched by 8
	// workers; the proxy verifies each request's signature.
	presign := func(base string) string {
		// The signer leaves X-Amz-Expires to the caller (the S3 presign
		// client adds it); S3 requires it.
		req, _ := http.NewRequest(http.MethodGet, base+"/"+bucket+"/small?X-Amz-Expires=900", nil)
		u, _, err := signer.PresignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", region, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	rps := func(url string, n int) float64 {
		var next atomic.Int64
		var wg sync.WaitGroup
		began := time.Now()
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(n) {
					resp, err := client.Get(url)
					if err != nil {
						t.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						t.Errorf("presigned GET: %d", resp.StatusCode)
						return
					}
				}
			}()
		}
		wg.Wait()
		return float64(n) / time.Since(began).Seconds()
	}
	// Large bodies: PUT then GET of 64 MiB, header-signed with
	// UNSIGNED-PAYLOAD so that the client does not hash.
	big := bytes.Repeat([]byte("0123456789abcdef"), 4<<20)
	mbps := func(base, key string) (up, down float64) {
		began := time.Now()
		do(http.MethodPut, base+"/"+bucket+"/"+key, big)
		up = float64(len(big)) / (1 << 20) / time.Since(began).Seconds()
		began = time.Now()
		do(http.MethodGet, base+"/"+bucket+"/"+key, nil)
		down = float64(len(big)) / (1 << 20) / time.Since(began).Seconds()
		return up, down
	}

	directURL, proxyURL := presign(st.minioURL), presign(st.proxyURL)
	rps(directURL, 100) // warm up both paths
	rps(proxyURL, 100)
	var dRPS, pRPS, dUp, pUp, dDown, pDown []float64
	for range 3 {
		dRPS = append(dRPS, rps(directURL, 600))
		pRPS = append(pRPS, rps(proxyURL, 600))
		u, d := mbps(st.minioURL, "big-direct")
		dUp, dDown = append(dUp, u), append(dDown, d)
		u, d = mbps(st.proxyURL, "big-proxy")
		pUp, pDown = append(pUp, u), append(pDown, d)
	}
	line := func(what string, direct, proxied []float64, unit string) string {
		d, p := median(direct), median(proxied)
		return fmt.Sprintf("%s: direct %.0f %s, through the proxy %.0f %s (%+.1f%%)", what, d, unit, p, unit, (p-d)/d*100)
	}
	report := []string{
		line("small GETs (1 KiB, presigned, 8 workers)", dRPS, pRPS, "req/s"),
		line("PUT 64 MiB (UNSIGNED-PAYLOAD)", dUp, pUp, "MB/s"),
		line("GET 64 MiB", dDown, pDown, "MB/s"),
	}
	for _, r := range report {
		t.Log(r)
		fmt.Println("e2e: overhead: " + r)
	}
	for _, e := range s.log.settle("/" + bucket) {
		if e.Signature != "ok" {
			t.Fatalf("%s %s: signature %s %v", e.Method, e.Path, e.Signature, e.Notes)
		}
	}
	if n := len(s.log.settle("/" + bucket)); n < 3*600+100 {
		t.Errorf("only %d requests went through the proxy", n)
	}
}

// median of three or more figures.
func median(xs []float64) float64 {
	c := append([]float64(nil), xs...)
	for i := range c {
		for j := i + 1; j < len(c); j++ {
			if c[j] < c[i] {
				c[i], c[j] = c[j], c[i]
			}
		}
	}
	return c[len(c)/2]
}
