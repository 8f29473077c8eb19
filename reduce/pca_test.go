package reduce

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// exactPCA returns the top-k principal axes (d×k, columns) and the
// eigenvalues (variance, divisor n−1) of the centred rows by gonum's SVD.
func exactPCA(t *testing.T, x []float32, n, d, k int, spherize bool) (*mat.Dense, []float64) {
	t.Helper()
	a := mat.NewDense(n, d, nil)
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			mean[j] += float64(x[i*d+j])
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			a.Set(i, j, float64(x[i*d+j])-mean[j])
		}
	}
	if spherize {
		m2 := make([]float64, d)
		for i := 0; i < n; i++ {
			r := a.RawRowView(i)
			s := 0.0
			for _, v := range r {
				s += v * v
			}
			if s > 0 {
				s = 1 / math.Sqrt(s)
			}
			for j := range r {
				r[j] *= s
				m2[j] += r[j] / float64(n)
			}
		}
		for i := 0; i < n; i++ {
			r := a.RawRowView(i)
			for j := range r {
				r[j] -= m2[j]
			}
		}
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		t.Fatal("gonum SVD failed")
	}
	var v mat.Dense
	svd.VTo(&v)
	s := svd.Values(nil)
	eig := make([]float64, k)
	for i := range eig {
		eig[i] = s[i] * s[i] / float64(n-1)
	}
	return mat.DenseCopyOf(v.Slice(0, d, 0, k)), eig
}

// principalCosines returns the cosines of the principal angles between the
// column spans of a and b (both d×k with orthonormal columns), ascending.
func principalCosines(t *testing.T, a, b mat.Matrix) []float64 {
	t.Helper()
	var m mat.Dense
	m.Mul(a.T(), b)
	var svd mat.SVD
	if !svd.Factorize(&m, mat.SVDNone) {
		t.Fatal("gonum SVD failed")
	}
	s := svd.Values(nil)
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	return s
}

func runPCA(t testing.TB, x []float32, n, d int, cfg PCAConfig) *PCA {
	p := NewPCA(x, n, d, cfg)
	last := -1.0
	for steps := 0; ; steps++ {
		done := p.Step()
		if pr := p.Progress(); pr < last || pr < 0 || pr > 1 {
			t.Fatalf("progress %v after %v: not monotonic in [0,1]", pr, last)
		} else {
			last = pr
		}
		if len(p.Positions()) != n*p.Components() {
			t.Fatalf("positions length %d, want %d", len(p.Positions()), n*p.Components())
		}
		if done {
			break
		}
		if steps > 1e7 {
			t.Fatal("PCA does not finish")
		}
	}
	if p.Progress() != 1 {
		t.Fatalf("progress %v when done, want 1", p.Progress())
	}
	return p
}

// checkAgainstExact compares p (done) with gonum's SVD of the same data.
func checkAgainstExact(t *testing.T, p *PCA, x []float32, n, d, k int, spherize bool, tol float64) {
	t.Helper()
	want, wantEig := exactPCA(t, x, n, d, k, spherize)
	got := mat.NewDense(d, k, p.Vectors())
	// Orthonormal columns.
	var g mat.Dense
	g.Mul(got.T(), got)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			w := 0.0
			if i == j {
				w = 1
			}
			if math.Abs(g.At(i, j)-w) > 1e-9 {
				t.Errorf("components not orthonormal: VᵀV[%d,%d] = %v", i, j, g.At(i, j))
			}
		}
	}
	// Same subspace: every principal angle ≈ 0.
	for i, c := range principalCosines(t, got, want) {
		if angle := math.Acos(min(c, 1)); angle > tol {
			t.Errorf("principal angle %d between our span and gonum's: %.3g rad, want ≤ %g", i, angle, tol)
		}
	}
	// Each axis individually (sign-free), as eigenvalues here are distinct.
	for c := 0; c < k; c++ {
		dot := 0.0
		for a := 0; a < d; a++ {
			dot += got.At(a, c) * want.At(a, c)
		}
		if angle := math.Acos(min(math.Abs(dot), 1)); angle > tol {
			t.Errorf("axis %d: angle to gonum's %.3g rad, want ≤ %g", c, angle, tol)
		}
	}
	eig := p.Eigenvalues()
	for c := 0; c < k; c++ {
		if math.Abs(eig[c]-wantEig[c]) > 1e-6*wantEig[0] {
			t.Errorf("eigenvalue %d = %v, gonum %v", c, eig[c], wantEig[c])
		}
		if c > 0 && p.Variance()[c] > p.Variance()[c-1] {
			t.Errorf("variance ratios not descending: %v", p.Variance())
		}
	}
}

