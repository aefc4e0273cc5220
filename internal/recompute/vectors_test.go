package recompute

import (
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// The official vectors are read where they lie (../shared/vectors beside
// the checkout) and compared byte for byte: canonical request, string to
// sign, signature, and the Authorization header or presigned URL.

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func same(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s differs\n got: %q\nwant: %q", what, got, want)
	}
}

// suiteContext is aws-sig-v4-test-suite/v4/<case>/context.json.
type suiteContext struct {
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

func toggle(b bool) Toggle {
	if b {
		return On
	}
	return Off
}

func TestVectors_suiteV4(t *testing.T) {
	dir := testenv.Shared(t, "vectors", "aws-sig-v4-test-suite", "v4")
	cases, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 38 {
		t.Fatalf("found %d cases in %s, want 38", len(cases), dir)
	}
	for _, c := range cases {
		t.Run(c.Name(), func(t *testing.T) {
			d := filepath.Join(dir, c.Name())
			var ctx suiteContext
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(d, "context.json"))), &ctx); err != nil {
				t.Fatal(err)
			}
			ts, err := time.Parse(time.RFC3339, ctx.Timestamp)
			if err != nil {
				t.Fatal(err)
			}
			creds := credentials.Credentials{
				AccessKeyID:  ctx.Credentials.AccessKeyID,
				Secret:       credentials.NewSecret(ctx.Credentials.SecretAccessKey),
				SessionToken: credentials.NewSecret(ctx.Credentials.Token),
			}
			req, err := parseRawHTTP([]byte(readFile(t, filepath.Join(d, "request.txt"))))
			if err != nil {
				t.Fatal(err)
			}
			for _, form := range []string{"header", "query"} {
				t.Run(form, func(t *testing.T) {
					opts := Options{
						Region: ctx.Region, Service: ctx.Service, Time: ts,
						Normalize: toggle(ctx.Normalize), SignBody: toggle(ctx.SignBody),
						OmitSessionToken: ctx.OmitSessionToken,
						Presign:          form == "query", Expires: ctx.Expiration,
					}
					v, err := SigV4(req, creds, opts)
					if err != nil {
						t.Fatal(err)
					}
					same(t, "canonical request", v.CanonicalRequest, readFile(t, filepath.Join(d, form+"-canonical-request.txt")))
					same(t, "string to sign", v.StringToSign, readFile(t, filepath.Join(d, form+"-string-to-sign.txt")))
					same(t, "signature", v.Signature, readFile(t, filepath.Join(d, form+"-signature.txt")))
					checkSignedRequest(t, v, readFile(t, filepath.Join(d, form+"-signed-request.txt")), creds, opts)
					checkStartPoints(t, d, form, creds, opts)
				})
			}
		})
	}
}

// checkSignedRequest compares the signed request of a suite case with ours
// (the Authorization header, or the query parameters as a set: the suite
// writes them in another order), then verifies it the way `sigdiff verify`
// does: read its signing fields with ParseAuth and recompute from them.
func checkSignedRequest(t *testing.T, v *V4, signedText string, creds credentials.Credentials, opts Options) {
	t.Helper()
	signed, err := parseRawHTTP([]byte(signedText))
	if err != nil {
		t.Fatal(err)
	}
	if v.Form == FormHeader {
		authz, _ := signed.Get("Authorization")
		same(t, "authorization", v.Authorization, strings.TrimSpace(authz))
	} else {
		u, err := url.Parse(v.PresignedURL)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := sortedPairs(u.RawQuery), sortedPairs(signed.RawQuery); !slices.Equal(got, want) {
			t.Errorf("presigned url query\n got: %q\nwant: %q", got, want)
		}
	}
	p, err := ParseAuth(signed)
	if err != nil {
		t.Fatalf("ParseAuth: %v", err)
	}
	vo := p.Options()
	vo.Time = time.Time{} // the request's own time, as verify does
	vo.Normalize, vo.DoubleEncode, vo.SignBody, vo.OmitSessionToken = opts.Normalize, opts.DoubleEncode, opts.SignBody, opts.OmitSessionToken
	vo.PayloadHash = opts.PayloadHash
	vcreds := creds
	vcreds.SessionToken = credentials.Secret{} // the request carries it
	vcreds.AccessKeyID = p.AccessKeyID
	again, err := SigV4(signed, vcreds, vo)
	if err != nil {
		t.Fatalf("recompute from the signed request: %v", err)
	}
	same(t, "signature recomputed from the signed request", again.Signature, p.Signature)
	same(t, "canonical request recomputed from the signed request", again.CanonicalRequest, v.CanonicalRequest)
}

