package tfwire

import "testing"

// TestMaskedCRC checks the CRC32C of a known string (RFC 3720's check value for
// "123456789" is 0xE3069283) and that Unmask undoes Mask.
func TestMaskedCRC(t *testing.T) {
	if got := CRC32C([]byte("123456789")); got != 0xE3069283 {
		t.Fatalf("CRC32C = %#x, want 0xe3069283", got)
	}
	for _, c := range []uint32{0, 1, 0xE3069283, 0xFFFFFFFF, 0x12345678} {
		if Unmask(Mask(c)) != c {
			t.Errorf("Unmask(Mask(%#x)) = %#x", c, Unmask(Mask(c)))
		}
		if c != 0 && Mask(c) == c {
			t.Errorf("Mask(%#x) left it unchanged", c)
		}
	}
	if UpdateCRC32C(CRC32C([]byte("1234")), []byte("56789")) != CRC32C([]byte("123456789")) {
		t.Error("UpdateCRC32C over two pieces differs from one CRC")
	}
}
