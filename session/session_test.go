package session

import (
	"encoding/json"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/reduce"
)

func readFile(t *testing.T, path string) parse.File {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parse.File{Name: filepath.Base(path), Data: b}
}

// sharedFile reads a real input from the repository's testdata/shared.
func sharedFile(t *testing.T, rel string) parse.File {
	return readFile(t, "../testdata/shared/"+rel)
}

func demoFiles(t *testing.T) []parse.File {
	var files []parse.File
	for _, name := range []string{"projector_config.json", "digits_tensors.bytes", "digits_labels.tsv", "digits_sprite.png"} {
		files = append(files, readFile(t, "../wasm/demo/"+name))
	}
	return files
}

// runToEnd calls Work until the session leaves the parsing and reducing phases.
func runToEnd(t *testing.T, s *Session) {
	t.Helper()
	for i := 0; i < 100000; i++ {
		s.Work(5 * time.Millisecond)
		if p := s.Status().Phase; p == Ready || p == Error {
			return
		}
	}
	t.Fatalf("session stuck in phase %q", s.Status().Phase)
}

func decode(t *testing.T, st Status) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(st.JSON()), &m); err != nil {
		t.Fatalf("status JSON %q: %v", st.JSON(), err)
	}
	return m
}

func TestDemoLoadsAndProjects(t *testing.T) {
	s := New()
	if s.Status().Phase != Loading {
		t.Fatalf("new session phase %q", s.Status().Phase)
	}
	s.Open(demoFiles(t), "sklearn digits (demo)")
	if s.Status().Phase != Parsing || !strings.Contains(s.Sentence(), "Reading sklearn digits") {
		t.Fatalf("after Open: %q %q", s.Status().Phase, s.Sentence())
	}
	ch := s.Work(time.Millisecond)
	if !ch.Points || !ch.Refit || !ch.Status {
		t.Errorf("first Work after Open reported %+v", ch)
	}
	runToEnd(t, s)
	st := s.Status()
	if st.Phase != Ready || st.Points != 1797 || st.Dims != 64 || st.Method != "pca" {
		t.Fatalf("status %+v", st)
	}
	m := decode(t, st)
	for _, key := range []string{"phase", "points", "dims", "method", "iteration", "diagnostics"} {
		if _, ok := m[key]; !ok {
			t.Errorf("status JSON lacks %q: %s", key, st.JSON())
		}
	}
	if d, ok := m["diagnostics"].([]any); !ok || len(d) != 0 {
		t.Errorf("diagnostics %v, want an empty list", m["diagnostics"])
	}
	if ch := s.Work(time.Millisecond); ch != (Changes{}) {
		t.Errorf("Work after the projection finished reported changes %+v; idle frames must cost nothing", ch)
	}
	pos := s.Positions()
	if len(pos) != 2*1797 {
		t.Fatalf("%d coordinates, want %d", len(pos), 2*1797)
	}
	var spread float64
	for _, v := range pos {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatal("non-finite coordinate")
		}
		spread += float64(v) * float64(v)
	}
	if spread == 0 {
		t.Error("every point at the origin")
	}
	title, legend := s.Legend()
	if title != "label" || len(legend) != 10 || legend[0].Label != "0" || legend[9].Label != "9" {
		t.Errorf("legend %q %+v", title, legend)
	}
	if c := s.Colors(); len(c) != 1797 || c[0] != legend[0].Color {
		t.Errorf("colour of point 0 (label 0) is not the legend's first colour")
	}
	if tip := s.Tooltip(1); len(tip) == 0 || !strings.HasPrefix(tip[0], "1") || !strings.Contains(tip[0], "point 2") {
		t.Errorf("tooltip of point 1 = %q", tip)
	}
	sheet, cell := s.Thumbnails()
	if sheet == nil || sheet.Bounds().Dx() != 344 {
		t.Fatalf("the demo's sprite sheet was not decoded: %v", sheet)
	}
	if r, ok := cell(44); !ok || r != image.Rect(8, 8, 16, 16) {
		t.Errorf("cell of point 44 = %v %v, want the second cell of the second row", r, ok)
	}
	if s.Tooltip(-1) != nil || s.Tooltip(1797) != nil {
		t.Error("tooltip for an index out of range")
	}
	if !strings.Contains(s.Sentence(), "1,797 points × 64 dimensions") {
		t.Errorf("sentence %q", s.Sentence())
	}
}

