package recompute

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"strings"
)

// S3's additional checksums, sent as x-amz-checksum-<algorithm> headers or,
// in aws-chunked uploads, as trailing headers after the final chunk:
//
//	value = base64( digest )     the digest in big-endian byte order
//
// CRC32 is ISO-HDLC (zlib's), CRC32C is Castagnoli, CRC64NVME is the NVMe
// CRC-64 (Rocksoft), SHA1 and SHA256 the full digests.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
//
// Quirk: the value is base64, never hex, and the CRCs are written
// big-endian, which is what Go's hash.Hash32/Hash64 Sum gives; .NET's
// System.IO.Hashing.Crc32 returns the bytes little-endian and signing code
// built on it must reverse them.

// crc64NVMEPoly is the NVMe CRC-64 polynomial 0xAD93D23594C93659 bit-reversed,
// which is the form hash/crc64 expects (like its ISO and ECMA constants).
// With hash/crc64's initial value and final XOR of all ones it gives
// CRC-64/NVME (NVM Express Base Specification 2.0, §5.2.1.3.3; also the
// "Rocksoft" CRC of the Linux kernel's crc64_rocksoft).
const crc64NVMEPoly = 0x9A6C9329AC4BC9B5

var (
	crc32cTable    = crc32.MakeTable(crc32.Castagnoli)
	crc64NVMETable = crc64.MakeTable(crc64NVMEPoly)
)

// NewCRC64NVME returns a hash computing CRC-64/NVME; Sum appends it
// big-endian, as x-amz-checksum-crc64nvme encodes it.
func NewCRC64NVME() hash.Hash64 { return crc64.New(crc64NVMETable) }

// ChecksumAlgorithm is one of S3's additional checksums.
type ChecksumAlgorithm struct {
	Name   string // the x-amz-sdk-checksum-algorithm value: CRC32, CRC32C, CRC64NVME, SHA1, SHA256
	Header string // the header or trailer carrying it: x-amz-checksum-crc32, …
	New    func() hash.Hash
	Size   int // digest bytes
}

// ChecksumAlgorithms lists S3's checksums, sorted by Header.
var ChecksumAlgorithms = []ChecksumAlgorithm{
	{"CRC32", "x-amz-checksum-crc32", func() hash.Hash { return crc32.NewIEEE() }, crc32.Size},
	{"CRC32C", "x-amz-checksum-crc32c", func() hash.Hash { return crc32.New(crc32cTable) }, crc32.Size},
	{"CRC64NVME", "x-amz-checksum-crc64nvme", func() hash.Hash { return crc64.New(crc64NVMETable) }, crc64.Size},
	{"SHA1", "x-amz-checksum-sha1", sha1.New, sha1.Size},
	{"SHA256", "x-amz-checksum-sha256", sha256.New, sha256.Size},
}

// ChecksumHeaderPrefix starts every checksum header name.
const ChecksumHeaderPrefix = "x-amz-checksum-"

// LookupChecksum finds an algorithm by its header name (x-amz-checksum-crc32c)
// or its name (CRC32C, crc32c), case-insensitively.
func LookupChecksum(name string) (*ChecksumAlgorithm, bool) {
	name = strings.TrimSpace(name)
	for i := range ChecksumAlgorithms {
		a := &ChecksumAlgorithms[i]
		if strings.EqualFold(name, a.Header) || strings.EqualFold(name, a.Name) {
			return a, true
		}
	}
	return nil, false
}

// ChecksumValue returns the header value for the digest h holds: base64 of
// its big-endian sum.
func ChecksumValue(h hash.Hash) string {
	var stack [sha256.Size]byte
	return base64.StdEncoding.EncodeToString(h.Sum(stack[:0]))
}

// Checksum computes the header value of algorithm a over b.
func (a *ChecksumAlgorithm) Checksum(b []byte) string {
	h := a.New()
	h.Write(b)
	return ChecksumValue(h)
}
