package reduce

import (
	"math"
	"slices"
	"testing"
)

// knnAccuracy is the leave-one-out k-nearest-neighbour classification
// accuracy of labels in the layout pos (n×dims), exact search.
func knnAccuracy(pos []float32, n, dims, k int, labels []string) float64 {
	g := NewKNN(pos, n, dims, KNNConfig{K: k, Method: KNNExact})
	for !g.Step() {
	}
	nb := g.Neighbors()
	ok := 0
	for i := 0; i < n; i++ {
		votes := map[string]int{}
		for _, j := range nb[i*k : i*k+k] {
			votes[labels[j]]++
		}
		best, bc := "", -1
		for l, c := range votes {
			if c > bc || c == bc && l < best {
				best, bc = l, c
			}
		}
		if best == labels[i] {
			ok++
		}
	}
	return float64(ok) / float64(n)
}

// layoutRecall is the share of each point's k nearest input neighbours
// (exact, euclidean on the stored vectors) among its k nearest in the layout.
func layoutRecall(x []float32, n, d int, pos []float32, dims, k int) float64 {
	in := NewKNN(x, n, d, KNNConfig{K: k, Method: KNNExact})
	for !in.Step() {
	}
	return layoutRecallFrom(in.Neighbors(), n, pos, dims, k)
}

func layoutRecallFrom(inNb []int32, n int, pos []float32, dims, k int) float64 {
	out := NewKNN(pos, n, dims, KNNConfig{K: k, Method: KNNExact})
	for !out.Step() {
	}
	b := out.Neighbors()
	hit := 0
	for i := 0; i < n; i++ {
		for _, j := range inNb[i*k : i*k+k] {
			if slices.Contains(b[i*k:i*k+k], j) {
				hit++
			}
		}
	}
	return float64(hit) / float64(n*k)
}

func runTSNE(t testing.TB, x []float32, n, d int, cfg TSNEConfig) *TSNE {
	ts := NewTSNE(x, n, d, cfg)
	last := -1.0
	for !ts.Step() {
		if p := ts.Progress(); p < last || p > 1 {
			t.Fatalf("progress %v after %v", p, last)
		} else {
			last = p
		}
	}
	for _, v := range ts.Positions() {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("non-finite position %v", v)
		}
	}
	return ts
}

func TestTSNEDigitsSeparatesClasses(t *testing.T) {
	x, labels := digits(t)
	const n, d = 1797, 64
	its := 500 // the classes are well apart by then; the benchmarks run 1000
	if testing.Short() || raceEnabled {
		its = 300
	}
	for _, dims := range []int{2, 3} {
		ts := runTSNE(t, x, n, d, TSNEConfig{Dims: dims, Seed: 1, MaxIterations: its})
		if ts.Iteration() != its || len(ts.Positions()) != n*dims {
			t.Fatalf("%dD: %d iterations, %d coordinates", dims, ts.Iteration(), len(ts.Positions()))
		}
		acc := knnAccuracy(ts.Positions(), n, dims, 10, labels)
		t.Logf("%dD, %d iterations: KL %.4f, 10-NN accuracy %.4f", dims, its, ts.KL(), acc)
		if acc < 0.9 {
			t.Errorf("%dD: 10-NN classification accuracy %.4f in the layout, want ≥ 0.9", dims, acc)
		}
		if ts.KL() <= 0 || ts.KL() > 3 {
			t.Errorf("%dD: KL %v, want in (0, 3] for digits", dims, ts.KL())
		}
	}
}

func TestTSNEPRowsAndSymmetry(t *testing.T) {
	x, _ := digits(t)
	const n, d, perp = 1797, 64, 20.0
	ts := NewTSNE(x, n, d, TSNEConfig{Perplexity: perp, MaxIterations: 1})
	for !ts.Step() {
	}
	for i, s := range ts.condRowSums() {
		if math.Abs(s-1) > 1e-9 {
			t.Fatalf("conditional P row %d sums to %v, want 1", i, s)
		}
	}
	// Each row's entropy is log(perplexity).
	for i := 0; i < n; i += 97 {
		h := 0.0
		for _, p := range ts.cond[i*ts.kn : i*ts.kn+ts.kn] {
			if p > 0 {
				h -= p * math.Log(p)
			}
		}
		if math.Abs(h-math.Log(perp)) > 1e-3 {
			t.Errorf("row %d: entropy %v, want log(%v) = %v", i, h, perp, math.Log(perp))
		}
	}
	checkJointP(t, ts)
}

