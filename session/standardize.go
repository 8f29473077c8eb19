package session

import (
	"cmp"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/reduce"
)

// Standardised columns: with Settings.Standardize, PCA and t-SNE run on a
// copy of the shown vectors in which every dimension has zero mean and unit
// variance (reduce.Standardize), so that a feature measured in large units
// (proline in mg/L in the wine set, next to hues near 1) does not decide the
// layout alone. Dimensions that are constant cannot be scaled and stay 0;
// the status says which. The inspector's neighbours stay on the vectors as
// they are.

// StandardizeStatus is data-state's "standardize" while the toggle is on:
// the 0-based dimensions left at 0 because every point has the same value
// (empty until the standardised copy is made).
type StandardizeStatus struct {
	Constant []int `json:"constant"`
}

// standardized is the standardised copy of one dataset's vectors, made by
// job in Work's time slices (at once for small data).
type standardized struct {
	of       *parse.Dataset
	job      *reduce.Standardizer // running; nil once done
	vectors  []float32            // N×D, row-major, once done
	constant []int                // 0-based dimensions left at 0
	// pcaStale: the PCA was made on the raw vectors while the job ran, and
	// is made again on the standardised ones when it ends.
	pcaStale bool
}

// stdSyncValues: data of at most this many values are standardised at once
// (about 10 ms in js/wasm), larger ones in Work's slices.
var stdSyncValues = 1 << 20 // a variable for tests

// input returns the vectors the projections run on: the shown data's, or
// their standardised copy; nil while that copy is being made.
func (s *Session) input() []float32 {
	if !s.set.Standardize {
		return s.data.Vectors
	}
	if s.std.of != s.data {
		s.std = standardized{of: s.data, job: reduce.NewStandardizer(s.data.Vectors, s.data.N, s.data.D)}
		if s.data.N*s.data.D <= stdSyncValues {
			for !s.std.job.Step() {
			}
			s.finishStandardize()
		}
	}
	if s.std.job != nil {
		return nil
	}
	return s.std.vectors
}

// newPCA makes the PCA of the projection input with k components; while the
// standardised copy is being made, a placeholder on the raw vectors, made
// again when it is done. It runs on one goroutine (Workers 1): the page's Go
// has one thread, and Steps are timed against a frame budget.
func (s *Session) newPCA(k int) *reduce.PCA {
	in := s.input()
	if in == nil {
		in, s.std.pcaStale = s.data.Vectors, true
	}
	return reduce.NewPCA(in, s.data.N, s.data.D, reduce.PCAConfig{Components: k, Spherize: s.set.Spherize, Workers: 1})
}

// standardizing advances the standardised copy until deadline and reports
// whether it is still being made.
func (s *Session) standardizing(deadline time.Time) bool {
	if s.std.job == nil || s.std.of != s.data || !s.set.Standardize {
		return false
	}
	for time.Now().Before(deadline) {
		if s.std.job.Step() {
			s.finishStandardize()
			return false
		}
	}
	return true
}

// finishStandardize takes the finished copy and remakes a placeholder PCA.
func (s *Session) finishStandardize() {
	s.std.vectors, s.std.constant = s.std.job.Result()
	s.std.job = nil
	if s.std.pcaStale && s.pca != nil {
		s.std.pcaStale = false
		s.pca, s.pcaDone = s.newPCA(s.pca.Components()), false
	}
}

// setStandardize turns standardising on or off and re-runs the current
// projection on the new input: PCA at once, t-SNE or UMAP from the start.
func (s *Session) setStandardize(on bool) {
	s.set.Standardize = on
	s.std = standardized{}
	s.pca, s.pcaDone = s.newPCA(s.pca.Components()), false
	if s.run != nil {
		s.stopRun()
		s.runShown, s.runMethod = false, ""
	}
	if s.set.Method == MethodTSNE || s.set.Method == MethodUMAP {
		s.startRun()
	}
}

// standardizeSentence says how far the standardised copy is.
func (s *Session) standardizeSentence() string {
	return fmt.Sprintf("%s: standardising %s × %d values… %d%%", s.status.Source,
		thousands(s.data.N), s.data.D, int(100*s.std.job.Progress()))
}

// pendingRun is a t-SNE or UMAP waiting for the standardised copy: it shows
// no layout, keeps the settings it is given and starts the run (start) once
// ready returns the vectors.
type pendingRun struct {
	ready   func() []float32
	start   func(vectors []float32, cfg RunConfig) Embedder
	inner   Embedder
	pos     []float32
	dims    int
	cfg     RunConfig
	running bool
}

