package tfwire

import (
	"fmt"
	"hash/crc32"
	"testing"
)

// BenchmarkCRC32C measures the checksum on the sizes events files have (8-byte
// record lengths, ~50-byte scalar records, large records): CRC32C as used here, the
// slicing-by-16 code, and hash/crc32 for comparison.
func BenchmarkCRC32C(b *testing.B) {
	tab := crc32.MakeTable(crc32.Castagnoli)
	for _, n := range []int{8, 48, 1 << 20} {
		buf := make([]byte, n)
		for i := range buf {
			buf[i] = byte(i * 7)
		}
		for _, f := range []struct {
			name string
			crc  func([]byte) uint32
		}{
			{"CRC32C", CRC32C},
			{"slicing16", func(p []byte) uint32 { return updateSlicing16(0, p) }},
			{"hash-crc32", func(p []byte) uint32 { return crc32.Checksum(p, tab) }},
		} {
			b.Run(fmt.Sprintf("%s/%d", f.name, n), func(b *testing.B) {
				b.SetBytes(int64(n))
				for b.Loop() {
					f.crc(buf)
				}
			})
		}
	}
}
