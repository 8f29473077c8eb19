package session

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/reduce"
)

// fakeUMAP is an Embedder standing for a UMAP run whose stage and epoch
// the test sets.
type fakeUMAP struct {
	phase         reduce.UMAPPhase
	within        float64
	epoch, epochs int
	pos           []float32
	cfg           reduce.UMAPConfig
}

func (f *fakeUMAP) Advance(time.Duration) bool { return f.phase == reduce.UMAPPhaseDone }
func (f *fakeUMAP) SetRunning(bool)            {}
func (f *fakeUMAP) Positions() []float32       { return f.pos }
func (f *fakeUMAP) Dims() int                  { return 2 }
func (f *fakeUMAP) Iteration() int             { return f.epoch }
func (f *fakeUMAP) KL() float64                { return math.NaN() }
func (f *fakeUMAP) KLIteration() int           { return 0 }
func (f *fakeUMAP) Preparing() bool            { return f.phase < reduce.UMAPPhaseOptimizing }
func (f *fakeUMAP) Progress() float64          { return 0 }
func (f *fakeUMAP) Phase() (string, float64)   { return f.phase.String(), f.within }
func (f *fakeUMAP) MaxIterations() int         { return f.epochs }
func (f *fakeUMAP) LearningRate() float64      { return 1 }
func (f *fakeUMAP) SetLearningRate(float64)    {}
func (f *fakeUMAP) SetPerplexity(float64)      {}
func (f *fakeUMAP) SetMaxIterations(int)       {}
func (f *fakeUMAP) Err() error                 { return nil }
func (f *fakeUMAP) Close()                     {}

// fakeFinishedUMAP makes every UMAP of s a finished fake run with a random
// layout (and every t-SNE a local one); *starts counts the UMAP runs
// started and *last is the configuration of the last.
func fakeFinishedUMAP(s *Session, starts *int, last *reduce.UMAPConfig) {
	s.SetEmbedderFactory(func(v []float32, n, d int, cfg RunConfig) Embedder {
		if cfg.Method != MethodUMAP {
			return LocalRun(v, n, d, cfg)
		}
		*starts++
		*last = cfg.UMAP
		r := rand.New(rand.NewPCG(9, uint64(*starts)))
		f := &fakeUMAP{phase: reduce.UMAPPhaseDone, within: 1, epoch: 500, epochs: 500, pos: make([]float32, 2*n), cfg: cfg.UMAP}
		for i := range f.pos {
			f.pos[i] = float32(r.NormFloat64() * 5)
		}
		return f
	})
}

