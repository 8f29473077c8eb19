package reduce

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// bruteLayoutKNN is the k nearest of every point by squared distance in
// float64, equal distances by index.
func bruteLayoutKNN(pos []float32, n, dims, k int) []int32 {
	out := make([]int32, 0, n*k)
	idx := make([]int32, 0, n)
	d := make([]float64, n)
	for i := 0; i < n; i++ {
		idx = idx[:0]
		for j := 0; j < n; j++ {
			s := 0.0
			for a := 0; a < dims; a++ {
				v := float64(pos[i*dims+a]) - float64(pos[j*dims+a])
				s += v * v
			}
			d[j] = s
			if j != i {
				idx = append(idx, int32(j))
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return d[idx[a]] < d[idx[b]] })
		out = append(out, idx[:k]...)
	}
	return out
}

func runLayoutKNN(pos []float32, n, dims, k int) *LayoutKNN {
	l := NewLayoutKNN(pos, n, dims, k)
	l.stepMax = 50 // many small steps
	for !l.Step() {
	}
	return l
}

func TestLayoutKNNMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	layouts := map[string]func(n, dims int) []float32{
		"uniform": func(n, dims int) []float32 {
			p := make([]float32, n*dims)
			for i := range p {
				p[i] = float32(rng.Float64() * 100)
			}
			return p
		},
		"clusters and an outlier": func(n, dims int) []float32 {
			p := make([]float32, n*dims)
			for i := 0; i < n; i++ {
				c := float64(i % 5 * 40)
				for a := 0; a < dims; a++ {
					p[i*dims+a] = float32(c + rng.NormFloat64())
				}
			}
			p[0] = 1e5
			return p
		},
		"integer grid with ties and duplicates": func(n, dims int) []float32 {
			p := make([]float32, n*dims)
			for i := range p {
				p[i] = float32(rng.IntN(6))
			}
			return p
		},
		"collinear": func(n, dims int) []float32 {
			p := make([]float32, n*dims)
			for i := 0; i < n; i++ {
				p[i*dims] = float32(rng.Float64())
			}
			return p
		},
		"one point repeated": func(n, dims int) []float32 { return make([]float32, n*dims) },
	}
	for name, make := range layouts {
		for _, dims := range []int{2, 3} {
			for _, n := range []int{1, 2, 11, 400} {
				pos := make(n, dims)
				k := 10
				got := runLayoutKNN(pos, n, dims, k)
				want := bruteLayoutKNN(pos, n, dims, got.K())
				if got.K() != min(k, n-1) || !slices.Equal(got.Neighbors(), want) {
					t.Errorf("%s, %dD, n %d: neighbours differ from brute force (k %d)", name, dims, n, got.K())
				}
			}
		}
	}
}

func TestLayoutKNNProgress(t *testing.T) {
	pos := make([]float32, 2*100)
	for i := range pos {
		pos[i] = float32(i)
	}
	l := NewLayoutKNN(pos, 100, 2, 10)
	l.stepMax = 1
	if l.Progress() != 0 || l.Step() || l.Progress() != 0.01 {
		t.Errorf("after one step of one point: progress %g", l.Progress())
	}
	for !l.Step() {
	}
	if l.Progress() != 1 {
		t.Errorf("done at progress %g", l.Progress())
	}
}

// BenchmarkLayoutKNN100k: recall@10's layout side for 100,000 points in
// 2D, 20 Gaussian clusters.
func BenchmarkLayoutKNN100k(b *testing.B) {
	const n = 100000
	rng := rand.New(rand.NewPCG(1, 1))
	pos := make([]float32, 2*n)
	for i := 0; i < n; i++ {
		cx, cy := float64(i%20)*10, float64(i%7)*10
		pos[2*i], pos[2*i+1] = float32(cx+rng.NormFloat64()), float32(cy+rng.NormFloat64())
	}
	for b.Loop() {
		l := NewLayoutKNN(pos, n, 2, 10)
		for !l.Step() {
		}
	}
}

// bruteInputKNN is the k nearest rows of every row of the n×d x by squared
// euclidean distance in float64, equal distances by index.
func bruteInputKNN(x []float32, n, d, k int) []int32 {
	out := make([]int32, 0, n*k)
	dist := make([]float64, n)
	idx := make([]int32, 0, n)
	for i := 0; i < n; i++ {
		idx = idx[:0]
		for j := 0; j < n; j++ {
			s := 0.0
			for a := 0; a < d; a++ {
				v := float64(x[i*d+a]) - float64(x[j*d+a])
				s += v * v
			}
			dist[j] = s
			if j != i {
				idx = append(idx, int32(j))
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return dist[idx[a]] < dist[idx[b]] })
		out = append(out, idx[:k]...)
	}
	return out
}

// t-SNE's own neighbour search of the digits (64 dims: no PCA, exact) is
// the exact kNN of the input, which quality measures may reuse; of 200
// dimensions it runs on a PCA reduction and says it is not.
func TestTSNEInputNeighbours(t *testing.T) {
	x, _ := digits(t)
	const n, d = 1797, 64
	ts := NewTSNE(x, n, d, TSNEConfig{Seed: 1})
	if nbr, _, _ := ts.InputNeighbours(); nbr != nil {
		t.Fatal("neighbours before the search")
	}
	for {
		ts.Step()
		if ph, _ := ts.Phase(); ph > PhaseNeighbours {
			break
		}
	}
	nbr, k, exact := ts.InputNeighbours()
	if !exact || k != 90 || len(nbr) != n*k {
		t.Fatalf("digits: k %d, exact %v, %d indices", k, exact, len(nbr))
	}
	want := bruteInputKNN(x, n, d, 10)
	for i := 0; i < n; i++ {
		if !slices.Equal(nbr[i*k:i*k+10], want[i*10:i*10+10]) {
			t.Fatalf("row %d: first 10 of t-SNE's neighbours %v, brute force %v", i, nbr[i*k:i*k+10], want[i*10:i*10+10])
		}
	}

	wide := make([]float32, 300*200)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range wide {
		wide[i] = float32(rng.NormFloat64())
	}
	ts = NewTSNE(wide, 300, 200, TSNEConfig{Seed: 1})
	for {
		ts.Step()
		if ph, _ := ts.Phase(); ph > PhaseNeighbours {
			break
		}
	}
	if nbr, _, exact := ts.InputNeighbours(); nbr == nil || exact {
		t.Errorf("200 dims (searched on 50 principal components): exact %v", exact)
	}
}
