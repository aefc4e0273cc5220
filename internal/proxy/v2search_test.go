package proxy

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/search"
)

// TestProxy_v2Search: SigV2 and OSS V1 refusals that a server does not
// explain (MinIO's minimal body) are explained by internal/search's V2
// search over the request as received: each client below signs with one
// known mistake, written out here with v2Sign.
func TestProxy_v2Search(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		minioRefusal(w, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
	}))
	defer up.Close()
	base, _, log := start(t, up.URL, nil)
	now := time.Now().UTC()
	date := now.Format(http.TimeFormat)
	expires := now.Add(time.Hour).Unix()
	// A presigned URL's signature with a '+' in it, sent unencoded.
	var plusExpires int64
	var plusSig string
	for e := expires; plusSig == ""; e++ {
		if s := v2Sign(testSecret, "GET\n\n\n"+strconv.FormatInt(e, 10)+"\n/bucket/k"); strings.Contains(s, "+") {
			plusExpires, plusSig = e, s
		}
	}
	for _, tc := range []struct {
		name, method, target string
		header               map[string]string
		auth, signed         string // the Authorization scheme word ("" for a presigned URL), what the client signed
		rawSig               bool   // the signature put in the URL as is
		cause, verdict       string
	}{
		{"content-type added by a hop", "PUT", "/bucket/k", map[string]string{"Content-Type": "text/plain;charset=UTF-8", "Date": date},
			"AWS", "PUT\n\n\n" + date + "\n/bucket/k", false, "content-type-changed", "request-changed-in-transit"},
		{"x-amz-meta added after signing", "PUT", "/bucket/k", map[string]string{"Date": date, "X-Amz-Meta-Trace": "abc", "X-Amz-Acl": "private"},
			"AWS", "PUT\n\n\n" + date + "\nx-amz-acl:private\n/bucket/k", false, "v2-canonical-headers", "client-signed-differently"},
		{"virtual-hosted client without its bucket", "GET", "/bucket/k", map[string]string{"Date": date},
			"AWS", "GET\n\n\n" + date + "\n/k", false, "v2-resource", "client-signed-differently"},
		{"oss x-oss-date rule missed", "GET", "/bucket/k", map[string]string{"Date": date, "X-Oss-Date": date},
			"OSS", "GET\n\n\n\nx-oss-date:" + date + "\n/bucket/k", false, "v2-date", "client-signed-differently"},
		{"presigned expiry computed twice", "GET", "/bucket/k?AWSAccessKeyId=" + testAccessKey + "&Expires=" + strconv.FormatInt(expires, 10) + "&Signature=",
			nil, "", "GET\n\n\n" + strconv.FormatInt(expires+1, 10) + "\n/bucket/k", false, "v2-date", "client-signed-differently"},
		{"presigned signature not url-encoded", "GET", "/bucket/k?AWSAccessKeyId=" + testAccessKey + "&Expires=" + strconv.FormatInt(plusExpires, 10) + "&Signature=",
			nil, "", "GET\n\n\n" + strconv.FormatInt(plusExpires, 10) + "\n/bucket/k", true, "v2-signature-not-url-encoded", "client-signed-differently"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sig := v2Sign(testSecret, tc.signed)
			target := tc.target
			if tc.auth == "" {
				if tc.rawSig {
					target += sig
				} else {
					target += strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(sig)
				}
			}
			req, err := http.NewRequest(tc.method, base+target, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth+" "+testAccessKey+":"+sig)
			}
			do(t, req, 403)
			es := log.wait(t, 1)
			log.mu.Lock()
			log.es = nil
			log.mu.Unlock()
			e := es[0]
			if e.FirstCause() != tc.cause || e.Causes[0].Confidence != "reproduced" || string(e.Verdict) != tc.verdict {
				t.Fatalf("%s %s %s: %s\n%v\n%+v", e.Scheme, e.Verdict, e.FirstCause(), e.Headline, e.Notes, e.Causes)
			}
			if !strings.HasPrefix(e.Headline, "what the client signed differs from what arrived: ") ||
				!strings.Contains(strings.Join(e.Notes, "\n"), "mistake search: reproduced after") {
				t.Errorf("headline %q, notes %v", e.Headline, e.Notes)
			}
		})
	}
}

// TestProxy_v2SearchMiss: a client with another secret: nothing
// reproduces, and the search says how much it tried; off, it says so.
func TestProxy_v2SearchMiss(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		minioRefusal(w, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
	}))
	defer up.Close()
	date := time.Now().UTC().Format(http.TimeFormat)
	for _, budget := range []search.Budget{search.Quick, search.Off} {
		t.Run(budget.String(), func(t *testing.T) {
			base, _, log := start(t, up.URL, func(c *Config) { c.Search = budget })
			req, _ := http.NewRequest("GET", base+"/bucket/k", nil)
			req.Header.Set("Date", date)
			req.Header.Set("Authorization", "AWS "+testAccessKey+":"+v2Sign("another secret", "GET\n\n\n"+date+"\n/bucket/k"))
			do(t, req, 403)
			e := log.wait(t, 1)[0]
			notes := strings.Join(e.Notes, "\n")
			want, confidence := "variants of the string to sign in", "likely"
			if budget == search.Off {
				want, confidence = "mistake search off: not run", "possible"
			}
			if e.FirstCause() != "secret-key-mismatch" || e.Causes[0].Confidence != confidence || !strings.Contains(notes, want) {
				t.Fatalf("%s %s: %s\n%s", e.FirstCause(), e.Causes[0].Confidence, e.Headline, notes)
			}
		})
	}
}
