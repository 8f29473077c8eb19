package reduce

import (
	"math"
	"math/rand/v2"
)

// symEigen computes all eigenpairs of the symmetric m×m matrix a (row-major,
// float64; both triangles must hold the matrix) with symEigenAsc. It returns
// the eigenvalues in descending order and the matching unit eigenvectors as
// the columns of the m×m row-major matrix vecs. Each eigenvector's sign is
// fixed so that its entry of largest magnitude is positive. The error is
// ErrNoConvergence when the iteration does not converge (which needs
// non-finite input).
func symEigen(a []float64, m int) (vals []float64, vecs []float64, err error) {
	asc, v, err := symEigenAsc(a, m)
	if err != nil {
		return nil, nil, err
	}
	vals = make([]float64, m)
	vecs = make([]float64, m*m)
	for c := 0; c < m; c++ {
		o := m - 1 - c
		vals[c] = asc[o]
		big, sign := 0.0, 1.0
		for r := 0; r < m; r++ {
			if x := v[r*m+o]; math.Abs(x) > big {
				big, sign = math.Abs(x), math.Copysign(1, x)
			}
		}
		for r := 0; r < m; r++ {
			vecs[r*m+c] = sign * v[r*m+o]
		}
	}
	return vals, vecs, nil
}

// orthAgainst makes the vectors cols orthonormal, in order, and orthogonal to
// the orthonormal vectors basis, in place, by modified Gram-Schmidt applied
// twice. A vector that is (numerically) in the span of basis and the previous
// cols is replaced by a random one from rng. len(basis)+len(cols) must not
// exceed the dimension.
func orthAgainst(cols, basis [][]float64, rng *rand.Rand) {
	for j, c := range cols {
		orig := norm(c)
		for attempt := 0; ; attempt++ {
			for pass := 0; pass < 2; pass++ {
				for _, b := range basis {
					axpy(-dot(b, c), b, c)
				}
				for _, b := range cols[:j] {
					axpy(-dot(b, c), b, c)
				}
			}
			nrm := norm(c)
			if nrm > 0 && (nrm > 1e-10*orig || attempt >= 10) {
				scale(1/nrm, c)
				break
			}
			for i := range c {
				c[i] = rng.NormFloat64()
			}
			orig = norm(c)
		}
	}
}

func dot(a, b []float64) float64 {
	b = b[:len(a)]
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// axpy sets y += alpha·x.
func axpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

func scale(alpha float64, x []float64) {
	for i := range x {
		x[i] *= alpha
	}
}

func norm(x []float64) float64 { return math.Sqrt(dot(x, x)) }

// dotF32F64 returns a·b for float32 a and float64 b (len(b) ≥ len(a)).
func dotF32F64(a []float32, b []float64) float64 {
	b = b[:len(a)]
	s := 0.0
	for i, v := range a {
		s += float64(v) * b[i]
	}
	return s
}