func (p *pendingRun) Advance(budget time.Duration) bool {
	if p.inner == nil {
		v := p.ready()
		if v == nil {
			return false
		}
		p.inner = p.start(v, p.cfg)
		p.inner.SetRunning(p.running)
		return false
	}
	return p.inner.Advance(budget)
}

func (p *pendingRun) SetRunning(r bool) {
	p.running = r
	if p.inner != nil {
		p.inner.SetRunning(r)
	}
}

func (p *pendingRun) Positions() []float32 {
	if p.inner != nil {
		return p.inner.Positions()
	}
	return p.pos
}

func (p *pendingRun) Dims() int { return p.dims }

// get returns what inner says once it runs, else what a run says before it starts.
func get[T any](p *pendingRun, f func(Embedder) T, before T) T {
	if p.inner != nil {
		return f(p.inner)
	}
	return before
}

func (p *pendingRun) Iteration() int    { return get(p, Embedder.Iteration, 0) }
func (p *pendingRun) KL() float64       { return get(p, Embedder.KL, math.NaN()) }
func (p *pendingRun) KLIteration() int  { return get(p, Embedder.KLIteration, 0) }
func (p *pendingRun) Preparing() bool   { return get(p, Embedder.Preparing, true) }
func (p *pendingRun) Progress() float64 { return get(p, Embedder.Progress, 0) }

// Phase is the first stage of the method until the run starts.
func (p *pendingRun) Phase() (string, float64) {
	if p.inner != nil {
		return p.inner.Phase()
	}
	if p.cfg.Method == MethodUMAP {
		return reduce.UMAPPhasePCA.String(), 0
	}
	return reduce.PhasePCA.String(), 0
}

func (p *pendingRun) MaxIterations() int {
	before := cmp.Or(p.cfg.TSNE.MaxIterations, 1000)
	if p.cfg.Method == MethodUMAP {
		before = cmp.Or(p.cfg.UMAP.Epochs, reduce.DefaultUMAPEpochs(len(p.pos)/p.dims))
	}
	return get(p, Embedder.MaxIterations, before)
}

func (p *pendingRun) LearningRate() float64 {
	before := cmp.Or(p.cfg.TSNE.LearningRate, max(float64(len(p.pos)/p.dims)/12, 200))
	if p.cfg.Method == MethodUMAP {
		before = cmp.Or(p.cfg.UMAP.LearningRate, 1)
	}
	return get(p, Embedder.LearningRate, before)
}

func (p *pendingRun) Err() error { return get(p, Embedder.Err, nil) }

func (p *pendingRun) SetLearningRate(lr float64) {
	p.cfg.TSNE.LearningRate = lr
	if p.inner != nil {
		p.inner.SetLearningRate(lr)
	}
}

func (p *pendingRun) SetPerplexity(v float64) {
	p.cfg.TSNE.Perplexity = v
	if p.inner != nil {
		p.inner.SetPerplexity(v)
	}
}

func (p *pendingRun) SetMaxIterations(it int) {
	p.cfg.TSNE.MaxIterations = it
	if p.inner != nil {
		p.inner.SetMaxIterations(it)
	}
}

func (p *pendingRun) Close() {
	if p.inner != nil {
		p.inner.Close()
	}
}

// InputNeighbours hands on the run's neighbours, when it has them.
func (p *pendingRun) InputNeighbours() ([]int32, int, bool) {
	if in, ok := p.inner.(inputNeighbours); ok {
		return in.InputNeighbours()
	}
	return nil, 0, false
}

// standardizeStatus is data-state's "standardize", nil while off.
func (s *Session) standardizeStatus() *StandardizeStatus {
	if !s.set.Standardize || s.data == nil {
		return nil
	}
	return &StandardizeStatus{Constant: append([]int{}, s.std.constant...)}
}

// standardizeNote says, for the status sentence, that the dimensions were
// standardised and which constant ones were left at 0 ("" while off).
func (s *Session) standardizeNote() string {
	if !s.set.Standardize || s.data == nil || s.std.job != nil {
		return ""
	}
	c := s.std.constant
	if len(c) == 0 {
		return " Every dimension standardised (mean 0, variance 1)."
	}
	names := make([]string, 0, min(len(c), 5))
	for _, j := range c[:min(len(c), 5)] {
		names = append(names, fmt.Sprint(j+1))
	}
	list := strings.Join(names, ", ")
	if len(c) > 5 {
		list += fmt.Sprintf(" and %d more", len(c)-5)
	}
	return fmt.Sprintf(" Dimensions standardised (mean 0, variance 1); %d constant %s (%s) left at 0.",
		len(c), plural(len(c), "dimension", "dimensions"), list)
}
