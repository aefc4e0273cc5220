package chunked

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// vector is the part of the s3-docs chunked vectors these tests read.
type vector struct {
	Name        string `json:"name"`
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
	} `json:"credentials"`
	Signing struct {
		Region  string `json:"region"`
		Service string `json:"service"`
	} `json:"signing"`
	Request struct {
		Method  string      `json:"method"`
		Host    string      `json:"host"`
		Path    string      `json:"path"`
		Headers [][2]string `json:"headers"`
		Body    struct {
			DecodedLength int64 `json:"decoded_length"`
		} `json:"body"`
	} `json:"request"`
	Expected struct {
		SeedSignature string `json:"seed_signature"`
		Chunks        []struct {
			DataSize     int64  `json:"data_size"`
			StringToSign string `json:"string_to_sign"`
			Signature    string `json:"signature"`
			ChunkHeader  string `json:"chunk_header"`
		} `json:"chunks"`
		Trailer *struct {
			Headers          [][2]string `json:"headers"`
			CanonicalTrailer string      `json:"canonical_trailer"`
			StringToSign     string      `json:"string_to_sign"`
			Signature        string      `json:"signature"`
			Wire             string      `json:"wire"`
		} `json:"trailer"`
	} `json:"expected"`
}

var vectorNames = []string{"chunked-upload-put-object", "chunked-upload-put-object-trailer"}

func loadVector(t testing.TB, name string) *vector {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.Shared(t, "vectors", "s3-docs"), name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var v vector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return &v
}

func (v *vector) request() *request.Request {
	r := &request.Request{Method: v.Request.Method, Scheme: "https", Host: v.Request.Host, RawPath: v.Request.Path}
	for _, h := range v.Request.Headers {
		r.Header = append(r.Header, request.Field{Name: h[0], Value: h[1]})
	}
	return r
}

// seed recomputes the request's signature from its headers, as verify
// does, and returns the chunk signer that chains from it.
func (v *vector) seed(t testing.TB) (*recompute.V4, *recompute.ChunkSigner) {
	t.Helper()
	creds := credentials.Credentials{AccessKeyID: v.Credentials.AccessKeyID, Secret: credentials.NewSecret(v.Credentials.SecretAccessKey)}
	run, err := recompute.SigV4(v.request(), creds, recompute.Options{Region: v.Signing.Region, Service: v.Signing.Service})
	if err != nil {
		t.Fatal(err)
	}
	if run.Signature != v.Expected.SeedSignature {
		t.Fatalf("seed signature %s, want %s", run.Signature, v.Expected.SeedSignature)
	}
	s, err := run.ChunkSigner("")
	if err != nil {
		t.Fatal(err)
	}
	return run, s
}