// checkJointP checks that the sparse joint P is symmetric, positive and sums to 1.
func checkJointP(t *testing.T, ts *TSNE) {
	t.Helper()
	sum := 0.0
	get := func(i, j int) float64 {
		for e := ts.rowPtr[i]; e < ts.fill[i]; e++ {
			if int(ts.col[e]) == j {
				return ts.val[e]
			}
		}
		return 0
	}
	for i := 0; i < ts.n; i++ {
		for e := ts.rowPtr[i]; e < ts.fill[i]; e++ {
			j, v := int(ts.col[e]), ts.val[e]
			if j == i || v <= 0 {
				t.Fatalf("P[%d,%d] = %v", i, j, v)
			}
			if w := get(j, i); math.Abs(w-v) > 1e-15 {
				t.Fatalf("P not symmetric: P[%d,%d] = %v, P[%d,%d] = %v", i, j, v, j, i, w)
			}
			sum += v
		}
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("joint P sums to %v, want 1", sum)
	}
}

func TestTSNESeededIdentical(t *testing.T) {
	x := lowRank(4, 400, 60, []float64{5, 4, 3, 2}, 1, 2)
	for _, dims := range []int{2, 3} {
		a := runTSNE(t, x, 400, 60, TSNEConfig{Dims: dims, Seed: 7, MaxIterations: 120, StepWork: 3000, PCADims: 10})
		b := runTSNE(t, x, 400, 60, TSNEConfig{Dims: dims, Seed: 7, MaxIterations: 120, StepWork: 1 << 22, PCADims: 10})
		for i, v := range a.Positions() {
			if math.Float32bits(v) != math.Float32bits(b.Positions()[i]) {
				t.Fatalf("%dD: same seed, different step sizes: coordinate %d differs (%v vs %v)", dims, i, v, b.Positions()[i])
			}
		}
		c := runTSNE(t, x, 400, 60, TSNEConfig{Dims: dims, Seed: 8, MaxIterations: 120, PCADims: 10, Init: InitRandom})
		if slices.Equal(a.Positions(), c.Positions()) {
			t.Errorf("%dD: different seeds and inits gave identical layouts", dims)
		}
	}
}

func TestTSNEKLDecreasesAfterExaggeration(t *testing.T) {
	x, _ := digits(t)
	const n, d = 1797, 64
	ts := NewTSNE(x, n, d, TSNEConfig{Seed: 3, MaxIterations: 700})
	var kls []float64
	seen := 0
	for !ts.Step() {
		if ts.KLIteration() != seen {
			seen = ts.KLIteration()
			if seen > 250 {
				kls = append(kls, ts.KL())
			}
		}
	}
	if ts.KLIteration() != seen {
		kls = append(kls, ts.KL())
	}
	if len(kls) < 8 {
		t.Fatalf("only %d KL estimates after exaggeration: %v", len(kls), kls)
	}
	down := 0
	for i := 1; i < len(kls); i++ {
		if kls[i] <= kls[i-1] {
			down++
		}
	}
	t.Logf("KL every 50 iterations after exaggeration: %.4f", kls)
	if kls[len(kls)-1] >= kls[0] || down < (len(kls)-1)*2/3 {
		t.Errorf("KL does not decrease on average after exaggeration: %v", kls)
	}
}

func TestTSNEStepIsBounded(t *testing.T) {
	x := lowRank(5, 2000, 10, []float64{3, 2, 1}, 0.5, 0)
	ts := NewTSNE(x, 2000, 10, TSNEConfig{StepWork: 2000, MaxIterations: 5})
	partial := 0
	prev := ts.Iteration()
	for !ts.Step() {
		if it := ts.Iteration(); it > prev+1 {
			t.Fatalf("one small Step advanced %d iterations", it-prev)
		} else if it == prev && !ts.Preparing() {
			partial++
		}
		prev = ts.Iteration()
	}
	if partial == 0 {
		t.Error("no Step ended inside an iteration: iterations are not split")
	}
}

func TestTSNESetPerplexityAndLearningRate(t *testing.T) {
	x, _ := digits(t)
	const n, d = 1797, 64
	ts := NewTSNE(x, n, d, TSNEConfig{Perplexity: 10, MaxIterations: 20})
	for !ts.Step() {
	}
	k10 := ts.kn
	ts.SetLearningRate(50)
	if ts.LearningRate() != 50 {
		t.Fatalf("learning rate %v, want 50", ts.LearningRate())
	}
	ts.SetPerplexity(40)
	ts.SetMaxIterations(40)
	for !ts.Step() {
	}
	if ts.kn <= k10 || ts.Iteration() != 40 {
		t.Fatalf("after SetPerplexity(40): %d neighbours (was %d), iteration %d", ts.kn, k10, ts.Iteration())
	}
	h := 0.0
	for _, p := range ts.cond[:ts.kn] {
		if p > 0 {
			h -= p * math.Log(p)
		}
	}
	if math.Abs(h-math.Log(40)) > 1e-3 {
		t.Errorf("entropy after SetPerplexity(40) = %v, want %v", h, math.Log(40))
	}
	checkJointP(t, ts)
	ts.SetLearningRate(0)
	if ts.LearningRate() != 200 {
		t.Errorf("default learning rate %v, want max(N/12, 200) = 200", ts.LearningRate())
	}
}

