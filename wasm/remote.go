//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"syscall/js"
	"time"

	"github.com/embproj/projector/reduce"
	"github.com/embproj/projector/session"
	"github.com/embproj/projector/wasm/protocol"
)

// remoteRun is a session.Embedder whose t-SNE or UMAP runs in the page's Web Worker
// (wasm/worker): the page's thread only sends commands and copies in the
// layouts the worker sends back. Runs are numbered; messages of an older run
// are ignored.
type remoteRun struct {
	w       js.Value
	run     int
	onMsg   js.Func
	onError js.Func
	n, dims int

	mu       sync.Mutex // guards in: written by the message callback
	in       progress
	inPos    []float32
	fresh    bool
	inErr    error
	received bool
	// nbr are the run's input neighbours, n×nbrK, once the worker sent them.
	nbr  []int32
	nbrK int

	// The state Advance last took in.
	cur progress
	pos []float32
	err error

	// vectors are handed to the worker in pieces by Advance (one 200 MB
	// copy would hold the page's thread for most of a second); sent counts
	// the values already posted.
	vectors []float32
	sent    int
}

// chunkValues is the number of float32 values of one piece of the vectors
// sent to the worker: 1 MB, a copy of about a millisecond. (The 10,000-point
// browser test sends two pieces: a broken hand-over would make the worker
// fail, t-SNE fall back to the page's thread and that test's long-task
// check fail.)
const chunkValues = 1 << 18

// progress is one progress message of the worker.
type progress struct {
	iteration, klIteration, maxIterations int
	kl, prog, lr                          float64
	preparing, done                       bool
	phase                                 string // a reduce.TSNEPhase or UMAPPhase name
	phaseProgress                         float64
}

// workerSettled reports whether the page's t-SNE worker has finished
// loading (or cannot load, or there is none): app.js's projectorWorkerState
// is no longer "loading". Until then the page does not report the phase
// ready, so that nothing is fetched once a file is chosen at ready.
func workerSettled() bool {
	st := js.Global().Get("projectorWorkerState")
	return st.Type() != js.TypeString || st.String() != "loading"
}

// startWorker has app.js start the t-SNE worker (projectorStartWorker;
// starting it again does nothing).
func startWorker() {
	if start := js.Global().Get("projectorStartWorker"); start.Type() == js.TypeFunction {
		start.Invoke()
	}
}

// holdReady turns a ready status into a loading one while the worker is
// still loading (see workerSettled), starting it if that has not happened.
func holdReady(st session.Status, sentence string) (session.Status, string) {
	if st.Phase != session.Ready || workerSettled() {
		return st, sentence
	}
	startWorker()
	st.Phase = session.Loading
	return st, sentence + " Starting the t-SNE worker…"
}

// runs numbers the runs sent to the worker.
var runs int

// newWorkerFactory returns an EmbedderFactory that runs t-SNE and UMAP in the
// page's worker (app.js's projectorWorker(), started on first use), or nil
// when the page cannot provide one. A run whose worker cannot start reports
// it through Err, and the session then runs it locally.
func newWorkerFactory() session.EmbedderFactory {
	get := js.Global().Get("projectorWorker")
	if get.Type() != js.TypeFunction {
		return nil
	}
	return func(vectors []float32, n, d int, cfg session.RunConfig) session.Embedder {
		runs++
		dims := max(cfg.Dims(), 2)
		r := &remoteRun{run: runs, n: n, dims: dims, cur: progress{preparing: true, kl: math.NaN(),
			maxIterations: cfg.TSNE.MaxIterations, phase: "pca"}}
		if cfg.Method == session.MethodUMAP {
			r.cur.maxIterations = cfg.UMAP.Epochs
			if r.cur.maxIterations <= 0 {
				r.cur.maxIterations = reduce.DefaultUMAPEpochs(n)
			}
		}
		if r.cur.maxIterations <= 0 {
			r.cur.maxIterations = 1000 // reduce's default
		}
		r.pos = make([]float32, n*dims)
		w := get.Invoke()
		if w.IsNull() || w.IsUndefined() {
			r.err = errors.New("the browser could not start the worker")
			return r
		}
		r.w = w
		r.onMsg = js.FuncOf(func(this js.Value, args []js.Value) any {
			r.receive(args[0].Get("data"))
			return nil
		})
		r.onError = js.FuncOf(func(this js.Value, args []js.Value) any {
			msg := "the worker failed"
			if m := args[0].Get("message"); m.Type() == js.TypeString {
				msg += ": " + m.String()
			}
			r.mu.Lock()
			r.inErr = errors.New(msg)
			r.mu.Unlock()
			return nil
		})
		w.Call("addEventListener", "message", r.onMsg)
		w.Call("addEventListener", "error", r.onError)

		from := handedOver(vectors, n, d)
		startMessage(r.run, n, d, dims, from, cfg).Post(w)
		if from == 0 {
			r.vectors = vectors
			r.sendVectors(time.Now().Add(4 * time.Millisecond))
		}
		return r
	}
}

