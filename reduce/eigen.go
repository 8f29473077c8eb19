package reduce

import (
	"errors"
	"math"
)

// ErrNoConvergence is wrapped by the error that PCA.Err (and the Err of a
// TSNE or UMAP whose PCA failed) returns when the symmetric eigensolver's
// QL iteration does not converge within qlIterationsPerRow·(m+1) sweeps on
// an m×m matrix. It has not been seen on finite input; Inf input can
// cause it.
var ErrNoConvergence = errors.New("symmetric eigendecomposition did not converge")

// qlIterationsPerRow bounds the QL sweeps of tridiagonalQL: at most
// qlIterationsPerRow·(m+1) for each eigenvalue of an m×m matrix (EISPACK's
// 30). A variable so that a test can force non-convergence.
var qlIterationsPerRow = 30

// symEigenAsc computes every eigenpair of the symmetric m×m matrix a (row-major,
// float64; both triangles must hold the matrix). It returns the eigenvalues in
// ascending order and the m×m row-major matrix whose column c is the unit
// eigenvector of eigenvalue c. a is not modified. The error is
// ErrNoConvergence when the QL iteration does not converge.
//
// It is the classic Householder reduction to tridiagonal form followed by
// the implicit QL algorithm with shifts (EISPACK's tred2 and tql2, as in
// JAMA's public-domain EigenvalueDecomposition): O(m³) time, accurate to a
// few ulps of the largest eigenvalue. It exists so that the page's wasm need
// not link a LAPACK (gonum's mat, lapack and blas add 3.6 MB of code).
func symEigenAsc(a []float64, m int) (vals, vecs []float64, err error) {
	v := append([]float64(nil), a[:m*m]...)
	d := make([]float64, m)
	e := make([]float64, m)
	tridiagonalize(v, d, e, m)
	transpose(v, m) // the rotations then combine rows, contiguous in memory
	if err := tridiagonalQL(v, d, e, m); err != nil {
		return nil, nil, err
	}
	transpose(v, m)
	sortEigen(v, d, m)
	return d, v, nil
}

// tridiagonalize reduces the symmetric m×m matrix in v to tridiagonal form by
// Householder similarity transforms, leaving in v the orthogonal matrix of
// the accumulated transforms, in d the diagonal and in e[1:] the
// subdiagonal (e[0] = 0).
func tridiagonalize(v, d, e []float64, m int) {
	n := m
	at := func(i, j int) *float64 { return &v[i*n+j] }
	for j := 0; j < n; j++ {
		d[j] = *at(n-1, j)
	}
	for i := n - 1; i > 0; i-- {
		scale, h := 0.0, 0.0
		for k := 0; k < i; k++ {
			scale += math.Abs(d[k])
		}
		if scale == 0 {
			e[i] = d[i-1]
			for j := 0; j < i; j++ {
				d[j] = *at(i-1, j)
				*at(i, j), *at(j, i) = 0, 0
			}
			d[i] = h
			continue
		}
		for k := 0; k < i; k++ {
			d[k] /= scale
			h += d[k] * d[k]
		}
		f := d[i-1]
		g := math.Sqrt(h)
		if f > 0 {
			g = -g
		}
		e[i] = scale * g
		h -= f * g
		d[i-1] = f - g
		for j := 0; j < i; j++ {
			e[j] = 0
		}
		for j := 0; j < i; j++ {
			f = d[j]
			*at(j, i) = f
			g = e[j] + *at(j, j)*f
			for k := j + 1; k < i; k++ {
				g += *at(k, j) * d[k]
				e[k] += *at(k, j) * f
			}
			e[j] = g
		}
		f = 0
		for j := 0; j < i; j++ {
			e[j] /= h
			f += e[j] * d[j]
		}
		hh := f / (h + h)
		for j := 0; j < i; j++ {
			e[j] -= hh * d[j]
		}
		for j := 0; j < i; j++ {
			f, g = d[j], e[j]
			for k := j; k < i; k++ {
				*at(k, j) -= f*e[k] + g*d[k]
			}
			d[j] = *at(i-1, j)
			*at(i, j) = 0
		}
		d[i] = h
	}
	accumulate(v, d, n)
	e[0] = 0
}

