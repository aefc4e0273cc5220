package fineuploader

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/policy"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// The AWS documentation's example key: every mistake below is planted
// with it, by code written here independently of the search.
const exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

var exampleCreds = credentials.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", Secret: credentials.NewSecret(exampleSecret)}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "testdata", "fineuploader", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseFixture(t testing.TB, name string) *Payload {
	t.Helper()
	p, err := Parse(fixture(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mac256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func mac1(key []byte, msg string) []byte {
	m := hmac.New(sha1.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// v4Key derives kSigning the way the SigV4 spec writes it.
func v4Key(prefix, date, region string) []byte {
	k := mac256([]byte(prefix+exampleSecret), date)
	k = mac256(k, region)
	k = mac256(k, "s3")
	return mac256(k, "aws4_request")
}

func hexMAC(key []byte, msg string) string { return hex.EncodeToString(mac256(key, msg)) }

const (
	fuDate   = "20180725"
	fuRegion = "cn-north-1"
	fuStamp  = "20180725T101212Z"
)

var fuKey = v4Key("AWS4", fuDate, fuRegion)

// headersParts splits a SigV4 headers payload independently of Parse.
func headersParts(h string) (prefix, cr string) {
	n := 0
	for i := range h {
		if h[i] == '\n' {
			n++
			if n == 3 {
				return h[:i+1], h[i+1:]
			}
		}
	}
	panic("not a v4 headers payload")
}

type planted struct {
	name      string
	payload   *Payload
	signature string
	variant   string
	causes    []string
	offset    int
	signed    string // the string to sign the plant HMACed
}

func headersPayload(t *testing.T, headers string) *Payload {
	t.Helper()
	p := &Payload{Kind: KindHeaders, Headers: headers}
	if err := p.splitHeaders(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFindMistake_headersV4 plants each classic mistake of a SigV4
// signing server in the answer for the real Fine Uploader payload (and
// variants of it) and checks that the search names exactly that mistake,
// with the bytes it signed.
func TestFindMistake_headersV4(t *testing.T) {
	real := parseFixture(t, "multipart-init.json")
	h := real.Headers
	prefix, cr := headersParts(h)
	sts := prefix + sha(cr)
	lines := strings.Split(strings.TrimSuffix(prefix, "\n"), "\n")
	join := func(sep string) string { return strings.Join(append(slices.Clone(lines), sha(cr)), sep) }
	digest := sha256.Sum256([]byte(cr))

	usEast := strings.ReplaceAll(h, "cn-north-1", "us-east-1")
	usPrefix, _ := headersParts(usEast)
	usKey := v4Key("AWS4", fuDate, "us-east-1")
	trailingNL := h + "\n"
	spacey := strings.Replace(h, "x-amz-acl:private\n", "x-amz-acl:private \n", 1)
	spaceyPrefix, spaceyCR := headersParts(spacey)

	hs := []planted{
		{"cut one byte early (the demo's 69)", real, hexMAC(fuKey, prefix+sha(h[69:])), VariantCut, []string{CauseHashedWrongBytes}, 69, prefix + sha(h[69:])},
		{"cut one byte late", real, hexMAC(fuKey, prefix+sha(h[71:])), VariantCut, []string{CauseHashedWrongBytes}, 71, prefix + sha(h[71:])},
		{"hard-coded 70 with a 9-character region", headersPayload(t, usEast), hexMAC(usKey, usPrefix+sha(usEast[70:])), VariantCut, []string{CauseHashedWrongBytes}, 70, usPrefix + sha(usEast[70:])},
		{"whole payload hashed", real, hexMAC(fuKey, prefix+sha(h)), VariantCut, []string{CauseHashedWrongBytes}, 0, prefix + sha(h)},
		{"cut at 120", real, hexMAC(fuKey, prefix+sha(h[120:])), VariantCut, []string{CauseHashedWrongBytes}, 120, prefix + sha(h[120:])},
		{"stripped", headersPayload(t, trailingNL), hexMAC(fuKey, prefix+sha(strings.TrimSpace(cr))), VariantStripped, []string{CauseHashedWrongBytes}, -1, prefix + sha(strings.TrimSpace(cr))},
		{"lines stripped", headersPayload(t, spacey), hexMAC(fuKey, spaceyPrefix+sha(strings.Replace(spaceyCR, "private \n", "private\n", 1))), VariantLinesStripped, []string{CauseHashedWrongBytes}, -1, ""},
		{"blank lines dropped", real, hexMAC(fuKey, prefix+sha(strings.Replace(cr, "\n\n", "\n", 1))), VariantBlankLinesDropped, []string{CauseHashedWrongBytes}, -1, ""},
		{"not hashed", real, hexMAC(fuKey, h), VariantNotHashed, []string{CauseNotHashed}, -1, h},
		{"canonical request signed", real, hexMAC(fuKey, cr), VariantCRSigned, []string{CauseNotHashed}, -1, cr},
		{"hash of hash", real, hexMAC(fuKey, prefix+sha(sha(cr))), VariantHashOfHash, []string{CauseHashedWrongBytes}, -1, ""},
		{"hash of digest", real, hexMAC(fuKey, prefix+sha(string(digest[:]))), VariantHashOfDigest, []string{CauseHashedWrongBytes}, -1, ""},
		{"hash only", real, hexMAC(fuKey, sha(cr)), VariantHashOnly, []string{CauseFraming}, -1, sha(cr)},
		{"joined with n", real, hexMAC(fuKey, join("n")), VariantJoinedWithN, []string{CauseFraming}, -1, join("n")},
		{`joined with \n`, real, hexMAC(fuKey, join(`\n`)), VariantJoinedWithBackslN, []string{CauseFraming}, -1, join(`\n`)},
		{"crlf", real, hexMAC(fuKey, join("\r\n")), VariantCRLF, []string{CauseFraming}, -1, join("\r\n")},
		{"trailing newline", real, hexMAC(fuKey, sts+"\n"), VariantTrailingNewline, []string{CauseFraming}, -1, sts + "\n"},
		{"canonical request crlf", real, hexMAC(fuKey, prefix+sha(strings.ReplaceAll(cr, "\n", "\r\n"))), VariantCRJoinedCRLF, []string{CauseFraming}, -1, ""},
		{"canonical request joined with n", real, hexMAC(fuKey, prefix+sha(strings.ReplaceAll(cr, "\n", "n"))), VariantCRJoinedWithN, []string{CauseFraming}, -1, ""},
		{"region fixed to us-east-1", real, hexMAC(usKey, sts), VariantWrongRegion, []string{CauseKeyDerivation}, -1, sts},
		{"region fixed to us-west-2 (last in the table)", real, hexMAC(v4Key("AWS4", fuDate, "us-west-2"), sts), VariantWrongRegion, []string{CauseKeyDerivation}, -1, sts},
		{"day before", real, hexMAC(v4Key("AWS4", "20180724", fuRegion), sts), VariantWrongDate, []string{CauseKeyDerivation}, -1, sts},
		{"day after", real, hexMAC(v4Key("AWS4", "20180726", fuRegion), sts), VariantWrongDate, []string{CauseKeyDerivation}, -1, sts},
		{"timestamp as date", real, hexMAC(v4Key("AWS4", fuStamp, fuRegion), sts), VariantTimestampAsDate, []string{CauseKeyDerivation}, -1, sts},
		{"no AWS4 prefix", real, hexMAC(v4Key("", fuDate, fuRegion), sts), VariantNoAWS4Prefix, []string{CauseKeyDerivation}, -1, sts},
		{"secret as key", real, hexMAC([]byte(exampleSecret), sts), VariantSecretAsKey, []string{CauseKeyDerivation}, -1, sts},
		{"base64 instead of hex", real, base64.StdEncoding.EncodeToString(mac256(fuKey, sts)), VariantEncoding, []string{CauseEncoding}, -1, sts},
		{"upper-case hex", real, strings.ToUpper(hexMAC(fuKey, sts)), VariantEncoding, []string{CauseEncoding}, -1, sts},
		{"cut early and base64", real, base64.StdEncoding.EncodeToString(mac256(fuKey, prefix+sha(h[69:]))), VariantCut, []string{CauseHashedWrongBytes, CauseEncoding}, 69, prefix + sha(h[69:])},
		{"v2 signer for a v4 request", real, base64.StdEncoding.EncodeToString(mac1([]byte(exampleSecret), h)), VariantV2Signer, []string{CauseNotHashed, CauseKeyDerivation, CauseEncoding}, -1, h},
	}
	for _, c := range hs {
		t.Run(c.name, func(t *testing.T) { checkPlanted(t, c) })
	}
}

func checkPlanted(t *testing.T, c planted) {
	t.Helper()
	m, tried, err := FindMistake(c.payload, exampleCreds, c.signature)
	if err != nil {
		t.Fatalf("err %v after %d candidates", err, tried)
	}
	if m.Variant != c.variant || !slices.Equal(m.Causes, c.causes) || m.Cause != c.causes[0] || m.Offset != c.offset {
		t.Errorf("found %s %v offset %d, want %s %v offset %d", m.Variant, m.Causes, m.Offset, c.variant, c.causes, c.offset)
	}
	if c.signed != "" && m.StringToSign != c.signed {
		t.Errorf("signed bytes\n got %q\nwant %q", m.StringToSign, c.signed)
	}
	if m.CorrectStringToSign != c.payload.StringToSign() || m.Summary == "" || strings.Contains(m.Summary, "\n") || m.Signature != c.signature {
		t.Errorf("mistake %+v", m)
	}
	if tried < 1 {
		t.Errorf("tried %d", tried)
	}
}

func TestFindMistake_cutReportsTheBytes(t *testing.T) {
	p := parseFixture(t, "multipart-init.json")
	prefix, _ := headersParts(p.Headers)
	m, _, err := FindMistake(p, exampleCreds, hexMAC(fuKey, prefix+sha(p.Headers[69:])))
	if err != nil {
		t.Fatal(err)
	}
	if m.Hashed != "\n"+p.CanonicalRequest || !strings.Contains(m.Summary, `1 byte(s) too early (it starts at byte 70), so it hashed "\n" in front of it; a hard-coded offset of 69 fits a 9-character region, and cn-north-1 has 10`) {
		t.Errorf("hashed %q summary %q", m.Hashed, m.Summary)
	}
}

func TestFindMistake_outcomes(t *testing.T) {
	p := parseFixture(t, "multipart-init.json")
	prefix, cr := headersParts(p.Headers)
	correct := hexMAC(fuKey, prefix+sha(cr))
	if _, n, err := FindMistake(p, exampleCreds, correct); !errors.Is(err, ErrSignatureCorrect) || n != 1 {
		t.Errorf("correct signature: err %v after %d", err, n)
	}
	_, n, err := FindMistake(p, exampleCreds, strings.Repeat("ab", 32))
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown signature: err %v", err)
	}
	// A miss computes every distinct SHA-256 candidate once: the correct
	// one, not-hashed and canonical-request-signed, blank-lines-dropped
	// (stripping changes nothing here, so those two repeat the correct
	// string and are skipped), 2 hash-of-hash, 5 + 2 framing, 120 cuts
	// (0…120 without 70), 2 dates, the timestamp, no prefix, the bare
	// secret, and the 47 other regions. The SigV2 signer is not computed:
	// a 32-byte answer cannot be an HMAC-SHA1.
	if want := 1 + 2 + 1 + 2 + 7 + 120 + 2 + 1 + 1 + 1 + (len(Regions) - 1); n != want {
		t.Errorf("a miss tried %d candidates, want %d", n, want)
	}
	for _, bad := range []string{"", "xyz", strings.Repeat("a", 63), base64.StdEncoding.EncodeToString(make([]byte, 16))} {
		var se *SignatureError
		if _, _, err := FindMistake(p, exampleCreds, bad); !errors.As(err, &se) || strings.Contains(err.Error(), exampleSecret) {
			t.Errorf("signature %q: err %v", bad, err)
		}
	}
	if _, _, err := FindMistake(p, credentials.Credentials{AccessKeyID: "A"}, correct); !errors.Is(err, ErrNoSecret) {
		t.Errorf("no secret: err %v", err)
	}
	// An answer in quotes, as copied from the server's JSON, is read.
	if _, _, err := FindMistake(p, exampleCreds, ` "`+correct+`" `); !errors.Is(err, ErrSignatureCorrect) {
		t.Errorf("quoted: err %v", err)
	}
}

func TestFindMistake_headersV2(t *testing.T) {
	p := parseFixture(t, "multipart-init-v2.json")
	h := p.Headers
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString(mac1([]byte(exampleSecret), s)) }
	if _, _, err := FindMistake(p, exampleCreds, b64(h)); !errors.Is(err, ErrSignatureCorrect) {
		t.Errorf("correct: err %v", err)
	}
	trailing := &Payload{Kind: KindHeaders, Headers: h + "\n"}
	if err := trailing.splitHeaders(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []planted{
		{"crlf", p, b64(strings.ReplaceAll(h, "\n", "\r\n")), VariantV2CRLF, []string{CauseFraming}, -1, strings.ReplaceAll(h, "\n", "\r\n")},
		{"joined with n", p, b64(strings.ReplaceAll(h, "\n", "n")), VariantV2JoinedWithN, []string{CauseFraming}, -1, ""},
		{"trailing newline", p, b64(h + "\n"), VariantV2TrailingNewline, []string{CauseFraming}, -1, h + "\n"},
		{"stripped", trailing, b64(h), VariantV2Stripped, []string{CauseFraming}, -1, h},
		{"hex instead of base64", p, hex.EncodeToString(mac1([]byte(exampleSecret), h)), VariantEncoding, []string{CauseEncoding}, -1, h},
		{"crlf and hex", p, hex.EncodeToString(mac1([]byte(exampleSecret), strings.ReplaceAll(h, "\n", "\r\n"))), VariantV2CRLF, []string{CauseFraming, CauseEncoding}, -1, ""},
	} {
		t.Run(c.name, func(t *testing.T) { checkPlanted(t, c) })
	}
}

func TestFindMistake_policyV4(t *testing.T) {
	p := parseFixture(t, "simple-upload-policy.json")
	body := string(p.Body)
	b64 := base64.StdEncoding.EncodeToString(p.Body)
	if p.Version != 4 {
		t.Fatalf("version %d", p.Version)
	}
	if _, _, err := FindMistake(p, exampleCreds, hexMAC(fuKey, b64)); !errors.Is(err, ErrSignatureCorrect) {
		t.Errorf("correct: err %v", err)
	}
	// Python's json.dumps, written here by hand for this document: ", "
	// and ": " separators, keys in order.
	py := strings.NewReplacer(`","`, `", "`, `":"`, `": "`, `},{`, `}, {`, `],[`, `], [`, `},[`, `}, [`, `":[`, `": [`, `":{`, `": {`).Replace(body)
	pyB64 := base64.StdEncoding.EncodeToString([]byte(py))
	answered := *p
	answered.AnsweredPolicy = pyB64
	wrapped := ""
	for i := 0; i < len(b64); i += 76 {
		wrapped += b64[i:min(i+76, len(b64))] + "\n"
	}
	// A document whose base64 holds + and /, for the url-safe alphabet.
	odd, err := Parse([]byte(strings.Replace(body, "39f0808e-3d0b-48d4-a3db-f171a3cb2943.mp4", "uploads/???>>>~~~.mp4", 1)))
	if err != nil {
		t.Fatal(err)
	}
	oddB64 := base64.StdEncoding.EncodeToString(odd.Body)
	if !strings.ContainsAny(oddB64, "+/") {
		t.Fatal("the odd document's base64 has neither + nor /")
	}
	for _, c := range []planted{
		{"json signed", p, hexMAC(fuKey, body), VariantPolicyJSON, []string{CausePolicyBytes}, -1, body},
		{"re-serialized by python json.dumps", p, hexMAC(fuKey, pyB64), VariantPolicyReserialize, []string{CausePolicyBytes}, -1, pyB64},
		{"answered another policy than it signed", &answered, hexMAC(fuKey, b64), VariantPolicyAnswer, []string{CausePolicyBytes}, -1, b64},
		{"base64 wrapped at 76", p, hexMAC(fuKey, wrapped), VariantPolicyWrapped, []string{CausePolicyBytes}, -1, wrapped},
		{"url-safe base64", odd, hexMAC(fuKey, base64.URLEncoding.EncodeToString(odd.Body)), VariantPolicyURLSafe, []string{CausePolicyBytes}, -1, ""},
		{"region fixed to us-east-1", p, hexMAC(v4Key("AWS4", fuDate, "us-east-1"), b64), VariantWrongRegion, []string{CauseKeyDerivation}, -1, b64},
		{"timestamp as date", p, hexMAC(v4Key("AWS4", fuStamp, fuRegion), b64), VariantTimestampAsDate, []string{CauseKeyDerivation}, -1, b64},
		{"no AWS4 prefix", p, hexMAC(v4Key("", fuDate, fuRegion), b64), VariantNoAWS4Prefix, []string{CauseKeyDerivation}, -1, b64},
		{"base64 signature", p, base64.StdEncoding.EncodeToString(mac256(fuKey, b64)), VariantEncoding, []string{CauseEncoding}, -1, b64},
		{"v2 signer", p, base64.StdEncoding.EncodeToString(mac1([]byte(exampleSecret), b64)), VariantV2Signer, []string{CauseKeyDerivation, CauseEncoding}, -1, b64},
	} {
		t.Run(c.name, func(t *testing.T) { checkPlanted(t, c) })
	}
	m, _, err := FindMistake(p, exampleCreds, hexMAC(fuKey, pyB64))
	if err == nil && m.Style != "python-json-dumps" {
		t.Errorf("style %q", m.Style)
	}
}

func TestFindMistake_policyV2(t *testing.T) {
	p := parseFixture(t, "simple-upload-policy-v2.json")
	if p.Version != 2 {
		t.Fatalf("version %d", p.Version)
	}
	b64 := base64.StdEncoding.EncodeToString(p.Body)
	sig := func(s string) string { return base64.StdEncoding.EncodeToString(mac1([]byte(exampleSecret), s)) }
	if _, _, err := FindMistake(p, exampleCreds, sig(b64)); !errors.Is(err, ErrSignatureCorrect) {
		t.Errorf("correct: err %v", err)
	}
	sorted := base64.StdEncoding.EncodeToString(policy.Encode(p.Policy.Doc.Root, policy.Style{ItemSep: ", ", KeySep: ": ", ASCII: true, SortKeys: true}))
	for _, c := range []planted{
		{"json signed", p, sig(string(p.Body)), VariantPolicyJSON, []string{CausePolicyBytes}, -1, string(p.Body)},
		{"sorted keys", p, sig(sorted), VariantPolicyReserialize, []string{CausePolicyBytes}, -1, sorted},
		{"hex", p, hex.EncodeToString(mac1([]byte(exampleSecret), b64)), VariantEncoding, []string{CauseEncoding}, -1, b64},
	} {
		t.Run(c.name, func(t *testing.T) { checkPlanted(t, c) })
	}
}

// BenchmarkFindMistake measures the whole search for an answer no mistake
// reproduces (every candidate computed), and reports candidates per
// second.
func BenchmarkFindMistake(b *testing.B) {
	p := parseFixture(b, "multipart-init.json")
	miss := strings.Repeat("ab", 32)
	var tried int
	b.ReportAllocs()
	for b.Loop() {
		_, n, err := FindMistake(p, exampleCreds, miss)
		if !errors.Is(err, ErrNotFound) {
			b.Fatal(err)
		}
		tried += n
	}
	b.ReportMetric(float64(tried)/b.Elapsed().Seconds(), "candidates/s")
	b.ReportMetric(float64(tried)/float64(b.N), "candidates/op")
}

// FuzzFindMistake searches arbitrary payloads for arbitrary answers:
// nothing panics, errors are one line, and a hit's signed bytes reproduce
// the answer's MAC length.
func FuzzFindMistake(f *testing.F) {
	for _, name := range []string{"multipart-init.json", "multipart-init-v2.json", "simple-upload-policy.json", "simple-upload-policy-v2.json"} {
		f.Add(fixture(f, name), string(fixture(f, "multipart-init.offset-69.signature")))
	}
	f.Add([]byte(`{"headers":"AWS4-HMAC-SHA256\nx\n1/r/s/t\n"}`), "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	f.Fuzz(func(t *testing.T, data []byte, sig string) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		m, _, err := FindMistake(p, exampleCreds, sig)
		if err != nil {
			if strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), exampleSecret) {
				t.Fatalf("bad error %q", err)
			}
			return
		}
		if m.Variant == "" || m.Cause == "" || m.Summary == "" {
			t.Fatalf("mistake %+v", m)
		}
	})
}
