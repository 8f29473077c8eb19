package reduce

import (
	"math"
	"slices"
	"testing"
)

// refDist is the float64 distance on the stored vectors, as Distances reports it.
func refDist(x []float32, d, i, j int, m Metric) float64 {
	a, b := x[i*d:i*d+d], x[j*d:j*d+d]
	if m == Cosine {
		var ab, aa, bb float64
		for t := range a {
			ab += float64(a[t]) * float64(b[t])
			aa += float64(a[t]) * float64(a[t])
			bb += float64(b[t]) * float64(b[t])
		}
		if aa == 0 || bb == 0 {
			return 1
		}
		return 1 - ab/math.Sqrt(aa*bb)
	}
	s := 0.0
	for t := range a {
		v := float64(a[t]) - float64(b[t])
		s += v * v
	}
	return s
}

// kthDist returns, for every point, the distance of its k-th nearest other
// point, by brute force in float64.
func kthDist(x []float32, n, d, k int, m Metric) []float64 {
	out := make([]float64, n)
	ds := make([]float64, 0, n)
	for i := 0; i < n; i++ {
		ds = ds[:0]
		for j := 0; j < n; j++ {
			if j != i {
				ds = append(ds, refDist(x, d, i, j, m))
			}
		}
		slices.Sort(ds)
		out[i] = ds[k-1]
	}
	return out
}

// tieRecall is the share of reported neighbours that are truly among the k
// nearest: their distance does not exceed the k-th nearest distance (so ties
// at the boundary count as hits).
func tieRecall(x []float32, n, d, k int, m Metric, nb []int32, kth []float64) float64 {
	hit := 0
	for i := 0; i < n; i++ {
		for _, j := range nb[i*k : i*k+k] {
			if j >= 0 && refDist(x, d, i, int(j), m) <= kth[i]*(1+1e-5)+1e-6 {
				hit++
			}
		}
	}
	return float64(hit) / float64(n*k)
}

func runKNN(t testing.TB, x []float32, n, d int, cfg KNNConfig) *KNN {
	g := NewKNN(x, n, d, cfg)
	last := -1.0
	for steps := 0; !g.Step(); steps++ {
		if p := g.Progress(); p < last || p > 1 {
			t.Fatalf("progress %v after %v", p, last)
		} else {
			last = p
		}
		if steps > 1e7 {
			t.Fatal("kNN does not finish")
		}
	}
	if g.Progress() != 1 {
		t.Fatalf("progress %v when done", g.Progress())
	}
	return g
}

// checkGraph checks structural invariants: no self, no duplicates, sorted
// ascending, distances matching the reference.
func checkGraph(t *testing.T, g *KNN, x []float32, n, d int, m Metric) {
	t.Helper()
	k := g.K()
	nb, ds := g.Neighbors(), g.Distances()
	for i := 0; i < n; i++ {
		seen := map[int32]bool{}
		for s := 0; s < k; s++ {
			j := nb[i*k+s]
			if j < 0 || int(j) >= n || int(j) == i || seen[j] {
				t.Fatalf("point %d: bad neighbour list %v", i, nb[i*k:i*k+k])
			}
			seen[j] = true
			if s > 0 && ds[i*k+s] < ds[i*k+s-1] {
				t.Fatalf("point %d: distances not ascending %v", i, ds[i*k:i*k+k])
			}
			want := refDist(x, d, i, int(j), m)
			if math.Abs(float64(ds[i*k+s])-want) > 1e-3*(1+want) {
				t.Fatalf("point %d neighbour %d: distance %v, want %v", i, j, ds[i*k+s], want)
			}
		}
	}
}

// digitsPrefix returns the first n rows of digits (all 1,797, or 600 under
// the race detector: the tests that use it run one goroutine, and their
// float64 brute-force reference dominates).
func digitsPrefix(t *testing.T) (x []float32, n int) {
	x, _ = digits(t)
	n = 1797
	if raceEnabled {
		n = 600
	}
	return x[:n*64], n
}

