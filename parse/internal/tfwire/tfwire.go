// Package tfwire holds the small pieces of TensorFlow's on-disk framing that both the
// checkpoint (tensor bundle) reader and the event-file (TFRecord) reader need: the
// masked CRC32C that TensorFlow stores next to records, blocks and tensor data.
package tfwire

// maskDelta is added after rotating, as in TensorFlow's crc32c::Mask.
const maskDelta = 0xa282ead8

// CRC32C returns the plain (unmasked) CRC32C of b.
func CRC32C(b []byte) uint32 { return update(0, b) }

// UpdateCRC32C continues crc (an unmasked CRC32C) over b, for data read in pieces.
func UpdateCRC32C(crc uint32, b []byte) uint32 { return update(crc, b) }

// Mask turns a CRC32C into the masked form TensorFlow stores: rotated right by 15 bits
// plus a constant, so that a CRC of data holding CRCs is not itself trivially related.
func Mask(crc uint32) uint32 { return (crc>>15 | crc<<17) + maskDelta }

// Unmask is the inverse of Mask.
func Unmask(masked uint32) uint32 {
	rot := masked - maskDelta
	return rot>>17 | rot<<15
}

// MaskedCRC32C returns Mask(CRC32C(b)).
func MaskedCRC32C(b []byte) uint32 { return Mask(CRC32C(b)) }

// LengthOK reports whether the first 12 bytes of h are a TFRecord header whose
// masked CRC32C (bytes 8..11, little-endian) matches its length (bytes 0..7): the
// check made before every record, done here without a loop. h must hold 12 bytes.
func LengthOK(h []byte) bool {
	_ = h[11]
	t := slicing16 // crc8, written out: one call less per record matters in js/wasm
	a := uint32(h[0]) | uint32(h[1])<<8 | uint32(h[2])<<16 | uint32(h[3])<<24 ^ 0xffffffff
	b := uint32(h[4]) | uint32(h[5])<<8 | uint32(h[6])<<16 | uint32(h[7])<<24
	crc := ^(t[7][byte(a)] ^ t[6][byte(a>>8)] ^ t[5][byte(a>>16)] ^ t[4][a>>24] ^
		t[3][byte(b)] ^ t[2][byte(b>>8)] ^ t[1][byte(b>>16)] ^ t[0][b>>24])
	return Unmask(uint32(h[8])|uint32(h[9])<<8|uint32(h[10])<<16|uint32(h[11])<<24) == crc
}
