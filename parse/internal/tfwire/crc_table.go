//go:build !(amd64 || arm64 || loong64 || ppc64le || s390x)

package tfwire

// update uses slicing-by-16 where hash/crc32 has no instruction to use (js/wasm
// among others): under Node 20, best of 3 on a loaded machine (BenchmarkCRC32C),
// 1.9 GB/s against hash/crc32's 1.06 GB/s on 1 MiB, 1.19 against 0.72 GB/s on
// 48-byte records, 19 against 40 ns on an 8-byte record length.
func update(crc uint32, b []byte) uint32 { return updateSlicing16(crc, b) }
