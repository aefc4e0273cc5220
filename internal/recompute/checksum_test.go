package recompute

import (
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
)

// The check values of the CRC catalogue (the CRC of "123456789") and the
// published digests of the same string.
func TestChecksum_checkValues(t *testing.T) {
	want := map[string]string{
		"CRC32":     "cbf43926",         // CRC-32/ISO-HDLC
		"CRC32C":    "e3069283",         // CRC-32/ISCSI
		"CRC64NVME": "ae8b14860a799888", // CRC-64/NVME
		"SHA1":      "f7c3bc1d808e04732adf679965ccc34ca7ae3441",
		"SHA256":    "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225",
	}
	for _, a := range ChecksumAlgorithms {
		h := a.New()
		h.Write([]byte("123456789"))
		got := h.Sum(nil)
		if hex.EncodeToString(got) != want[a.Name] {
			t.Errorf("%s(123456789) = %x, want %s", a.Name, got, want[a.Name])
		}
		if len(got) != a.Size {
			t.Errorf("%s: %d bytes, Size says %d", a.Name, len(got), a.Size)
		}
		raw, _ := hex.DecodeString(want[a.Name])
		if v := a.Checksum([]byte("123456789")); v != base64.StdEncoding.EncodeToString(raw) {
			t.Errorf("%s: header value %s is not base64 of the big-endian digest", a.Name, v)
		}
	}
}

func TestCRC64NVME_sum64(t *testing.T) {
	h := NewCRC64NVME()
	h.Write([]byte("1234"))
	h.Write([]byte("56789")) // streaming in pieces gives the same CRC
	if got := h.Sum64(); got != 0xae8b14860a799888 {
		t.Errorf("crc64nvme = %#x", got)
	}
	h.Reset()
	if h.Sum64() != 0 {
		t.Errorf("crc64nvme of nothing = %#x, want 0", h.Sum64())
	}
}

// The S3 trailer example: 66560 bytes of 'a' have CRC32C sOO8/Q==.
func TestChecksum_s3TrailerExample(t *testing.T) {
	a, ok := LookupChecksum("x-amz-checksum-crc32c")
	if !ok {
		t.Fatal("crc32c not found")
	}
	if got := a.Checksum([]byte(strings.Repeat("a", 66560))); got != "sOO8/Q==" {
		t.Errorf("crc32c = %s, want sOO8/Q==", got)
	}
}

func TestLookupChecksum(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"x-amz-checksum-crc32", "CRC32"},
		{"X-Amz-Checksum-CRC64NVME", "CRC64NVME"},
		{" crc32c ", "CRC32C"},
		{"SHA256", "SHA256"},
		{"x-amz-checksum-md5", ""},
		{"crc", ""},
		{"", ""},
	} {
		a, ok := LookupChecksum(tc.in)
		if got := ""; ok {
			got = a.Name
			if got != tc.want {
				t.Errorf("LookupChecksum(%q) = %s, want %s", tc.in, got, tc.want)
			}
		} else if tc.want != "" {
			t.Errorf("LookupChecksum(%q) found nothing, want %s", tc.in, tc.want)
		}
	}
}

func TestChecksumAlgorithms_sortedTable(t *testing.T) {
	if !slices.IsSortedFunc(ChecksumAlgorithms, func(a, b ChecksumAlgorithm) int { return strings.Compare(a.Header, b.Header) }) {
		t.Error("ChecksumAlgorithms is not sorted by header")
	}
	for _, a := range ChecksumAlgorithms {
		if a.Header != ChecksumHeaderPrefix+strings.ToLower(a.Name) {
			t.Errorf("%s: header %s does not follow x-amz-checksum-<name>", a.Name, a.Header)
		}
	}
}
