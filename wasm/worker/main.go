//go:build js && wasm

// Command worker runs t-SNE and UMAP in a Web Worker, off the page's main thread, so
// the canvas stays responsive and the computation gets a core of its own;
// it also answers the exact neighbour queries of large data (index.go).
// site/worker.js starts it; the page's wasm/ (remoteRun) talks to it.
//
// The page starts one worker when it loads and reuses it for every run.
// The messages are wasm/protocol's: Start, the vectors in Vectors pieces
// (the run starts once they have all come), Control messages; it answers with
// Progress about every sliceTime while running and after every change, and
// Failure when a message is malformed.
package main

import (
	"fmt"
	"syscall/js"
	"time"

	"github.com/embproj/projector/wasm/protocol"
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
		running := w.t != nil && w.running && !w.done
		if !running && w.knn == nil {
			w.handle(<-msgs) // idle: wait for a message
			continue
		}
		select {
		case m := <-msgs:
			w.handle(m)
			continue
		default:
		}
		if w.knn != nil {
			slice := sliceTime
			if running {
				slice /= 2 // the run gets the other half
			}
			w.stepAllNeighbours(time.Now().Add(slice))
		}
		if running {
			deadline := time.Now().Add(sliceTime)
			for !w.done && time.Now().Before(deadline) {
				w.done = w.t.Step()
			}
			w.post()
		}
		// Let the event loop deliver messages (pause, new settings).
		time.Sleep(time.Millisecond)
	}
}

type worker struct {
	self    js.Value
	run     int // the page's number for the current run
	t       job
	running bool
	done    bool
	// nbrSent: the run's input neighbours went to the page (or it has none
	// worth sending: an approximate or PCA-reduced search).
	nbrSent bool

	// A run whose vectors are still arriving: its settings (changes that
	// come meanwhile included), the vectors and how many values came.
	loading  *pending
	n, d     int
	vectors  []float32
	received int

	// indexes are the datasets of neighbour queries, by the page's number;
	// knn is the search for every row's neighbours under way, or nil.
	indexes map[int]*neighbourData
	knn     *knnJob
}

func (w *worker) handle(m js.Value) {
	if w.handleIndex(m) {
		return
	}
	switch protocol.Type(m) {
	case protocol.TypeStart:
		w.t, w.loading, w.vectors = nil, nil, nil
		st, err := protocol.DecodeStart(m)
		w.run = st.Run
		if err != nil {
			w.fail(err)
			return
		}
		w.loading = newPending(st)
		w.n, w.d = st.N, st.D
		if nd := w.indexes[st.FromIndex]; st.FromIndex > 0 && nd != nil && nd.n == st.N && nd.d == st.D && nd.received == len(nd.vectors) {
			w.vectors, w.received = nd.vectors, len(nd.vectors) // shared, read only by both
		} else if st.FromIndex > 0 {
			w.loading = nil
			w.fail(fmt.Errorf("%s of dataset %d: the worker does not hold its %d×%d vectors", st.Method, st.FromIndex, st.N, st.D))
			return
		} else {
			w.vectors, w.received = make([]float32, st.N*st.D), 0
		}
		w.running, w.done, w.nbrSent = true, false, false
		w.maybeBegin()
	case protocol.TypeVectors:
		if protocol.Run(m) != w.run || w.loading == nil {
			return // a piece of an older run
		}
		got, err := protocol.DecodeVectorsInto(m, w.vectors, w.received)
		if err != nil {
			w.loading, w.vectors = nil, nil
			w.fail(err)
			return
		}
		w.received += got
		w.maybeBegin()
	case protocol.TypeControl:
		c, err := protocol.DecodeControl(m)
		if err != nil {
			w.fail(err)
			return
		}
		if c.Run != w.run {
			return // meant for an older run
		}
		w.control(c)
	}
	if w.t != nil {
		w.post()
	}
}

// control applies a setting to the run, or to the run whose vectors are
// still arriving.
func (w *worker) control(c protocol.ControlMsg) {
	switch c.What {
	case protocol.Stop:
		w.t, w.loading, w.vectors = nil, nil, nil
	case protocol.Running:
		w.running = c.Value != 0
	default:
		if w.t != nil {
			if w.t.control(c) {
				w.done = false
			}
		} else if w.loading != nil {
			w.loading.control(c)
		}
	}
}

// maybeBegin starts the run once all the vectors have come.
func (w *worker) maybeBegin() {
	if w.loading == nil || w.received < len(w.vectors) {
		return
	}
	w.t = w.loading.begin(w.vectors, w.n, w.d)
	w.loading, w.vectors = nil, nil
}

func (w *worker) fail(err error) {
	protocol.Failure{Run: w.run, Message: err.Error()}.Post(w.self)
}

// post sends the state and a copy of the layout (transferred, not cloned).
func (w *worker) post() {
	p := w.t.progress()
	p.Run, p.Done = w.run, w.done
	if nbr, k, exact := w.t.inputNeighbours(); nbr != nil && !w.nbrSent {
		w.nbrSent = true
		if exact {
			p.Neighbours, p.NeighboursK = firstColumns(nbr, w.n, k, sentNeighbours), min(k, sentNeighbours)
		}
	}
	p.Post(w.self)
}

// sentNeighbours is how many input neighbours of every point go to the page:
// twice the projection quality's 10 (session.QualityK), which it reranks.
const sentNeighbours = 20

// firstColumns returns the first m columns of the n×k row-major nbr.
func firstColumns(nbr []int32, n, k, m int) []int32 {
	m = min(m, k)
	out := make([]int32, 0, n*m)
	for i := 0; i < n; i++ {
		out = append(out, nbr[i*k:i*k+m]...)
	}
	return out
}