func TestUMAPRunsPausesAndFinishes(t *testing.T) {
	s := readyDemo(t)
	pca := append([]float32(nil), s.Positions()...)
	control(t, s, "method", "umap")
	if st := s.Status(); st.Phase != Reducing || st.Method != "umap" || st.UMAPPhase == "" || st.TSNEPhase != "" {
		t.Fatalf("after choosing UMAP: %+v", st)
	}
	workUntil(t, s, "UMAP optimising", func() bool { return s.Status().Iteration >= 20 })
	st, c := s.Status(), s.Controls()
	if st.UMAPPhase != "optimizing" || st.Epochs != 500 || !c.Running || c.RunPhase != "optimizing" || c.MaxIterations != 500 {
		t.Errorf("while optimising: status %+v, controls %+v", st, c)
	}
	if !strings.Contains(s.Sentence(), "epoch") || !strings.HasPrefix(c.ProgressText, "epoch ") || !strings.Contains(c.ProgressText, "/ 500") {
		t.Errorf("sentence %q, panel %q", s.Sentence(), c.ProgressText)
	}
	if len(s.Positions()) != 2*1797 || sameLayout(s.Positions(), pca) {
		t.Error("the layout is not UMAP's")
	}
	m := decode(t, st)
	if m["umapPhase"] != "optimizing" || m["epochs"] != 500.0 || m["tsnePhase"] != nil {
		t.Errorf("status JSON %s", st.JSON())
	}

	control(t, s, "pause", "")
	at := s.Status().Iteration
	moved := append([]float32(nil), s.Positions()...)
	for i := 0; i < 5; i++ {
		s.Work(5 * time.Millisecond)
	}
	if st := s.Status(); st.Iteration != at || st.Phase != Ready || !s.Controls().Paused || !sameLayout(moved, s.Positions()) {
		t.Errorf("paused UMAP moved from epoch %d to %+v", at, st)
	}
	if !strings.Contains(s.Sentence(), "paused at epoch") {
		t.Errorf("paused sentence %q", s.Sentence())
	}
	control(t, s, "run", "")
	workUntil(t, s, "UMAP resumed", func() bool { return s.Status().Iteration > at })
	workUntil(t, s, "UMAP finished", func() bool { return s.Controls().Done })
	done := s.Status()
	if done.Iteration != 500 || done.Phase != Ready || done.UMAPPhase != "done" || done.LayoutHash == "" {
		t.Errorf("finished UMAP: %+v", done)
	}
	finished := append([]float32(nil), s.Positions()...)

	// PCA and back: the finished UMAP is shown again, not recomputed.
	control(t, s, "method", "pca")
	if !sameLayout(s.Positions(), pca) {
		t.Error("PCA after UMAP is not the PCA layout")
	}
	control(t, s, "method", "umap")
	if !sameLayout(s.Positions(), finished) || !s.Controls().Done {
		t.Error("UMAP shown again was not the finished layout")
	}
	// Run after done runs again from the start: the same seed gives the same layout.
	control(t, s, "run", "")
	if st := s.Status(); st.Phase != Reducing || st.Iteration != 0 {
		t.Errorf("run after a finished UMAP: %+v", st)
	}
	workUntil(t, s, "UMAP run again", func() bool { return s.Controls().Done })
	if !sameLayout(s.Positions(), finished) {
		t.Error("the same seed gave another layout")
	}
	// Another seed, another layout.
	control(t, s, "seed", "7")
	workUntil(t, s, "UMAP with seed 7", func() bool { return s.Controls().Done })
	if sameLayout(s.Positions(), finished) || s.Controls().Seed != 7 {
		t.Error("seed 7 gave the layout of seed 1")
	}
}

