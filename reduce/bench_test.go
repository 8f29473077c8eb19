package reduce

import (
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// synthetic returns n×d float32 rows with a decaying spectrum (standard
// deviation 1/(1+j/8) along dimension j), an offset, and mixing between
// neighbouring dimensions so that the axes are not the coordinate axes.
func synthetic(seed uint64, n, d int) []float32 {
	rng := rand.New(rand.NewPCG(seed, 2))
	x := make([]float32, n*d)
	z := make([]float64, d)
	for i := 0; i < n; i++ {
		for j := range z {
			z[j] = rng.NormFloat64() / (1 + float64(j)/8)
		}
		row := x[i*d : i*d+d]
		for j := range row {
			row[j] = float32(0.8*z[j] + 0.6*z[(j+1)%d] + 0.5)
		}
	}
	return x
}

func benchPCA(b *testing.B, x []float32, n, d, k int) {
	b.ReportAllocs()
	b.ResetTimer()
	var p *PCA
	for range b.N {
		p = NewPCA(x, n, d, PCAConfig{Components: k})
		for !p.Step() {
		}
	}
	b.ReportMetric(float64(p.Iterations()), "passes")
}

func BenchmarkPCADigitsTop10(b *testing.B) {
	x, _ := digits(b)
	benchPCA(b, x, 1797, 64, 10)
}

func BenchmarkPCAMNIST10kTop10(b *testing.B) {
	x := loadF32(b, filepath.Join(cacheDir(), "mnist10k_10000x784.f32.bin"), 10000, 784)
	benchPCA(b, x, 10000, 784, 10)
}

func BenchmarkPCAFashion70kTop10(b *testing.B) {
	x := loadF32(b, filepath.Join(cacheDir(), "fashion70k_70000x784.f32.bin"), 70000, 784)
	benchPCA(b, x, 70000, 784, 10)
}

func BenchmarkPCASynthetic100kx768Top10(b *testing.B) {
	if testing.Short() {
		b.Skip("large")
	}
	x := synthetic(1, 100000, 768)
	benchPCA(b, x, 100000, 768, 10)
}
