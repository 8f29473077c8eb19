package reduce

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// benchUMAP runs the whole UMAP pipeline (defaults, seed 1) and reports
// seconds to the end of the neighbour search (PCA included), of the fuzzy
// set, of the epochs, in total, and the layout's recall@10.
func benchUMAP(b *testing.B, key string, x []float32, n, d int, cfg UMAPConfig) {
	queries := sampleQueries(n, 2000)
	inNb := exactQueryNeighbors(b, key, x, n, d, 10, queries)
	writeQueries(key, queries)
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	b.ResetTimer()
	var u *UMAP
	var knnS, fzS, sgdS, total, cpu float64
	for range b.N {
		cpu0 := cpuSeconds()
		start := time.Now()
		var tKNN, tFz time.Time
		u = NewUMAP(x, n, d, cfg)
		for !u.Step() {
			if tKNN.IsZero() && u.phase >= umSmooth {
				tKNN = time.Now()
			}
			if tFz.IsZero() && u.phase >= umInit {
				tFz = time.Now()
			}
		}
		end := time.Now()
		cpu = cpuSeconds() - cpu0
		knnS = tKNN.Sub(start).Seconds()
		fzS = tFz.Sub(tKNN).Seconds()
		sgdS = end.Sub(tFz).Seconds()
		total = end.Sub(start).Seconds()
	}
	b.StopTimer()
	b.ReportMetric(knnS, "knn_s")
	b.ReportMetric(fzS, "fuzzy_s")
	b.ReportMetric(sgdS, "sgd_s")
	b.ReportMetric(total, "total_s")
	if cpu > 0 {
		b.ReportMetric(cpu, "cpu_s")
	}
	b.ReportMetric(float64(u.Epochs()), "epochs")
	b.ReportMetric(recallAt10(inNb, queries, u.Positions(), n, u.Dims()), "recall@10")
}

// writeQueries caches the recall@10 queries next to their exact neighbours
// (queries_KEY_Q.i32, little-endian int32) for scripts/bench-umap, which
// measures umap-js's layouts against the same neighbours.
func writeQueries(key string, queries []int) {
	raw := make([]byte, 4*len(queries))
	for i, q := range queries {
		binary.LittleEndian.PutUint32(raw[4*i:], uint32(q))
	}
	p := filepath.Join(cacheDir(), fmt.Sprintf("queries_%s_%d.i32", key, len(queries)))
	_ = os.WriteFile(p, raw, 0o644) // a cache: failure only leaves umap-js's recall unmeasured
}

func BenchmarkUMAPDigits(b *testing.B) {
	x, _ := digits(b)
	benchUMAP(b, "digits", x, 1797, 64, UMAPConfig{})
}

func BenchmarkUMAPGloVe10k(b *testing.B) {
	benchUMAP(b, "glove10k", glove(b), 10000, 100, UMAPConfig{})
}

func BenchmarkUMAPMNIST10k(b *testing.B) {
	x := loadF32(b, filepath.Join(cacheDir(), "mnist10k_10000x784.f32.bin"), 10000, 784)
	benchUMAP(b, "mnist10k", x, 10000, 784, UMAPConfig{})
}

func BenchmarkUMAPFashion70k(b *testing.B) {
	x := loadF32(b, filepath.Join(cacheDir(), "fashion70k_70000x784.f32.bin"), 70000, 784)
	benchUMAP(b, "fashion70k", x, 70000, 784, UMAPConfig{})
}

var powSink float64

func BenchmarkUMAPPowTable(b *testing.B) {
	x := 0.37
	pw := newPowTable(0.895)
	for range b.N {
		powSink += pw.pow(x)
		x += 1e-9
	}
}

func BenchmarkUMAPPowMath(b *testing.B) {
	x := 0.37
	for range b.N {
		powSink += math.Exp(0.895 * math.Log(x))
		x += 1e-9
	}
}

// BenchmarkUMAPEpochsGloVe10k times 50 epochs of the SGD alone (from epoch
// 0, on the graph and start of GloVe 10k), per sample, for tuning the loop.
func BenchmarkUMAPEpochsGloVe10k(b *testing.B) {
	u := NewUMAP(glove(b), 10000, 100, UMAPConfig{Seed: 1})
	for u.phase < umEpoch {
		u.Step()
	}
	y0, e0, rng0 := slices.Clone(u.y), u.edges, u.rng
	samples := 0.0
	for _, r := range e0.rec {
		samples += 50 * (1 + float64(u.cfg.NegativeSampleRate)) / float64(r.eps)
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		copy(u.y, y0)
		u.edges = umapEdges{next: slices.Clone(e0.next), rec: slices.Clone(e0.rec)}
		u.rng, u.epoch, u.pos = rng0, 0, 0
		b.StartTimer()
		for u.epoch < 50 {
			u.Step()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/samples, "ns/sample")
}

// UMAP's neighbour search: K = 14 (n_neighbors 15 counts the point itself).
func BenchmarkKNNApproxGloVe10kK14(b *testing.B) { benchKNN(b, "glove10k", glove(b), 10000, 100, 14) }

func BenchmarkKNNExactGloVe10kK14(b *testing.B) {
	benchKNNMethod(b, "glove10k", glove(b), 10000, 100, 14, KNNExact)
}

// The 10k sets at umap-js's own epoch count for 10,000 points (200), for a
// comparison at equal work.
func BenchmarkUMAPGloVe10kEpochs200(b *testing.B) {
	benchUMAP(b, "glove10k", glove(b), 10000, 100, UMAPConfig{Epochs: 200})
}

func BenchmarkUMAPMNIST10kEpochs200(b *testing.B) {
	x := loadF32(b, filepath.Join(cacheDir(), "mnist10k_10000x784.f32.bin"), 10000, 784)
	benchUMAP(b, "mnist10k", x, 10000, 784, UMAPConfig{Epochs: 200})
}

// BenchmarkUMAPStepLatencyGloVe10k measures how long one UMAP Step blocks
// with the default StepWork (whole preparation and 100 epochs).
func BenchmarkUMAPStepLatencyGloVe10k(b *testing.B) {
	x := glove(b)
	for range b.N {
		u := NewUMAP(x, 10000, 100, UMAPConfig{Epochs: 100, Seed: 1})
		stepLatency(b, "umap", u.Step)
	}
}
