package reduce

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// synthetic returns n×d float32 rows with a decaying spectrum (standard
// deviation 1/(1+j/8) along dimension j), an offset, and mixing between
// neighbouring dimensions so that the axes are not the coordinate axes.
func synthetic(seed uint64, n, d int) []float32 {
	rng := rand.New(rand.NewPCG(seed, 2))
	x := make([]float32, n*d)
	z := make([]float64, d)
	for i := 0; i < n; i++ {
		for j := range z {
			z[j] = rng.NormFloat64() / (1 + float64(j)/8)
		}
		row := x[i*d : i*d+d]
		for j := range row {
			row[j] = float32(0.8*z[j] + 0.6*z[(j+1)%d] + 0.5)
		}
	}
	return x
}

func benchPCA(b *testing.B, x []float32, n, d, k int) {
	benchPCAConfig(b, x, n, d, PCAConfig{Components: k})
}

func benchPCAConfig(b *testing.B, x []float32, n, d int, cfg PCAConfig) {
	b.ReportAllocs()
	b.ResetTimer()
	var p *PCA
	for range b.N {
		p = NewPCA(x, n, d, cfg)
		for !p.Step() {
		}
	}
	b.ReportMetric(float64(p.Iterations()), "passes")
	if p.sparse {
		b.ReportMetric(1, "sparse")
	}
}

// BenchmarkPCAWorkers runs the top-10 PCA with 1 and 2 goroutines sharing
// its passes (PCAConfig.Workers) on digits (one pass: the exact
// covariance), GloVe 10k (Krylov passes), 40,000 synthetic rows of 768
// (subsample start, then Krylov passes), the same spherized, and 40,000
// rows of 784 with 80% zeros (sparse passes).
func BenchmarkPCAWorkers(b *testing.B) {
	sparse := func(testing.TB) []float32 {
		x := synthetic(3, 40000, 784)
		rng := rand.New(rand.NewPCG(3, 4))
		for i := range x {
			if rng.Float64() < 0.8 {
				x[i] = 0
			}
		}
		return x
	}
	for _, set := range []struct {
		key      string
		x        func(testing.TB) []float32
		n, d     int
		spherize bool
	}{
		{"digits", func(tb testing.TB) []float32 { x, _ := digits(tb); return x }, 1797, 64, false},
		{"glove10k", glove, 10000, 100, false},
		{"synthetic40kx768", func(testing.TB) []float32 { return synthetic(1, 40000, 768) }, 40000, 768, false},
		{"synthetic40kx768/spherize", func(testing.TB) []float32 { return synthetic(1, 40000, 768) }, 40000, 768, true},
		{"sparse40kx784", sparse, 40000, 784, false},
	} {
		x := set.x(b)
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", set.key, w), func(b *testing.B) {
				benchPCAConfig(b, x, set.n, set.d, PCAConfig{Components: 10, Spherize: set.spherize, Workers: w})
			})
		}
	}
}

func BenchmarkPCADigitsTop10(b *testing.B) {
	x, _ := digits(b)
	benchPCA(b, x, 1797, 64, 10)
}

func BenchmarkPCAMNIST10kTop10(b *testing.B) {
	x := loadF32(b, filepath.Join(cacheDir(), "mnist10k_10000x784.f32.bin"), 10000, 784)
	benchPCA(b, x, 10000, 784, 10)
}

func BenchmarkPCAFashion70kTop10(b *testing.B) {
	x := loadF32(b, filepath.Join(cacheDir(), "fashion70k_70000x784.f32.bin"), 70000, 784)
	benchPCA(b, x, 70000, 784, 10)
}

func BenchmarkPCASynthetic100kx768Top10(b *testing.B) {
	if testing.Short() {
		b.Skip("large")
	}
	x := synthetic(1, 100000, 768)
	benchPCA(b, x, 100000, 768, 10)
}

