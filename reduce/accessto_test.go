package reduce

import (
	"slices"
	"testing"
)

// checkTo checks a destination-passing accessor against its aliasing
// counterpart: with nil or a short dst it allocates, with a long enough
// dst it fills and returns that array, and the copy is independent of the
// algorithm's state (writing to it leaves the accessor unchanged).
func checkTo[T comparable](t *testing.T, name string, get func() []T, to func([]T) []T, poison T) {
	t.Helper()
	want := slices.Clone(get())
	if len(want) == 0 {
		t.Fatalf("%s: empty result, nothing to check", name)
	}
	got := to(nil)
	if !slices.Equal(got, want) {
		t.Fatalf("%s(nil) = %v, want %v", name, got, want)
	}
	got[0] = poison
	if get()[0] == poison {
		t.Errorf("%s: writing to the copy changed the algorithm's result", name)
	}
	short := to(make([]T, 1, 1))
	if !slices.Equal(short, want) {
		t.Errorf("%s(short) = %v, want %v", name, short, want)
	}
	big := make([]T, len(want)+5)
	got = to(big)
	if len(got) != len(want) || &got[0] != &big[0] {
		t.Errorf("%s(long dst): len %d, reused %v; want len %d in dst's array", name, len(got), &got[0] == &big[0], len(want))
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s(long dst) = %v, want %v", name, got, want)
	}
}

func TestPCAAccessorsTo(t *testing.T) {
	x := synthetic(3, 200, 12)
	p := NewPCA(x, 200, 12, PCAConfig{Components: 3})
	if got := p.VectorsTo(make([]float64, 4)); len(got) != 0 {
		t.Errorf("VectorsTo before completion: len %d, want 0", len(got))
	}
	for !p.Step() {
	}
	checkTo(t, "PositionsTo", p.Positions, p.PositionsTo, 999)
	checkTo(t, "VectorsTo", p.Vectors, p.VectorsTo, 999)
	checkTo(t, "VarianceTo", p.Variance, p.VarianceTo, 999)
	checkTo(t, "EigenvaluesTo", p.Eigenvalues, p.EigenvaluesTo, 999)
	checkTo(t, "MeanTo", p.Mean, p.MeanTo, 999)

	// The plain accessors alias the PCA's state, as documented.
	p.Vectors()[0] = 999
	if p.Vectors()[0] != 999 {
		t.Error("Vectors no longer aliases the PCA's state: update its doc comment")
	}
}

func TestKNNAccessorsTo(t *testing.T) {
	x := synthetic(4, 100, 8)
	g := NewKNN(x, 100, 8, KNNConfig{K: 5})
	for !g.Step() {
	}
	checkTo(t, "NeighborsTo", g.Neighbors, g.NeighborsTo, -7)
	checkTo(t, "DistancesTo", g.Distances, g.DistancesTo, -7)
}

func TestLayoutPositionsTo(t *testing.T) {
	x := synthetic(5, 120, 8)
	ts := NewTSNE(x, 120, 8, TSNEConfig{Perplexity: 10, MaxIterations: 20, Seed: 1})
	for !ts.Step() {
	}
	checkTo(t, "TSNE.PositionsTo", ts.Positions, ts.PositionsTo, 999)
	u := NewUMAP(x, 120, 8, UMAPConfig{Epochs: 20, Seed: 1})
	for !u.Step() {
	}
	checkTo(t, "UMAP.PositionsTo", u.Positions, u.PositionsTo, 999)
}
