package parse

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// checkFast asserts that parseFast, when it answers, agrees bit for bit with strconv.
func checkFast(t *testing.T, s string) {
	t.Helper()
	got, ok := parseFast(s)
	if !ok {
		return
	}
	want, err := strconv.ParseFloat(s, 32)
	if err != nil {
		t.Fatalf("parseFast(%q) = %v but strconv says %v", s, got, err)
	}
	if math.Float32bits(got) != math.Float32bits(float32(want)) {
		t.Fatalf("parseFast(%q) = %v (%08x), strconv %v (%08x)", s, got, math.Float32bits(got), float32(want), math.Float32bits(float32(want)))
	}
}

func TestParseFast(t *testing.T) {
	for _, s := range []string{"0", "-0", "+1", "1.", ".5", "0.1", "-0.123456", "3.4028235e38", "1e-38", "1.17549435e-38",
		"16777217", "0.30000001192092896", "123456789012345", "1e22", "1e-22", "9007199254740993", "2.5e-3", "7E+2"} {
		checkFast(t, s)
	}
	for _, s := range []string{"", ".", "-", "1e", "e5", "1..2", "nan", "Inf", "0x1p3", "1_0", "1e+", "--1", "1 "} {
		if _, ok := parseFast(s); ok {
			t.Errorf("parseFast(%q) accepted", s)
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 200000; i++ {
		var s string
		switch i % 4 {
		case 0:
			s = strconv.FormatFloat(rng.NormFloat64(), 'f', rng.IntN(12), 64)
		case 1:
			s = strconv.FormatFloat(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(60)-30)), 'e', rng.IntN(16), 64)
		case 2:
			s = strconv.FormatFloat(float64(float32(rng.NormFloat64())), 'g', -1, 32)
		default:
			// Exact float32 midpoints written out in decimal: the double-rounding trap.
			f := float32(rng.Float64() + 1)
			mid := (float64(f) + float64(math.Nextafter32(f, 2))) / 2
			s = strconv.FormatFloat(mid, 'g', -1, 64)
		}
		checkFast(t, s)
	}
}

func FuzzParseNum(f *testing.F) {
	for _, s := range []string{"0.1", "-1e-3", "16777217", "1.0000000596046448", "3.4028235e38", "nan"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkFast(t, s)
	})
}