func TestMismatchBlocksDrawing(t *testing.T) {
	s := New()
	vectors := sharedFile(t, "sklearn-wine-tsv/vectors.tsv")
	meta := sharedFile(t, "sklearn-breast-cancer-tsv/metadata.tsv")
	s.Open([]parse.File{vectors, meta}, "")
	runToEnd(t, s)
	st := s.Status()
	if st.Phase != Error || st.Points != 0 {
		t.Fatalf("status %+v, want an error with no points", st)
	}
	if s.Positions() != nil || s.Colors() != nil {
		t.Error("positions or colours kept for data that cannot be drawn")
	}
	found := false
	for _, d := range s.Banner() {
		if d.Code == "count-mismatch" && d.Severity == parse.Error {
			found = true
		}
	}
	if !found {
		t.Errorf("banner %+v lacks the count-mismatch error", s.Banner())
	}
	if !strings.HasPrefix(s.Sentence(), "Cannot show vectors.tsv + metadata.tsv") {
		t.Errorf("sentence %q", s.Sentence())
	}
}

func TestEmptyOpenKeepsWhatIsShown(t *testing.T) {
	s := New()
	s.Open(demoFiles(t), "demo")
	runToEnd(t, s)
	s.Open(nil, "")
	st := s.Status()
	if st.Phase != Ready || st.Points != 1797 {
		t.Errorf("empty open changed the status to %+v", st)
	}
	if len(st.Diagnostics) != 1 || st.Diagnostics[0].Code != "no-files" {
		t.Errorf("diagnostics %+v, want one no-files note", st.Diagnostics)
	}
	s.Open(nil, "")
	if n := len(s.Status().Diagnostics); n != 1 {
		t.Errorf("a second empty open left %d notes, want 1", n)
	}
	if !strings.Contains(s.Sentence(), "Still showing demo") {
		t.Errorf("sentence %q", s.Sentence())
	}
	if len(s.Banner()) != 0 {
		t.Errorf("an info note went to the banner: %+v", s.Banner())
	}
}