func TestUMAPParametersCheckedAgainstN(t *testing.T) {
	s := New()
	var starts int
	var last reduce.UMAPConfig
	fakeFinishedUMAP(s, &starts, &last)
	s.Open(wineFiles(t), "wine")
	runToEnd(t, s)
	control(t, s, "method", "umap")
	if starts != 1 || last.Neighbors != 15 || last.MinDist != 0.1 || last.Spread != 1 || last.Epochs != 0 || last.Metric != reduce.Euclidean {
		t.Fatalf("first UMAP: %d starts, config %+v", starts, last)
	}
	refused := []struct{ name, value, want string }{
		{"neighbors", "1", "Neighbours (n_neighbors) 1 is out of range: with 178 points it must be from 2 to 177"},
		{"neighbors", "178", "Neighbours (n_neighbors) 178 is out of range: with 178 points it must be from 2 to 177"},
		{"neighbors", "4.5", "Neighbours (n_neighbors) 4.5: want a whole number from 2 to 177"},
		{"neighbors", "many", `Neighbours (n_neighbors) "many" is not a number`},
		{"min-dist", "2", "Min dist 2 is out of range: with spread 1 it must be from 0 to 1"},
		{"min-dist", "-0.5", "Min dist -0.5 is out of range"},
		{"spread", "0.05", "Min dist 0.1 is out of range: with spread 0.05 it must be from 0 to 0.05"},
		{"spread", "0", "Spread 0: want a number above 0"},
		{"epochs", "0", "Epochs \"0\": want a whole number from 1"},
		{"umap-metric", "manhattan", `Metric "manhattan": want euclidean or cosine`},
		{"seed", "-1", `Seed "-1"`},
	}
	for _, r := range refused {
		ch, err := s.Control(r.name, r.value)
		if err == nil {
			t.Errorf("%s=%q accepted", r.name, r.value)
			continue
		}
		if msg := s.Controls().Message; !strings.Contains(msg, r.want) || !ch.Status {
			t.Errorf("%s=%q: message %q, want it to say %q", r.name, r.value, msg, r.want)
		}
	}
	if starts != 1 || s.Controls().UMAP != DefaultUMAPSettings() {
		t.Fatalf("refused values started %d runs or changed the settings to %+v", starts-1, s.Controls().UMAP)
	}
	// Valid values start the shown UMAP again with them, and clear the message.
	for _, c := range [][2]string{{"neighbors", "177"}, {"min-dist", "0"}, {"spread", "2"}, {"epochs", "50"}, {"umap-metric", "cosine"}} {
		control(t, s, c[0], c[1])
	}
	want := UMAPSettings{Neighbors: 177, MinDist: 0, Spread: 2, Epochs: 50, Metric: "cosine"}
	if c := s.Controls(); c.Message != "" || c.UMAP != want || starts != 6 {
		t.Errorf("after valid values: controls %+v, %d starts", c, starts)
	}
	if last.Neighbors != 177 || last.MinDist >= 0 || last.Spread != 2 || last.Epochs != 50 || last.Metric != reduce.Cosine {
		t.Errorf("the last run's config %+v (min_dist 0 is passed as a negative value)", last)
	}
	control(t, s, "epochs", "auto")
	if s.Controls().UMAP.Epochs != 0 {
		t.Errorf("epochs auto: %+v", s.Controls().UMAP)
	}
	// With PCA shown, a change is kept for the next UMAP (the old run is dropped).
	control(t, s, "method", "pca")
	control(t, s, "neighbors", "10")
	if starts != 7 {
		t.Errorf("a change with PCA shown started a run (%d starts)", starts)
	}
	control(t, s, "method", "umap")
	if starts != 8 || last.Neighbors != 10 {
		t.Errorf("UMAP shown again: %d starts, config %+v", starts, last)
	}

	// Too few points for UMAP.
	small := New()
	small.Open([]parse.File{{Name: "v.tsv", Data: []byte("1\t2\n3\t4\n")}}, "two")
	runToEnd(t, small)
	if _, err := small.Control("neighbors", "2"); err == nil || !strings.Contains(err.Error(), "at least 3 points") {
		t.Errorf("n_neighbors for 2 points: %v", err)
	}
}

func TestUMAPStagesSaidInStatusAndPanel(t *testing.T) {
	s := New()
	fake := &fakeUMAP{epochs: 500}
	s.SetEmbedderFactory(func(_ []float32, n, _ int, _ RunConfig) Embedder {
		fake.pos = make([]float32, 2*n)
		return fake
	})
	s.Open(demoFiles(t), "demo")
	runToEnd(t, s)
	control(t, s, "method", "umap")
	cases := []struct {
		phase  reduce.UMAPPhase
		within float64
		epoch  int
		want   string
	}{
		{reduce.UMAPPhasePCA, 0.5, 0, "reducing the dimensions with PCA… 50%"},
		{reduce.UMAPPhaseNeighbours, 0.43, 0, "finding neighbours… 43%"},
		{reduce.UMAPPhaseFuzzySet, 0.2, 0, "building the fuzzy graph… 20%"},
		{reduce.UMAPPhaseOptimizing, 0.24, 120, "epoch 120 / 500"},
	}
	for _, c := range cases {
		fake.phase, fake.within, fake.epoch = c.phase, c.within, c.epoch
		s.Work(time.Millisecond)
		st, ctl := s.Status(), s.Controls()
		if !strings.Contains(s.Sentence(), c.want) || st.Phase != Reducing {
			t.Errorf("%v: sentence %q (phase %s), want it to say %q", c.phase, s.Sentence(), st.Phase, c.want)
		}
		if ctl.ProgressText != c.want || ctl.RunPhase != c.phase.String() || ctl.PhaseProgress != c.within {
			t.Errorf("%v: panel shows %q (%s %g), want %q", c.phase, ctl.ProgressText, ctl.RunPhase, ctl.PhaseProgress, c.want)
		}
		m := decode(t, st)
		if m["umapPhase"] != c.phase.String() || m["progress"] != c.within || m["iteration"] != float64(c.epoch) {
			t.Errorf("%v: #status JSON %s", c.phase, st.JSON())
		}
	}
}