// checkStartPoints signs the suite's own canonical request and string to
// sign, as a run starting from the server's would.
func checkStartPoints(t *testing.T, d, form string, creds credentials.Credentials, opts Options) {
	t.Helper()
	want := readFile(t, filepath.Join(d, form+"-signature.txt"))
	cr, err := FromCanonicalRequest(readFile(t, filepath.Join(d, form+"-canonical-request.txt")), creds, opts)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "signature from the canonical request", cr.Signature, want)
	same(t, "string to sign from the canonical request", cr.StringToSign, readFile(t, filepath.Join(d, form+"-string-to-sign.txt")))
	sts, err := FromStringToSign(readFile(t, filepath.Join(d, form+"-string-to-sign.txt")), creds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "signature from the string to sign", sts.Signature, want)
	same(t, "scope read from the string to sign", sts.Scope, cr.Scope)
}

func sortedPairs(rawQuery string) []string {
	var ps []string
	for _, piece := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(piece, "=")
		ps = append(ps, decodeLenient(k, true)+"="+decodeLenient(v, true))
	}
	slices.Sort(ps)
	return ps
}

// classicToken is the session token of classic/get-vanilla-with-session-token:
// its .req lacks it, and the suite README gives it (it appears in the .creq).
const classicToken = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"

func TestVectors_suiteClassic(t *testing.T) {
	dir := testenv.Shared(t, "vectors", "aws-sig-v4-test-suite", "classic")
	var found int
	err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || filepath.Ext(path) != ".req" {
			return err
		}
		found++
		name := strings.TrimSuffix(filepath.Base(path), ".req")
		base := strings.TrimSuffix(path, ".req")
		t.Run(strings.TrimPrefix(filepath.ToSlash(filepath.Dir(strings.TrimPrefix(path, dir))), "/"), func(t *testing.T) {
			req, err := parseRawHTTP([]byte(readFile(t, path)))
			if err != nil {
				t.Fatal(err)
			}
			creds := credentials.Credentials{AccessKeyID: "AKIDEXAMPLE", Secret: credentials.NewSecret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")}
			if name == "get-vanilla-with-session-token" {
				creds.SessionToken = credentials.NewSecret(classicToken)
			}
			// The time is the request's own X-Amz-Date; the suite's service
			// "service" gets the generic rules (normalize, encode twice).
			opts := Options{Region: "us-east-1", Service: "service"}
			v, err := SigV4(req, creds, opts)
			if err != nil {
				t.Fatal(err)
			}
			same(t, "canonical request", v.CanonicalRequest, readFile(t, base+".creq"))
			same(t, "string to sign", v.StringToSign, readFile(t, base+".sts"))
			same(t, "authorization", v.Authorization, readFile(t, base+".authz"))
			sreq, err := parseRawHTTP([]byte(readFile(t, base+".sreq")))
			if err != nil {
				t.Fatal(err)
			}
			authz, _ := sreq.Get("Authorization")
			if name == "get-vanilla-with-session-token" {
				// Known upstream erratum (aws-sig-v4-test-suite/README.md):
				// this .sreq carries get-vanilla's signature, not its own.
				if !strings.HasSuffix(authz, "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31") {
					t.Errorf("erratum changed upstream: .sreq Authorization is %q", authz)
				}
				return
			}
			same(t, ".sreq authorization", v.Authorization, strings.TrimSpace(authz))
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 34 {
		t.Errorf("found %d classic cases, want 34", found)
	}
}

// docVector is the JSON format of s3-docs/ and aws-general/.
type docVector struct {
	Name        string `json:"name"`
	Scheme      string `json:"scheme"`
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
		SecurityToken   string `json:"security_token"`
	} `json:"credentials"`
	Signing struct {
		Region    string `json:"region"`
		Service   string `json:"service"`
		Timestamp string `json:"timestamp"`
		Expires   int64  `json:"expires_seconds"`
	} `json:"signing"`
	Request struct {
		Method   string      `json:"method"`
		Host     string      `json:"host"`
		Path     string      `json:"path"`
		Query    [][2]string `json:"query"`
		RawQuery string      `json:"raw_query"`
		Headers  [][2]string `json:"headers"`
		Body     struct {
			Text *string `json:"text"`
		} `json:"body"`
	} `json:"request"`
	Expected struct {
		CanonicalRequest string `json:"canonical_request"`
		StringToSign     string `json:"string_to_sign"`
		SigningKeyHex    string `json:"signing_key_hex"`
		Signature        string `json:"signature"`
		SeedSignature    string `json:"seed_signature"`
		Authorization    string `json:"authorization"`
		PresignedURL     string `json:"presigned_url"`
	} `json:"expected"`
}

func (dv *docVector) request() *request.Request {
	r := dv.Request
	req := &request.Request{Method: r.Method, Scheme: "https", Host: r.Host, RawPath: r.Path, RawQuery: r.RawQuery}
	if req.RawQuery == "" {
		var qs []string
		for _, kv := range r.Query {
			qs = append(qs, string(appendURIEncode(nil, kv[0], false))+"="+string(appendURIEncode(nil, kv[1], false)))
		}
		req.RawQuery = strings.Join(qs, "&")
	}
	for _, h := range r.Headers {
		req.Header = append(req.Header, request.Field{Name: h[0], Value: h[1]})
	}
	if r.Body.Text != nil {
		req.Body, req.HasBody = []byte(*r.Body.Text), true
	}
	return req
}

func TestVectors_docs(t *testing.T) {
	for _, set := range []string{"s3-docs", "aws-general"} {
		dir := testenv.Shared(t, "vectors", set)
		files, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		ran := 0
		for _, file := range files {
			var dv docVector
			if err := json.Unmarshal([]byte(readFile(t, file)), &dv); err != nil {
				t.Fatal(err)
			}
			switch dv.Scheme {
			case "aws-sigv4-header", "aws-sigv4-query", "aws-sigv4-chunked", "aws-sigv4-chunked-trailer":
			default:
				continue // POST policy, chunk and trailer signatures, key derivation: other tests
			}
			ran++
			t.Run(set+"/"+dv.Name, func(t *testing.T) { checkDocVector(t, &dv) })
		}
		if ran == 0 {
			t.Errorf("no sigv4 vectors in %s", dir)
		}
	}
}

func checkDocVector(t *testing.T, dv *docVector) {
	ts, err := ParseAmzDate(dv.Signing.Timestamp)
	if err != nil {
		t.Fatal(err)
	}
	creds := credentials.Credentials{
		AccessKeyID:  dv.Credentials.AccessKeyID,
		Secret:       credentials.NewSecret(dv.Credentials.SecretAccessKey),
		SessionToken: credentials.NewSecret(dv.Credentials.SecurityToken),
	}
	opts := Options{Region: dv.Signing.Region, Service: dv.Signing.Service, Time: ts,
		Presign: dv.Scheme == "aws-sigv4-query", Expires: dv.Signing.Expires}
	req := dv.request()
	v, err := SigV4(req, creds, opts)
	if err != nil {
		t.Fatal(err)
	}
	e := dv.Expected
	want := e.Signature
	if e.SeedSignature != "" {
		want = e.SeedSignature // aws-chunked: the Authorization signs the seed
	}
	same(t, "canonical request", v.CanonicalRequest, e.CanonicalRequest)
	same(t, "string to sign", v.StringToSign, e.StringToSign)
	same(t, "signing key", hex.EncodeToString(v.KSigning), e.SigningKeyHex)
	same(t, "signature", v.Signature, want)
	if v.Form == FormQuery {
		same(t, "presigned url", v.PresignedURL, e.PresignedURL)
		u, err := url.Parse(v.PresignedURL)
		if err != nil {
			t.Fatal(err)
		}
		req.RawQuery = u.RawQuery
	} else {
		same(t, "authorization", v.Authorization, e.Authorization)
		req.Header = append(slices.Clip(req.Header), request.Field{Name: "Authorization", Value: v.Authorization})
	}
	// verify round trip: the signed request's own fields reproduce it.
	p, err := ParseAuth(req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := SigV4(req, creds, p.Options())
	if err != nil {
		t.Fatal(err)
	}
	same(t, "signature recomputed from the signed request", again.Signature, want)
}

func TestVectors_signingKeyDerivation(t *testing.T) {
	dir := testenv.Shared(t, "vectors", "aws-general")
	var v struct {
		Input struct {
			Secret, Date, Region, Service, Terminator string
		} `json:"input"`
		Expected map[string]string `json:"expected"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "signing-key-derivation.json"))), &v); err != nil {
		t.Fatal(err)
	}
	var raw map[string]map[string]string
	json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "signing-key-derivation.json"))), &raw)
	in := raw["input"]
	if in["terminator"] != AWS4.Terminator {
		t.Fatalf("terminator %q", in["terminator"])
	}
	k := DeriveKeys(AWS4, credentials.NewSecret(in["secret_access_key"]), in["date"], in["region"], in["service"])
	same(t, "kDate", hex.EncodeToString(k.Date[:]), v.Expected["kDate_hex"])
	same(t, "kRegion", hex.EncodeToString(k.Region[:]), v.Expected["kRegion_hex"])
	same(t, "kService", hex.EncodeToString(k.Service[:]), v.Expected["kService_hex"])
	same(t, "kSigning", hex.EncodeToString(k.Signing[:]), v.Expected["kSigning_hex"])
}
