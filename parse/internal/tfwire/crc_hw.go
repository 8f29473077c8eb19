//go:build amd64 || arm64 || loong64 || ppc64le || s390x

package tfwire

import "hash/crc32"

// castagnoli is the CRC32C table (polynomial 0x82F63B78) TensorFlow uses everywhere;
// on this architecture hash/crc32 computes it with a CRC or carry-less multiply
// instruction, far faster than any table.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func update(crc uint32, b []byte) uint32 { return crc32.Update(crc, castagnoli, b) }