// exactQueryNeighbors returns the k nearest other points (exact, squared
// euclidean, float32 dot products) of each query, as a len(queries)×k
// slice. Results are cached in cacheDir() under key, since they cost
// O(queries·n·d).
func exactQueryNeighbors(tb testing.TB, key string, x []float32, n, d, k int, queries []int) []int32 {
	path := filepath.Join(cacheDir(), fmt.Sprintf("exact%d_%s_%d.i32", k, key, len(queries)))
	if raw, err := os.ReadFile(path); err == nil && len(raw) == 4*k*len(queries) {
		out := make([]int32, k*len(queries))
		for i := range out {
			out[i] = int32(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		return out
	}
	out := make([]int32, 0, k*len(queries))
	sq := make([]float32, n)
	for i := 0; i < n; i++ {
		sq[i] = dot32(x[i*d:i*d+d], x[i*d:i*d+d])
	}
	type cand struct {
		d float32
		j int32
	}
	best := make([]cand, 0, k+1)
	for _, q := range queries {
		best = best[:0]
		xq := x[q*d : q*d+d]
		for j := 0; j < n; j++ {
			if j == q {
				continue
			}
			dv := sq[q] + sq[j] - 2*dot32(xq, x[j*d:j*d+d])
			if len(best) == k && dv >= best[k-1].d {
				continue
			}
			pos := len(best)
			if pos < k {
				best = append(best, cand{})
			} else {
				pos = k - 1
			}
			for pos > 0 && best[pos-1].d > dv {
				best[pos] = best[pos-1]
				pos--
			}
			best[pos] = cand{dv, int32(j)}
		}
		for _, c := range best {
			out = append(out, c.j)
		}
	}
	if err := os.MkdirAll(cacheDir(), 0o755); err == nil {
		raw := make([]byte, 4*len(out))
		for i, v := range out {
			binary.LittleEndian.PutUint32(raw[4*i:], uint32(v))
		}
		_ = os.WriteFile(path, raw, 0o644) // a cache: failure only costs time
	}
	return out
}

// sampleQueries returns all points when n ≤ max, else max points drawn
// without replacement with a fixed seed, ascending.
func sampleQueries(n, max int) []int {
	q := make([]int, 0, min(n, max))
	if n <= max {
		for i := 0; i < n; i++ {
			q = append(q, i)
		}
		return q
	}
	rng := rand.New(rand.NewPCG(77, 78))
	seen := map[int]bool{}
	for len(q) < max {
		if i := rng.IntN(n); !seen[i] {
			seen[i] = true
			q = append(q, i)
		}
	}
	slices.Sort(q)
	return q
}

// recallAt10 is the share of each query's 10 nearest input neighbours among
// its 10 nearest layout neighbours (exact search in the layout).
func recallAt10(inNb []int32, queries []int, pos []float32, n, dims int) float64 {
	hit := 0
	best := make([]int32, 0, 10)
	for qi, q := range queries {
		best = layoutNeighbors(best[:0], pos, n, dims, q, 10)
		for _, j := range inNb[qi*10 : qi*10+10] {
			if slices.Contains(best, j) {
				hit++
			}
		}
	}
	return float64(hit) / float64(10*len(queries))
}

// layoutNeighbors appends the k nearest other points of q in pos (n×dims).
func layoutNeighbors(dst []int32, pos []float32, n, dims, q, k int) []int32 {
	ds := make([]float32, 0, k)
	for j := 0; j < n; j++ {
		if j == q {
			continue
		}
		var dv float32
		for c := 0; c < dims; c++ {
			t := pos[q*dims+c] - pos[j*dims+c]
			dv += t * t
		}
		if len(ds) == k && dv >= ds[k-1] {
			continue
		}
		p := len(ds)
		if p < k {
			ds = append(ds, 0)
			dst = append(dst, 0)
		} else {
			p = k - 1
		}
		for p > 0 && ds[p-1] > dv {
			ds[p], dst[p] = ds[p-1], dst[p-1]
			p--
		}
		ds[p], dst[p] = dv, int32(j)
	}
	return dst
}

// benchTSNE runs the whole t-SNE pipeline (1000 iterations, defaults, seed
// 1) and reports the columns of the table: kNN seconds (PCA
// included), P seconds, ms per iteration, total seconds, recall@10 of the
// layout and the final KL.
func benchTSNE(b *testing.B, key string, x []float32, n, d int, cfg TSNEConfig) {
	queries := sampleQueries(n, 2000)
	inNb := exactQueryNeighbors(b, key, x, n, d, 10, queries)
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	b.ResetTimer()
	var ts *TSNE
	var knnS, pS, iterS, total float64
	for range b.N {
		start := time.Now()
		var tKNN, tP time.Time
		ts = NewTSNE(x, n, d, cfg)
		for !ts.Step() {
			if tKNN.IsZero() && ts.phase >= tsCalibrate {
				tKNN = time.Now()
			}
			if tP.IsZero() && ts.y != nil {
				tP = time.Now()
			}
		}
		end := time.Now()
		knnS = tKNN.Sub(start).Seconds()
		pS = tP.Sub(tKNN).Seconds()
		iterS = end.Sub(tP).Seconds()
		total = end.Sub(start).Seconds()
	}
	b.StopTimer()
	rec := recallAt10(inNb, queries, ts.Positions(), n, ts.Dims())
	b.ReportMetric(knnS, "knn_s")
	b.ReportMetric(pS, "P_s")
	b.ReportMetric(1000*iterS/float64(ts.Iteration()), "ms/iter")
	b.ReportMetric(total, "total_s")
	b.ReportMetric(rec, "recall@10")
	b.ReportMetric(ts.KL(), "KL")
}

func BenchmarkTSNEDigits(b *testing.B) {
	x, _ := digits(b)
	benchTSNE(b, "digits", x, 1797, 64, TSNEConfig{})
}

func BenchmarkTSNEDigits3D(b *testing.B) {
	x, _ := digits(b)
	benchTSNE(b, "digits", x, 1797, 64, TSNEConfig{Dims: 3})
}

// BenchmarkTSNEWorkers runs digits and GloVe 10k with 1 and 2 goroutines
// sharing the iterations (TSNEConfig.Workers; the kNN and P phases are the
// same in both), for the speed-up per phase.
func BenchmarkTSNEWorkers(b *testing.B) {
	for _, set := range []struct {
		key  string
		x    func(testing.TB) []float32
		n, d int
	}{
		{"digits", func(tb testing.TB) []float32 { x, _ := digits(tb); return x }, 1797, 64},
		{"glove10k", glove, 10000, 100},
	} {
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", set.key, w), func(b *testing.B) {
				benchTSNE(b, set.key, set.x(b), set.n, set.d, TSNEConfig{Workers: w})
			})
		}
	}
}