func TestFormatting(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int]string{12: "12 B", 4400: "4.4 kB", 3_100_000: "3.1 MB", 2_500_000_000: "2.50 GB"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFixButtonRevalidates(t *testing.T) {
	s := New()
	tensor := parse.File{Name: "vectors.tsv", Data: []byte("1\t2\n3\t4\n5\t7\n")}
	meta := parse.File{Name: "metadata.tsv", Data: []byte("word\nalpha\nbeta\ngamma\n")}
	s.Open([]parse.File{tensor, meta}, "")
	runToEnd(t, s)
	if s.Status().Phase != Error {
		t.Fatalf("a header line in single-column metadata should block: %+v", s.Status())
	}
	fixes := s.Fixes()
	var action string
	for _, f := range fixes {
		if f.Code == "metadata-header-single-column" {
			action = f.Action
		}
	}
	if action == "" {
		t.Fatalf("no fix offered for the header line: %+v", fixes)
	}
	if err := s.ApplyFix(action); err != nil {
		t.Fatal(err)
	}
	if s.Status().Phase != Parsing {
		t.Errorf("after ApplyFix phase %q, want parsing", s.Status().Phase)
	}
	runToEnd(t, s)
	st := s.Status()
	if st.Phase != Ready || st.Points != 3 || st.Dims != 2 {
		t.Fatalf("after the fix: %+v", st)
	}
	if title, _ := s.Legend(); title != "word" {
		t.Errorf("legend title %q, want the header word", title)
	}
	if err := s.ApplyFix("nonsense"); err == nil {
		t.Error("an unknown action was accepted")
	}
	if err := New().ApplyFix("swap=true"); err == nil {
		t.Error("ApplyFix without files was accepted")
	}
}

func TestEmbeddingChoice(t *testing.T) {
	cfg := `{"embeddings":[
		{"tensorName":"first","tensorPath":"a.tsv","tensorShape":[2,2]},
		{"tensorName":"second","tensorPath":"b.tsv","tensorShape":[3,2]}]}`
	files := []parse.File{
		{Name: "logs/projector_config.json", Data: []byte(cfg)},
		{Name: "logs/a.tsv", Data: []byte("1\t2\n3\t4\n")},
		{Name: "logs/b.tsv", Data: []byte("1\t2\n3\t4\n5\t9\n")},
	}
	s := New()
	s.Open(files, "logs")
	runToEnd(t, s)
	names, cur := s.Embeddings()
	if len(names) != 2 || cur != 0 || s.Status().Points != 2 {
		t.Fatalf("embeddings %v current %d, status %+v", names, cur, s.Status())
	}
	if err := s.ApplyFix("embedding=1"); err != nil {
		t.Fatal(err)
	}
	runToEnd(t, s)
	if _, cur := s.Embeddings(); cur != 1 || s.Status().Points != 3 {
		t.Errorf("after choosing the second: current %d, status %+v", cur, s.Status())
	}
}

func TestOpenWhileParsingReplacesTheLoad(t *testing.T) {
	s := New()
	s.Open(demoFiles(t), "demo")
	s.Work(time.Microsecond)
	s.Open([]parse.File{{Name: "v.tsv", Data: []byte("1\t2\n3\t5\n")}}, "")
	runToEnd(t, s)
	if st := s.Status(); st.Phase != Ready || st.Points != 2 || st.Source != "v.tsv" {
		t.Errorf("status %+v, want the second input", st)
	}
}

// workUntil calls Work until cond holds, failing after many calls.
func workUntil(t *testing.T, s *Session, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 20000; i++ {
		if cond() {
			return
		}
		s.Work(5 * time.Millisecond)
	}
	t.Fatalf("never reached: %s (status %+v, %q)", what, s.Status(), s.Sentence())
}

func TestTSNEControls(t *testing.T) {
	s := New()
	if _, err := s.Control("method", "tsne"); err == nil {
		t.Error("a control without data was accepted")
	}
	s.Open(demoFiles(t), "demo")
	runToEnd(t, s)
	pca := append([]float32(nil), s.Positions()...)

	ch, err := s.Control("method", "tsne")
	if err != nil || !ch.Status {
		t.Fatalf("method tsne: %+v %v", ch, err)
	}
	if st := s.Status(); st.Phase != Reducing || st.Method != "tsne" {
		t.Errorf("after starting t-SNE: %+v", st)
	}
	workUntil(t, s, "t-SNE iterating", func() bool { return s.Status().Iteration >= 60 })
	if c := s.Controls(); !c.Running || c.Method != "tsne" || c.LearningRate != 200 {
		t.Errorf("controls while running %+v (learning rate default max(1797/12, 200) = 200)", c)
	}
	if len(s.Positions()) != 2*1797 || sameLayout(s.Positions(), pca) {
		t.Error("the layout is not t-SNE's")
	}
	if !strings.Contains(s.Sentence(), "iteration") {
		t.Errorf("sentence while running: %q", s.Sentence())
	}

	if _, err := s.Control("pause", ""); err != nil {
		t.Fatal(err)
	}
	it := s.Status().Iteration
	for i := 0; i < 5; i++ {
		s.Work(5 * time.Millisecond)
	}
	if st := s.Status(); st.Iteration != it || st.Phase != Ready || !s.Controls().Paused {
		t.Errorf("paused t-SNE moved from %d to %+v", it, st)
	}
	if _, err := s.Control("run", ""); err != nil {
		t.Fatal(err)
	}
	workUntil(t, s, "t-SNE resumed", func() bool { return s.Status().Iteration > it })

	if _, err := s.Control("perplexity", "10"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Control("learning-rate", "150"); err != nil {
		t.Fatal(err)
	}
	if c := s.Controls(); c.Perplexity != 10 || c.LearningRate != 150 {
		t.Errorf("controls after changes %+v", c)
	}

	// 3D restarts t-SNE in three dimensions.
	if _, err := s.Control("dims", "3"); err != nil {
		t.Fatal(err)
	}
	if s.Status().Iteration != 0 {
		t.Errorf("changing dims kept iteration %d", s.Status().Iteration)
	}
	workUntil(t, s, "3D t-SNE iterating", func() bool { return s.Status().Iteration >= 10 && s.LayoutDims() == 3 })
	if len(s.Positions()) != 3*1797 {
		t.Errorf("3D layout has %d values", len(s.Positions()))
	}

	// Back to PCA, in 3D, with chosen axes.
	if _, err := s.Control("method", "pca"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Control("axis-z", "4"); err != nil {
		t.Fatal(err)
	}
	if st := s.Status(); st.Method != "pca" || st.Layout != 3 || !strings.Contains(s.Sentence(), "PC1, PC2, PC4") {
		t.Errorf("PCA 3D with axes 1, 2, 4: %+v %q", st, s.Sentence())
	}
	if _, err := s.Control("dims", "2"); err != nil {
		t.Fatal(err)
	}
	if !sameLayout(s.Positions(), pca) {
		t.Error("back in PCA 2D on PC1, PC2 the layout differs from the first one")
	}

	// Sphereize recomputes PCA on unit-length points: another layout.
	if _, err := s.Control("spherize", "true"); err != nil {
		t.Fatal(err)
	}
	runToEnd(t, s)
	if !strings.Contains(s.Sentence(), "sphereized") || sameLayout(s.Positions(), pca) || !s.Controls().Spherize {
		t.Errorf("sphereized PCA: %q", s.Sentence())
	}
	if _, err := s.Control("spherize", "false"); err != nil {
		t.Fatal(err)
	}
	runToEnd(t, s)
	if !sameLayout(s.Positions(), pca) {
		t.Error("turning sphereize off did not give the first PCA layout back")
	}

	for _, bad := range [][2]string{{"spherize", "maybe"}, {"method", "isomap"}, {"dims", "4"}, {"axis-x", "0"}, {"axis-y", "11"}, {"perplexity", "1"}, {"learning-rate", "-3"}, {"zoom", "1"}} {
		if _, err := s.Control(bad[0], bad[1]); err == nil {
			t.Errorf("control %s=%q accepted", bad[0], bad[1])
		}
	}
}

func sameLayout(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestStatusJSONWithoutKL(t *testing.T) {
	st := Status{Phase: Reducing, Method: "tsne", KL: math.NaN()}
	m := decode(t, st)
	if m["phase"] != "reducing" {
		t.Errorf("status with an unestimated KL encodes as %s", st.JSON())
	}
}

func TestSourceName(t *testing.T) {
	cases := []struct {
		names []string
		want  string
	}{
		{[]string{"v.tsv"}, "v.tsv"},
		{[]string{"v.tsv", "m.tsv"}, "v.tsv + m.tsv"},
		{[]string{"logs/a", "logs/b/c", "logs/d"}, "folder logs"},
		{[]string{"logs/a", "other/b", "x"}, "logs/a and 2 more files"},
		{[]string{"logs/a", "logsx/b"}, "logs/a + logsx/b"},
	}
	for _, c := range cases {
		if got := sourceName(c.names); got != c.want {
			t.Errorf("sourceName(%q) = %q, want %q", c.names, got, c.want)
		}
	}
}

func TestShapeAskedForRawTensor(t *testing.T) {
	s := New()
	tensor := readFile(t, "../wasm/demo/digits_tensors.bytes")
	s.Open([]parse.File{tensor}, "")
	runToEnd(t, s)
	if s.Status().Phase != Error || !s.AsksShape() {
		t.Fatalf("a raw tensor alone: %+v, asks shape %v", s.Status(), s.AsksShape())
	}
	if err := s.ApplyFix("shape=0,64"); err != nil {
		t.Fatal(err)
	}
	runToEnd(t, s)
	if st := s.Status(); st.Phase != Ready || st.Points != 1797 || st.Dims != 64 || s.AsksShape() {
		t.Errorf("with 64 dims per point: %+v", st)
	}
}

func TestHideWarnings(t *testing.T) {
	s := New()
	// A tensor with a header row of names: skipped with a warning.
	s.Open([]parse.File{{Name: "v.tsv", Data: []byte("a\tb\n1\t2\n3\t5\n4\t4\n")}}, "")
	runToEnd(t, s)
	if s.Status().Phase != Ready || len(s.Banner()) == 0 || !s.WarningsHideable() {
		t.Fatalf("status %+v banner %+v hideable %v", s.Status(), s.Banner(), s.WarningsHideable())
	}
	ch, err := s.Control("banner", "hide")
	if err != nil || !ch.Banner {
		t.Fatalf("hide: %+v %v", ch, err)
	}
	if len(s.Banner()) != 0 || s.WarningsHideable() {
		t.Errorf("warnings still shown after hiding: %+v", s.Banner())
	}
	if len(s.Status().Diagnostics) == 0 {
		t.Error("hiding the banner dropped the diagnostics from #status")
	}
}

func TestColorBy(t *testing.T) {
	s := New()
	vectors := sharedFile(t, "sklearn-wine-tsv/vectors.tsv")
	meta := sharedFile(t, "sklearn-wine-tsv/metadata.tsv")
	s.Open([]parse.File{vectors, meta}, "")
	runToEnd(t, s)
	if names := s.ColumnNames(); len(names) != 4 || names[0] != "class" || names[3] != "proline" {
		t.Fatalf("columns %q", names)
	}
	if title, legend := s.Legend(); title != "class" || len(legend) != 3 || s.Controls().ColorBy != 0 {
		t.Fatalf("automatic colouring: %q %+v", title, legend)
	}
	// proline is numeric with many values: a gradient from its minimum to its maximum.
	ch, err := s.Control("color-by", "3")
	if err != nil || !ch.Style || !ch.Points {
		t.Fatalf("color-by proline: %+v %v", ch, err)
	}
	title, legend := s.Legend()
	if title != "proline" || len(legend) != 5 || legend[0].Label != "278" || legend[4].Label != "1680" {
		t.Errorf("proline legend %q %+v", title, legend)
	}
	if _, err := s.Control("color-by", "none"); err != nil {
		t.Fatal(err)
	}
	if title, legend := s.Legend(); title != "" || legend != nil || s.Colors()[0] != s.Colors()[177] {
		t.Errorf("no colouring: %q %+v", title, legend)
	}
	if _, err := s.Control("color-by", "4"); err == nil {
		t.Error("a column out of range was accepted")
	}
}

// fakeTSNE is an Embedder whose stage and numbers the test sets.
type fakeTSNE struct {
	phase              reduce.TSNEPhase
	within             float64
	iter, klIter, maxI int
	kl                 float64
	pos                []float32
}

func (f *fakeTSNE) Advance(time.Duration) bool { return f.phase == reduce.PhaseDone }
func (f *fakeTSNE) SetRunning(bool)            {}
func (f *fakeTSNE) Positions() []float32       { return f.pos }
func (f *fakeTSNE) Dims() int                  { return 2 }
func (f *fakeTSNE) Iteration() int             { return f.iter }
func (f *fakeTSNE) KL() float64                { return f.kl }
func (f *fakeTSNE) KLIteration() int           { return f.klIter }
func (f *fakeTSNE) Preparing() bool            { return f.phase < reduce.PhaseIterating }
func (f *fakeTSNE) Progress() float64          { return 0 }
func (f *fakeTSNE) Phase() (string, float64) {
	return f.phase.String(), f.within
}
func (f *fakeTSNE) MaxIterations() int      { return f.maxI }
func (f *fakeTSNE) LearningRate() float64   { return 200 }
func (f *fakeTSNE) SetLearningRate(float64) {}
func (f *fakeTSNE) SetPerplexity(float64)   {}
func (f *fakeTSNE) SetMaxIterations(int)    {}
func (f *fakeTSNE) Err() error              { return nil }
func (f *fakeTSNE) Close()                  {}

func TestTSNEStagesSaidInStatusAndPanel(t *testing.T) {
	s := New()
	fake := &fakeTSNE{maxI: 1000, kl: math.NaN()}
	s.SetEmbedderFactory(func(_ []float32, n, _ int, _ RunConfig) Embedder {
		fake.pos = make([]float32, 2*n)
		return fake
	})
	s.Open(demoFiles(t), "demo")
	runToEnd(t, s)
	if _, err := s.Control("method", "tsne"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		phase  reduce.TSNEPhase
		within float64
		iter   int
		want   string
	}{
		{reduce.PhasePCA, 0.5, 0, "reducing the dimensions with PCA… 50%"},
		{reduce.PhaseNeighbours, 0.43, 0, "finding neighbours… 43%"},
		{reduce.PhaseCalibrating, 0.7, 0, "calibrating similarities… 70%"},
		{reduce.PhaseSymmetrising, 0.1, 0, "symmetrising similarities… 10%"},
		{reduce.PhaseIterating, 0.12, 120, "iteration 120 / 1,000, KL 1.234"},
	}
	for _, c := range cases {
		fake.phase, fake.within, fake.iter = c.phase, c.within, c.iter
		if c.iter > 0 {
			fake.kl, fake.klIter = 1.2344, 100
		}
		s.Work(time.Millisecond)
		st, ctl := s.Status(), s.Controls()
		if !strings.Contains(s.Sentence(), c.want) || st.Phase != Reducing {
			t.Errorf("%v: sentence %q (phase %s), want it to say %q", c.phase, s.Sentence(), st.Phase, c.want)
		}
		if ctl.ProgressText != c.want || ctl.RunPhase != c.phase.String() || ctl.PhaseProgress != c.within {
			t.Errorf("%v: panel shows %q (%s %g), want %q", c.phase, ctl.ProgressText, ctl.RunPhase, ctl.PhaseProgress, c.want)
		}
		m := decode(t, st)
		if m["tsnePhase"] != c.phase.String() || m["progress"] != c.within {
			t.Errorf("%v: #status JSON %s", c.phase, st.JSON())
		}
	}
}

func wineFiles(t *testing.T) []parse.File {
	return []parse.File{sharedFile(t, "sklearn-wine-tsv/vectors.tsv"), sharedFile(t, "sklearn-wine-tsv/metadata.tsv")}
}

func TestPerplexityCheckedAgainstN(t *testing.T) {
	s := New()
	s.Open(wineFiles(t), "wine")
	runToEnd(t, s)
	if n := s.Status().Points; n != 178 {
		t.Fatalf("wine has %d points", n)
	}
	// (178−1)/3 = 59: 1 and 60 are refused, the message names the range.
	for _, bad := range []string{"1", "60", "1e9", "abc", "NaN"} {
		ch, err := s.Control("perplexity", bad)
		if err == nil {
			t.Fatalf("perplexity %q accepted for 178 points", bad)
		}
		msg := s.Controls().Message
		if !strings.Contains(msg, "from 2 to 59") || !strings.Contains(msg, "178 points") || !strings.HasPrefix(msg, "Perplexity ") || !ch.Status {
			t.Errorf("perplexity %q: message %q (error %v, changes %+v)", bad, msg, err, ch)
		}
		if p := s.Controls().Perplexity; p != 30 {
			t.Errorf("a refused perplexity changed it to %g", p)
		}
	}
	if _, err := s.Control("perplexity", "59"); err != nil {
		t.Fatalf("perplexity 59 for 178 points: %v", err)
	}
	if c := s.Controls(); c.Message != "" || c.Perplexity != 59 {
		t.Errorf("after a valid perplexity: %+v", c)
	}

	// A finished run is run again, from the start, with a new perplexity.
	if _, err := s.Control("method", "tsne"); err != nil {
		t.Fatal(err)
	}
	workUntil(t, s, "t-SNE finished", func() bool { return s.Controls().Done })
	done := s.Status()
	if done.Iteration != 1000 || done.Phase != Ready || done.TSNEPhase != "done" {
		t.Fatalf("finished run: %+v", done)
	}
	finished := append([]float32(nil), s.Positions()...)
	if _, err := s.Control("perplexity", "5"); err != nil {
		t.Fatal(err)
	}
	if st, c := s.Status(), s.Controls(); st.Phase != Reducing || st.Iteration != 0 || !c.Running || c.Done {
		t.Errorf("after a perplexity change of a finished run: %+v, controls %+v", st, c)
	}
	workUntil(t, s, "the run again", func() bool { return s.Controls().Done })
	if sameLayout(finished, s.Positions()) {
		t.Error("perplexity 5 gave the layout of perplexity 59")
	}

	// Too few points for any perplexity.
	small := New()
	small.Open([]parse.File{{Name: "v.tsv", Data: []byte("1\t2\n3\t4\n5\t7\n2\t2\n")}}, "four")
	runToEnd(t, small)
	if _, err := small.Control("perplexity", "2"); err == nil || !strings.Contains(err.Error(), "at least 7 points") {
		t.Errorf("perplexity for 4 points: %v", err)
	}
}
