package chunked

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/recompute"
)

func secretOf(s string) credentials.Secret { return credentials.NewSecret(s) }

// recorder is a Handler that keeps what it is given, copying what aliases
// the decoder's memory.
type recorder struct {
	headers []Header
	data    bytes.Buffer
	trailer []string
	ends    int
	end     int64
}

func (r *recorder) Header(h *Header) error {
	c := *h
	c.Signature = bytes.Clone(h.Signature)
	c.Line = bytes.Clone(h.Line)
	r.headers = append(r.headers, c)
	return nil
}
func (r *recorder) Data(p []byte)            { r.data.Write(p) }
func (r *recorder) ChunkEnd(h *Header) error { r.ends++; return nil }
func (r *recorder) TrailerField(name, value []byte, off int64) error {
	r.trailer = append(r.trailer, string(name)+":"+string(value))
	return nil
}
func (r *recorder) End(off int64) error { r.end = off; return nil }

func TestDecoder_events(t *testing.T) {
	body := "5;chunk-signature=" + testSeed + "\r\nhello\r\n0;chunk-signature=" + testSeed + "\r\nA: 1\r\nb:2 \r\n\r\n"
	r := &recorder{}
	d := NewDecoder(r, true)
	if _, err := d.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if len(r.headers) != 2 || r.ends != 2 || r.data.String() != "hello" || r.end != int64(len(body)) {
		t.Fatalf("%+v", r)
	}
	h := r.headers[1]
	if h.Number != 2 || h.Offset != 18+64+2+7 || h.Size != 0 || string(h.Signature) != testSeed || h.DataOffset != h.Offset+int64(len(h.Line))+2 {
		t.Errorf("final header %+v", h)
	}
	if strings.Join(r.trailer, "|") != "A: 1|b:2 " {
		t.Errorf("trailer %q (names and values as sent)", r.trailer)
	}
}

func TestDecoder_truncatedEverywhere(t *testing.T) {
	body := []byte("3\r\nabc\r\n0\r\nx:1\r\n\r\n")
	for cut := range len(body) {
		d := NewDecoder(&recorder{}, false)
		if _, err := d.Write(body[:cut]); err != nil {
			t.Fatalf("cut %d: %v", cut, err)
		}
		err := d.Close()
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrTruncated) || se.Offset != int64(cut) {
			t.Errorf("cut at %d: %v", cut, err)
		}
	}
}

func TestDecoder_handlerErrorStops(t *testing.T) {
	stop := errors.New("stop")
	d := NewDecoder(stopAt{stop}, false)
	n, err := d.Write([]byte("3\r\nabc\r\n0\r\n\r\n"))
	if err != stop || n != 0 {
		t.Errorf("n %d err %v", n, err)
	}
	if _, err := d.Write([]byte("x")); err != stop {
		t.Errorf("not sticky: %v", err)
	}
}

type stopAt struct{ err error }

func (s stopAt) Header(*Header) error                     { return s.err }
func (s stopAt) Data([]byte)                              {}
func (s stopAt) ChunkEnd(*Header) error                   { return nil }
func (s stopAt) TrailerField([]byte, []byte, int64) error { return nil }
func (s stopAt) End(int64) error                          { return nil }

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "10000": 65536, "400": 1024, "00ff": 255, "FfFf": 65535, "7fffffffffffffff": 1<<63 - 1} {
		if got, err := parseSize([]byte(in)); err != nil || got != want {
			t.Errorf("parseSize(%s) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "-1", "+1", "0x10", "1 ", " 1", "g", "8000000000000000", "ffffffffffffffff", "00000000000000001"} {
		if _, err := parseSize([]byte(in)); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

// Lines are capped however the input is split: a header line that never
// ends stops at MaxLineLength, with the line kept at most that long.
func TestDecoder_lineCap(t *testing.T) {
	d := NewDecoder(&recorder{}, false)
	var err error
	for i := 0; i < 1000 && err == nil; i++ {
		_, err = d.Write(bytes.Repeat([]byte("a"), 100))
	}
	if !errors.Is(err, ErrFraming) || cap(d.line) > 2*MaxLineLength {
		t.Errorf("err %v, line buffer %d", err, cap(d.line))
	}
}

func TestDecoder_trailerFieldCap(t *testing.T) {
	body := "0\r\n" + strings.Repeat("x-a:1\r\n", MaxTrailerFields+1) + "\r\n"
	_, err := NewDecoder(&recorder{}, false).Write([]byte(body))
	if !errors.Is(err, ErrFraming) {
		t.Errorf("%d trailer lines: %v", MaxTrailerFields+1, err)
	}
	if _, err := NewDecoder(&recorder{}, false).Write([]byte("0\r\n:1\r\n\r\n")); !errors.Is(err, ErrFraming) {
		t.Errorf("empty trailer name: %v", err)
	}
}

var _ = recompute.StreamingPayload
