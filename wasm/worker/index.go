//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"
	"time"

	"github.com/embproj/projector/reduce"
	"github.com/embproj/projector/wasm/protocol"
)

// neighbourData is one dataset the page asks neighbour queries of: its
// vectors (arriving in pieces) and, once they are all here, its index.
type neighbourData struct {
	n, d     int
	vectors  []float32
	received int
	ix       *reduce.NeighbourIndex
}

// maxIndexes bounds the datasets kept: the page keeps the full data, at
// most one isolated subset, and the input of a projection quality search.
const maxIndexes = 3

// handleIndex takes a message of the neighbour conversation and reports
// whether it was one.
func (w *worker) handleIndex(m js.Value) bool {
	switch protocol.Type(m) {
	case protocol.TypeIndex:
		x, err := protocol.DecodeIndex(m)
		if err != nil {
			w.answer(protocol.Neighbours{Index: x.Index, Query: -1, Err: err.Error()})
			return true
		}
		if w.indexes == nil {
			w.indexes = map[int]*neighbourData{}
		}
		if src := w.indexes[x.From]; x.From > 0 && src != nil && src.n == x.N && src.d == x.D && src.received == len(src.vectors) {
			w.indexes[x.Index] = &neighbourData{n: x.N, d: x.D, vectors: src.vectors, received: len(src.vectors)} // shared, read only
		} else if x.From > 0 {
			w.answer(protocol.Neighbours{Index: x.Index, Query: -1, Err: fmt.Sprintf("dataset %d shares dataset %d, which the worker does not hold whole", x.Index, x.From)})
			return true
		} else {
			w.indexes[x.Index] = &neighbourData{n: x.N, d: x.D, vectors: make([]float32, x.N*x.D)}
		}
		w.evictIndexes(x.Index)
	case protocol.TypeIndexVectors:
		nd := w.indexes[protocol.IndexOf(m)]
		if nd == nil {
			return true // a piece of a dropped index
		}
		got, err := protocol.DecodeVectorsInto(m, nd.vectors, nd.received)
		if err != nil {
			delete(w.indexes, protocol.IndexOf(m))
			w.answer(protocol.Neighbours{Index: protocol.IndexOf(m), Query: -1, Err: err.Error()})
			return true
		}
		nd.received += got
	case protocol.TypeIndexDrop:
		delete(w.indexes, protocol.IndexOf(m))
		if w.knn != nil && w.knn.index == protocol.IndexOf(m) {
			w.knn = nil
		}
	case protocol.TypeQuery:
		q, err := protocol.DecodeQuery(m)
		if err != nil {
			w.answer(protocol.Neighbours{Index: q.Index, Query: q.Query, Err: err.Error()})
			return true
		}
		if q.Row == protocol.AllRows {
			w.startAllNeighbours(q)
			return true
		}
		w.answer(w.query(q))
	default:
		return false
	}
	return true
}

// evictIndexes drops the oldest datasets beyond maxIndexes, keeping newest.
func (w *worker) evictIndexes(newest int) {
	for len(w.indexes) > maxIndexes {
		oldest := newest
		for id := range w.indexes {
			oldest = min(oldest, id)
		}
		delete(w.indexes, oldest)
	}
}

// query answers one neighbour query in full (about 80 ms at 100,000 × 768).
func (w *worker) query(q protocol.Query) protocol.Neighbours {
	a := protocol.Neighbours{Index: q.Index, Query: q.Query}
	nd := w.indexes[q.Index]
	switch {
	case nd == nil:
		a.Err = fmt.Sprintf("no dataset %d in the worker", q.Index)
		return a
	case nd.received < len(nd.vectors):
		a.Err = fmt.Sprintf("dataset %d: %d of %d values received", q.Index, nd.received, len(nd.vectors))
		return a
	}
	if nd.ix == nil {
		ix, err := reduce.NewNeighbourIndex(nd.vectors, nd.n, nd.d)
		if err != nil {
			a.Err = err.Error()
			return a
		}
		nd.ix = ix
	}
	metric := reduce.Cosine
	if q.Metric == "euclidean" {
		metric = reduce.Euclidean
	}
	nq, err := nd.ix.Query(q.Row, q.K, metric)
	if err != nil {
		a.Err = err.Error()
		return a
	}
	for !nq.Step(nd.n) {
	}
	a.Rows, a.Distances = nq.Result()
	return a
}

func (w *worker) answer(a protocol.Neighbours) { a.Post(w.self) }

// knnJob finds every row's neighbours of one dataset (a Query for AllRows),
// a slice at a time between the run's slices.
type knnJob struct {
	index, query int
	g            *reduce.KNN
}

// startAllNeighbours begins the search q asks for, replacing any other.
func (w *worker) startAllNeighbours(q protocol.Query) {
	nd := w.indexes[q.Index]
	switch {
	case nd == nil:
		w.answer(protocol.Neighbours{Index: q.Index, Query: q.Query, Err: fmt.Sprintf("no dataset %d in the worker", q.Index)})
		return
	case nd.received < len(nd.vectors):
		w.answer(protocol.Neighbours{Index: q.Index, Query: q.Query,
			Err: fmt.Sprintf("dataset %d: %d of %d values received", q.Index, nd.received, len(nd.vectors))})
		return
	}
	// The configuration session's quality search uses on the page's thread.
	w.knn = &knnJob{index: q.Index, query: q.Query, g: reduce.NewKNN(nd.vectors, nd.n, nd.d, reduce.KNNConfig{K: q.K, Seed: 1})}
}

// stepAllNeighbours advances the search until deadline and answers once it
// is done.
func (w *worker) stepAllNeighbours(deadline time.Time) {
	j := w.knn
	for time.Now().Before(deadline) {
		if j.g.Step() {
			rows, dist := j.g.Neighbors(), j.g.Distances()
			w.answer(protocol.Neighbours{Index: j.index, Query: j.query, Rows: rows, Distances: dist})
			w.knn = nil
			return
		}
	}
}
