package reduce

import "math"

// Standardize returns a copy of the n×d row-major float32 x in which every
// column (dimension) is scaled to zero mean and unit variance: value j of
// a row becomes (x_j − mean_j) / std_j, with the population standard
// deviation (divisor n, as scikit-learn's StandardScaler). A column whose
// values are all equal cannot be scaled: it is set to 0 and its 0-based
// index listed in constant (ascending). x is only read. The work is two
// passes over x with float64 sums, then one writing the copy: O(n·d), about
// 3 ns per value in js/wasm. It panics if len(x) < n*d or n or d is negative.
func Standardize(x []float32, n, d int) (out []float32, constant []int) {
	if n < 0 || d < 0 || len(x) < n*d {
		panic("reduce: Standardize: x shorter than n×d or negative size")
	}
	mean, scale := columnScales(x[:n*d], n, d)
	out = make([]float32, n*d)
	for j, s := range scale {
		if s == 0 {
			constant = append(constant, j)
		}
	}
	for i := 0; i < n; i++ {
		row, dst := x[i*d:i*d+d], out[i*d:i*d+d]
		for j, v := range row {
			dst[j] = float32((float64(v) - mean[j]) * scale[j])
		}
	}
	return out, constant
}

// columnScales returns the mean of every column of the n×d x and the factor
// 1/std that gives it unit variance (0 for a constant column).
func columnScales(x []float32, n, d int) (mean, scale []float64) {
	mean, scale = make([]float64, d), make([]float64, d)
	lo, hi := make([]float32, d), make([]float32, d)
	if n > 0 {
		copy(lo, x[:d])
		copy(hi, x[:d])
	}
	for i := 0; i < n; i++ {
		for j, v := range x[i*d : i*d+d] {
			mean[j] += float64(v)
			lo[j], hi[j] = min(lo[j], v), max(hi[j], v)
		}
	}
	for j := range mean {
		mean[j] /= float64(max(n, 1))
	}
	// The variance from the deviations (a second pass): sums of squares
	// minus the squared sum lose every digit on columns far from zero.
	for i := 0; i < n; i++ {
		for j, v := range x[i*d : i*d+d] {
			dv := float64(v) - mean[j]
			scale[j] += dv * dv
		}
	}
	for j := range scale {
		if lo[j] == hi[j] || scale[j] == 0 {
			scale[j] = 0 // constant: every value the same
			continue
		}
		scale[j] = 1 / math.Sqrt(scale[j]/float64(n))
	}
	return mean, scale
}