func BenchmarkTSNEGloVe10k(b *testing.B) {
	benchTSNE(b, "glove10k", glove(b), 10000, 100, TSNEConfig{})
}

func BenchmarkTSNEMNIST10k(b *testing.B) {
	x := loadF32(b, filepath.Join(cacheDir(), "mnist10k_10000x784.f32.bin"), 10000, 784)
	benchTSNE(b, "mnist10k", x, 10000, 784, TSNEConfig{})
}

func BenchmarkTSNEFashion70k(b *testing.B) {
	x := loadF32(b, filepath.Join(cacheDir(), "fashion70k_70000x784.f32.bin"), 70000, 784)
	benchTSNE(b, "fashion70k", x, 70000, 784, TSNEConfig{})
}

// benchKNN reports seconds and recall@k of the approximate kNN against exact.
func benchKNN(b *testing.B, key string, x []float32, n, d, k int) {
	benchKNNMethod(b, key, x, n, d, k, KNNApprox)
}

func benchKNNMethod(b *testing.B, key string, x []float32, n, d, k int, m KNNMethod) {
	benchKNNWorkers(b, key, x, n, d, k, m, 1)
}

// benchKNNWorkers reports recall@k against exact of the kNN searched by
// the given number of goroutines.
func benchKNNWorkers(b *testing.B, key string, x []float32, n, d, k int, m KNNMethod, workers int) {
	queries := sampleQueries(n, 1000)
	ex := exactQueryNeighbors(b, key, x, n, d, k, queries)
	b.ResetTimer()
	var g *KNN
	for range b.N {
		g = NewKNN(x, n, d, KNNConfig{K: k, Method: m, Seed: 1, Workers: workers})
		for !g.Step() {
		}
	}
	b.StopTimer()
	hit := 0
	nb := g.Neighbors()
	for qi, q := range queries {
		for _, j := range ex[qi*k : qi*k+k] {
			if slices.Contains(nb[q*k:q*k+k], j) {
				hit++
			}
		}
	}
	b.ReportMetric(float64(hit)/float64(k*len(queries)), "recall")
}