func TestKNNExactDigits(t *testing.T) {
	x, n := digitsPrefix(t)
	const d, k = 64, 10
	for _, m := range []Metric{Euclidean, Cosine} {
		t.Run(m.String(), func(t *testing.T) {
			g := runKNN(t, x, n, d, KNNConfig{K: k, Metric: m, Method: KNNExact, StepWork: 1 << 18})
			if g.Approximate() {
				t.Fatal("exact method asked, approximate used")
			}
			checkGraph(t, g, x, n, d, m)
			if r := tieRecall(x, n, d, k, m, g.Neighbors(), kthDist(x, n, d, k, m)); r < 0.999 {
				t.Errorf("exact recall %.4f, want ≥ 0.999 (float32 rounding only)", r)
			}
		})
	}
}

func TestKNNApproxRecall(t *testing.T) {
	x, n := digitsPrefix(t)
	const d = 64
	for _, k := range []int{10, 90} {
		for _, m := range []Metric{Euclidean, Cosine} {
			g := runKNN(t, x, n, d, KNNConfig{K: k, Metric: m, Method: KNNApprox, Seed: 1})
			if !g.Approximate() {
				t.Fatal("approximate method asked, exact used")
			}
			checkGraph(t, g, x, n, d, m)
			r := tieRecall(x, n, d, k, m, g.Neighbors(), kthDist(x, n, d, k, m))
			t.Logf("digits k=%d %v: recall %.4f after %d NN-descent rounds", k, m, r, g.iter)
			if r < 0.95 {
				t.Errorf("digits k=%d %v: approximate recall %.4f, want ≥ 0.95", k, m, r)
			}
		}
	}
}

func TestKNNApproxRecallGloVe(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("brute-force reference on 4,000 points")
	}
	x := glove(t)
	n, d, k := 4000, 100, 15 // a prefix keeps the float64 reference quick
	x = x[:n*d]
	for _, m := range []Metric{Euclidean, Cosine} {
		g := runKNN(t, x, n, d, KNNConfig{K: k, Metric: m, Method: KNNApprox, Seed: 2})
		r := tieRecall(x, n, d, k, m, g.Neighbors(), kthDist(x, n, d, k, m))
		t.Logf("GloVe %d k=%d %v: recall %.4f", n, k, m, r)
		if r < 0.95 {
			t.Errorf("GloVe %v: approximate recall %.4f, want ≥ 0.95", m, r)
		}
	}
}

func TestKNNSeededIdentical(t *testing.T) {
	x := lowRank(3, 500, 20, []float64{3, 2, 1}, 0.5, 0)
	a := runKNN(t, x, 500, 20, KNNConfig{K: 12, Method: KNNApprox, Seed: 9, StepWork: 5000})
	b := runKNN(t, x, 500, 20, KNNConfig{K: 12, Method: KNNApprox, Seed: 9, StepWork: 1 << 22})
	if !slices.Equal(a.Neighbors(), b.Neighbors()) || !slices.Equal(a.Distances(), b.Distances()) {
		t.Error("same seed, different step sizes: different graphs")
	}
}

func TestKNNEdgeCases(t *testing.T) {
	g := runKNN(t, nil, 0, 3, KNNConfig{})
	if len(g.Neighbors()) != 0 {
		t.Error("empty input: neighbours")
	}
	g = runKNN(t, []float32{1, 2}, 1, 2, KNNConfig{K: 5})
	if g.K() != 0 || len(g.Neighbors()) != 0 {
		t.Error("one point has no neighbours")
	}
	// Duplicates and k = n−1.
	x := []float32{0, 0, 0, 0, 1, 1, 1, 1, 0, 0}
	for _, meth := range []KNNMethod{KNNExact, KNNApprox} {
		g = runKNN(t, x, 5, 2, KNNConfig{K: 10, Method: meth})
		if g.K() != 4 {
			t.Fatalf("K = %d, want clamp to 4", g.K())
		}
		checkGraph(t, g, x, 5, 2, Euclidean)
	}
}

