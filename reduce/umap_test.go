package reduce

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// runUMAP runs u to completion, checking after every Step that the
// positions are finite, the progress non-decreasing in [0, 1] and the phase
// never going back.
func runUMAP(t testing.TB, u *UMAP) {
	t.Helper()
	last, lastPhase := -1.0, UMAPPhase(-1)
	for done := false; !done; {
		done = u.Step()
		if p := u.Progress(); p < last || p > 1 {
			t.Fatalf("progress %v after %v", p, last)
		} else {
			last = p
		}
		ph, frac := u.Phase()
		if ph < lastPhase || frac < 0 || frac > 1 {
			t.Fatalf("phase %v (%v) after %v", ph, frac, lastPhase)
		}
		lastPhase = ph
		for i, v := range u.Positions() {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("position %d is %v at %v %.3f", i, v, ph, frac)
			}
		}
	}
	if u.Progress() != 1 || u.Epoch() != u.Epochs() {
		t.Fatalf("done with progress %v, epoch %d of %d", u.Progress(), u.Epoch(), u.Epochs())
	}
	if ph, _ := u.Phase(); ph != UMAPPhaseDone {
		t.Fatalf("done in phase %v", ph)
	}
}

func TestFitUMAPCurveMatchesUMAPLearn(t *testing.T) {
	// umap-learn 0.5 find_ab_params(1.0, 0.1) (scipy curve_fit).
	a, b := FitUMAPCurve(1, 0.1)
	if math.Abs(a-1.5769434) > 2e-3 || math.Abs(b-0.8950609) > 1e-3 {
		t.Fatalf("a, b = %v, %v; want 1.5769, 0.8951", a, b)
	}
}

func TestPowTableMatchesMathPow(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, b := range []float64{0.5, 0.79, 0.895, 1, 1.5, 2} {
		pw := newPowTable(b)
		tol := 1e-6
		if b > 1 {
			tol = 4e-6
		}
		for range 100000 {
			x := math.Exp(rng.Float64()*80 - 50)
			got, want := pw.pow(x), math.Pow(x, b)
			if math.Abs(got-want) > tol*want {
				t.Fatalf("b %v: pow(%v) = %v, math.Pow %v", b, x, got, want)
			}
		}
		if pw.pow(1) != 1 || pw.pow(4) != math.Pow(4, b) {
			t.Fatalf("b %v: pow(1) = %v, pow(4) = %v", b, pw.pow(1), pw.pow(4))
		}
	}
}

func TestSmoothKNNHitsTarget(t *testing.T) {
	d := []float32{0.5, 0.7, 0.8, 1.1, 1.2, 1.4, 2, 2.5, 3, 3.1, 3.2, 3.5, 3.9, 4}
	target := math.Log2(15)
	rho, sigma, _, _ := smoothKNN(d, target)
	if rho != 0.5 {
		t.Fatalf("rho %v, want the nearest distance 0.5", rho)
	}
	sum := 0.0
	for _, v := range d {
		sum += math.Exp(-max(0, float64(v)-rho) / sigma)
	}
	if math.Abs(sum-target) > 1e-4 {
		t.Fatalf("Σ exp(−(d−ρ)/σ) = %v, want log2(15) = %v", sum, target)
	}
}

// TestUMAPUnionIsSymmetricFuzzyUnion checks the graph the SGD samples
// against the union w + wᵀ − w∘wᵀ computed densely from the same kNN.
func TestUMAPUnionIsSymmetricFuzzyUnion(t *testing.T) {
	const n, d = 60, 5
	x := lowRank(3, n, d, []float64{3, 2, 1}, 0.3, 1)
	u := NewUMAP(x, n, d, UMAPConfig{Epochs: 1 << 30, Seed: 1})
	var nbr []int32
	var dist []float32
	for u.phase < umInit {
		if u.phase == umSmooth && nbr == nil {
			nbr, dist = slices.Clone(u.fz.nbr), slices.Clone(u.fz.dist)
		}
		u.Step()
	}
	k := u.kn
	w := make([]float64, n*n)
	for i := 0; i < n; i++ {
		rho, sigma, mean, _ := smoothKNN(dist[i*k:i*k+k], math.Log2(float64(k+1)))
		row := make([]float64, k)
		memberships(row, dist[i*k:i*k+k], nbr[i*k:i*k+k], int32(i), rho, max(sigma, 1e-3*mean))
		for s, j := range nbr[i*k : i*k+k] {
			w[i*n+int(j)] = row[s]
		}
	}
	want := map[[2]int32]float64{}
	maxW := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			p, q := w[i*n+j], w[j*n+i]
			if v := p + q - p*q; v > 0 {
				want[[2]int32{int32(i), int32(j)}] = v
				maxW = max(maxW, v)
			}
		}
	}
	e := u.edges
	if len(e.rec) != len(want) {
		t.Fatalf("%d edges, want %d", len(e.rec), len(want))
	}
	for _, r := range e.rec {
		v, ok := want[[2]int32{r.head, r.tail}]
		if got := maxW / float64(r.eps); !ok || math.Abs(got-v) > 1e-6*v {
			t.Fatalf("edge %d→%d weight %v, want %v (present %v)", r.head, r.tail, got, v, ok)
		}
	}
}

