package session

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/reduce"
)

// correlation is Pearson's r between column a of the n×da x and the values y.
func correlation(x []float32, da, a int, y []float64) float64 {
	n := len(y)
	var mx, my float64
	for i := 0; i < n; i++ {
		mx += float64(x[i*da+a])
		my += y[i]
	}
	mx, my = mx/float64(n), my/float64(n)
	var sxy, sxx, syy float64
	for i := 0; i < n; i++ {
		dx, dy := float64(x[i*da+a])-mx, y[i]-my
		sxy, sxx, syy = sxy+dx*dy, sxx+dx*dx, syy+dy*dy
	}
	return sxy / math.Sqrt(sxx*syy)
}

// leaveOneOutAccuracy is the share of points whose nearest other point in
// the n×2 layout has the same label.
func leaveOneOutAccuracy(pos []float32, labels []string) float64 {
	hits := 0
	for i := range labels {
		best, bestD := -1, math.Inf(1)
		for j := range labels {
			dx, dy := float64(pos[2*i]-pos[2*j]), float64(pos[2*i+1]-pos[2*j+1])
			if d := dx*dx + dy*dy; j != i && d < bestD {
				best, bestD = j, d
			}
		}
		if labels[best] == labels[i] {
			hits++
		}
	}
	return float64(hits) / float64(len(labels))
}

// ownStandardized standardises the n×d x column by column, as the test
// expects it: (x − mean) / population standard deviation.
func ownStandardized(x []float32, n, d int) []float32 {
	out := make([]float32, n*d)
	for j := 0; j < d; j++ {
		var mean, v float64
		for i := 0; i < n; i++ {
			mean += float64(x[i*d+j])
		}
		mean /= float64(n)
		for i := 0; i < n; i++ {
			v += (float64(x[i*d+j]) - mean) * (float64(x[i*d+j]) - mean)
		}
		sd := math.Sqrt(v / float64(n))
		for i := 0; i < n; i++ {
			out[i*d+j] = float32((float64(x[i*d+j]) - mean) / sd)
		}
	}
	return out
}

// The wine set: proline (mg/L, in the hundreds) dominates the PCA of the
// raw columns; standardised, PC1 and PC2 separate the three cultivars.
func TestStandardizeWinePCA(t *testing.T) {
	s := New()
	s.Open(wineFiles(t), "wine")
	runToEnd(t, s)
	d := s.data
	proline := make([]float64, d.N)
	for i := range proline {
		proline[i] = float64(d.Vectors[i*d.D+12])
	}
	labels := d.Columns[0].Values
	raw := slices.Clone(s.Positions())
	if r := math.Abs(correlation(raw, 2, 0, proline)); r < 0.99 {
		t.Errorf("raw PCA: |r(PC1, proline)| = %.3f, want ≥ 0.99 (proline dominates)", r)
	}
	rawAcc := leaveOneOutAccuracy(raw, labels)

	ch, err := s.Control("standardize", "true")
	if err != nil || !ch.Points || !ch.Refit {
		t.Fatalf("standardize: %v, changes %+v", err, ch)
	}
	runToEnd(t, s)
	std := s.Positions()
	if r := math.Abs(correlation(std, 2, 0, proline)); r > 0.8 {
		t.Errorf("standardised PCA: |r(PC1, proline)| = %.3f, want < 0.8", r)
	}
	stdAcc := leaveOneOutAccuracy(std, labels)
	t.Logf("1-NN accuracy of the cultivars in the 2D PCA: raw %.3f, standardised %.3f", rawAcc, stdAcc)
	if stdAcc < 0.9 || stdAcc < rawAcc+0.15 {
		t.Errorf("1-NN accuracy of the cultivars in 2D: raw %.3f, standardised %.3f; want ≥ 0.9 and 0.15 better", rawAcc, stdAcc)
	}
	// The same as a PCA of the test's own standardised matrix (up to sign).
	want := reduce.NewPCA(ownStandardized(d.Vectors, d.N, d.D), d.N, d.D, reduce.PCAConfig{Components: 2})
	for !want.Step() {
	}
	for a := 0; a < 2; a++ {
		wa := make([]float64, d.N)
		for i := range wa {
			wa[i] = float64(want.Positions()[i*2+a])
		}
		if r := math.Abs(correlation(std, 2, a, wa)); r < 0.9999 {
			t.Errorf("PC%d: |r| = %.6f with the PCA of the test's standardised matrix", a+1, r)
		}
	}
	st := s.Status()
	if st.Standardize == nil || len(st.Standardize.Constant) != 0 || !strings.Contains(s.Sentence(), "standardised") {
		t.Errorf("status %+v, sentence %q", st.Standardize, s.Sentence())
	}
	if c := s.Controls(); !c.Standardize {
		t.Error("the controls do not show the toggle on")
	}
	if name := s.FileName(ExportTSV, false); name != "vectors-pca-standardized.tsv" {
		t.Errorf("export named %q", name)
	}

	control(t, s, "standardize", "false")
	runToEnd(t, s)
	if !sameLayout(s.Positions(), raw) || s.Status().Standardize != nil {
		t.Error("turning it off did not bring the raw PCA back")
	}
	if _, err := s.Control("standardize", "maybe"); err == nil {
		t.Error("standardize maybe accepted")
	}
}

// scaledSet is n points of 3 dims: column 0 spread 1000, column 1 spread 1
// and column 2 constant.
func scaledSet(n int) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%g\t%g\t5\n", 1000*rng.NormFloat64(), rng.NormFloat64())
	}
	return []byte(b.String())
}