func TestTSNEEdgeCases(t *testing.T) {
	for _, n := range []int{0, 1} {
		ts := runTSNE(t, make([]float32, n*3), n, 3, TSNEConfig{})
		if len(ts.Positions()) != n*2 {
			t.Errorf("n=%d: %d coordinates", n, len(ts.Positions()))
		}
	}
	// Few points (perplexity clamped) and duplicates.
	x := []float32{0, 0, 0, 0, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5}
	ts := runTSNE(t, x, 7, 2, TSNEConfig{MaxIterations: 300, Dims: 3})
	if ts.Iteration() != 300 {
		t.Errorf("%d iterations", ts.Iteration())
	}
	// All points identical.
	same := make([]float32, 50*4)
	runTSNE(t, same, 50, 4, TSNEConfig{MaxIterations: 60})
}

func TestTSNEStopWhenConverged(t *testing.T) {
	x := lowRank(6, 300, 10, []float64{4, 3, 2}, 0.5, 0)
	ts := runTSNE(t, x, 300, 10, TSNEConfig{StopWhenConverged: true, MaxIterations: 5000, Perplexity: 10})
	it := ts.Iteration()
	if it >= 5000 || it <= 300 {
		t.Fatalf("stopped at iteration %d, want after exaggeration (250) + 50 and before 5000", it)
	}
	if it%50 != 0 || ts.KLIteration() != it {
		t.Errorf("stopped at %d, KL last estimated at %d: the stop must follow a KL check", it, ts.KLIteration())
	}
	// Continuing would not have improved KL by more than the threshold: run
	// a fresh copy 100 iterations longer and compare.
	longer := runTSNE(t, x, 300, 10, TSNEConfig{MaxIterations: it + 100, Perplexity: 10})
	if rel := (ts.KL() - longer.KL()) / ts.KL(); rel > 0.01 {
		t.Errorf("stopped at KL %.5f but 100 more iterations reach %.5f (%.2f%% better)", ts.KL(), longer.KL(), 100*rel)
	}
}

// condRowSums returns Σ_j p_{j|i} for every point (test helper view of the
// calibration).
func (t *TSNE) condRowSums() []float64 {
	s := make([]float64, t.n)
	for i := 0; i < t.n; i++ {
		for _, v := range t.cond[i*t.kn : i*t.kn+t.kn] {
			s[i] += v
		}
	}
	return s
}

func TestTSNEPhases(t *testing.T) {
	// 400 points of 120 dims: PCA for the neighbours (D > 2·PCADims), then
	// every later stage, each reported in order with progress in [0, 1].
	const n, d = 400, 120
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32((i*7919)%1000) / 1000
	}
	ts := NewTSNE(x, n, d, TSNEConfig{Seed: 1, MaxIterations: 60, StepWork: 1 << 14})
	var seen []TSNEPhase
	lastProg := -1.0
	for step := 0; step < 1_000_000; step++ {
		ph, prog := ts.Phase()
		if prog < 0 || prog > 1 {
			t.Fatalf("phase %v progress %g outside [0, 1]", ph, prog)
		}
		if len(seen) == 0 || seen[len(seen)-1] != ph {
			if len(seen) > 0 && ph < seen[len(seen)-1] {
				t.Fatalf("phase went back from %v to %v", seen[len(seen)-1], ph)
			}
			seen, lastProg = append(seen, ph), -1
		}
		if prog < lastProg {
			t.Fatalf("progress of %v went back from %g to %g", ph, lastProg, prog)
		}
		lastProg = prog
		if ph == PhaseIterating && prog != float64(ts.Iteration())/60 {
			t.Fatalf("iterating progress %g at iteration %d of 60", prog, ts.Iteration())
		}
		if ts.Step() {
			break
		}
	}
	if ph, prog := ts.Phase(); ph != PhaseDone || prog != 1 {
		t.Errorf("after the run: %v %g", ph, prog)
	}
	want := []TSNEPhase{PhasePCA, PhaseNeighbours, PhaseCalibrating, PhaseSymmetrising, PhaseIterating}
	if len(seen) != len(want) {
		t.Fatalf("phases %v, want %v", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("phases %v, want %v", seen, want)
		}
	}
	for _, p := range append(want, PhaseDone) {
		if q, ok := ParseTSNEPhase(p.String()); !ok || q != p {
			t.Errorf("ParseTSNEPhase(%q) = %v, %v", p.String(), q, ok)
		}
	}
	// A perplexity change after the run goes back to a preparation stage.
	ts.SetPerplexity(10)
	if ph, _ := ts.Phase(); ph != PhaseCalibrating {
		t.Errorf("after SetPerplexity(10): %v, want calibrating", ph)
	}
}