func TestUMAPDigitsSeparatesClasses(t *testing.T) {
	x, labels := digits(t)
	const n, d = 1797, 64
	u := NewUMAP(x, n, d, UMAPConfig{Seed: 1})
	if u.Epochs() != 500 {
		t.Fatalf("epochs %d, want umap-learn's 500 for N ≤ 10,000", u.Epochs())
	}
	runUMAP(t, u)
	acc := knnAccuracy(u.Positions(), n, 2, 10, labels)
	t.Logf("digits UMAP 2D: 10-NN accuracy %.4f, recall@10 %.4f, %d edges",
		acc, layoutRecall(x, n, d, u.Positions(), 2, 10), u.Edges())
	if acc < 0.95 {
		t.Fatalf("10-NN accuracy %.4f, want ≥ 0.95", acc)
	}
}

func TestUMAPDigits3DCosine(t *testing.T) {
	x, labels := digits(t)
	const n, d = 1797, 64
	epochs := 0 // the default, 500
	if testing.Short() || raceEnabled {
		epochs = 150 // the classes are apart by then
	}
	for _, tc := range []struct {
		name string
		cfg  UMAPConfig
	}{
		{"3d-euclidean", UMAPConfig{Dims: 3, Seed: 2}},
		{"2d-cosine", UMAPConfig{Metric: Cosine, Seed: 3}},
		{"3d-cosine", UMAPConfig{Dims: 3, Metric: Cosine, Seed: 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Epochs = epochs
			u := NewUMAP(x, n, d, tc.cfg)
			runUMAP(t, u)
			if len(u.Positions()) != n*u.Dims() {
				t.Fatalf("%d coordinates, want %d", len(u.Positions()), n*u.Dims())
			}
			acc := knnAccuracy(u.Positions(), n, u.Dims(), 10, labels)
			t.Logf("10-NN accuracy %.4f", acc)
			if acc < 0.95 {
				t.Fatalf("10-NN accuracy %.4f, want ≥ 0.95", acc)
			}
		})
	}
}

func TestUMAPSeededRunsIdentical(t *testing.T) {
	x, _ := digits(t)
	const n, d = 1797, 64
	run := func(seed uint64, work int) []float32 {
		u := NewUMAP(x, n, d, UMAPConfig{Seed: seed, Epochs: 60, StepWork: work})
		runUMAP(t, u)
		return u.PositionsTo(nil)
	}
	a, b := run(7, 0), run(7, 0)
	if !slices.Equal(a, b) {
		t.Fatal("two runs with seed 7 differ")
	}
	if c := run(7, 1<<14); !slices.Equal(a, c) {
		t.Fatal("the layout depends on how the work is split into Steps")
	}
	if c := run(8, 0); slices.Equal(a, c) {
		t.Fatal("seeds 7 and 8 give the same layout")
	}
}

func TestUMAPZeroValueIsEmptyRun(t *testing.T) {
	var u UMAP
	if !u.Step() || len(u.Positions()) != 0 || u.Progress() != 1 {
		t.Fatalf("zero UMAP: Step not done, or %d positions, progress %v", len(u.Positions()), u.Progress())
	}
	if ph, _ := u.Phase(); ph != UMAPPhaseDone {
		t.Fatalf("zero UMAP in phase %v", ph)
	}
}

func TestUMAPSmallAndDegenerateInputs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, tc := range []struct {
		name string
		n, d int
		same bool
	}{
		{"empty", 0, 3, false},
		{"one", 1, 3, false},
		{"two", 2, 3, false},
		{"five", 5, 1, false},
		{"identical", 40, 4, true},
		{"fewer than neighbours", 9, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := make([]float32, tc.n*tc.d)
			for i := range x {
				if !tc.same {
					x[i] = float32(rng.NormFloat64())
				}
			}
			u := NewUMAP(x, tc.n, tc.d, UMAPConfig{Epochs: 50})
			for range 1_000_000 {
				if u.Step() {
					break
				}
			}
			if u.Progress() != 1 {
				t.Fatalf("not done after a million Steps")
			}
			for i, v := range u.Positions() {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("position %d is %v", i, v)
				}
			}
		})
	}
}

func TestNewUMAPPanicsOnBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"short", func() { NewUMAP(make([]float32, 5), 3, 2, UMAPConfig{}) }},
		{"dims", func() { NewUMAP(make([]float32, 6), 3, 2, UMAPConfig{Dims: 4}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			tc.f()
		})
	}
}

func TestUMAPPhaseNames(t *testing.T) {
	for p := UMAPPhasePCA; p <= UMAPPhaseDone; p++ {
		if q, ok := ParseUMAPPhase(p.String()); !ok || q != p {
			t.Fatalf("ParseUMAPPhase(%q) = %v, %v", p.String(), q, ok)
		}
	}
	if DefaultUMAPEpochs(10000) != 500 || DefaultUMAPEpochs(10001) != 200 {
		t.Fatal("default epochs differ from umap-learn's 500 / 200")
	}
}
