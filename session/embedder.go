package session

import (
	"time"

	"github.com/embproj/projector/reduce"
)

// Embedder is a running t-SNE, computed either here, in the caller's
// goroutine between frames (LocalTSNE), or elsewhere, e.g. in a Web Worker
// that sends its layout back (wasm/).
type Embedder interface {
	// Advance lets the run progress for about budget (a local run computes,
	// a remote one takes in what it was sent) and reports whether it is done.
	Advance(budget time.Duration) (done bool)
	// SetRunning pauses (false) or resumes (true) the run.
	SetRunning(running bool)
	// Positions is the layout, n×Dims row-major; it may be updated in place.
	Positions() []float32
	Dims() int
	Iteration() int
	// KL is the latest Kullback-Leibler estimate (NaN before the first),
	// made at iteration KLIteration.
	KL() float64
	KLIteration() int
	// Preparing is true while neighbours and similarities are computed;
	// Progress (0..1) tells how far the whole run is.
	Preparing() bool
	Progress() float64
	// Phase is the stage the run is in and how far it is within it (0..1;
	// for reduce.PhaseIterating the share of MaxIterations done).
	Phase() (reduce.TSNEPhase, float64)
	// MaxIterations is the iteration count at which the run is done.
	MaxIterations() int
	LearningRate() float64
	SetLearningRate(lr float64)
	SetPerplexity(p float64)
	SetMaxIterations(it int)
	// Err reports a failure of the run (a remote worker that could not
	// start, say); the session then falls back to a local run.
	Err() error
	// Close releases the run.
	Close()
}

// EmbedderFactory starts t-SNE of n points of d dims (vectors is n×d row-major).
type EmbedderFactory func(vectors []float32, n, d int, cfg reduce.TSNEConfig) Embedder

// LocalTSNE runs reduce.TSNE in the caller's goroutine.
func LocalTSNE(vectors []float32, n, d int, cfg reduce.TSNEConfig) Embedder {
	return &localTSNE{TSNE: reduce.NewTSNE(vectors, n, d, cfg)}
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