func TestPCAMatchesExactSVD(t *testing.T) {
	const n, d, k = 600, 40, 5
	x := lowRank(1, n, d, []float64{10, 7, 5, 3.5, 2.5, 1.8}, 0.5, 100)
	p := runPCA(t, x, n, d, PCAConfig{Components: k, Seed: 3, StepWork: 5000})
	checkAgainstExact(t, p, x, n, d, k, false, 1e-4)
	// Positions are the centred rows times the axes.
	checkPositions(t, p, x, n, d, k, 37)
	// Total of ratios ≤ 1, and they match eigenvalue / total variance.
	sum := 0.0
	for _, r := range p.Variance() {
		sum += r
	}
	if sum > 1+1e-12 || sum < 0.5 {
		t.Errorf("explained variance ratios sum to %v, want in (0.5, 1] for this data", sum)
	}
}

func TestPCASpherizeMatchesExactSVD(t *testing.T) {
	const n, d, k = 400, 30, 3
	x := lowRank(2, n, d, []float64{9, 6, 4, 2}, 0.7, -3)
	p := runPCA(t, x, n, d, PCAConfig{Components: k, Seed: 1, Spherize: true})
	checkAgainstExact(t, p, x, n, d, k, true, 1e-4)
}

func TestPCADigitsTop10(t *testing.T) {
	x, _ := digits(t)
	const n, d, k = 1797, 64, 10
	p := runPCA(t, x, n, d, PCAConfig{Components: k})
	checkAgainstExact(t, p, x, n, d, k, false, 1e-3)
}

func TestPCASeededIdenticalAndSeedIndependent(t *testing.T) {
	const n, d = 300, 20
	x := lowRank(5, n, d, []float64{5, 3, 2}, 0.3, 1)
	a := runPCA(t, x, n, d, PCAConfig{Components: 3, Seed: 42, StepWork: 777})
	b := runPCA(t, x, n, d, PCAConfig{Components: 3, Seed: 42, StepWork: 1 << 20})
	for i, v := range a.Positions() {
		if math.Float32bits(v) != math.Float32bits(b.Positions()[i]) {
			t.Fatalf("same seed, different step sizes: position %d differs (%v vs %v)", i, v, b.Positions()[i])
		}
	}
	c := runPCA(t, x, n, d, PCAConfig{Components: 3, Seed: 43})
	for i, v := range a.Positions() {
		if math.Abs(float64(v-c.Positions()[i])) > 1e-3 {
			t.Fatalf("different seeds give different PCA: position %d %v vs %v", i, v, c.Positions()[i])
		}
	}
}

func TestPCAStepIsBounded(t *testing.T) {
	const n, d, work = 1000, 100, 10000
	x := lowRank(7, n, d, []float64{4, 3, 2}, 1, 0)
	p := NewPCA(x, n, d, PCAConfig{Components: 2, StepWork: work})
	powerSteps := 0
	for {
		phase, row, bw := p.phase, p.row, p.bw
		done := p.Step()
		if phase == pcaPower && p.phase == pcaPower {
			// A row of a Krylov pass costs at least 2·d·bw multiply-adds; a
			// Step may do StepWork of them, or one group of 12 rows, and always
			// finishes the row it starts.
			if moved, limit := p.row-row, max(work/(2*d*bw), 12)+1; moved > limit {
				t.Errorf("a Step moved the pass %d rows (block width %d), want at most %d", moved, bw, limit)
			}
			powerSteps++
		}
		if done {
			break
		}
	}
	if powerSteps < p.Iterations()*n/12/2 {
		t.Errorf("%d Steps inside %d passes: too few", powerSteps, p.Iterations())
	}
}

