package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// capture is the part of check --json's capture output the tests read.
type capture struct {
	Source   string `json:"source"`
	Failures []struct {
		Entry  int    `json:"entry"`
		Method string `json:"method"`
		Report *struct {
			Verdict   string `json:"verdict"`
			ErrorCode string `json:"error_code"`
			Message   string `json:"message"`
			Server    struct {
				AccessKeyID       string `json:"access_key_id"`
				StringToSign      string `json:"string_to_sign"`
				CanonicalRequest  string `json:"canonical_request"`
				SignatureProvided string `json:"signature_provided"`
			} `json:"server"`
		} `json:"report"`
	} `json:"failures"`
}

func runWithKey(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	vars := map[string]string{"AWS_ACCESS_KEY_ID": exampleAccessKeyID, "AWS_SECRET_ACCESS_KEY": exampleSecretKey, "HOME": t.TempDir()}
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code := run(args, e)
	return code, out.String(), errb.String()
}

// TestCheck_clientLogs: every client debug log of testdata/logs is read as
// the only input; each refused exchange is found, paired with what the
// client signed and diagnosed.
func TestCheck_clientLogs(t *testing.T) {
	logs, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "logs", "*.log"))
	if len(logs) < 10 {
		t.Fatalf("found %d logs", len(logs))
	}
	for _, l := range logs {
		t.Run(filepath.Base(l), func(t *testing.T) {
			code, out, errs := runWithKey(t, "check", "--search", "off", "--json", l)
			if code != 1 {
				t.Fatalf("exit %d\n%s%s", code, out, errs)
			}
			var res capture
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(res.Source, "log:") || len(res.Failures) == 0 {
				t.Fatalf("source %q, %d failures", res.Source, len(res.Failures))
			}
			for _, f := range res.Failures {
				if f.Report == nil || f.Report.Verdict == "" || f.Report.ErrorCode == "" {
					t.Errorf("exchange %d: no report", f.Entry)
				}
			}
		})
	}
}

// TestCheck_har: a browser capture with two refused entries gives a
// summary and one report each; --entry picks one; a HAR works as --request.
func TestCheck_har(t *testing.T) {
	h := filepath.Join("..", "..", "testdata", "har", "chrome-two-failures.har")
	code, out, errs := runWithKey(t, "check", "--search", "off", "--color", "never", h)
	if code != 1 || !strings.Contains(out, "2 of the 6 entries in the HAR were refused") || strings.Count(out, "━━ entry ") != 2 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = runWithKey(t, "check", "--search", "off", "--json", "--entry", "4", h)
	var res capture
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 1 || len(res.Failures) != 1 || res.Failures[0].Entry != 4 || res.Failures[0].Method != "PUT" {
		t.Fatalf("exit %d, %v: %s", code, err, out)
	}
	code, _, errs = runWithKey(t, "check", "--entry", "1", h)
	if code != 2 || !strings.Contains(errs, "entry 1 is not a request refused") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// The HAR as --request of a pasted body: the refused entry is the request.
	body := extractBody(t, h)
	code, out, errs = runWithKey(t, "check", "--search", "off", "--request", h, body)
	if code != 1 || !strings.Contains(out, "Recomputed from your request") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
}

// extractBody writes the error body of the HAR's first refused entry to a
// file, as a user would paste it.
func extractBody(t *testing.T, harPath string) string {
	t.Helper()
	code, out, _ := runWithKey(t, "check", "--search", "off", "--json", "--entry", "2", harPath)
	var res capture
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 1 {
		t.Fatal(err)
	}
	r := res.Failures[0].Report
	xml := "<Error><Code>" + r.ErrorCode + "</Code><Message>" + r.Message + "</Message><AWSAccessKeyId>" + r.Server.AccessKeyID +
		"</AWSAccessKeyId><StringToSign>" + r.Server.StringToSign + "</StringToSign><SignatureProvided>" + r.Server.SignatureProvided +
		"</SignatureProvided><CanonicalRequest>" + r.Server.CanonicalRequest + "</CanonicalRequest></Error>"
	p := filepath.Join(t.TempDir(), "body.xml")
	if err := os.WriteFile(p, []byte(xml), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
