package reduce

import "math"

// Standardize returns a copy of the n×d row-major float32 x in which every
// column (dimension) is scaled to zero mean and unit variance: value j of
// a row becomes (x_j − mean_j) / std_j, with the population standard
// deviation (divisor n, as scikit-learn's StandardScaler). A column whose
// values are all equal cannot be scaled: it is set to 0 and its 0-based
// index listed in constant (ascending). x is only read. It is a Standardizer
// run to the end. It panics if len(x) < n*d or n or d is negative.
func Standardize(x []float32, n, d int) (out []float32, constant []int) {
	s := NewStandardizer(x, n, d)
	for !s.Step() {
	}
	return s.Result()
}

// Standardizer computes Standardize incrementally: three passes over the
// rows (the sums, the squared deviations, the copy), in Steps of about
// 2^18 values, a few milliseconds in js/wasm (a single pass over 100,000 ×
// 768 values takes most of a second there).
type Standardizer struct {
	x         []float32
	n, d      int
	mean, inv []float64 // per column: the mean, 1/std (0 when constant)
	lo, hi    []float32 // per column: the extremes
	out       []float32
	pass, row int // the pass (0..2, 3 when done) and its next row
}

// stdStepValues is about how many values one Standardizer.Step reads.
const stdStepValues = 1 << 18

// NewStandardizer prepares the standardisation of the n×d row-major x
// (retained, only read); it allocates the n×d result.
func NewStandardizer(x []float32, n, d int) *Standardizer {
	if n < 0 || d < 0 || len(x) < n*d {
		panic("reduce: NewStandardizer: x shorter than n×d or negative size")
	}
	s := &Standardizer{x: x[:n*d], n: n, d: d, mean: make([]float64, d), inv: make([]float64, d),
		lo: make([]float32, d), hi: make([]float32, d), out: make([]float32, n*d)}
	if n > 0 {
		copy(s.lo, x[:d])
		copy(s.hi, x[:d])
	}
	return s
}

// Step does one bounded piece of the work and reports whether it is done.
func (s *Standardizer) Step() (done bool) {
	if s.pass == 3 {
		return true
	}
	rows := max(1, stdStepValues/max(s.d, 1))
	end := min(s.n, s.row+rows)
	for i := s.row; i < end; i++ {
		s.rowPass(s.x[i*s.d:i*s.d+s.d], s.out[i*s.d:i*s.d+s.d])
	}
	s.row = end
	if s.row < s.n {
		return false
	}
	s.row = 0
	s.endPass()
	return s.pass == 3
}

// rowPass does the current pass's work on one row (the slices are cut to
// the row's length so that the loops run without bounds checks).
func (s *Standardizer) rowPass(row, dst []float32) {
	mean, inv := s.mean[:len(row)], s.inv[:len(row)]
	switch s.pass {
	case 0:
		lo, hi := s.lo[:len(row)], s.hi[:len(row)]
		for j, v := range row {
			mean[j] += float64(v)
			if v < lo[j] {
				lo[j] = v
			} else if v > hi[j] {
				hi[j] = v
			}
		}
	case 1:
		// The variance from the deviations: sums of squares minus the
		// squared sum lose every digit on columns far from zero.
		for j, v := range row {
			dv := float64(v) - mean[j]
			inv[j] += dv * dv
		}
	case 2:
		dst = dst[:len(row)]
		for j, v := range row {
			dst[j] = float32((float64(v) - mean[j]) * inv[j])
		}
	}
}

// endPass turns the sums of the pass that ended into means or scales.
func (s *Standardizer) endPass() {
	switch s.pass {
	case 0:
		for j := range s.mean {
			s.mean[j] /= float64(max(s.n, 1))
		}
	case 1:
		for j := range s.inv {
			if s.lo[j] == s.hi[j] || s.inv[j] == 0 {
				s.inv[j] = 0 // constant: every value the same
				continue
			}
			s.inv[j] = 1 / math.Sqrt(s.inv[j]/float64(s.n))
		}
	}
	s.pass++
}

// Progress is the share of the work done, in [0, 1].
func (s *Standardizer) Progress() float64 {
	if s.pass == 3 || s.n == 0 {
		return 1
	}
	return (float64(s.pass) + float64(s.row)/float64(s.n)) / 3
}

// Result returns the standardised n×d copy and the constant columns
// (0-based, ascending), once Step has reported done (nil before).
func (s *Standardizer) Result() (out []float32, constant []int) {
	if s.pass < 3 {
		return nil, nil
	}
	for j, v := range s.inv {
		if v == 0 {
			constant = append(constant, j)
		}
	}
	return s.out, constant
}
