//go:build js && wasm

package main

import (
	"math"

	"github.com/embproj/projector/reduce"
	"github.com/embproj/projector/wasm/protocol"
)

// job is a run the worker steps: t-SNE or UMAP.
type job interface {
	// Step does a bounded amount of work and reports whether the run is done.
	Step() bool
	// progress is the run's state and layout (Run and Done left to the caller).
	progress() protocol.Progress
	// control applies a setting and reports whether the run has more to do.
	control(c protocol.ControlMsg) (undone bool)
	// inputNeighbours is the run's kNN of its input (n×k, nearest first) once
	// found, and whether it is exact on the vectors themselves; nil if none.
	inputNeighbours() (nbr []int32, k int, exact bool)
}

// pending is the configuration of a run whose vectors are still arriving.
type pending struct {
	method string
	tsne   reduce.TSNEConfig
	umap   reduce.UMAPConfig
}

func newPending(st protocol.Start) *pending {
	p := &pending{method: st.Method,
		tsne: reduce.TSNEConfig{Dims: st.Dims, Perplexity: st.Perplexity, LearningRate: st.LearningRate, Seed: st.Seed},
		umap: reduce.UMAPConfig{Dims: st.Dims, Neighbors: st.Neighbors, MinDist: st.MinDist, Spread: st.Spread,
			Epochs: st.Epochs, Seed: st.Seed}}
	if st.Metric == "cosine" {
		p.umap.Metric = reduce.Cosine
	}
	return p
}

// control applies a t-SNE setting that came before the run began (UMAP
// has none to change).
func (p *pending) control(c protocol.ControlMsg) {
	switch c.What {
	case protocol.LearningRate:
		p.tsne.LearningRate = c.Value
	case protocol.Perplexity:
		p.tsne.Perplexity = c.Value
	case protocol.MaxIterations:
		p.tsne.MaxIterations = int(c.Value)
	}
}

// begin starts the run on the n×d vectors.
func (p *pending) begin(vectors []float32, n, d int) job {
	if p.method == protocol.MethodUMAP {
		return umapJob{reduce.NewUMAP(vectors, n, d, p.umap)}
	}
	return tsneJob{reduce.NewTSNE(vectors, n, d, p.tsne)}
}

type tsneJob struct{ *reduce.TSNE }

func (t tsneJob) progress() protocol.Progress {
	phase, within := t.Phase()
	return protocol.Progress{
		Iteration: t.Iteration(), KLIteration: t.KLIteration(), KL: t.KL(),
		Phase: phase.String(), PhaseProgress: within, Progress: t.Progress(), LearningRate: t.LearningRate(),
		Preparing: t.Preparing(), MaxIterations: t.MaxIterations(), Positions: t.Positions(),
	}
}

func (t tsneJob) inputNeighbours() ([]int32, int, bool) { return t.InputNeighbours() }

func (t tsneJob) control(c protocol.ControlMsg) bool {
	switch c.What {
	case protocol.LearningRate:
		t.SetLearningRate(c.Value)
	case protocol.Perplexity:
		t.SetPerplexity(c.Value)
		return true
	case protocol.MaxIterations:
		t.SetMaxIterations(int(c.Value))
		return true
	}
	return false
}

type umapJob struct{ *reduce.UMAP }

func (u umapJob) progress() protocol.Progress {
	phase, within := u.Phase()
	return protocol.Progress{
		Iteration: u.Epoch(), KL: math.NaN(), Phase: phase.String(), PhaseProgress: within,
		Progress: u.Progress(), LearningRate: u.Config().LearningRate,
		Preparing: phase < reduce.UMAPPhaseOptimizing, MaxIterations: u.Epochs(), Positions: u.Positions(),
	}
}

func (u umapJob) control(protocol.ControlMsg) bool { return false }

// inputNeighbours: UMAP does not hand out its neighbour graph.
func (u umapJob) inputNeighbours() ([]int32, int, bool) { return nil, 0, false }
