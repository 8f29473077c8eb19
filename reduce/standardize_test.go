package reduce

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// columnMoments returns the mean and population variance of column j of the
// n×d x, in float64.
func columnMoments(x []float32, n, d, j int) (mean, variance float64) {
	for i := 0; i < n; i++ {
		mean += float64(x[i*d+j])
	}
	mean /= float64(n)
	for i := 0; i < n; i++ {
		dv := float64(x[i*d+j]) - mean
		variance += dv * dv
	}
	return mean, variance / float64(n)
}

func TestStandardizeZeroMeanUnitVariance(t *testing.T) {
	const n, d = 500, 4
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*d)
	for i := 0; i < n; i++ {
		x[i*d] = float32(1000 + 2000*rng.NormFloat64()) // large scale, far from 0
		x[i*d+1] = float32(1e-3 * rng.Float64())        // tiny scale
		x[i*d+2] = 7                                    // constant
		x[i*d+3] = float32(1e6 + rng.NormFloat64())     // large offset, unit spread
	}
	orig := slices.Clone(x)
	out, constant := Standardize(x, n, d)
	if !slices.Equal(x, orig) {
		t.Fatal("Standardize modified its input")
	}
	if !slices.Equal(constant, []int{2}) {
		t.Errorf("constant columns %v, want [2]", constant)
	}
	for j := 0; j < d; j++ {
		mean, variance := columnMoments(out, n, d, j)
		wantVar := 1.0
		if j == 2 {
			wantVar = 0
		}
		if math.Abs(mean) > 1e-5 || math.Abs(variance-wantVar) > 1e-5 {
			t.Errorf("column %d: mean %g, variance %g; want 0 and %g", j, mean, variance, wantVar)
		}
	}
	for i := 0; i < n; i++ {
		if out[i*d+2] != 0 {
			t.Fatalf("row %d: the constant column holds %g, want 0", i, out[i*d+2])
		}
	}
	// A standardised column is an affine map of the original: the order of
	// the values is kept.
	for i := 1; i < n; i++ {
		if (x[i*d] < x[0]) != (out[i*d] < out[0]) {
			t.Fatalf("row %d: the order of column 0 changed", i)
		}
	}
}

func TestStandardizeEdgeCases(t *testing.T) {
	if out, c := Standardize(nil, 0, 3); len(out) != 0 || len(c) != 3 {
		t.Errorf("no rows: %v, constant %v; want nothing and every column constant", out, c)
	}
	out, c := Standardize([]float32{1, 2}, 1, 2)
	if !slices.Equal(out, []float32{0, 0}) || !slices.Equal(c, []int{0, 1}) {
		t.Errorf("one row: %v, constant %v; want zeros, every column constant", out, c)
	}
	out, _ = Standardize([]float32{1, 3}, 2, 1)
	if !slices.Equal(out, []float32{-1, 1}) {
		t.Errorf("two values 1 and 3: %v, want [-1 1]", out)
	}
}

// BenchmarkStandardize100kx768: the copy Standardise makes before PCA or
// t-SNE of 100,000 × 768 values.
func BenchmarkStandardize100kx768(b *testing.B) {
	const n, d = 100000, 768
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(i%977) * 0.01
	}
	for b.Loop() {
		Standardize(x, n, d)
	}
}

// A Standardizer works in bounded Steps and gives what Standardize gives.
func TestStandardizerSteps(t *testing.T) {
	const n, d = 3000, 200 // 600,000 values: several Steps per pass
	rng := rand.New(rand.NewPCG(9, 9))
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * float64(1+i%d))
	}
	s := NewStandardizer(x, n, d)
	steps, last := 0, 0.0
	for !s.Step() {
		steps++
		if p := s.Progress(); p <= last || p >= 1 {
			t.Fatalf("step %d: progress %g after %g", steps, p, last)
		}
		last = s.Progress()
		if out, _ := s.Result(); out != nil {
			t.Fatal("a result before the end")
		}
	}
	if steps < 6 || s.Progress() != 1 {
		t.Errorf("%d steps, progress %g: want every pass in several bounded steps", steps, s.Progress())
	}
	out, c := s.Result()
	want, wc := Standardize(x, n, d)
	if !slices.Equal(out, want) || len(c) != 0 || len(wc) != 0 {
		t.Error("the stepped result differs from Standardize's")
	}
}
