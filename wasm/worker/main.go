//go:build js && wasm

// Command worker runs t-SNE in a Web Worker, off the page's main thread, so
// the canvas stays responsive and the computation gets a core of its own.
// site/worker.js starts it; the page's wasm/ (remoteTSNE) talks to it.
//
// The page starts one worker when it loads and reuses it for every run.
// Messages in (event.data):
//
//	{type:"start", run, vectors:ArrayBuffer(float32 n×d), n, d, dims, perplexity, learningRate, seed}
//	{type:"stop"}  {type:"run", running:bool}  {type:"learningRate", value}
//	{type:"perplexity", value}  {type:"maxIterations", value}
//
// Messages out: {type:"progress", run, iteration, kl, klIteration, preparing,
// progress, learningRate, done, dims, positions:ArrayBuffer(float32 n×dims)}
// about every sliceTime while running and after every change, and
// {type:"error", run, message} when a start message is malformed. run echoes
// the start message's, so the page can ignore messages of an older run.
package main

import (
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
}

func (w *worker) handle(m js.Value) {
	switch m.Get("type").String() {
	case "start":
		w.run = m.Get("run").Int()
		w.t = nil
		t, err := start(m)
		if err != nil {
			w.fail(err)
			return
		}
		w.t, w.running, w.done = t, true, false
	case "stop":
		w.t = nil
	case "run":
		w.running = m.Get("running").Truthy()
	case "learningRate":
		if w.t != nil {
			w.t.SetLearningRate(m.Get("value").Float())
		}
	case "perplexity":
		if w.t != nil {
			w.t.SetPerplexity(m.Get("value").Float())
			w.done = false
		}
	case "maxIterations":
		if w.t != nil {
			w.t.SetMaxIterations(m.Get("value").Int())
			w.done = false
		}
	}
	if w.t != nil {
		w.post()
	}
}

// start copies the vectors out of the message and prepares t-SNE.
func start(m js.Value) (*reduce.TSNE, error) {
	n, d := m.Get("n").Int(), m.Get("d").Int()
	buf := m.Get("vectors")
	if n < 0 || d < 1 || buf.IsUndefined() || buf.Get("byteLength").Int() != n*d*4 {
		return nil, fmt.Errorf("start message: %d×%d vectors do not match %v bytes", n, d, buf.Get("byteLength"))
	}
	vectors := make([]float32, n*d)
	if n*d > 0 {
		js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(&vectors[0])), n*d*4), js.Global().Get("Uint8Array").New(buf))
	}
	cfg := reduce.TSNEConfig{
		Dims:         m.Get("dims").Int(),
		Perplexity:   m.Get("perplexity").Float(),
		LearningRate: m.Get("learningRate").Float(),
		Seed:         uint64(m.Get("seed").Int()),
	}
	if cfg.Dims != 2 && cfg.Dims != 3 {
		return nil, fmt.Errorf("start message: dims %d", cfg.Dims)
	}
	return reduce.NewTSNE(vectors, n, d, cfg), nil
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
