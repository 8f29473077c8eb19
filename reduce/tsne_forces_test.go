package reduce

import (
	"math"
	"testing"
)

// The layout is the same, bit for bit, whatever the number of goroutines
// that share the iterations and however the work is cut into Steps.
func TestTSNEWorkersGiveTheSameLayout(t *testing.T) {
	x := lowRank(4, 1500, 40, []float64{5, 4, 3, 2}, 1, 2)
	const n, d = 1500, 40
	its := 120
	if raceEnabled {
		its = 40
	}
	for _, dims := range []int{2, 3} {
		base := runTSNE(t, x, n, d, TSNEConfig{Dims: dims, Seed: 11, MaxIterations: its, PCADims: 10})
		for _, cfg := range []TSNEConfig{
			{Workers: 2},
			{Workers: 8},
			{Workers: 3, StepWork: 5000},
			{Workers: 1, StepWork: 5000},
		} {
			cfg.Dims, cfg.Seed, cfg.MaxIterations, cfg.PCADims = dims, 11, its, 10
			got := runTSNE(t, x, n, d, cfg)
			if got.Iteration() != its {
				t.Fatalf("%dD, %d workers: %d iterations", dims, cfg.Workers, got.Iteration())
			}
			for i, v := range got.Positions() {
				if w := base.Positions()[i]; math.Float32bits(v) != math.Float32bits(w) {
					t.Fatalf("%dD, %d workers, StepWork %d: coordinate %d is %v, one worker gave %v",
						dims, cfg.Workers, cfg.StepWork, i, v, w)
				}
			}
			if got.KL() != base.KL() {
				t.Errorf("%dD, %d workers: KL %v, one worker gave %v", dims, cfg.Workers, got.KL(), base.KL())
			}
		}
	}
}

// The attraction chunks hold about equal numbers of edges, and every row
// belongs to exactly one.
func TestAttractionChunksBalanceEdges(t *testing.T) {
	const n = 1000
	uPtr := make([]int32, n+1)
	for i := 0; i < n; i++ {
		uPtr[i+1] = uPtr[i] + int32(n-i)/10 // rows near the top have more edges
	}
	var s iterationShares
	s.cutAttraction(uPtr, n, 2)
	if s.chunks() != maxAttChunks {
		t.Fatalf("%d chunks for %d points, want %d", s.chunks(), n, maxAttChunks)
	}
	if s.chunkRow[0] != 0 || s.chunkRow[s.chunks()] != n {
		t.Fatalf("chunks cover rows %d..%d, want 0..%d", s.chunkRow[0], s.chunkRow[s.chunks()], n)
	}
	want := float64(uPtr[n]) / maxAttChunks
	for c := 0; c < s.chunks(); c++ {
		edges := float64(uPtr[s.chunkRow[c+1]] - uPtr[s.chunkRow[c]])
		if math.Abs(edges-want) > 0.1*want {
			t.Errorf("chunk %d (rows %d..%d) has %.0f edges, want about %.0f", c, s.chunkRow[c], s.chunkRow[c+1], edges, want)
		}
	}
	// Few points: no more chunks than rows, and huge layouts fewer chunks.
	s.cutAttraction([]int32{0, 1, 1}, 2, 2)
	if s.chunks() != 2 {
		t.Errorf("%d chunks for 2 points", s.chunks())
	}
	if c := max(1, min(maxAttChunks, 4_000_000, attBufferFloats/(4_000_000*2))); c != 1 {
		t.Errorf("4M points in 2D would get %d chunks of 8M floats each", c)
	}
}