// TestKNNTournamentCoversEveryTileOnce checks the exact search's schedule:
// every tile (a, b), a ≤ b, in exactly one round, no block twice in a round.
func TestKNNTournamentCoversEveryTileOnce(t *testing.T) {
	for p := 1; p <= 9; p++ {
		seen := map[[2]int32]int{}
		for r := 0; r < tournamentRounds(p); r++ {
			used := map[int32]bool{}
			for _, tl := range tournamentRound(p, r, nil) {
				if tl[0] > tl[1] || tl[1] >= int32(p) {
					t.Fatalf("p=%d round %d: bad tile %v", p, r, tl)
				}
				if used[tl[0]] || used[tl[1]] && tl[0] != tl[1] {
					t.Fatalf("p=%d round %d: block used twice (%v)", p, r, tl)
				}
				used[tl[0]], used[tl[1]] = true, true
				seen[tl]++
			}
		}
		if len(seen) != p*(p+1)/2 {
			t.Fatalf("p=%d: %d tiles, want %d", p, len(seen), p*(p+1)/2)
		}
		for tl, c := range seen {
			if c != 1 {
				t.Fatalf("p=%d: tile %v served %d times", p, tl, c)
			}
		}
	}
}

// TestKNNWorkersGiveTheSameGraph checks that the number of workers does not
// change the graph, bit for bit, for both methods and metrics, with small
// steps (so that batches end mid-round and mid-level) and large ones.
func TestKNNWorkersGiveTheSameGraph(t *testing.T) {
	const n, d, k = 600, 12, 10
	x := lowRank(4, n, d, []float64{3, 2, 1.5, 1}, 0.4, 0.2)
	copy(x[7*d:8*d], x[3*d:4*d]) // a duplicate row: equal distances
	for _, meth := range []KNNMethod{KNNExact, KNNApprox} {
		for _, m := range []Metric{Euclidean, Cosine} {
			for _, sw := range []int{3000, 1 << 20} {
				cfg := KNNConfig{K: k, Metric: m, Method: meth, Seed: 3, StepWork: sw, LeafSize: 30}
				ref := runKNN(t, x, n, d, cfg)
				if meth == KNNExact {
					checkGraph(t, ref, x, n, d, m)
				}
				for _, w := range []int{2, 3, 8} {
					cfg.Workers = w
					g := runKNN(t, x, n, d, cfg)
					if !slices.Equal(ref.Neighbors(), g.Neighbors()) || !slices.Equal(ref.Distances(), g.Distances()) {
						t.Errorf("%v %v StepWork %d: %d workers give another graph than 1", meth, m, sw, w)
					}
				}
			}
		}
	}
}

// TestTSNEAndUMAPPassWorkersToTheSearch checks that t-SNE's and UMAP's
// neighbour searches get their Workers, and that their layouts then do not
// depend on it.
func TestTSNEAndUMAPPassWorkersToTheSearch(t *testing.T) {
	const n, d = 300, 8
	x := lowRank(5, n, d, []float64{3, 2, 1}, 0.3, 0)
	var searchWorkers int
	tsne := func(w int) []float32 {
		ts := NewTSNE(x, n, d, TSNEConfig{Perplexity: 10, MaxIterations: 30, Seed: 2, KNN: KNNApprox, Workers: w, StepWork: 1 << 12})
		for !ts.Step() {
			if ts.knn != nil {
				searchWorkers = ts.knn.cfg.Workers
			}
		}
		return ts.PositionsTo(nil)
	}
	umap := func(w int) []float32 {
		u := NewUMAP(x, n, d, UMAPConfig{Epochs: 20, Seed: 2, KNN: KNNApprox, Workers: w, StepWork: 1 << 12})
		for !u.Step() {
			if u.knn != nil {
				searchWorkers = u.knn.cfg.Workers
			}
		}
		return u.PositionsTo(nil)
	}
	for name, run := range map[string]func(int) []float32{"t-SNE": tsne, "UMAP": umap} {
		one := run(1)
		three := run(3)
		if searchWorkers != 3 {
			t.Errorf("%s with 3 workers: the search had %d", name, searchWorkers)
		}
		if !slices.Equal(one, three) {
			t.Errorf("%s: 1 and 3 workers give different layouts", name)
		}
	}
}
