package reduce

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randomSym returns an m×m symmetric matrix with entries from rng, scaled by
// scale; with repeat > 0 its spectrum has eigenvalues repeated repeat times.
func randomSym(rng *rand.Rand, m int, scale float64, repeat int) []float64 {
	a := make([]float64, m*m)
	if repeat > 0 { // Q·diag·Qᵀ with repeated diagonal values
		q := make([][]float64, m)
		for i := range q {
			q[i] = make([]float64, m)
			for j := range q[i] {
				q[i][j] = rng.NormFloat64()
			}
		}
		orthAgainst(q, nil, rng)
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				s := 0.0
				for k := 0; k < m; k++ {
					s += q[k][i] * q[k][j] * float64(k/repeat+1) * scale
				}
				a[i*m+j] = s
			}
		}
		return a
	}
	for i := 0; i < m; i++ {
		for j := i; j < m; j++ {
			x := rng.NormFloat64() * scale
			a[i*m+j], a[j*m+i] = x, x
		}
	}
	return a
}

// TestSymEigenAgreesWithLAPACK checks eigenvalues against gonum's LAPACK and
// the eigenvectors by their defining properties (A·v = λ·v, orthonormal
// columns), on random, scaled, diagonal, zero, rank-one and
// repeated-eigenvalue matrices of sizes 1 to 96.
func TestSymEigenAgreesWithLAPACK(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	type tc struct {
		name string
		m    int
		a    []float64
	}
	var cases []tc
	for _, m := range []int{1, 2, 3, 7, 20, 64, 96} {
		cases = append(cases, tc{"random", m, randomSym(rng, m, 1, 0)})
		cases = append(cases, tc{"scaled 1e8", m, randomSym(rng, m, 1e8, 0)})
		cases = append(cases, tc{"repeated", m, randomSym(rng, m, 1, 3)})
		diag := make([]float64, m*m)
		for i := 0; i < m; i++ {
			diag[i*m+i] = float64((i*7)%m) - 3
		}
		cases = append(cases, tc{"diagonal", m, diag})
		cases = append(cases, tc{"zero", m, make([]float64, m*m)})
		u := make([]float64, m)
		for i := range u {
			u[i] = rng.NormFloat64()
		}
		r1 := make([]float64, m*m)
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				r1[i*m+j] = u[i] * u[j]
			}
		}
		cases = append(cases, tc{"rank one", m, r1})
	}
	for _, c := range cases {
		vals, vecs, err := symEigenAsc(c.a, c.m)
		if err != nil {
			t.Fatalf("%s %d: %v", c.name, c.m, err)
		}
		var e mat.EigenSym
		if !e.Factorize(mat.NewSymDense(c.m, append([]float64(nil), c.a...)), false) {
			t.Fatalf("%s %d: LAPACK failed", c.name, c.m)
		}
		want := e.Values(nil)
		norm := 0.0
		for _, x := range c.a {
			norm = max(norm, math.Abs(x))
		}
		tol := 1e-11 * max(norm*float64(c.m), 1e-300)
		for i := range want {
			if math.Abs(vals[i]-want[i]) > tol {
				t.Errorf("%s %d: eigenvalue %d = %g, LAPACK %g", c.name, c.m, i, vals[i], want[i])
			}
			if i > 0 && vals[i] < vals[i-1] {
				t.Errorf("%s %d: eigenvalues not ascending at %d", c.name, c.m, i)
			}
		}
		checkEigenvectors(t, c.name, c.a, vals, vecs, c.m, tol)
	}
}

// checkEigenvectors checks ‖A·v − λ·v‖ ≤ tol for each column and VᵀV = I.
func checkEigenvectors(t *testing.T, name string, a, vals, v []float64, m int, tol float64) {
	t.Helper()
	for c := 0; c < m; c++ {
		for i := 0; i < m; i++ {
			s := 0.0
			for k := 0; k < m; k++ {
				s += a[i*m+k] * v[k*m+c]
			}
			if r := math.Abs(s - vals[c]*v[i*m+c]); r > tol*10 {
				t.Fatalf("%s %d: residual %g in row %d of pair %d", name, m, r, i, c)
			}
		}
		for c2 := 0; c2 <= c; c2++ {
			s := 0.0
			for k := 0; k < m; k++ {
				s += v[k*m+c] * v[k*m+c2]
			}
			want := 0.0
			if c == c2 {
				want = 1
			}
			if math.Abs(s-want) > 1e-12*float64(m) {
				t.Fatalf("%s %d: columns %d·%d = %g, want %g", name, m, c, c2, s, want)
			}
		}
	}
}

// TestSymEigenLeavesInputAlone checks that a is not modified.
func TestSymEigenLeavesInputAlone(t *testing.T) {
	a := randomSym(rand.New(rand.NewPCG(3, 4)), 10, 1, 0)
	keep := append([]float64(nil), a...)
	if _, _, err := symEigenAsc(a, 10); err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i] != keep[i] {
			t.Fatalf("a[%d] changed", i)
		}
	}
}

// TestSymEigenNaN: non-finite input is an error or NaN output, never a hang.
func TestSymEigenNaN(t *testing.T) {
	a := randomSym(rand.New(rand.NewPCG(5, 6)), 8, 1, 0)
	a[3*8+5], a[5*8+3] = math.NaN(), math.NaN()
	symEigenAsc(a, 8) // must return
}

func BenchmarkSymEigen96(b *testing.B) {
	a := randomSym(rand.New(rand.NewPCG(7, 8)), 96, 1, 0)
	for i := 0; i < b.N; i++ {
		symEigenAsc(a, 96)
	}
}
