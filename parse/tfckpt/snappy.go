package tfckpt

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// maxSnappyRatio bounds how much a raw snappy block may expand: the densest element, a
// 3-byte copy of 64 bytes, expands 21.3 times, so a larger claimed length is a lie and is
// refused before anything is allocated.
const maxSnappyRatio = 22

var errSnappy = errors.New("invalid snappy block")

// decodeSnappy decodes one raw snappy block (no framing): a varint uncompressed length
// followed by literal and copy elements. It is hand-written (about 60 lines, +2 KB gzip in
// wasm) instead of importing a snappy module; limit caps the decoded size in bytes.
func decodeSnappy(src []byte, limit int) ([]byte, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(maxSnappyRatio*len(src)+64) || n > uint64(limit) {
		return nil, fmt.Errorf("%w: claimed length %d for %d bytes", errSnappy, n, len(src))
	}
	dst := make([]byte, 0, int(n))
	s := k
	for s < len(src) {
		var length, offset int
		var err error
		switch src[s] & 3 {
		case 0:
			length, s, err = snappyLiteralLen(src, s)
			if err == nil && (length > len(src)-s || length > int(n)-len(dst)) {
				err = errSnappy
			}
			if err != nil {
				return nil, err
			}
			dst = append(dst, src[s:s+length]...)
			s += length
			continue
		case 1:
			if s+2 > len(src) {
				return nil, errSnappy
			}
			length = 4 + int(src[s]>>2&7)
			offset = int(src[s]&0xe0)<<3 | int(src[s+1])
			s += 2
		case 2:
			if s+3 > len(src) {
				return nil, errSnappy
			}
			length = 1 + int(src[s]>>2)
			offset = int(binary.LittleEndian.Uint16(src[s+1:]))
			s += 3
		case 3:
			if s+5 > len(src) {
				return nil, errSnappy
			}
			length = 1 + int(src[s]>>2)
			offset = int(binary.LittleEndian.Uint32(src[s+1:]))
			s += 5
		}
		if offset <= 0 || offset > len(dst) || length > int(n)-len(dst) {
			return nil, fmt.Errorf("%w: copy of %d bytes at distance %d after %d bytes", errSnappy, length, offset, len(dst))
		}
		for i := 0; i < length; i++ { // byte by byte: copies may overlap their own output
			dst = append(dst, dst[len(dst)-offset])
		}
	}
	if len(dst) != int(n) {
		return nil, fmt.Errorf("%w: decoded %d bytes, header says %d", errSnappy, len(dst), n)
	}
	return dst, nil
}

// snappyLiteralLen decodes a literal tag at src[s] and returns the literal's length and the
// position of its first byte.
func snappyLiteralLen(src []byte, s int) (int, int, error) {
	x := int(src[s] >> 2)
	s++
	if x < 60 {
		return x + 1, s, nil
	}
	nb := x - 59 // 1 to 4 little-endian length bytes follow
	if s+nb > len(src) {
		return 0, 0, errSnappy
	}
	v := 0
	for i := nb - 1; i >= 0; i-- {
		v = v<<8 | int(src[s+i])
	}
	return v + 1, s + nb, nil
}
