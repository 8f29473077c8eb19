package session

import (
	"math"
	"time"

	"github.com/embproj/projector/reduce"
)

// Embedder is a running iterative projection (t-SNE or UMAP), computed
// either here, in the caller's goroutine between frames (LocalRun), or
// elsewhere, e.g. in a Web Worker that sends its layout back (wasm/).
type Embedder interface {
	// Advance lets the run progress for about budget (a local run computes,
	// a remote one takes in what it was sent) and reports whether it is done.
	Advance(budget time.Duration) (done bool)
	// SetRunning pauses (false) or resumes (true) the run.
	SetRunning(running bool)
	// Positions is the layout, n×Dims row-major; it may be updated in place.
	Positions() []float32
	Dims() int
	// Iteration is the t-SNE iteration, or the UMAP epochs done.
	Iteration() int
	// KL is the latest Kullback-Leibler estimate (NaN before the first, and
	// always for UMAP), made at iteration KLIteration.
	KL() float64
	KLIteration() int
	// Preparing is true while neighbours and similarities are computed;
	// Progress (0..1) tells how far the whole run is.
	Preparing() bool
	Progress() float64
	// Phase is the stage the run is in (a reduce.TSNEPhase or
	// reduce.UMAPPhase name, "done" at the end) and how far it is within it
	// (0..1; while iterating the share of MaxIterations done).
	Phase() (name string, within float64)
	// MaxIterations is the iteration (epoch) count at which the run is done.
	MaxIterations() int
	LearningRate() float64
	// SetLearningRate, SetPerplexity and SetMaxIterations change a t-SNE
	// run as it goes; a UMAP run ignores them.
	SetLearningRate(lr float64)
	SetPerplexity(p float64)
	SetMaxIterations(it int)
	// Err reports a failure of the run (a remote worker that could not
	// start, say); the session then falls back to a local run.
	Err() error
	// Close releases the run.
	Close()
}

// RunConfig is what an iterative projection starts with: its method and
// that method's configuration (the other one is ignored).
type RunConfig struct {
	Method Method // MethodTSNE or MethodUMAP
	TSNE   reduce.TSNEConfig
	UMAP   reduce.UMAPConfig
}

// Dims is the layout dimension of the run's method (2 or 3; 0: the default 2).
func (c RunConfig) Dims() int {
	if c.Method == MethodUMAP {
		return c.UMAP.Dims
	}
	return c.TSNE.Dims
}

// EmbedderFactory starts the run cfg of n points of d dims (vectors is
// n×d row-major).
type EmbedderFactory func(vectors []float32, n, d int, cfg RunConfig) Embedder

// LocalRun runs reduce.TSNE or reduce.UMAP in the caller's goroutine.
func LocalRun(vectors []float32, n, d int, cfg RunConfig) Embedder {
	if cfg.Method == MethodUMAP {
		return &localUMAP{UMAP: reduce.NewUMAP(vectors, n, d, cfg.UMAP)}
	}
	return &localTSNE{TSNE: reduce.NewTSNE(vectors, n, d, cfg.TSNE)}
}

type localTSNE struct {
	*reduce.TSNE
	done bool
}

func (l *localTSNE) Advance(budget time.Duration) bool {
	deadline := time.Now().Add(budget)
	for !l.done && time.Now().Before(deadline) {
		l.done = l.Step()
	}
	return l.done
}

func (l *localTSNE) Phase() (string, float64) {
	ph, within := l.TSNE.Phase()
	return ph.String(), within
}

func (l *localTSNE) SetMaxIterations(it int) {
	l.TSNE.SetMaxIterations(it)
	l.done = false
}

func (l *localTSNE) SetPerplexity(p float64) {
	l.TSNE.SetPerplexity(p)
	l.done = false
}

func (l *localTSNE) SetRunning(bool) {} // it only runs inside Advance
func (l *localTSNE) Err() error      { return nil }
func (l *localTSNE) Close()          {}

// localUMAP is a reduce.UMAP as an Embedder: its epochs are the iterations.
type localUMAP struct {
	*reduce.UMAP
	done bool
}

func (l *localUMAP) Advance(budget time.Duration) bool {
	deadline := time.Now().Add(budget)
	for !l.done && time.Now().Before(deadline) {
		l.done = l.Step()
	}
	return l.done
}

func (l *localUMAP) Phase() (string, float64) {
	ph, within := l.UMAP.Phase()
	return ph.String(), within
}

func (l *localUMAP) Preparing() bool {
	ph, _ := l.UMAP.Phase()
	return ph < reduce.UMAPPhaseOptimizing
}

func (l *localUMAP) Iteration() int          { return l.Epoch() }
func (l *localUMAP) MaxIterations() int      { return l.Epochs() }
func (l *localUMAP) KL() float64             { return math.NaN() }
func (l *localUMAP) KLIteration() int        { return 0 }
func (l *localUMAP) LearningRate() float64   { return l.Config().LearningRate }
func (l *localUMAP) SetLearningRate(float64) {}
func (l *localUMAP) SetPerplexity(float64)   {}
func (l *localUMAP) SetMaxIterations(int)    {}
func (l *localUMAP) SetRunning(bool)         {}
func (l *localUMAP) Err() error              { return nil }
func (l *localUMAP) Close()                  {}
