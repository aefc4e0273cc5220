package sample

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sigdiff/sigdiff/internal/chunked"
	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata/chunked from the builder")

// The fixtures of testdata/chunked (see its README): three correct
// uploads, and bodies or heads broken in one way each. 9000 payload bytes
// in 8 KiB chunks: chunks of 8192, 808 and 0 bytes.
var (
	signed          = Spec{PayloadHash: recompute.StreamingPayload, Size: 9000, ChunkSize: 8192}
	signedTrailer   = Spec{PayloadHash: recompute.StreamingPayloadTrailer, Checksum: "crc32c", Size: 9000, ChunkSize: 8192}
	unsignedTrailer = Spec{PayloadHash: recompute.StreamingUnsignedPayloadTrailer, Checksum: "crc64nvme", Size: 9000, ChunkSize: 8192}
	longer          = Spec{PayloadHash: recompute.StreamingPayload, Size: 9000, ChunkSize: 8192, AnnouncedLength: 9001}
)

type fixture struct {
	head, body string // file names under testdata/chunked
	spec       Spec
	mutate     func(t *testing.T, body []byte) []byte
	check      string // "" for a body that verifies
	chunk      int
}

var fixtures = []fixture{
	{"signed.http", "signed.body", signed, nil, "", 0},
	{"signed-trailer.http", "signed-trailer.body", signedTrailer, nil, "", 0},
	{"unsigned-trailer.http", "unsigned-trailer.body", unsignedTrailer, nil, "", 0},
	{"signed.http", "signed-chain-broken.body", signed, flipByte(8192 + 90 + 400), chunked.CheckChunkSignature, 2},
	{"signed.http", "signed-truncated.body", signed, cut(8192 + 90 + 400), chunked.CheckTruncated, 2},
	{"signed-decoded-length.http", "signed-decoded-length.body", longer, nil, chunked.CheckDecodedLength, 3},
	{"signed-trailer.http", "signed-trailer-bad-signature.body", signedTrailer, bumpAfter("x-amz-trailer-signature:"), chunked.CheckTrailerSignature, 3},
	{"unsigned-trailer.http", "unsigned-trailer-bad-checksum.body", unsignedTrailer, flipByte(8300), chunked.CheckChecksum, 3},
	{"unsigned-trailer.http", "unsigned-trailer-oversize.body", unsignedTrailer, swap("2000\r\n", "ffffffffffffffff\r\n"), chunked.CheckChunkSize, 1},
}

func flipByte(at int) func(*testing.T, []byte) []byte {
	return func(t *testing.T, b []byte) []byte { b[at] ^= 1; return b }
}

func cut(at int) func(*testing.T, []byte) []byte {
	return func(t *testing.T, b []byte) []byte { return b[:at] }
}

// swap replaces the first old by new.
func swap(old, new string) func(*testing.T, []byte) []byte {
	return func(t *testing.T, b []byte) []byte {
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("%q not in the body", old)
		}
		return bytes.Replace(b, []byte(old), []byte(new), 1)
	}
}

// bumpAfter changes the hex digit right after marker into another one.
func bumpAfter(marker string) func(*testing.T, []byte) []byte {
	return func(t *testing.T, b []byte) []byte {
		i := bytes.Index(b, []byte(marker))
		if i < 0 {
			t.Fatalf("%q not in the body", marker)
		}
		i += len(marker)
		if b[i] == '0' {
			b[i] = '1'
		} else {
			b[i] = '0'
		}
		return b
	}
}

func TestFixtures(t *testing.T) {
	dir := filepath.Join(testenv.RepoRoot(t), "testdata", "chunked")
	for _, fx := range fixtures {
		t.Run(fx.body+"+"+fx.head, func(t *testing.T) {
			var head, body bytes.Buffer
			if err := Write(&head, &body, fx.spec); err != nil {
				t.Fatal(err)
			}
			b := body.Bytes()
			if fx.mutate != nil {
				b = fx.mutate(t, b)
			}
			for name, want := range map[string][]byte{fx.head: head.Bytes(), fx.body: b} {
				path := filepath.Join(dir, name)
				if *update {
					if err := os.WriteFile(path, want, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				got, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from what the builder writes (go test -update rewrites it)", name)
				}
			}
			rep := verifyFiles(t, filepath.Join(dir, fx.head), filepath.Join(dir, fx.body))
			switch {
			case fx.check == "" && !rep.OK():
				t.Errorf("failure %v", rep.Failure)
			case fx.check != "" && (rep.OK() || rep.Failure.Check != fx.check || rep.Failure.Chunk != fx.chunk):
				t.Errorf("failure %v, want %s at chunk %d", rep.Failure, fx.check, fx.chunk)
			}
		})
	}
}

// verifyFiles does what sigdiff verify --request HEAD --body BODY does
// with the example key: parse the head, recompute its seed, chain the
// chunks from the signature it carries.
func verifyFiles(t testing.TB, headFile, bodyFile string) *chunked.Report {
	t.Helper()
	in, err := os.ReadFile(headFile)
	if err != nil {
		t.Fatal(err)
	}
	req, err := request.ParseHTTP(in)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := recompute.ParseAuth(req)
	if err != nil {
		t.Fatal(err)
	}
	creds := credentials.Credentials{AccessKeyID: AccessKeyID, Secret: credentials.NewSecret(SecretAccessKey)}
	v, err := recompute.SigV4(req, creds, auth.Options())
	if err != nil {
		t.Fatal(err)
	}
	if v.Signature != auth.Signature {
		t.Fatalf("seed %s, the head carries %s", v.Signature, auth.Signature)
	}
	f, err := os.Open(bodyFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := chunked.VerifyRequest(f, req, v, auth.Signature)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestVerifyFile times a verify of OUT.http + OUT.body written by
// mkchunked, in process:
//
//	go run ./internal/chunked/mkchunked -size 1GiB -out /tmp/big
//	SIGDIFF_CHUNKED=/tmp/big go test -run TestVerifyFile -v ./internal/chunked/sample
func TestVerifyFile(t *testing.T) {
	prefix := os.Getenv("SIGDIFF_CHUNKED")
	if prefix == "" {
		t.Skip("SIGDIFF_CHUNKED=PREFIX names a body written by mkchunked")
	}
	start := time.Now()
	rep := verifyFiles(t, prefix+".http", prefix+".body")
	d := time.Now().Sub(start)
	if !rep.OK() {
		t.Fatal(rep.Failure)
	}
	t.Logf("%s: %d chunks, %d payload bytes in %v: %.0f MB/s", prefix, rep.Chunks, rep.DecodedBytes, d, float64(rep.DecodedBytes)/d.Seconds()/1e6)
}
