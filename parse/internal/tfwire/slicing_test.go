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
