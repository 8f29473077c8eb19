//go:build js && wasm

package main

import (
	"errors"
	"sync"
	"syscall/js"
	"time"

	"github.com/embproj/projector/reduce"
	"github.com/embproj/projector/session"
	"github.com/embproj/projector/wasm/protocol"
)

// remoteIndex is a session.RemoteIndex in the page's worker (wasm/worker's
// index.go): the vectors go over in 1 MB pieces between frames, then each
// query is one message and its answer one message back.
type remoteIndex struct {
	w       js.Value
	id      int
	n, d    int
	first   *float32 // the vectors' first value, their key in inWorker
	onMsg   js.Func
	onError js.Func

	vectors []float32 // nil once all sent
	sent    int
	query   int // the number of the last query sent

	mu     sync.Mutex // guards the answer: written by the message callback
	answer *protocol.Neighbours
	failed error
}

// indexes numbers the datasets handed to the worker; inWorker lists those
// whose vectors have all gone (a t-SNE run of the same vectors then uses
// the worker's copy instead of a second one: see handedOver).
var (
	indexes  int
	inWorker = map[*float32]*remoteIndex{}
)

// handedOver returns the number of the dataset in the worker that holds
// exactly these n×d vectors, 0 when none does.
func handedOver(vectors []float32, n, d int) int {
	if len(vectors) == 0 {
		return 0
	}
	if r := inWorker[&vectors[0]]; r != nil && r.n == n && r.d == d {
		return r.id
	}
	return 0
}

// newRemoteIndexFactory returns a factory of worker-backed indexes, or nil
// when the page has no worker function; the factory returns nil (an untyped
// nil interface) when the worker cannot start.
func newRemoteIndexFactory() session.RemoteIndexFactory {
	get := js.Global().Get("projectorWorker")
	if get.Type() != js.TypeFunction {
		return nil
	}
	return func(vectors []float32, n, d int) session.RemoteIndex {
		w := get.Invoke()
		if w.IsNull() || w.IsUndefined() || js.Global().Get("projectorWorkerState").String() == "failed" {
			return nil
		}
		indexes++
		r := &remoteIndex{w: w, id: indexes, n: n, d: d, first: &vectors[0], vectors: vectors}
		r.onMsg = js.FuncOf(func(this js.Value, args []js.Value) any {
			r.receive(args[0].Get("data"))
			return nil
		})
		r.onError = js.FuncOf(func(this js.Value, args []js.Value) any {
			r.mu.Lock()
			r.failed = errors.New("the worker failed")
			r.mu.Unlock()
			return nil
		})
		w.Call("addEventListener", "message", r.onMsg)
		w.Call("addEventListener", "error", r.onError)
		from := handedOver(vectors, n, d)
		if from != 0 {
			r.vectors = nil // the worker holds them already: shared, not sent again
		}
		protocol.Index{Index: r.id, N: n, D: d, From: from}.Post(w)
		return r
	}
}

// receive runs in the message callback: it only stores the answer.
func (r *remoteIndex) receive(m js.Value) {
	if protocol.Type(m) != protocol.TypeNeighbours || protocol.IndexOf(m) != r.id {
		return
	}
	a, err := protocol.DecodeNeighbours(m)
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case err != nil:
		r.failed = err
	case a.Err != "":
		r.failed = errors.New("the worker's neighbour query failed: " + a.Err)
	case a.Query == r.query:
		r.answer = &a
	}
}

// Advance posts pieces of the vectors until the deadline (at least one).
func (r *remoteIndex) Advance(deadline time.Time) bool {
	for r.vectors != nil {
		end := min(r.sent+chunkValues, len(r.vectors))
		protocol.IndexVectors{Index: r.id, Offset: r.sent, Data: r.vectors[r.sent:end]}.Post(r.w)
		r.sent = end
		if r.sent == len(r.vectors) {
			r.vectors = nil // all sent: the worker has its own copy
			if inWorker[r.first] == nil {
				inWorker[r.first] = r
			}
		} else if time.Now().After(deadline) {
			break
		}
	}
	return r.vectors == nil
}

// Query sends a query; the answer to an earlier one is dropped.
func (r *remoteIndex) Query(row, k int, metric reduce.Metric) {
	r.mu.Lock()
	r.query++
	r.answer = nil
	q := r.query
	r.mu.Unlock()
	protocol.Query{Index: r.id, Query: q, Row: row, K: k, Metric: metric.String()}.Post(r.w)
}

// Poll returns the answer to the last query once it has come.
func (r *remoteIndex) Poll() ([]int32, []float32, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed != nil {
		return nil, nil, false, r.failed
	}
	if r.answer == nil {
		return nil, nil, false, nil
	}
	a := r.answer
	r.answer = nil
	return a.Rows, a.Distances, true, nil
}

// Close has the worker forget the dataset and releases the callbacks.
func (r *remoteIndex) Close() {
	if r.w.IsUndefined() {
		return
	}
	protocol.IndexDrop{Index: r.id}.Post(r.w)
	if inWorker[r.first] == r {
		delete(inWorker, r.first)
	}
	r.w.Call("removeEventListener", "message", r.onMsg)
	r.w.Call("removeEventListener", "error", r.onError)
	r.onMsg.Release()
	r.onError.Release()
	r.w, r.vectors = js.Undefined(), nil
}
