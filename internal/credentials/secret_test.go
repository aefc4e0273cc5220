package credentials

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestCredentials_neverPrintSecret formats Credentials every way a log line
// or a JSON report might, and looks for the secret and the token, also in
// hex.
func TestCredentials_neverPrintSecret(t *testing.T) {
	c := Credentials{AccessKeyID: akid, Secret: NewSecret(secret), SessionToken: NewSecret(token), Source: "env AWS_*"}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%c", "%U", "%o", "%t", "%e", "%10.3v", "%-20s"} {
		outs = append(outs,
			fmt.Sprintf(verb, c), fmt.Sprintf(verb, &c), fmt.Sprintf(verb, []Credentials{c}),
			fmt.Sprintf(verb, map[string]Credentials{"k": c}), fmt.Sprintf(verb, c.Secret), fmt.Sprintf(verb, struct{ C Credentials }{c}))
	}
	for _, v := range []any{c, &c, []Credentials{c}, struct{ Creds Credentials }{c}} {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		x, err := xml.Marshal(v)
		if err != nil && !strings.Contains(err.Error(), "unsupported type") {
			t.Fatal(err)
		}
		outs = append(outs, string(j), string(x))
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("creds", "c", c)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("creds", "c", c)
	outs = append(outs, logged.String(), fmt.Errorf("wrapped: %v", c).Error())

	for _, out := range outs {
		for _, s := range []string{secret, token, hex.EncodeToString([]byte(secret)), strings.ToUpper(hex.EncodeToString([]byte(secret))), "wJalr"} {
			if strings.Contains(out, s) {
				t.Errorf("output holds the secret: %s", out)
			}
		}
	}
	if j, _ := json.Marshal(c); !strings.Contains(string(j), `"AccessKeyID":"`+akid+`"`) || !strings.Contains(string(j), `"Secret":"[redacted]"`) {
		t.Errorf("JSON should keep the key id and mask the secret: %s", j)
	}
	if c.Secret.Reveal() != secret {
		t.Error("Reveal must give the secret back")
	}
}

func TestSecret_empty(t *testing.T) {
	if !(Secret{}).Empty() || NewSecret("x").Empty() {
		t.Error("Empty is wrong")
	}
	if fmt.Sprint(Secret{}) != mask {
		t.Error("an empty secret prints as the mask too, so output does not tell whether one is set")
	}
}

// TestErrors_oneLine: every error type reads as one line.
func TestErrors_oneLine(t *testing.T) {
	for _, err := range []error{
		&ProfileError{Profile: "dev", Path: "~/.aws/config", Line: 3, Msg: "has no aws_access_key_id and aws_secret_access_key"},
		&ProfileError{Profile: "dev", Msg: "not found in ~/.aws/credentials", Err: ErrProfileNotFound},
		&FileError{Path: "~/k", Line: 1, Msg: "is empty"},
	} {
		if strings.ContainsAny(err.Error(), "\r\n") {
			t.Errorf("%q is not one line", err)
		}
	}
	if !errors.Is(&ProfileError{Err: ErrProfileNotFound}, ErrProfileNotFound) {
		t.Error("ProfileError must unwrap to its cause")
	}
}
