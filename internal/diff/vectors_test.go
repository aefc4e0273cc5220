package diff

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/testenv"
)

// TestDetect_vectors checks Detect on every canonical request and string to
// sign of the official vectors: SigV4 suites (aws-c-auth and botocore),
// S3 and IAM documentation examples, OSS V1/V4, SigV2 and GCS V4.
func TestDetect_vectors(t *testing.T) {
	root := testenv.Shared(t, "vectors")
	n := 0
	check := func(name string, b []byte, want Kind) {
		t.Helper()
		n++
		if got := Detect(b); got != want {
			t.Errorf("%s: Detect = %s, want %s\n%s", name, got, want, Visible(b))
		}
	}
	err := filepath.WalkDir(filepath.Join(root, "aws-sig-v4-test-suite"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		var want Kind
		switch {
		case strings.HasSuffix(p, "canonical-request.txt"), strings.HasSuffix(p, ".creq"):
			want = CanonicalRequestV4
		case strings.HasSuffix(p, "string-to-sign.txt"), strings.HasSuffix(p, ".sts"):
			want = StringToSignV4
		default:
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		check(p, b, want)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"s3-docs", "aws-general", "oss", "sigv2"} {
		files, _ := filepath.Glob(filepath.Join(root, dir, "*.json"))
		for _, f := range files {
			var v struct {
				Scheme   string
				Expected struct {
					CanonicalRequest string `json:"canonical_request"`
					StringToSign     string `json:"string_to_sign"`
				}
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if json.Unmarshal(b, &v) != nil || v.Scheme == "" {
				continue // errata and notes, not vectors
			}
			if v.Expected.CanonicalRequest != "" {
				check(f+" canonical_request", []byte(v.Expected.CanonicalRequest), CanonicalRequestV4)
			}
			want := StringToSignV4
			switch {
			case strings.HasPrefix(v.Scheme, "aws-sigv2"), strings.HasPrefix(v.Scheme, "oss-v1"):
				want = StringToSignV2
			case v.Scheme == "aws-sigv4-post-policy":
				want = Generic // the string to sign is the base64 policy
			}
			if v.Expected.StringToSign != "" {
				check(f+" string_to_sign", []byte(v.Expected.StringToSign), want)
			}
		}
	}
	var gcs struct {
		SigningV4Tests []struct {
			Description              string
			ExpectedCanonicalRequest string
			ExpectedStringToSign     string
		}
	}
	b, err := os.ReadFile(filepath.Join(root, "gcs", "v4_signatures.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &gcs); err != nil {
		t.Fatal(err)
	}
	for _, v := range gcs.SigningV4Tests {
		check("gcs "+v.Description, []byte(v.ExpectedCanonicalRequest), CanonicalRequestV4)
		check("gcs "+v.Description, []byte(v.ExpectedStringToSign), StringToSignV4)
	}
	if n < 200 {
		t.Errorf("checked only %d vectors", n)
	}
}

// TestCompare_vectorsEveryByte changes, deletes and inserts one byte at
// every offset of each aws-c-auth canonical request and checks that the
// first divergence is exactly there, that the edits rebuild the client,
// and that a change in the first three lines is labelled by its role.
func TestCompare_vectorsEveryByte(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.Shared(t, "vectors", "aws-sig-v4-test-suite", "v4"), "*", "header-canonical-request.txt"))
	if len(files) == 0 {
		t.Fatal("no canonical requests found")
	}
	roles := []string{"line 1: method", "line 2: uri", "query"}
	for _, f := range files {
		server, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(filepath.Dir(f))
		for i := range server {
			changed := bytes.Clone(server)
			changed[i] ^= 0x01 // a one-bit change keeps most bytes printable
			deleted := append(bytes.Clone(server[:i]), server[i+1:]...)
			inserted := append(append(bytes.Clone(server[:i]), '#'), server[i:]...)
			for k, client := range [][]byte{changed, deleted, inserted} {
				r := Compare("canonical_request", CanonicalRequestV4, server, client)
				checkEdits(t, r)
				want := commonPrefix(server, client)
				if r.First == nil || r.First.Offset != want {
					t.Fatalf("%s: byte %d: divergence %+v, want offset %d", name, i, r.First, want)
				}
				line, _ := lineCol(server, i)
				if k == 0 && line <= 3 && server[i] != '\n' && !strings.HasPrefix(r.First.Label, roles[line-1]) {
					t.Errorf("%s: byte %d: label %q, want %q…", name, i, r.First.Label, roles[line-1])
				}
			}
		}
	}
}
