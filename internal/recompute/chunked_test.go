package recompute

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// chunkVector holds the chunk and trailer fields of the s3-docs chunked
// vectors and of sdk-aws-c-auth-trailer-signature.json.
type chunkVector struct {
	Credentials struct {
		SecretAccessKey string `json:"secret_access_key"`
	} `json:"credentials"`
	Signing struct {
		Region, Service, Timestamp, Date string
		Scope                            string `json:"credential_scope"`
	} `json:"signing"`
	Input struct {
		PreviousSignature string      `json:"previous_signature"`
		TrailingHeaders   [][2]string `json:"trailing_headers"`
	} `json:"input"`
	Expected struct {
		SigningKeyHex string `json:"signing_key_hex"`
		SeedSignature string `json:"seed_signature"`
		Chunks        []struct {
			DataSize     int    `json:"data_size"`
			DataSHA256   string `json:"data_sha256"`
			StringToSign string `json:"string_to_sign"`
			Signature    string `json:"signature"`
		} `json:"chunks"`
		Trailer *trailerVector `json:"trailer"`
		trailerVector
	} `json:"expected"`
}

type trailerVector struct {
	Headers             [][2]string `json:"headers"`
	CanonicalTrailer    string      `json:"canonical_trailer"`
	CanonicalTrailerSHA string      `json:"canonical_trailer_sha256"`
	StringToSign        string      `json:"string_to_sign"`
	Signature           string      `json:"signature"`
}

func loadChunkVector(t *testing.T, name string) *chunkVector {
	t.Helper()
	path := filepath.Join(testenv.Shared(t, "vectors", "s3-docs"), name+".json")
	var v chunkVector
	if err := json.Unmarshal([]byte(readFile(t, path)), &v); err != nil {
		t.Fatal(err)
	}
	return &v
}

func (cv *chunkVector) keys() Keys {
	s := cv.Signing
	return DeriveKeys(AWS4, credentials.NewSecret(cv.Credentials.SecretAccessKey), s.Date, s.Region, s.Service)
}

func fields(pairs [][2]string) []request.Field {
	var fs []request.Field
	for _, p := range pairs {
		fs = append(fs, request.Field{Name: p[0], Value: p[1]})
	}
	return fs
}

// Each chunk's string to sign and signature of the two S3 examples, byte
// for byte, and the trailer of the second; the data is the examples'
// letter 'a' repeated.
func TestChunkSigner_vectors(t *testing.T) {
	for _, name := range []string{"chunked-upload-put-object", "chunked-upload-put-object-trailer"} {
		t.Run(name, func(t *testing.T) {
			cv := loadChunkVector(t, name)
			k := cv.keys()
			same(t, "signing key", hex.EncodeToString(k.Signing[:]), cv.Expected.SigningKeyHex)
			s, err := NewChunkSigner(k.Signing[:], cv.Signing.Timestamp, cv.Signing.Scope, cv.Expected.SeedSignature)
			if err != nil {
				t.Fatal(err)
			}
			if len(cv.Expected.Chunks) != 3 {
				t.Fatalf("%d chunks in the vector, want 3", len(cv.Expected.Chunks))
			}
			prev := cv.Expected.SeedSignature
			for i, c := range cv.Expected.Chunks {
				same(t, "previous signature", s.Previous(), prev)
				sum := sha256.Sum256([]byte(strings.Repeat("a", c.DataSize)))
				same(t, "data hash", hex.EncodeToString(sum[:]), c.DataSHA256)
				sig := s.SignChunk(&sum)
				same(t, "chunk string to sign", s.StringToSign(), c.StringToSign)
				same(t, "chunk signature", string(sig[:]), c.Signature)
				same(t, "ChunkStringToSign", ChunkStringToSign(cv.Signing.Timestamp, cv.Signing.Scope, prev, c.DataSHA256), c.StringToSign)
				if i == 0 && !strings.Contains(c.StringToSign, "\n"+cv.Expected.SeedSignature+"\n") {
					t.Error("the first chunk does not chain from the seed")
				}
				prev = c.Signature
			}
			tr := cv.Expected.Trailer
			if tr == nil {
				return
			}
			fs := fields(tr.Headers)
			canonical := CanonicalTrailer(fs)
			same(t, "canonical trailer", canonical, tr.CanonicalTrailer)
			same(t, "canonical trailer hash", HashHex(canonical), tr.CanonicalTrailerSHA)
			sig := s.SignTrailer(canonical)
			same(t, "trailer string to sign", s.StringToSign(), tr.StringToSign)
			same(t, "trailer signature", string(sig[:]), tr.Signature)
			same(t, "TrailerStringToSign", TrailerStringToSign(cv.Signing.Timestamp, cv.Signing.Scope, prev, tr.CanonicalTrailerSHA), tr.StringToSign)
		})
	}
}

