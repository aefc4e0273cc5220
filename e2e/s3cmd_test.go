package e2e

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestS3cmd(t *testing.T) {
	bin, err := exec.LookPath("s3cmd")
	if err != nil {
		missing(t, "s3cmd")
	}
	for _, tc := range []struct {
		name, scheme string
		flags        []string
	}{
		{"v4", "sigv4-header", nil},
		{"v2", "sigv2-header", []string{"--signature-v2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := needSuite(t)
			dir := t.TempDir()
			conf := filepath.Join(dir, "s3cfg")
			host := strings.TrimPrefix(st.proxyURL, "http://")
			os.WriteFile(conf, []byte("[default]\naccess_key = "+rootUser+"\nsecret_key = "+rootPassword+
				"\nhost_base = "+host+"\nhost_bucket = "+host+"\nuse_https = False\nbucket_location = "+region+
				"\nsignature_v2 = False\n"), 0o600)
			env := append(cleanEnv(), "HOME="+dir)
			logPath := filepath.Join(dir, "s3cmd-debug.log")
			bucket := "e2e-s3cmd-" + tc.name
			url := "s3://" + bucket + "/"
			sc := func(args ...string) string {
				t.Helper()
				return run(t, env, logPath, bin, append(append([]string{"-c", conf, "--debug", "--no-progress"}, tc.flags...), args...)...)
			}
			version := strings.TrimSpace(strings.TrimPrefix(sc("--version"), "s3cmd version "))
			sc("mb", url[:len(url)-1])
			sc("put", "--recursive", "--no-guess-mime-type", "--mime-type=text/plain", "--add-header=x-amz-meta-color:blue", tree(t)+"/", url)
			back := filepath.Join(dir, "back")
			os.Mkdir(back, 0o755) // s3cmd wants an existing folder
			sc("get", "--recursive", url, back+"/")
			checkTree(t, back)
			info := sc("info", url+keys[1])
			if !strings.Contains(info, "text/plain") || !strings.Contains(strings.ToLower(info), "x-amz-meta-color: blue") {
				t.Errorf("info:\n%s", info)
			}
			// --continue asks for the rest of a partial file: a Range GET.
			part := filepath.Join(dir, "partial")
			os.WriteFile(part, []byte(content[:6]), 0o644)
			sc("get", "--continue", url+keys[3], part)
			if b, _ := os.ReadFile(part); string(b) != content {
				t.Errorf("continued download: %q", b)
			}
			ls := sc("ls", url+"dir/with space/")
			if !strings.Contains(ls, keys[1]) || strings.Contains(ls, keys[0]) {
				t.Errorf("ls with prefix:\n%s", ls)
			}
			big, data := randomFile(t, multipartSize)
			sc("put", "--multipart-chunk-size-mb=5", big, url+"multi/big file+1.bin")
			bigBack := filepath.Join(dir, "big.back")
			sc("get", url+"multi/big file+1.bin", bigBack)
			if b, _ := os.ReadFile(bigBack); !bytes.Equal(b, data) {
				t.Errorf("multipart object: %d bytes back of %d", len(b), len(data))
			}
			signed := strings.TrimSpace(sc("signurl", url+keys[2], "+600"))
			if body, status := curl(t, filepath.Join(dir, "curl.log"), signed); status != "200" || body != content {
				t.Errorf("presigned GET %s: %s %q", signed, status, body)
			}
			sc("del", "--recursive", "--force", url)
			sc("rb", url[:len(url)-1])
			es := checkEntries(t, "/"+bucket, tc.scheme, http.MethodPut, http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete)
			compareSigned(t, logPath, es)
			if !hasScheme(es, "sigv2-query") {
				t.Error("no presigned request (s3cmd signurl makes SigV2 URLs)")
			}
			noted("s3cmd", version)
			keepLog(t, "s3cmd-"+version+"-"+tc.name+"-debug.log", logPath)
		})
	}
}