// TestPCAKrylovRestarts uses a slowly decaying spectrum in many dimensions so
// that the Krylov basis fills up and restarts several times.
func TestPCAKrylovRestarts(t *testing.T) {
	const n, d, k = 1500, 200, 3
	sds := make([]float64, 60)
	for i := range sds {
		sds[i] = 10 / (1 + 0.15*float64(i))
	}
	x := lowRank(11, n, d, sds, 0.2, 5)
	p := NewPCA(x, n, d, PCAConfig{Components: k, Tolerance: 1e-8, MaxIterations: 200})
	p.mMax = 3 * p.b // restart after three blocks
	p.t = make([]float64, p.mMax*p.mMax)
	for !p.Step() {
	}
	if p.Iterations() <= 6 {
		t.Errorf("only %d passes: the basis did not restart", p.Iterations())
	}
	checkAgainstExact(t, p, x, n, d, k, false, 1e-4)
}

func TestPCAEdgeCases(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		p := NewPCA(nil, 0, 5, PCAConfig{})
		if !p.Step() || len(p.Positions()) != 0 || p.Progress() != 1 {
			t.Error("empty input should be done at once with no positions")
		}
	})
	t.Run("one point", func(t *testing.T) {
		p := runPCA(t, []float32{1, 2, 3}, 1, 3, PCAConfig{})
		for _, v := range p.Positions() {
			if v != 0 {
				t.Errorf("single point should sit at the origin, got %v", p.Positions())
			}
		}
	})
	t.Run("constant", func(t *testing.T) {
		x := make([]float32, 50*4)
		for i := range x {
			x[i] = 7
		}
		p := runPCA(t, x, 50, 4, PCAConfig{Spherize: true})
		for _, v := range append(p.Variance(), p.Eigenvalues()...) {
			if v != 0 || math.IsNaN(v) {
				t.Errorf("constant data: variance %v, want 0", v)
			}
		}
	})
	t.Run("more components than dims", func(t *testing.T) {
		x := lowRank(9, 40, 2, []float64{3, 1}, 0.1, 0)
		p := runPCA(t, x, 40, 2, PCAConfig{Components: 3})
		if p.Components() != 3 || len(p.Positions()) != 120 {
			t.Fatalf("components %d, positions %d", p.Components(), len(p.Positions()))
		}
		for i := 0; i < 40; i++ {
			if p.Positions()[i*3+2] != 0 {
				t.Fatalf("third coordinate of 2-D data should be 0")
			}
		}
		if s := p.Variance()[0] + p.Variance()[1]; math.Abs(s-1) > 1e-9 {
			t.Errorf("2-D data: two components explain %v, want 1", s)
		}
	})
}

// TestPCASparseMatchesExactSVD covers the path for mostly-zero rows (images),
// which visits only non-zeros and corrects for the mean algebraically.
func TestPCASparseMatchesExactSVD(t *testing.T) {
	const n, d, k = 800, 120, 4
	x := lowRank(13, n, d, []float64{6, 5, 4, 3, 2}, 0.5, 0)
	zeros := 0
	for i, v := range x {
		if v < 1.2 {
			x[i] = 0
			zeros++
		}
	}
	if zeros < n*d*7/10 {
		t.Fatalf("test data has only %d zeros of %d", zeros, n*d)
	}
	p := runPCA(t, x, n, d, PCAConfig{Components: k, Seed: 2, StepWork: 20000})
	if !p.sparse {
		t.Fatal("mostly-zero data did not take the sparse path")
	}
	checkAgainstExact(t, p, x, n, d, k, false, 1e-4)
	checkPositions(t, p, x, n, d, k, 41)
	mean := p.Mean()
	// Explained variance against the dense total.
	total := 0.0
	for i := 0; i < n; i++ {
		for a := 0; a < d; a++ {
			c := float64(x[i*d+a]) - mean[a]
			total += c * c
		}
	}
	if got, want := p.Variance()[0], p.Eigenvalues()[0]*float64(n-1)/total; math.Abs(got-want) > 1e-9 {
		t.Errorf("variance ratio %v, want %v", got, want)
	}
	if got, want := p.TotalVariance(), total/float64(n-1); math.Abs(got-want) > 1e-9*want {
		t.Errorf("total variance %v, want %v", got, want)
	}
}