// wire assembles the body the vector describes from its chunk headers,
// the examples' data (the letter a) and its trailer.
func (v *vector) wire() []byte {
	var b bytes.Buffer
	for _, c := range v.Expected.Chunks {
		b.WriteString(c.ChunkHeader)
		if c.DataSize > 0 {
			b.WriteString(strings.Repeat("a", int(c.DataSize)))
			b.WriteString("\r\n")
		}
	}
	if tr := v.Expected.Trailer; tr != nil {
		b.WriteString(tr.Wire)
	} else {
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func (v *vector) buildOptions() BuildOptions {
	o := BuildOptions{ChunkSize: 64 << 10}
	o.PayloadHash, _ = v.request().Get("x-amz-content-sha256")
	if tr := v.Expected.Trailer; tr != nil {
		o.Checksum = tr.Headers[0][0]
	}
	return o
}

// Build writes the examples' bodies byte for byte, with the lengths the
// requests announce.
func TestVectors_build(t *testing.T) {
	for _, name := range vectorNames {
		t.Run(name, func(t *testing.T) {
			v := loadVector(t, name)
			_, signer := v.seed(t)
			payload := strings.Repeat("a", int(v.Request.Body.DecodedLength))
			var got bytes.Buffer
			o := v.buildOptions()
			n, err := Build(&got, strings.NewReader(payload), signer, o)
			if err != nil {
				t.Fatal(err)
			}
			want := v.wire()
			if !bytes.Equal(got.Bytes(), want) {
				i := 0
				for i < min(got.Len(), len(want)) && got.Bytes()[i] == want[i] {
					i++
				}
				t.Fatalf("body differs from byte %d: got %q…, want %q…", i, clipAt(got.Bytes(), i), clipAt(want, i))
			}
			enc, err := EncodedLength(int64(len(payload)), o)
			if err != nil || enc != n || n != int64(len(want)) {
				t.Errorf("EncodedLength %d (%v), Build wrote %d, body is %d", enc, err, n, len(want))
			}
			if cl, ok := v.request().Get("Content-Length"); ok && cl != itoa(n) {
				t.Errorf("Content-Length %s, built %d", cl, n)
			}
			hs, err := o.Headers(int64(len(payload)))
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hs {
				if sent, ok := v.request().Get(h.Name); ok && sent != h.Value {
					t.Errorf("Headers: %s: %s, the example sends %s", h.Name, h.Value, sent)
				}
			}
		})
	}
}

// Verify accepts the examples' bodies and shows each published string to
// sign and signature among its steps.
func TestVectors_verify(t *testing.T) {
	for _, name := range vectorNames {
		t.Run(name, func(t *testing.T) {
			v := loadVector(t, name)
			_, signer := v.seed(t)
			opts, err := OptionsFromRequest(v.request())
			if err != nil {
				t.Fatal(err)
			}
			opts.KeepChunks = 3
			body := v.wire()
			rep, err := Verify(bytes.NewReader(body), signer, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() {
				t.Fatalf("failure: %v", rep.Failure)
			}
			if rep.Chunks != 3 || rep.DecodedBytes != v.Request.Body.DecodedLength || rep.EncodedBytes != int64(len(body)) {
				t.Errorf("totals: %d chunks, %d decoded, %d encoded", rep.Chunks, rep.DecodedBytes, rep.EncodedBytes)
			}
			steps := map[string]string{}
			for _, s := range rep.Steps() {
				steps[s.Name] = s.Value
				if s.Secret {
					t.Errorf("step %s is secret", s.Name)
				}
			}
			if steps["SeedSignature"] != v.Expected.SeedSignature {
				t.Errorf("SeedSignature step %q", steps["SeedSignature"])
			}
			for i, c := range v.Expected.Chunks {
				n := " #" + itoa(int64(i+1))
				if steps["ChunkStringToSign"+n] != c.StringToSign {
					t.Errorf("chunk %d string to sign:\n%s\nwant\n%s", i+1, steps["ChunkStringToSign"+n], c.StringToSign)
				}
				if steps["ChunkSignature"+n] != c.Signature {
					t.Errorf("chunk %d signature %s, want %s", i+1, steps["ChunkSignature"+n], c.Signature)
				}
			}
			if rep.LastSignature != v.Expected.Chunks[2].Signature {
				t.Errorf("last signature %s", rep.LastSignature)
			}
			tr := v.Expected.Trailer
			if tr == nil {
				if len(rep.Trailer) > 0 || rep.TrailerSignature != "" {
					t.Errorf("trailer %v %s in a body without one", rep.Trailer, rep.TrailerSignature)
				}
				return
			}
			for _, c := range []struct{ step, want string }{
				{"CanonicalTrailer", tr.CanonicalTrailer},
				{"TrailerStringToSign", tr.StringToSign},
				{"TrailerSignature", tr.Signature},
				{tr.Headers[0][0], tr.Headers[0][1]},
			} {
				if steps[c.step] != c.want {
					t.Errorf("%s step %q, want %q", c.step, steps[c.step], c.want)
				}
			}
			if rep.TrailerSignature != tr.Signature || len(rep.Checksums) != 1 || rep.Checksums[0].Sent != rep.Checksums[0].Computed {
				t.Errorf("trailer: %s, %+v", rep.TrailerSignature, rep.Checksums)
			}
		})
	}
}

func clipAt(b []byte, i int) []byte {
	b = b[i:]
	if len(b) > 60 {
		b = b[:60]
	}
	return b
}
