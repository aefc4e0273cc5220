package search

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
)

// TestRunV2_goog1 plants mistakes in GCS's GOOG1 string to sign (recompute's
// testdata/goog1 put-virtual-host case): the client signed without the
// x-goog-meta-owner header a proxy then added, or signed its value
// untrimmed. The search, reading x-goog-* lines as the headers, finds each
// from the server's string to sign.
func TestRunV2_goog1(t *testing.T) {
	const server = "PUT\n1B2M2Y8AsgTpgAmY7PhCfg==\nimage/jpeg\nSat, 28 Nov 2026 11:43:15 GMT\nx-goog-acl:public-read\nx-goog-meta-owner:alice\n/example-bucket/photos/tabby.jpeg"
	secret := "bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ"
	for _, c := range []struct{ name, client, op string }{
		{"header-added-in-transit", strings.Replace(server, "x-goog-meta-owner:alice\n", "", 1), "x-goog-meta-owner"},
		{"value-untrimmed", strings.Replace(server, "owner:alice", "owner: alice", 1), "x-goog-meta-owner"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := hmac.New(sha1.New, []byte(secret))
			m.Write([]byte(c.client))
			in := V2Input{Scheme: "gcs-v2-hmac-header", StringToSign: server, Signature: base64.StdEncoding.EncodeToString(m.Sum(nil)),
				Credentials: credentials.Credentials{AccessKeyID: "GOOGTS7C7FUP3AIRVJTE", Secret: credentials.NewSecret(secret)}}
			res, err := RunV2(context.Background(), in, Options{Budget: Quick})
			if err != nil {
				t.Fatal(err)
			}
			if res.Hit == nil || res.Hit.StringToSign != c.client || res.Algorithm != "GOOG1" {
				t.Fatalf("hit %+v, algorithm %q", res.Hit, res.Algorithm)
			}
			if len(res.Hit.Ops) != 1 || !strings.Contains(res.Hit.Ops[0].Arg, c.op) {
				t.Errorf("ops %+v", res.Hit.Ops)
			}
		})
	}
}
