package tfwire

import (
	"hash/crc32"
	"math/rand/v2"
	"testing"
)

// TestSlicing16 compares the slicing-by-16 code (used on js/wasm, tested on every
// architecture) with hash/crc32 on every length up to 100 and every split of the
// data into two updates, and on a large random buffer.
func TestSlicing16(t *testing.T) {
	tab := crc32.MakeTable(crc32.Castagnoli)
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 1<<16+13)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	for n := 0; n <= 100; n++ {
		p := buf[7 : 7+n]
		want := crc32.Checksum(p, tab)
		if got := updateSlicing16(0, p); got != want {
			t.Fatalf("length %d: %#x, want %#x", n, got, want)
		}
		for k := 0; k <= n; k++ {
			if got := updateSlicing16(updateSlicing16(0, p[:k]), p[k:]); got != want {
				t.Fatalf("length %d split at %d: %#x, want %#x", n, k, got, want)
			}
		}
	}
	if got, want := updateSlicing16(0, buf), crc32.Checksum(buf, tab); got != want {
		t.Fatalf("64 KiB: %#x, want %#x", got, want)
	}
	if got := updateSlicing16(0, []byte("123456789")); got != 0xE3069283 {
		t.Fatalf("check value %#x", got)
	}
}

// TestLengthOK: a real first record header (TF-FORMATS.md §3.2: length 0x18, masked
// CRC a3 7f 4b 22) passes, and any one flipped bit fails.
func TestLengthOK(t *testing.T) {
	h := []byte{0x18, 0, 0, 0, 0, 0, 0, 0, 0xa3, 0x7f, 0x4b, 0x22}
	if !LengthOK(h) {
		t.Fatal("real header rejected")
	}
	for i := range len(h) * 8 {
		b := append([]byte(nil), h...)
		b[i/8] ^= 1 << (i % 8)
		if LengthOK(b) {
			t.Errorf("header with bit %d flipped accepted", i)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	tab := crc32.MakeTable(crc32.Castagnoli)
	for range 1000 {
		var b [8]byte
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		if crc8(b[:]) != crc32.Checksum(b[:], tab) {
			t.Fatalf("crc8(%x) differs from hash/crc32", b)
		}
	}
}
