package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// python finds a Python 3 that imports boto3: Debian's first (what
// e2e/setup.sh installs python3-boto3 for), then PATH's.
func python(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import boto3").Run() == nil {
			return p
		}
	}
	missing(t, "python3 with boto3 (Debian's python3-boto3)")
	return ""
}

func TestBoto3(t *testing.T) {
	py := python(t)
	for _, tc := range []struct {
		sigver, scheme, query string
		refused               []string // operations MinIO refuses, see boto3_client.py
		methods               []string
	}{
		{"s3v4", "sigv4-header", "sigv4-query", nil, []string{http.MethodPut, http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete}},
		// botocore still offers SigV2 as signature_version='s3', and signs
		// four requests otherwise than it sends them.
		{"s3", "sigv2-header", "sigv2-query", []string{"CreateBucket", "ListObjectsV2", "ListObjects", "CreateMultipartUpload"}, []string{http.MethodPut, http.MethodGet, http.MethodHead, http.MethodDelete}},
	} {
		t.Run(tc.sigver, func(t *testing.T) {
			st := needSuite(t)
			dir := t.TempDir()
			bucket := "e2e-boto3-" + tc.sigver
			big, _ := randomFile(t, multipartSize)
			logPath := filepath.Join(dir, "boto3-debug.log")
			env := append(cleanEnv(), "E2E_ACCESS_KEY="+rootUser, "E2E_SECRET_KEY="+rootPassword, "HOME="+dir)
			script := filepath.Join("testdata", "boto3_client.py")
			src := tree(t)
			out := run(t, env, logPath, py, script, st.proxyURL, bucket, tc.sigver, src, big, logPath)
			var urls struct {
				Put, Get, Version string
				Refused           []string
			}
			if err := json.Unmarshal([]byte(out), &urls); err != nil {
				t.Fatalf("script output %q: %v", out, err)
			}
			curlLog := filepath.Join(dir, "curl.log")
			if body, status := curl(t, curlLog, "-X", "PUT", "--data-binary", content, "-H", "Content-Type:", urls.Put); status != "200" {
				t.Errorf("presigned PUT: %s %s", status, body)
			}
			if body, status := curl(t, curlLog, urls.Get); status != "200" || body != content {
				t.Errorf("presigned GET: %s %q", status, body)
			}
			run(t, env, logPath, py, script, st.proxyURL, bucket, "delete:"+tc.sigver, src, big, logPath)
			if strings.Join(urls.Refused, ",") != strings.Join(tc.refused, ",") {
				t.Errorf("refused operations %v, want %v", urls.Refused, tc.refused)
			}
			var ok []*proxyEntry
			refusals := 0
			for _, e := range s.log.settle("/" + bucket) {
				if e.Status != http.StatusForbidden {
					ok = append(ok, e)
					continue
				}
				refusals++
				// sigdiff must name what botocore did: a resource signed
				// otherwise than the request's path and query give.
				if e.Signature != "mismatch" || e.FirstCause() != "v2-resource" || e.Causes[0].Confidence != "reproduced" {
					var b strings.Builder
					e.WriteText(&b)
					t.Errorf("refusal not diagnosed as v2-resource:\n%s", b.String())
				}
			}
			if refusals != len(tc.refused) {
				t.Errorf("%d refusals through the proxy, want %d", refusals, len(tc.refused))
			}
			es := checkVerified(t, "/"+bucket, ok, tc.scheme, tc.methods...)
			if b, _ := os.ReadFile(logPath); tc.sigver == "s3v4" && !strings.Contains(string(b), "botocore.auth") && strings.Contains(string(b), "awscrt") {
				// With awscrt installed (Debian's python3-botocore pulls it
				// in), botocore signs SigV4 through the CRT signer, which
				// logs no canonical request: nothing to compare.
				t.Log("botocore signed SigV4 with awscrt, which logs no canonical request or string to sign")
			} else {
				compareSigned(t, logPath, es)
			}
			if !hasScheme(es, tc.query) {
				t.Errorf("no presigned request in %s", tc.query)
			}
			v := strings.Fields(urls.Version)
			if len(v) == 4 {
				noted("boto3", v[1]+" (botocore "+v[3]+")")
				keepLog(t, "boto3-"+v[1]+"-"+tc.sigver+"-debug.log", logPath)
			}
		})
	}
}
