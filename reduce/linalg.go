package reduce

import (
	"math"
	"math/rand/v2"
	"sort"
)

// symEigen computes all eigenpairs of the symmetric m×m matrix a (row-major,
// float64; only read) by cyclic Jacobi rotations. It returns the eigenvalues in
// descending order and the matching unit eigenvectors as the columns of the
// m×m row-major matrix vecs. Each eigenvector's sign is fixed so that its
// entry of largest magnitude is positive, which makes results reproducible
// independently of rotation order. Intended for small m (≤ a few hundred).
func symEigen(a []float64, m int) (vals []float64, vecs []float64) {
	w := make([]float64, m*m)
	copy(w, a[:m*m])
	v := make([]float64, m*m)
	for i := 0; i < m; i++ {
		v[i*m+i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		off, diag := 0.0, 0.0
		for i := 0; i < m; i++ {
			diag += w[i*m+i] * w[i*m+i]
			for j := i + 1; j < m; j++ {
				off += w[i*m+j] * w[i*m+j]
			}
		}
		if off <= 1e-30*diag || off == 0 {
			break
		}
		for p := 0; p < m; p++ {
			for q := p + 1; q < m; q++ {
				apq := w[p*m+q]
				if apq == 0 {
					continue
				}
				app, aqq := w[p*m+p], w[q*m+q]
				theta := (aqq - app) / (2 * apq)
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := 0; k < m; k++ {
					akp, akq := w[k*m+p], w[k*m+q]
					w[k*m+p] = c*akp - s*akq
					w[k*m+q] = s*akp + c*akq
				}
				for k := 0; k < m; k++ {
					apk, aqk := w[p*m+k], w[q*m+k]
					w[p*m+k] = c*apk - s*aqk
					w[q*m+k] = s*apk + c*aqk
				}
				for k := 0; k < m; k++ {
					vkp, vkq := v[k*m+p], v[k*m+q]
					v[k*m+p] = c*vkp - s*vkq
					v[k*m+q] = s*vkp + c*vkq
				}
			}
		}
	}
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool { return w[order[x]*m+order[x]] > w[order[y]*m+order[y]] })
	vals = make([]float64, m)
	vecs = make([]float64, m*m)
	for c, o := range order {
		vals[c] = w[o*m+o]
		big, sign := 0.0, 1.0
		for r := 0; r < m; r++ {
			if x := v[r*m+o]; math.Abs(x) > big {
				big = math.Abs(x)
				if x < 0 {
					sign = -1
				} else {
					sign = 1
				}
			}
		}
		for r := 0; r < m; r++ {
			vecs[r*m+c] = sign * v[r*m+o]
		}
	}
	return vals, vecs
}

// orthonormalize makes the l columns of the d×l row-major matrix q orthonormal
// in place, in column order, by modified Gram-Schmidt applied twice. A column
// that is (numerically) in the span of the previous ones is replaced by a
// random vector drawn from rng and orthonormalized in turn, so the result
// always has l orthonormal columns (l ≤ d is required).
func orthonormalize(q []float64, d, l int, rng *rand.Rand) {
	for j := 0; j < l; j++ {
		orig := colNorm(q, d, l, j)
		for attempt := 0; ; attempt++ {
			for pass := 0; pass < 2; pass++ {
				for p := 0; p < j; p++ {
					dot := 0.0
					for i := 0; i < d; i++ {
						dot += q[i*l+p] * q[i*l+j]
					}
					for i := 0; i < d; i++ {
						q[i*l+j] -= dot * q[i*l+p]
					}
				}
			}
			nrm := colNorm(q, d, l, j)
			if nrm > 1e-10*orig && nrm > 0 && attempt < 10 || attempt >= 10 && nrm > 0 {
				for i := 0; i < d; i++ {
					q[i*l+j] /= nrm
				}
				break
			}
			for i := 0; i < d; i++ {
				q[i*l+j] = rng.NormFloat64()
			}
			orig = colNorm(q, d, l, j)
		}
	}
}

func colNorm(q []float64, d, l, j int) float64 {
	s := 0.0
	for i := 0; i < d; i++ {
		s += q[i*l+j] * q[i*l+j]
	}
	return math.Sqrt(s)
}
