package reduce

import (
	"fmt"
	"math"
	"testing"
)

// The PCA is the same, bit for bit, whatever the number of goroutines that
// share its passes and however Steps cut them (down to a StepWork of 1,
// where every Step must still move on): dense rows (Krylov passes and the
// one-pass exact covariance), spherized rows, mostly-zero rows, and rows
// enough for the subsample start.
func TestPCAWorkersGiveTheSameResult(t *testing.T) {
	const n = 1500
	dense := lowRank(31, n, 80, []float64{6, 4, 3, 2, 1.5}, 0.5, 2)
	sparse := append([]float32(nil), dense...)
	for i, v := range sparse {
		if v < 3.5 {
			sparse[i] = 0
		}
	}
	narrow := lowRank(32, n, 20, []float64{5, 3, 2}, 0.3, 1)
	nw := 8000 // the fewest rows that get the subsample start
	warm := lowRank(33, nw, 70, []float64{5, 3, 2}, 0.3, 1)
	for _, tc := range []struct {
		name     string
		x        []float32
		n, d     int
		spherize bool
		sparse   bool
		warm     bool
	}{
		{"dense", dense, n, 80, false, false, false},
		{"dense spherize", dense, n, 80, true, false, false},
		{"sparse", sparse, n, 80, false, true, false},
		{"sparse spherize", sparse, n, 80, true, false, false}, // spherized rows are not sparse
		{"exact covariance", narrow, n, 20, false, false, false},
		{"exact covariance spherize", narrow, n, 20, true, false, false},
		{"subsample start", warm, nw, 70, false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := PCAConfig{Components: 3, Seed: 7, Spherize: tc.spherize}
			want := runPCA(t, tc.x, tc.n, tc.d, base)
			if want.sparse != tc.sparse || want.warmed != tc.warm {
				t.Fatalf("sparse path %v, subsample start %v: want %v, %v", want.sparse, want.warmed, tc.sparse, tc.warm)
			}
			if len(want.chunks) != 0 || chunkCount(tc.n, tc.d, want.b) < 2 {
				t.Fatalf("%d chunks (%d kept after the run): want several, none kept", chunkCount(tc.n, tc.d, want.b), len(want.chunks))
			}
			for _, v := range []struct{ workers, stepWork int }{{2, 0}, {8, 0}, {3, 5000}, {1, 5000}, {8, 1}} {
				cfg := base
				cfg.Workers, cfg.StepWork = v.workers, v.stepWork
				got := runPCA(t, tc.x, tc.n, tc.d, cfg)
				where := fmt.Sprintf("%d workers, StepWork %d", v.workers, v.stepWork)
				if got.Iterations() != want.Iterations() {
					t.Errorf("%s: %d passes, one worker took %d", where, got.Iterations(), want.Iterations())
				}
				sameFloat32s(t, where+": positions", got.Positions(), want.Positions())
				sameFloat64s(t, where+": vectors", got.Vectors(), want.Vectors())
				sameFloat64s(t, where+": variance", got.Variance(), want.Variance())
				sameFloat64s(t, where+": eigenvalues", got.Eigenvalues(), want.Eigenvalues())
				sameFloat64s(t, where+": mean", got.Mean(), want.Mean())
			}
		})
	}
}

// sameFloat32s fails unless got and want hold the same bits.
func sameFloat32s(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i, v := range got {
		if math.Float32bits(v) != math.Float32bits(want[i]) {
			t.Fatalf("%s: value %d is %v, one worker gave %v", what, i, v, want[i])
		}
	}
}

// sameFloat64s fails unless got and want hold the same bits.
func sameFloat64s(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i, v := range got {
		if math.Float64bits(v) != math.Float64bits(want[i]) {
			t.Fatalf("%s: value %d is %v, one worker gave %v", what, i, v, want[i])
		}
	}
}

// The chunks cover the rows once, in order, start at multiples of pcaGroup,
// and their partial C·blocks stay within chunkFloats.
func TestPCAWorkersChunksCoverTheRows(t *testing.T) {
	for _, tc := range []struct{ n, d, b, want int }{
		{0, 5, 4, 1},
		{95, 100, 4, 1},
		{500, 100, 4, 5},
		{1000, 100, 4, maxPCAChunks},
		{100000, 784, 12, maxPCAChunks},
		{100000, 20000, 52, 3}, // 1,040,000 floats a chunk
		{100000, 100000, 52, 1},
	} {
		nc := chunkCount(tc.n, tc.d, tc.b)
		if nc != tc.want {
			t.Errorf("n %d, d %d, b %d: %d chunks, want %d", tc.n, tc.d, tc.b, nc, tc.want)
		}
		if nc < 1 || nc > maxPCAChunks || (nc > 1 && (nc-1)*tc.d*tc.b > chunkFloats) || (nc > 1 && tc.n/nc < minChunkRows) {
			t.Errorf("n %d, d %d, b %d: %d chunks", tc.n, tc.d, tc.b, nc)
		}
		p := &PCA{n: tc.n, d: tc.d, pcaKrylov: pcaKrylov{b: tc.b}}
		p.makeChunks()
		next := 0
		for c, ch := range p.chunks {
			if ch.from != next || ch.to < ch.from || ch.from%pcaGroup != 0 {
				t.Fatalf("n %d: chunk %d covers rows %d..%d after row %d", tc.n, c, ch.from, ch.to, next)
			}
			next = ch.to
		}
		if next != tc.n {
			t.Errorf("n %d: the chunks end at row %d", tc.n, next)
		}
	}
}
