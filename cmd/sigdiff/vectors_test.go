package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/report"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// TestExplain_v4Suite reproduces every case of the AWS SigV4 test suite
// (aws-c-auth's v4 folder, header and query variants) from the command
// line: the context.json flags map onto explain's flags, and the canonical
// request, string to sign and signature must match byte for byte.
func TestExplain_v4Suite(t *testing.T) {
	root := testenv.Shared(t, "vectors", "aws-sig-v4-test-suite", "v4")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		dir := filepath.Join(root, d.Name())
		ctxData, err := os.ReadFile(filepath.Join(dir, "context.json"))
		if err != nil {
			continue
		}
		var ctx struct {
			Credentials struct {
				AccessKeyID     string `json:"access_key_id"`
				SecretAccessKey string `json:"secret_access_key"`
				Token           string `json:"token"`
			} `json:"credentials"`
			Expiration       int64  `json:"expiration_in_seconds"`
			Normalize        bool   `json:"normalize"`
			Region           string `json:"region"`
			Service          string `json:"service"`
			SignBody         bool   `json:"sign_body"`
			Timestamp        string `json:"timestamp"`
			OmitSessionToken bool   `json:"omit_session_token"`
		}
		if err := json.Unmarshal(ctxData, &ctx); err != nil {
			t.Fatalf("%s: %v", d.Name(), err)
		}
		ts, err := time.Parse(time.RFC3339, ctx.Timestamp)
		if err != nil {
			t.Fatal(err)
		}
		onOff := map[bool]string{true: "on", false: "off"}
		base := []string{"explain", "--json", "--request", filepath.Join(dir, "request.txt"),
			"--region", ctx.Region, "--service", ctx.Service, "--time", ts.UTC().Format("20060102T150405Z"),
			"--normalize", onOff[ctx.Normalize], "--sign-body", onOff[ctx.SignBody]}
		if ctx.OmitSessionToken {
			base = append(base, "--omit-session-token")
		}
		vars := map[string]string{"AWS_ACCESS_KEY_ID": ctx.Credentials.AccessKeyID, "AWS_SECRET_ACCESS_KEY": ctx.Credentials.SecretAccessKey, "AWS_SESSION_TOKEN": ctx.Credentials.Token, "HOME": t.TempDir()}
		for _, variant := range []string{"header", "query"} {
			args := base
			if variant == "query" {
				args = append(append([]string{}, base...), "--presign", "--expires", strconv.FormatInt(ctx.Expiration, 10))
			}
			t.Run(d.Name()+"/"+variant, func(t *testing.T) {
				var out, errb bytes.Buffer
				e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
				if code := run(args, e); code != 0 {
					t.Fatalf("exit %d: %s", code, errb.String())
				}
				var got report.Derivation
				if err := json.Unmarshal(out.Bytes(), &got); err != nil {
					t.Fatal(err)
				}
				for file, have := range map[string]string{
					variant + "-canonical-request.txt": got.CanonicalRequest,
					variant + "-string-to-sign.txt":    got.StringToSign,
					variant + "-signature.txt":         got.Signature,
				} {
					want, err := os.ReadFile(filepath.Join(dir, file))
					if err != nil {
						t.Fatal(err)
					}
					// explain masks the session token in what it prints.
					if have != recompute.RedactToken(string(want), credentials.NewSecret(ctx.Credentials.Token)) {
						t.Errorf("%s:\nhave %q\nwant %q", file, have, want)
					}
				}
			})
			n++
		}
	}
	if n < 76 {
		t.Errorf("reproduced %d variants, the suite has 76", n)
	}
}