// One column 1000× the scale of the other: PC1 is that column raw, and
// either column with equal weight once standardised; t-SNE is run again on
// the standardised matrix; the constant column is named and left at 0.
func TestStandardizeScaledColumnAndTSNE(t *testing.T) {
	s := New()
	var starts int
	var got []float32
	s.SetEmbedderFactory(func(v []float32, n, d int, _ RunConfig) Embedder {
		starts++
		got = slices.Clone(v[:n*d])
		return &fakeTSNE{phase: reduce.PhaseDone, iter: 1000, maxI: 1000, pos: make([]float32, 2*n)}
	})
	s.Open([]parse.File{{Name: "v.tsv", Data: scaledSet(300)}}, "scaled")
	runToEnd(t, s)
	col := func(j int) []float64 {
		out := make([]float64, s.data.N)
		for i := range out {
			out[i] = float64(s.data.Vectors[i*3+j])
		}
		return out
	}
	if r := math.Abs(correlation(s.Positions(), 2, 0, col(0))); r < 0.999 {
		t.Errorf("raw: |r(PC1, big column)| = %.4f, want ≥ 0.999", r)
	}
	control(t, s, "method", "tsne")
	runToEnd(t, s)
	control(t, s, "standardize", "true")
	if starts != 2 {
		t.Fatalf("%d t-SNE runs, want a second one on the standardised data", starts)
	}
	for j := 0; j < 3; j++ {
		var mean, v float64
		for i := 0; i < s.data.N; i++ {
			mean += float64(got[i*3+j])
		}
		mean /= float64(s.data.N)
		for i := 0; i < s.data.N; i++ {
			v += (float64(got[i*3+j]) - mean) * (float64(got[i*3+j]) - mean)
		}
		v /= float64(s.data.N)
		want := 1.0
		if j == 2 {
			want = 0
		}
		if math.Abs(mean) > 1e-5 || math.Abs(v-want) > 1e-4 {
			t.Errorf("t-SNE input column %d: mean %g, variance %g; want 0 and %g", j, mean, v, want)
		}
	}
	runToEnd(t, s)
	if st := s.Status(); st.Standardize == nil || !slices.Equal(st.Standardize.Constant, []int{2}) ||
		!strings.Contains(s.Sentence(), "1 constant dimension (3) left at 0") {
		t.Errorf("status %+v, sentence %q", st.Standardize, s.Sentence())
	}
	control(t, s, "method", "pca")
	runToEnd(t, s)
	big, small := math.Abs(correlation(s.Positions(), 2, 0, col(0))), math.Abs(correlation(s.Positions(), 2, 0, col(1)))
	if big > 0.99 && small < 0.1 {
		t.Errorf("standardised: PC1 is still the big column (|r| %.3f, small column %.3f)", big, small)
	}
}

// A view saved with standardised dimensions says so and brings them back.
func TestStandardizeInViewState(t *testing.T) {
	a := New()
	a.Open(wineFiles(t), "wine")
	runToEnd(t, a)
	control(t, a, "standardize", "true")
	runToEnd(t, a)
	saved, err := a.State()
	if err != nil || !saved.Standardize {
		t.Fatalf("state %+v: %v", saved.Standardize, err)
	}
	b := New()
	b.Open(wineFiles(t), "wine")
	runToEnd(t, b)
	if _, err := b.ApplyState(viaJSON(t, saved)); err != nil {
		t.Fatal(err)
	}
	runToEnd(t, b)
	if !b.Controls().Standardize || !sameLayout(b.Positions(), saved.Positions) {
		t.Error("the standardised view did not come back")
	}
	off, _ := New(), 0
	off.Open(wineFiles(t), "wine")
	runToEnd(t, off)
	if st, _ := off.State(); st.Standardize {
		t.Error("a raw view says standardize")
	}
}

// Large data are standardised in Work's slices: the status says so, the
// PCA and a t-SNE started meanwhile wait for the copy, and the result is
// the one made at once.
func TestStandardizeInSlices(t *testing.T) {
	sync := New()
	sync.Open(wineFiles(t), "wine")
	runToEnd(t, sync)
	control(t, sync, "standardize", "true")
	runToEnd(t, sync)

	defer func(v int) { stdSyncValues = v }(stdSyncValues)
	stdSyncValues = 0
	s := New()
	var got []float32
	var perplexity float64
	s.SetEmbedderFactory(func(v []float32, n, d int, cfg RunConfig) Embedder {
		got, perplexity = slices.Clone(v[:n*d]), cfg.TSNE.Perplexity
		return &fakeTSNE{phase: reduce.PhaseDone, iter: 1000, maxI: 1000, pos: make([]float32, 2*n)}
	})
	s.Open(wineFiles(t), "wine")
	runToEnd(t, s)
	control(t, s, "standardize", "true")
	if st := s.Status(); st.Phase != Reducing || !strings.Contains(s.Sentence(), "standardising 178 × 13 values") {
		t.Errorf("while standardising: %q, %q", st.Phase, s.Sentence())
	}
	runToEnd(t, s)
	if !sameLayout(s.Positions(), sync.Positions()) {
		t.Error("the PCA of the sliced copy differs from the one made at once")
	}

	control(t, s, "standardize", "false")
	runToEnd(t, s)
	control(t, s, "method", "tsne")
	runToEnd(t, s)
	got = nil
	control(t, s, "standardize", "true")
	control(t, s, "perplexity", "20") // kept while the run waits
	if got != nil {
		t.Fatal("t-SNE started before the standardised copy was made")
	}
	runToEnd(t, s)
	if !slices.Equal(got, sync.std.vectors) || s.Status().Method != "tsne" || perplexity != 20 {
		t.Errorf("t-SNE ran on other vectors than the standardised copy (%d values) or perplexity %g", len(got), perplexity)
	}
}