// startMessage is the Start of run number run with cfg.
func startMessage(run, n, d, dims, from int, cfg session.RunConfig) protocol.Start {
	st := protocol.Start{Run: run, N: n, D: d, Dims: dims, FromIndex: from, Method: protocol.MethodTSNE,
		Perplexity: cfg.TSNE.Perplexity, LearningRate: cfg.TSNE.LearningRate, Seed: cfg.TSNE.Seed}
	if cfg.Method == session.MethodUMAP {
		u := cfg.UMAP
		st.Method, st.Seed = protocol.MethodUMAP, u.Seed
		st.Neighbors, st.Epochs, st.MinDist, st.Spread, st.Metric = u.Neighbors, u.Epochs, u.MinDist, u.Spread, u.Metric.String()
	}
	return st
}

// sendVectors posts pieces of the vectors to the worker until they are all
// sent or the deadline has passed (at least one piece per call).
func (r *remoteRun) sendVectors(deadline time.Time) {
	for r.sent < len(r.vectors) {
		end := min(r.sent+chunkValues, len(r.vectors))
		protocol.Vectors{Run: r.run, Offset: r.sent, Data: r.vectors[r.sent:end]}.Post(r.w)
		r.sent = end
		if time.Now().After(deadline) {
			return
		}
	}
	r.vectors = nil // all sent: the worker has its own copy
}

// receive runs in the message callback: it only stores what arrived.
func (r *remoteRun) receive(m js.Value) {
	if protocol.Run(m) != r.run {
		return // an older run's message
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch protocol.Type(m) {
	case protocol.TypeError:
		r.inErr = fmt.Errorf("the worker failed: %s", protocol.DecodeFailure(m).Message)
	case protocol.TypeProgress:
		if len(r.inPos) != len(r.pos) {
			r.inPos = make([]float32, len(r.pos))
		}
		p, ok := protocol.DecodeProgress(m, r.inPos)
		ph := p.Phase
		if ph == "" {
			ph = "pca"
		}
		r.in = progress{iteration: p.Iteration, klIteration: p.KLIteration, maxIterations: p.MaxIterations,
			kl: p.KL, prog: p.Progress, lr: p.LearningRate, preparing: p.Preparing, done: p.Done,
			phase: ph, phaseProgress: p.PhaseProgress}
		r.fresh = r.fresh || ok
		r.received = true
		if nbr, k, err := protocol.DecodeInputNeighbours(m, r.n); err == nil && nbr != nil {
			r.nbr, r.nbrK = nbr, k
		}
	}
}

// InputNeighbours returns the input neighbours the worker's run found
// exactly (nil before they came, or when its search was approximate).
func (r *remoteRun) InputNeighbours() ([]int32, int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.nbr, r.nbrK, r.nbr != nil
}

// Advance sends the next pieces of the vectors while any are left, and takes
// in the latest message; the worker computes on its own.
func (r *remoteRun) Advance(budget time.Duration) bool {
	if r.vectors != nil && !r.w.IsUndefined() && !r.w.IsNull() {
		r.sendVectors(time.Now().Add(budget / 2))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inErr != nil && r.err == nil {
		r.err = r.inErr
	}
	if r.received {
		r.cur = r.in
	}
	if r.fresh {
		copy(r.pos, r.inPos)
		r.fresh = false
	}
	return r.cur.done
}

func (r *remoteRun) send(what protocol.Control, value float64) {
	if r.w.IsUndefined() || r.w.IsNull() {
		return
	}
	protocol.ControlMsg{Run: r.run, What: what, Value: value}.Post(r.w)
}

func (r *remoteRun) SetRunning(running bool) {
	v := 0.0
	if running {
		v = 1
	}
	r.send(protocol.Running, v)
}
func (r *remoteRun) SetLearningRate(lr float64) { r.send(protocol.LearningRate, lr) }
func (r *remoteRun) SetPerplexity(p float64)    { r.send(protocol.Perplexity, p); r.notDone() }
func (r *remoteRun) SetMaxIterations(it int) {
	r.send(protocol.MaxIterations, float64(it))
	r.notDone()
}

// notDone forgets a "done" until the worker reports again.
func (r *remoteRun) notDone() {
	r.mu.Lock()
	r.cur.done, r.in.done = false, false
	r.mu.Unlock()
}

func (r *remoteRun) Positions() []float32  { return r.pos }
func (r *remoteRun) Dims() int             { return r.dims }
func (r *remoteRun) Iteration() int        { return r.cur.iteration }
func (r *remoteRun) KL() float64           { return r.cur.kl }
func (r *remoteRun) KLIteration() int      { return r.cur.klIteration }
func (r *remoteRun) Preparing() bool       { return r.cur.preparing }
func (r *remoteRun) Progress() float64     { return r.cur.prog }
func (r *remoteRun) Err() error            { return r.err }
func (r *remoteRun) LearningRate() float64 { return r.cur.lr }
func (r *remoteRun) MaxIterations() int    { return r.cur.maxIterations }

// Phase is the stage the worker last reported ("pca" until its first
// message) and the progress within it.
func (r *remoteRun) Phase() (string, float64) {
	p := r.cur.phaseProgress
	if math.IsNaN(p) {
		p = 0
	}
	return r.cur.phase, p
}

// Close stops the run in the worker (which stays for the next run) and
// releases the callbacks.
func (r *remoteRun) Close() {
	if r.w.IsUndefined() || r.w.IsNull() {
		return
	}
	r.send(protocol.Stop, 0)
	r.w.Call("removeEventListener", "message", r.onMsg)
	r.w.Call("removeEventListener", "error", r.onError)
	r.onMsg.Release()
	r.onError.Release()
	r.w = js.Undefined()
}
