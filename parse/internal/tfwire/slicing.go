package tfwire

import "encoding/binary"

// slicing16 holds the tables of a slicing-by-16 CRC32C: slicing16[0] is the
// byte-at-a-time table of the reflected polynomial 0x82F63B78 and slicing16[k][b] is
// the CRC of byte b followed by k zero bytes. 16 KiB, built at init.
var slicing16 = makeSlicing16()

func makeSlicing16() *[16][256]uint32 {
	t := new([16][256]uint32)
	for i := range 256 {
		c := uint32(i)
		for range 8 {
			if c&1 == 1 {
				c = c>>1 ^ 0x82F63B78
			} else {
				c >>= 1
			}
		}
		t[0][i] = c
	}
	for k := 1; k < 16; k++ {
		for i := range 256 {
			c := t[k-1][i]
			t[k][i] = c>>8 ^ t[0][byte(c)]
		}
	}
	return t
}

// updateSlicing16 continues an unmasked CRC32C over p, 16 bytes per step: the same
// number of table look-ups per byte as hash/crc32's slicing-by-8 (its code on
// architectures without a CRC instruction, e.g. js/wasm) but half the loop overhead,
// with the tables in one array and the short tails of small records unrolled.
func updateSlicing16(crc uint32, p []byte) uint32 {
	t := slicing16
	crc = ^crc
	for len(p) >= 16 {
		a := binary.LittleEndian.Uint32(p) ^ crc
		b := binary.LittleEndian.Uint32(p[4:])
		c := binary.LittleEndian.Uint32(p[8:])
		d := binary.LittleEndian.Uint32(p[12:])
		crc = t[15][byte(a)] ^ t[14][byte(a>>8)] ^ t[13][byte(a>>16)] ^ t[12][a>>24] ^
			t[11][byte(b)] ^ t[10][byte(b>>8)] ^ t[9][byte(b>>16)] ^ t[8][b>>24] ^
			t[7][byte(c)] ^ t[6][byte(c>>8)] ^ t[5][byte(c>>16)] ^ t[4][c>>24] ^
			t[3][byte(d)] ^ t[2][byte(d>>8)] ^ t[1][byte(d>>16)] ^ t[0][d>>24]
		p = p[16:]
	}
	if len(p) >= 8 {
		a := binary.LittleEndian.Uint32(p) ^ crc
		b := binary.LittleEndian.Uint32(p[4:])
		crc = t[7][byte(a)] ^ t[6][byte(a>>8)] ^ t[5][byte(a>>16)] ^ t[4][a>>24] ^
			t[3][byte(b)] ^ t[2][byte(b>>8)] ^ t[1][byte(b>>16)] ^ t[0][b>>24]
		p = p[8:]
	}
	if len(p) >= 4 {
		a := binary.LittleEndian.Uint32(p) ^ crc
		crc = t[3][byte(a)] ^ t[2][byte(a>>8)] ^ t[1][byte(a>>16)] ^ t[0][a>>24]
		p = p[4:]
	}
	for _, v := range p {
		crc = t[0][byte(crc)^v] ^ crc>>8
	}
	return ^crc
}

// crc8 is the CRC32C of the 8 bytes h[0:8] in one slicing-by-8 step.
func crc8(h []byte) uint32 {
	t := slicing16
	a := binary.LittleEndian.Uint32(h) ^ 0xffffffff
	b := binary.LittleEndian.Uint32(h[4:])
	return ^(t[7][byte(a)] ^ t[6][byte(a>>8)] ^ t[5][byte(a>>16)] ^ t[4][a>>24] ^
		t[3][byte(b)] ^ t[2][byte(b>>8)] ^ t[1][byte(b>>16)] ^ t[0][b>>24])
}