// checkPositions checks every stride-th row's positions against the centred
// row times the component vectors.
func checkPositions(t *testing.T, p *PCA, x []float32, n, d, k, stride int) {
	t.Helper()
	v, mean := p.Vectors(), p.Mean()
	for i := 0; i < n; i += stride {
		for c := 0; c < k; c++ {
			s := 0.0
			for a := 0; a < d; a++ {
				s += (float64(x[i*d+a]) - mean[a]) * v[a*k+c]
			}
			if got := float64(p.Positions()[i*k+c]); math.Abs(got-s) > 1e-4*(1+math.Abs(s)) {
				t.Errorf("position[%d][%d] = %v, want %v", i, c, got, s)
			}
		}
	}
}

// TestPCAWarmStart covers inputs large enough for the Krylov iteration to
// start from a subsample's PCA: dense, spherized and sparse rows, each
// against gonum's SVD of all rows, with the positions checked against the
// components (they come from stored projections, not from a last pass).
func TestPCAWarmStart(t *testing.T) {
	const n, d, k = 9000, 100, 10
	sds := make([]float64, 30)
	for i := range sds {
		sds[i] = 8 / (1 + 0.25*float64(i))
	}
	dense := lowRank(21, n, d, sds, 0.3, 2)
	sparse := append([]float32(nil), dense...)
	for i, v := range sparse {
		if v < 3 {
			sparse[i] = 0
		}
	}
	for _, tc := range []struct {
		name     string
		x        []float32
		spherize bool
		sparse   bool
	}{
		{"dense", dense, false, false},
		{"spherize", dense, true, false},
		{"sparse", sparse, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := runPCA(t, tc.x, n, d, PCAConfig{Components: k, Seed: 5, Spherize: tc.spherize})
			if !p.warmed {
				t.Fatal("the iteration did not start from the subsample's PCA")
			}
			if p.sparse != tc.sparse {
				t.Fatalf("sparse path %v, want %v", p.sparse, tc.sparse)
			}
			checkAgainstExact(t, p, tc.x, n, d, k, tc.spherize, 1e-4)
			if !tc.spherize {
				checkPositions(t, p, tc.x, n, d, k, 97)
			}
		})
	}
}

// TestPCALargeDegenerate feeds the subsample-start path (n ≥ 8,000, D above
// the exact-covariance size) constant rows and rank-2 rows with more
// components asked for than the data has: no panic, no NaN, and the
// variance where the data has it.
func TestPCALargeDegenerate(t *testing.T) {
	const n, d, k = 8000, 80, 10
	for _, spherize := range []bool{false, true} {
		t.Run(fmt.Sprintf("constant spherize=%v", spherize), func(t *testing.T) {
			x := make([]float32, n*d)
			for i := range x {
				x[i] = 3
			}
			p := runPCA(t, x, n, d, PCAConfig{Components: k, Spherize: spherize})
			for _, v := range append(p.Variance(), p.Eigenvalues()...) {
				if v != 0 || math.IsNaN(v) {
					t.Fatalf("constant data: variance %v, want 0", v)
				}
			}
			for _, v := range p.Positions() {
				if v != 0 {
					t.Fatalf("constant data: position %v, want 0", v)
				}
			}
		})
	}
	t.Run("rank 2", func(t *testing.T) {
		x := lowRank(17, n, d, []float64{5, 2}, 0, 1)
		p := runPCA(t, x, n, d, PCAConfig{Components: k})
		if !p.warmed {
			t.Fatal("the subsample start was not taken")
		}
		v := p.Variance()
		if s := v[0] + v[1]; math.Abs(s-1) > 1e-5 {
			t.Errorf("rank-2 data: two components explain %v, want 1", s)
		}
		for c, r := range v {
			if math.IsNaN(r) || r < 0 || (c >= 2 && r > 1e-5) {
				t.Errorf("variance ratios %v: want two non-zero, the rest ~0", v)
				break
			}
		}
		checkPositions(t, p, x, n, d, k, 211)
	})
}
