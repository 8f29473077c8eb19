package reduce

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchDir is where the real test and benchmark data lives: $PROJECTOR_BENCH_DATA,
// else the repository's copy of the shared data (testdata/shared/bench).
func benchDir() string {
	if d := os.Getenv("PROJECTOR_BENCH_DATA"); d != "" {
		return d
	}
	return filepath.Join("..", "testdata", "shared", "bench")
}

// cacheDir is where scripts/benchdata.sh puts MNIST and Fashion-MNIST.
func cacheDir() string {
	if d := os.Getenv("PROJECTOR_BENCH_CACHE"); d != "" {
		return d
	}
	return filepath.Join("..", ".cache", "bench")
}

// missing fails tb for absent data, except the large sets that
// scripts/benchdata.sh generates into cacheDir (only benchmarks use those):
// their absence skips.
func missing(tb testing.TB, path string, err error) {
	tb.Helper()
	if strings.HasPrefix(path, cacheDir()) {
		tb.Skipf("generated benchmark data not available (run scripts/benchdata.sh): %v", err)
	}
	tb.Fatalf("test data missing: %v", err)
}

// loadF32 reads an n×d little-endian float32 file.
func loadF32(tb testing.TB, path string, n, d int) []float32 {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		missing(tb, path, err)
	}
	if len(raw) != 4*n*d {
		tb.Fatalf("%s: %d bytes, want %d for %dx%d float32", path, len(raw), 4*n*d, n, d)
	}
	v := make([]float32, n*d)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return v
}

// loadLabels reads one label per line.
func loadLabels(tb testing.TB, path string, n int) []string {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		missing(tb, path, err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != n {
		tb.Fatalf("%s: %d labels, want %d", path, len(lines), n)
	}
	return lines
}

func digits(tb testing.TB) ([]float32, []string) {
	return loadF32(tb, filepath.Join(benchDir(), "digits_1797x64.f32.bin"), 1797, 64),
		loadLabels(tb, filepath.Join(benchDir(), "digits_1797x64.labels.tsv"), 1797)
}

func glove(tb testing.TB) []float32 {
	return loadF32(tb, filepath.Join(benchDir(), "glove100_10000x100.f32.bin"), 10000, 100)
}

// lowRank returns n×d float32 rows drawn from a Gaussian whose covariance
// has the given leading standard deviations along random orthonormal
// directions, plus isotropic noise of standard deviation noise, shifted by a
// constant offset in every dimension (so an uncentred PCA would be wrong).
func lowRank(seed uint64, n, d int, sds []float64, noise, offset float64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	cols := make([][]float64, len(sds))
	for c := range cols {
		cols[c] = make([]float64, d)
		for a := range cols[c] {
			cols[c][a] = rng.NormFloat64()
		}
	}
	orthAgainst(cols, nil, rng)
	dirs := make([]float64, d*len(sds)) // d×len(sds) row-major
	for c, col := range cols {
		for a, v := range col {
			dirs[a*len(sds)+c] = v
		}
	}
	x := make([]float32, n*d)
	for i := 0; i < n; i++ {
		row := make([]float64, d)
		for c, sd := range sds {
			z := rng.NormFloat64() * sd
			for a := 0; a < d; a++ {
				row[a] += z * dirs[a*len(sds)+c]
			}
		}
		for a := 0; a < d; a++ {
			x[i*d+a] = float32(row[a] + noise*rng.NormFloat64() + offset)
		}
	}
	return x
}