func TestViewStateRoundTripUMAP(t *testing.T) {
	a := New()
	var startsA int
	var cfgA reduce.UMAPConfig
	fakeFinishedUMAP(a, &startsA, &cfgA)
	a.Open(demoFiles(t), "demo")
	runToEnd(t, a)
	control(t, a, "neighbors", "30")
	control(t, a, "min-dist", "0.25")
	control(t, a, "umap-metric", "cosine")
	control(t, a, "seed", "5")
	control(t, a, "method", "umap")
	workUntil(t, a, "the fake UMAP done", func() bool { return a.Controls().Done })
	a.Select([]int{4, 40}, SelectReplace)
	a.SetCamera(Camera{X: 0.5, Y: 1, Scale: 20})
	settle(t, a)
	if st := a.Status(); st.Phase != Ready || st.Method != "umap" || st.Iteration != 500 {
		t.Fatalf("fake UMAP not finished: %+v", st)
	}
	saved, err := a.State()
	if err != nil {
		t.Fatal(err)
	}
	want := UMAPState{UMAPSettings: UMAPSettings{Neighbors: 30, MinDist: 0.25, Spread: 1, Metric: "cosine"}, Seed: 5, Epoch: 500, MaxEpochs: 500}
	if saved.Method != MethodUMAP || saved.UMAP == nil || *saved.UMAP != want || saved.TSNE != nil {
		t.Fatalf("saved UMAP %+v, want %+v", saved.UMAP, want)
	}
	j, _ := json.Marshal(saved)
	if !bytes.Contains(j, []byte(`"umap":{"neighbors":30,"minDist":0.25,"spread":1,"epochs":0,"metric":"cosine","seed":5,"epoch":500,"maxEpochs":500}`)) {
		t.Errorf("view file %s", j)
	}

	b := New()
	var startsB int
	var cfgB reduce.UMAPConfig
	fakeFinishedUMAP(b, &startsB, &cfgB)
	b.Open(demoFiles(t), "demo")
	runToEnd(t, b)
	if _, err := b.ApplyState(viaJSON(t, saved)); err != nil {
		t.Fatal(err)
	}
	settle(t, b)
	if startsB != 0 {
		t.Errorf("applying a finished UMAP started %d runs", startsB)
	}
	sa, sb := a.Status(), b.Status()
	if !sameLayout(b.Positions(), a.Positions()) || sb.LayoutHash != sa.LayoutHash || sb.Method != "umap" || sb.Iteration != 500 || sb.Phase != Ready {
		t.Errorf("status after apply %+v, saved from %+v", sb, sa)
	}
	if c := b.Controls(); c.UMAP != want.UMAPSettings || c.Seed != 5 || !c.Done {
		t.Errorf("controls %+v", c)
	}
	b.SetCamera(Camera{X: 0.5, Y: 1, Scale: 20})
	again, err := b.State()
	if err != nil {
		t.Fatal(err)
	}
	if jb, _ := json.Marshal(again); !bytes.Equal(j, jb) {
		t.Errorf("state after the round trip differs:\n%s\n%s", j, jb)
	}
	// Running again starts a new run with the restored settings.
	control(t, b, "run", "")
	if startsB != 1 || cfgB.Neighbors != 30 || cfgB.Metric != reduce.Cosine || cfgB.Seed != 5 {
		t.Errorf("run after a restored UMAP: %d starts, config %+v", startsB, cfgB)
	}

	// A UMAP view that does not fit the data is refused, naming the numbers.
	bad := saved
	u := *saved.UMAP
	u.Neighbors = 1797
	bad.UMAP = &u
	if _, err := b.ApplyState(bad); err == nil || !strings.Contains(err.Error(), "neighbours (n_neighbors) 1797 is out of range: with 1,797 points it must be from 2 to 1,796") {
		t.Errorf("n_neighbors 1797 for 1,797 points: %v", err)
	}
	noUMAP := saved
	noUMAP.UMAP = nil
	if _, err := b.ApplyState(noUMAP); err == nil || !strings.Contains(err.Error(), "without its UMAP settings") {
		t.Errorf("a UMAP view without settings: %v", err)
	}
}