func BenchmarkKNNApproxGloVe10kK90(b *testing.B) { benchKNN(b, "glove10k", glove(b), 10000, 100, 90) }

func BenchmarkKNNExactGloVe10kK90(b *testing.B) {
	benchKNNMethod(b, "glove10k", glove(b), 10000, 100, 90, KNNExact)
}

// BenchmarkKNNWorkers searches GloVe 10k×100 (K = 90, t-SNE's at
// perplexity 30) exactly and approximately on 1 and 2 goroutines.
func BenchmarkKNNWorkers(b *testing.B) {
	x := glove(b)
	for _, m := range []KNNMethod{KNNExact, KNNApprox} {
		for _, w := range []int{1, 2} {
			name := fmt.Sprintf("%s/workers=%d", map[KNNMethod]string{KNNExact: "exact", KNNApprox: "approx"}[m], w)
			b.Run(name, func(b *testing.B) { benchKNNWorkers(b, "glove10k", x, 10000, 100, 90, m, w) })
		}
	}
}

func BenchmarkKNNApproxDigitsK90(b *testing.B) {
	x, _ := digits(b)
	benchKNN(b, "digits", x, 1797, 64, 90)
}

// stepLatency runs step to completion and reports the longest and the
// 99th-percentile duration of one call, in milliseconds: what a page
// calling Step once per frame would block for.
func stepLatency(b *testing.B, name string, step func() bool) {
	var ds []time.Duration
	for {
		s := time.Now()
		done := step()
		ds = append(ds, time.Since(s))
		if done {
			break
		}
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)-1].Microseconds())/1000, name+"_max_ms")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, name+"_p99_ms")
	b.ReportMetric(float64(len(ds)), name+"_steps")
}

// BenchmarkStepLatencyGloVe10k measures how long one Step blocks with the
// default StepWork (PCA top-2, kNN k=90, t-SNE preparation and 100
// iterations).
func BenchmarkStepLatencyGloVe10k(b *testing.B) {
	x := glove(b)
	for range b.N {
		p := NewPCA(x, 10000, 100, PCAConfig{})
		stepLatency(b, "pca", p.Step)
		g := NewKNN(x, 10000, 100, KNNConfig{K: 90})
		stepLatency(b, "knn", g.Step)
		ts := NewTSNE(x, 10000, 100, TSNEConfig{MaxIterations: 100})
		stepLatency(b, "tsne", ts.Step)
	}
}

// BenchmarkTSNEDigitsSeeds runs the digits t-SNE with seeds 1–8 and reports
// the mean, lowest and highest recall@10: on this set the layout's recall
// moves by about ±0.002 with the rounding of the start (seed, or native
// versus js/wasm maths), so one run does not tell 0.584 from 0.586.
func BenchmarkTSNEDigitsSeeds(b *testing.B) {
	x, _ := digits(b)
	const n, d, seeds = 1797, 64, 8
	queries := sampleQueries(n, 2000)
	inNb := exactQueryNeighbors(b, "digits", x, n, d, 10, queries)
	b.ResetTimer()
	var sum, lo, hi, kl float64
	for range b.N {
		sum, lo, hi, kl = 0, 1, 0, 0
		for seed := uint64(1); seed <= seeds; seed++ {
			ts := NewTSNE(x, n, d, TSNEConfig{Seed: seed})
			for !ts.Step() {
			}
			r := recallAt10(inNb, queries, ts.Positions(), n, ts.Dims())
			sum += r
			lo, hi = min(lo, r), max(hi, r)
			kl += ts.KL()
		}
	}
	b.ReportMetric(sum/seeds, "recall@10_mean")
	b.ReportMetric(lo, "recall@10_min")
	b.ReportMetric(hi, "recall@10_max")
	b.ReportMetric(kl/seeds, "KL_mean")
}
