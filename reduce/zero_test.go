package reduce

import (
	"errors"
	"testing"
)

// A zero value of each algorithm is an empty run: Step reports done on its
// first call (so `for !s.Step() {}` ends), Progress is 1, the accessors are
// empty and Err wraps ErrNotConstructed.

func checkNotConstructed(t *testing.T, name string, err error) {
	t.Helper()
	if !errors.Is(err, ErrNotConstructed) {
		t.Errorf("zero %s: Err() = %v, want ErrNotConstructed", name, err)
	}
}

func TestZeroPCA(t *testing.T) {
	var p PCA
	if !p.Step() {
		t.Fatal("zero PCA: Step() = false, want true at once")
	}
	if got := p.Progress(); got != 1 {
		t.Errorf("zero PCA: Progress() = %v, want 1", got)
	}
	if p.Positions() != nil || p.Vectors() != nil || p.Variance() != nil || p.Eigenvalues() != nil || p.Mean() != nil {
		t.Error("zero PCA: accessors not nil")
	}
	if p.Iterations() != 0 || p.Components() != 0 || p.TotalVariance() != 0 {
		t.Error("zero PCA: counts not zero")
	}
	checkNotConstructed(t, "PCA", p.Err())
	if err := NewPCA(make([]float32, 8), 4, 2, PCAConfig{}).Err(); err != nil {
		t.Errorf("NewPCA: Err() = %v, want nil", err)
	}
}

func TestZeroKNN(t *testing.T) {
	var g KNN
	if !g.Step() {
		t.Fatal("zero KNN: Step() = false, want true at once")
	}
	if got := g.Progress(); got != 1 {
		t.Errorf("zero KNN: Progress() = %v, want 1", got)
	}
	if g.K() != 0 || g.Neighbors() != nil || g.Distances() != nil {
		t.Error("zero KNN: accessors not empty")
	}
	checkNotConstructed(t, "KNN", g.Err())
	if err := NewKNN(make([]float32, 8), 4, 2, KNNConfig{}).Err(); err != nil {
		t.Errorf("NewKNN: Err() = %v, want nil", err)
	}
}

func TestZeroTSNE(t *testing.T) {
	var ts TSNE
	ts.SetPerplexity(5)
	ts.SetLearningRate(100)
	ts.SetMaxIterations(10)
	if !ts.Step() {
		t.Fatal("zero TSNE: Step() = false, want true at once")
	}
	if got := ts.Progress(); got != 1 {
		t.Errorf("zero TSNE: Progress() = %v, want 1", got)
	}
	if ph, f := ts.Phase(); ph != PhaseDone || f != 1 {
		t.Errorf("zero TSNE: Phase() = %v, %v, want done, 1", ph, f)
	}
	if ts.Preparing() || ts.Positions() != nil || ts.Iteration() != 0 || ts.LearningRate() != 0 {
		t.Error("zero TSNE: accessors not empty (or a setter changed it)")
	}
	checkNotConstructed(t, "TSNE", ts.Err())
	if err := NewTSNE(make([]float32, 8), 4, 2, TSNEConfig{}).Err(); err != nil {
		t.Errorf("NewTSNE: Err() = %v, want nil", err)
	}
}

func TestZeroUMAP(t *testing.T) {
	var u UMAP
	if !u.Step() {
		t.Fatal("zero UMAP: Step() = false, want true at once")
	}
	if got := u.Progress(); got != 1 {
		t.Errorf("zero UMAP: Progress() = %v, want 1", got)
	}
	if ph, f := u.Phase(); ph != UMAPPhaseDone || f != 1 {
		t.Errorf("zero UMAP: Phase() = %v, %v, want done, 1", ph, f)
	}
	if len(u.Positions()) != 0 || u.Epoch() != 0 || u.Dims() != 0 {
		t.Error("zero UMAP: accessors not empty")
	}
	checkNotConstructed(t, "UMAP", u.Err())
	if err := NewUMAP(make([]float32, 8), 4, 2, UMAPConfig{}).Err(); err != nil {
		t.Errorf("NewUMAP: Err() = %v, want nil", err)
	}
}