// accumulate forms in v the orthogonal matrix of the Householder transforms
// tridiagonalize stored in it (d holds their scales on entry and the
// diagonal on return).
func accumulate(v, d []float64, n int) {
	at := func(i, j int) *float64 { return &v[i*n+j] }
	for i := 0; i < n-1; i++ {
		*at(n-1, i) = *at(i, i)
		*at(i, i) = 1
		if h := d[i+1]; h != 0 {
			for k := 0; k <= i; k++ {
				d[k] = *at(k, i+1) / h
			}
			for j := 0; j <= i; j++ {
				g := 0.0
				for k := 0; k <= i; k++ {
					g += *at(k, i+1) * *at(k, j)
				}
				for k := 0; k <= i; k++ {
					*at(k, j) -= g * d[k]
				}
			}
		}
		for k := 0; k <= i; k++ {
			*at(k, i+1) = 0
		}
	}
	for j := 0; j < n; j++ {
		d[j] = *at(n-1, j)
		*at(n-1, j) = 0
	}
	*at(n-1, n-1) = 1
}

// transpose transposes the n×n row-major matrix v in place.
func transpose(v []float64, n int) {
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v[i*n+j], v[j*n+i] = v[j*n+i], v[i*n+j]
		}
	}
}

// tridiagonalQL diagonalises the symmetric tridiagonal matrix (diagonal d,
// subdiagonal e[1:]) by the implicit QL algorithm with Wilkinson-like
// shifts, applying the rotations to the rows of vt (the transpose of the
// transform matrix). On return d holds the eigenvalues (unsorted) and vt's
// rows the eigenvectors.
func tridiagonalQL(vt, d, e []float64, n int) error {
	for i := 1; i < n; i++ {
		e[i-1] = e[i]
	}
	if n > 0 {
		e[n-1] = 0
	}
	f, tst1 := 0.0, 0.0
	const eps = 0x1p-52
	for l := 0; l < n; l++ {
		tst1 = max(tst1, math.Abs(d[l])+math.Abs(e[l]))
		m := l
		for m < n-1 && math.Abs(e[m]) > eps*tst1 {
			m++
		}
		for iter := 0; m > l && math.Abs(e[l]) > eps*tst1; iter++ {
			if iter >= qlIterationsPerRow*(n+1) {
				return ErrNoConvergence
			}
			f += qlStep(vt, d, e, n, l, m)
		}
		d[l] += f
		e[l] = 0
	}
	return nil
}

// qlStep is one implicit QL sweep on rows l..m with a shift from d[l]; it
// returns the shift to add to the eigenvalues of the deflated part.
func qlStep(vt, d, e []float64, n, l, m int) float64 {
	g := d[l]
	p := (d[l+1] - g) / (2 * e[l])
	r := math.Hypot(p, 1)
	if p < 0 {
		r = -r
	}
	d[l] = e[l] / (p + r)
	d[l+1] = e[l] * (p + r)
	dl1 := d[l+1]
	h := g - d[l]
	for i := l + 2; i < n; i++ {
		d[i] -= h
	}
	p = d[m]
	c, c2, c3 := 1.0, 1.0, 1.0
	el1 := e[l+1]
	s, s2 := 0.0, 0.0
	for i := m - 1; i >= l; i-- {
		c3, c2, s2 = c2, c, s
		g = c * e[i]
		hh := c * p
		r = math.Hypot(p, e[i])
		e[i+1] = s * r
		s, c = e[i]/r, p/r
		p = c*d[i] - s*g
		d[i+1] = hh + s*(c*g+s*d[i])
		ri, rj := vt[i*n:i*n+n], vt[(i+1)*n:(i+1)*n+n]
		for k, t := range rj {
			rj[k] = s*ri[k] + c*t
			ri[k] = c*ri[k] - s*t
		}
	}
	p = -s * s2 * c3 * el1 * e[l] / dl1
	e[l] = s * p
	d[l] = c * p
	return h
}

// sortEigen orders the eigenvalues d ascending, moving the columns of v with
// them (selection sort: m is at most a few hundred).
func sortEigen(v, d []float64, n int) {
	for i := 0; i < n-1; i++ {
		k := i
		for j := i + 1; j < n; j++ {
			if d[j] < d[k] {
				k = j
			}
		}
		if k == i {
			continue
		}
		d[i], d[k] = d[k], d[i]
		for r := 0; r < n; r++ {
			v[r*n+i], v[r*n+k] = v[r*n+k], v[r*n+i]
		}
	}
}
