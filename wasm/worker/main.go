//go:build js && wasm

// Command worker runs t-SNE in a Web Worker, off the page's main thread, so
// the canvas stays responsive and the computation gets a core of its own.
// site/worker.js starts it; the page's wasm/ (remoteTSNE) talks to it.
//
// The page starts one worker when it loads and reuses it for every run.
// Messages in (event.data):
//
//	{type:"start", run, n, d, dims, perplexity, learningRate, seed}
//	{type:"vectors", run, offset, data:ArrayBuffer(float32)}: the n×d vectors in
//	  pieces, in order (offset counts values and must continue the previous
//	  piece); t-SNE starts once they have all come
//	{type:"stop"}  {type:"run", running:bool}  {type:"learningRate", value}
//	{type:"perplexity", value}  {type:"maxIterations", value}
//
// Messages out: {type:"progress", run, iteration, kl, klIteration, preparing,
// progress, learningRate, done, dims, positions:ArrayBuffer(float32 n×dims)}
// about every sliceTime while running and after every change, and
// {type:"error", run, message} when a start or vectors message is malformed. run echoes
// the start message's, so the page can ignore messages of an older run.
package main

import (
	"errors"
	"fmt"
	"math"
	"syscall/js"
	"time"
	"unsafe"

	"github.com/embproj/projector/reduce"
)

// sliceTime is how long the worker computes between two progress messages.
const sliceTime = 50 * time.Millisecond

func main() {
	msgs := make(chan js.Value, 256)
	self := js.Global()
	self.Set("onmessage", js.FuncOf(func(this js.Value, args []js.Value) any {
		msgs <- args[0].Get("data")
		return nil
	}))
	w := &worker{self: self}
	for {
		if w.t == nil || !w.running || w.done {
			w.handle(<-msgs) // idle: wait for a message
			continue
		}
		select {
		case m := <-msgs:
			w.handle(m)
			continue
		default:
		}
		deadline := time.Now().Add(sliceTime)
		for !w.done && time.Now().Before(deadline) {
			w.done = w.t.Step()
		}
		w.post()
		// Let the event loop deliver messages (pause, new settings).
		time.Sleep(time.Millisecond)
	}
}

type worker struct {
	self    js.Value
	run     int // the page's number for the current run
	t       *reduce.TSNE
	running bool
	done    bool

	// A run whose vectors are still arriving: its settings (changes that
	// come meanwhile included), the vectors and how many values came.
	loading  *reduce.TSNEConfig
	n, d     int
	vectors  []float32
	received int
}

func (w *worker) handle(m js.Value) {
	switch m.Get("type").String() {
	case "start":
		w.run = m.Get("run").Int()
		w.t, w.loading, w.vectors = nil, nil, nil
		if err := w.start(m); err != nil {
			w.fail(err)
			return
		}
		w.running, w.done = true, false
		w.maybeBegin()
	case "vectors":
		if m.Get("run").Int() != w.run || w.loading == nil {
			return // a piece of an older run
		}
		if err := w.piece(m); err != nil {
			w.loading, w.vectors = nil, nil
			w.fail(err)
			return
		}
		w.maybeBegin()
	case "stop":
		w.t, w.loading, w.vectors = nil, nil, nil
	case "run":
		w.running = m.Get("running").Truthy()
	case "learningRate":
		if w.t != nil {
			w.t.SetLearningRate(m.Get("value").Float())
		} else if w.loading != nil {
			w.loading.LearningRate = m.Get("value").Float()
		}
	case "perplexity":
		if w.t != nil {
			w.t.SetPerplexity(m.Get("value").Float())
			w.done = false
		} else if w.loading != nil {
			w.loading.Perplexity = m.Get("value").Float()
		}
	case "maxIterations":
		if w.t != nil {
			w.t.SetMaxIterations(m.Get("value").Int())
			w.done = false
		} else if w.loading != nil {
			w.loading.MaxIterations = m.Get("value").Int()
		}
	}
	if w.t != nil {
		w.post()
	}
}

// start reads a start message: the shape and settings of a run whose
// vectors follow in pieces.
func (w *worker) start(m js.Value) error {
	n, d := m.Get("n").Int(), m.Get("d").Int()
	if n < 0 || d < 1 {
		return fmt.Errorf("start message: %d×%d vectors", n, d)
	}
	cfg := reduce.TSNEConfig{
		Dims:         m.Get("dims").Int(),
		Perplexity:   m.Get("perplexity").Float(),
		LearningRate: m.Get("learningRate").Float(),
		Seed:         uint64(m.Get("seed").Int()),
	}
	if cfg.Dims != 2 && cfg.Dims != 3 {
		return fmt.Errorf("start message: dims %d", cfg.Dims)
	}
	w.loading, w.n, w.d = &cfg, n, d
	w.vectors, w.received = make([]float32, n*d), 0
	return nil
}

// piece copies one piece of the vectors into place.
func (w *worker) piece(m js.Value) error {
	off, buf := m.Get("offset").Int(), m.Get("data")
	if buf.IsUndefined() || buf.IsNull() {
		return errors.New("vectors message without data")
	}
	nb := buf.Get("byteLength").Int()
	if off != w.received || nb%4 != 0 || off+nb/4 > len(w.vectors) {
		return fmt.Errorf("vectors message: %d bytes at value %d do not continue the %d values of %d×%d vectors received", nb, off, w.received, w.n, w.d)
	}
	if nb > 0 {
		js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(&w.vectors[off])), nb), js.Global().Get("Uint8Array").New(buf))
	}
	w.received += nb / 4
	return nil
}

// maybeBegin starts t-SNE once all the vectors have come.
func (w *worker) maybeBegin() {
	if w.loading == nil || w.received < len(w.vectors) {
		return
	}
	w.t = reduce.NewTSNE(w.vectors, w.n, w.d, *w.loading)
	w.loading, w.vectors = nil, nil
}

func (w *worker) fail(err error) {
	msg := js.Global().Get("Object").New()
	msg.Set("type", "error")
	msg.Set("run", w.run)
	msg.Set("message", err.Error())
	w.self.Call("postMessage", msg)
}

// post sends the state and a copy of the layout (transferred, not cloned).
func (w *worker) post() {
	t := w.t
	pos := t.Positions()
	msg := js.Global().Get("Object").New()
	msg.Set("type", "progress")
	msg.Set("run", w.run)
	msg.Set("iteration", t.Iteration())
	kl := t.KL()
	if math.IsNaN(kl) || math.IsInf(kl, 0) {
		kl = -1
	}
	msg.Set("kl", kl)
	msg.Set("klIteration", t.KLIteration())
	msg.Set("preparing", t.Preparing())
	msg.Set("progress", t.Progress())
	msg.Set("learningRate", t.LearningRate())
	msg.Set("done", w.done)
	msg.Set("running", w.running)
	msg.Set("dims", t.Dims())
	arr := js.Global().Get("Uint8Array").New(len(pos) * 4)
	if len(pos) > 0 {
		js.CopyBytesToJS(arr, unsafe.Slice((*byte)(unsafe.Pointer(&pos[0])), len(pos)*4))
	}
	buffer := arr.Get("buffer")
	msg.Set("positions", buffer)
	w.self.Call("postMessage", msg, js.Global().Get("Array").Call("of", buffer))
}