// aws-c-auth's trailer-signing test: three trailing headers chained from
// the first S3 example's final chunk signature.
func TestChunkSigner_trailerAWSCAuth(t *testing.T) {
	cv := loadChunkVector(t, "sdk-aws-c-auth-trailer-signature")
	k := cv.keys()
	s, err := NewChunkSigner(k.Signing[:], cv.Signing.Timestamp, cv.Signing.Scope, cv.Input.PreviousSignature)
	if err != nil {
		t.Fatal(err)
	}
	e := cv.Expected.trailerVector
	// Sent in another order and case: the canonical form sorts and lower-cases.
	fs := fields(cv.Input.TrailingHeaders)
	fs[0], fs[2] = fs[2], fs[0]
	fs[1].Name = strings.ToUpper(fs[1].Name)
	fs = append(fs, request.Field{Name: "X-Amz-Trailer-Signature", Value: strings.Repeat("0", 64)})
	canonical := CanonicalTrailer(fs)
	same(t, "canonical trailer", canonical, e.CanonicalTrailer)
	same(t, "canonical trailer hash", HashHex(canonical), e.CanonicalTrailerSHA)
	sig := s.SignTrailer(canonical)
	same(t, "trailer string to sign", s.StringToSign(), e.StringToSign)
	same(t, "trailer signature", string(sig[:]), e.Signature)
}

func TestNewChunkSigner_rejects(t *testing.T) {
	key := make([]byte, 32)
	seed := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		name              string
		key               []byte
		date, scope, seed string
	}{
		{"short key", key[:16], "20130524T000000Z", "s", seed},
		{"no key", nil, "20130524T000000Z", "s", seed},
		{"date", key, "20130524", "s", seed},
		{"seed upper case", key, "20130524T000000Z", "s", strings.ToUpper(seed)},
		{"seed short", key, "20130524T000000Z", "s", seed[:63]},
		{"seed not hex", key, "20130524T000000Z", "s", seed[:63] + "g"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewChunkSigner(tc.key, tc.date, tc.scope, tc.seed); err == nil {
				t.Error("accepted")
			} else if strings.Contains(err.Error(), "\n") || err.Error() != strings.ToLower(err.Error()[:1])+err.Error()[1:] {
				t.Errorf("message %q is not one lower-case line", err)
			}
		})
	}
}

func TestV4ChunkSigner_needsTheSecret(t *testing.T) {
	req := &request.Request{Method: "PUT", Host: "s3.amazonaws.com", RawPath: "/b/k",
		Header: []request.Field{{Name: "x-amz-date", Value: "20130524T000000Z"}, {Name: "x-amz-content-sha256", Value: StreamingPayload}}}
	opts := Options{Region: "us-east-1", Service: "s3"}
	v, err := SigV4(req, credentials.Credentials{AccessKeyID: "AKID"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.ChunkSigner(""); !errors.Is(err, ErrNoSigningKey) {
		t.Errorf("no secret: err = %v, want ErrNoSigningKey", err)
	}
	v, err = SigV4(req, credentials.Credentials{AccessKeyID: "AKID", Secret: credentials.NewSecret("s")}, opts)
	if err != nil {
		t.Fatal(err)
	}
	s, err := v.ChunkSigner("")
	if err != nil {
		t.Fatal(err)
	}
	if s.Seed != v.Signature || s.Previous() != v.Signature || s.AmzDate != v.AmzDate || s.Scope != v.Scope {
		t.Errorf("signer %+v does not start from the run", s)
	}
	if s.StringToSign() != "" {
		t.Error("a string to sign before any chunk")
	}
	// A signer never shows its key, however it is printed.
	k := hex.EncodeToString(v.KSigning)
	for _, text := range []string{sprintAll(s)} {
		if strings.Contains(text, k) || strings.Contains(text, string(v.KSigning)) {
			t.Error("the signing key shows in a printed signer")
		}
	}
}

func TestIsStreaming(t *testing.T) {
	for in, want := range map[string][2]bool{
		StreamingPayload:                           {true, true},
		StreamingPayloadTrailer:                    {true, true},
		StreamingUnsignedPayloadTrailer:            {true, false},
		UnsignedPayload:                            {false, false},
		"STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD": {false, false},
		strings.ToLower(StreamingPayload):          {false, false},
	} {
		if s, sg := IsStreaming(in); s != want[0] || sg != want[1] {
			t.Errorf("IsStreaming(%s) = %v %v", in, s, sg)
		}
	}
}

func BenchmarkSignChunk(b *testing.B) {
	s, err := NewChunkSigner(make([]byte, 32), "20130524T000000Z", "20130524/us-east-1/s3/aws4_request", strings.Repeat("0", 64))
	if err != nil {
		b.Fatal(err)
	}
	var sum [32]byte
	b.ReportAllocs()
	for b.Loop() {
		sig := s.SignChunk(&sum)
		sum[0] = sig[0]
	}
}

func sprintAll(v any) string {
	return fmt.Sprintf("%v %+v %#v %s", v, v, v, v)
}