func TestIsolateAndShowAllWithUMAP(t *testing.T) {
	s := New()
	var starts int
	var cfg reduce.UMAPConfig
	fakeFinishedUMAP(s, &starts, &cfg)
	s.Open(demoFiles(t), "demo")
	runToEnd(t, s)
	control(t, s, "method", "umap")
	workUntil(t, s, "the fake UMAP done", func() bool { return s.Controls().Done })
	full := append([]float32(nil), s.Positions()...)
	control(t, s, "search", "/^3$/")
	control(t, s, "select-matches", "")
	settle(t, s)
	threes := s.Status().Selection.Count
	control(t, s, "isolate", "")
	workUntil(t, s, "the isolated UMAP done", func() bool { return s.Controls().Done })
	if st := s.Status(); st.Method != "umap" || st.Points != threes || starts != 2 || len(s.Positions()) != 2*threes {
		t.Fatalf("isolated: %+v, %d starts, %d positions", st, starts, len(s.Positions()))
	}
	control(t, s, "show-all", "")
	if st := s.Status(); st.Method != "umap" || st.Points != 1797 || !sameLayout(s.Positions(), full) || starts != 2 {
		t.Errorf("after show-all: %+v, %d starts; layout restored %v", st, starts, sameLayout(s.Positions(), full))
	}
}

func TestOneRunAtATime(t *testing.T) {
	s := New()
	var starts int
	var cfg reduce.UMAPConfig
	fakeFinishedUMAP(s, &starts, &cfg)
	s.Open(wineFiles(t), "wine")
	runToEnd(t, s)
	control(t, s, "method", "tsne")
	workUntil(t, s, "t-SNE iterating", func() bool { return s.Status().Iteration >= 10 })
	control(t, s, "method", "umap")
	if s.runMethod != MethodUMAP || starts != 1 || s.Status().TSNEPhase != "" {
		t.Fatalf("UMAP after t-SNE: run of %q, %d starts, %+v", s.runMethod, starts, s.Status())
	}
	// t-SNE's settings do not touch the UMAP run.
	control(t, s, "perplexity", "20")
	control(t, s, "learning-rate", "100")
	if starts != 1 || s.runMethod != MethodUMAP {
		t.Errorf("a t-SNE setting restarted UMAP (%d starts)", starts)
	}
	control(t, s, "method", "tsne")
	if st := s.Status(); s.runMethod != MethodTSNE || st.Iteration != 0 || st.UMAPPhase != "" || st.Epochs != 0 {
		t.Errorf("t-SNE after UMAP: run of %q, %+v", s.runMethod, st)
	}
}

func TestUMAPIn3D(t *testing.T) {
	s := New()
	s.Open(wineFiles(t), "wine")
	runToEnd(t, s)
	control(t, s, "epochs", "60")
	control(t, s, "method", "umap")
	workUntil(t, s, "2D UMAP done", func() bool { return s.Controls().Done })
	control(t, s, "dims", "3")
	if st := s.Status(); st.Phase != Reducing || st.Iteration != 0 {
		t.Errorf("3D did not start UMAP again: %+v", st)
	}
	workUntil(t, s, "3D UMAP done", func() bool { return s.Controls().Done })
	if st := s.Status(); st.Layout != 3 || st.Iteration != 60 || len(s.Positions()) != 3*178 || !strings.Contains(s.Sentence(), "UMAP 3D finished after 60 epochs") {
		t.Errorf("3D UMAP: %+v, %d positions, %q", st, len(s.Positions()), s.Sentence())
	}
}
