//go:build js && wasm

package protocol

import (
	"errors"
	"fmt"
	"syscall/js"
	"unsafe"
)

// Message types of the neighbour conversation.
const (
	TypeIndex        = "index"        // page → worker: a dataset for neighbour queries
	TypeIndexVectors = "indexVectors" // page → worker: a piece of its vectors
	TypeIndexDrop    = "indexDrop"    // page → worker: forget the dataset
	TypeQuery        = "query"        // page → worker: one neighbour query
	TypeNeighbours   = "neighbours"   // worker → page: its answer
)

// Index begins dataset Index (numbered by the page from 1) of N×D vectors,
// which follow as IndexVectors pieces in order; with From (≥ 1) it shares
// the vectors of dataset From instead, which the worker holds whole (no
// pieces follow).
type Index struct{ Index, N, D, From int }

// IndexVectors is one piece of an index's row-major vectors: Offset counts
// values and must continue the previous piece.
type IndexVectors struct {
	Index, Offset int
	Data          []float32
}

// IndexDrop forgets dataset Index.
type IndexDrop struct{ Index int }

// Query asks for the K rows nearest to Row (itself excluded) of dataset
// Index by Metric ("cosine" or "euclidean"); Query numbers it. Row AllRows
// asks for every row's K nearest by euclidean distance, as reduce.NewKNN
// with KNNConfig{K: K, Seed: 1} finds them (the answer then holds N×K rows
// and distances, row-major).
type Query struct {
	Index, Query, Row, K int
	Metric               string
}

// AllRows is the Row of a Query for every row's neighbours.
const AllRows = -1

// Neighbours answers Query: Rows nearest first and their Distances, or Err.
type Neighbours struct {
	Index, Query int
	Rows         []int32
	Distances    []float32
	Err          string
}

func indexObject(typ string, index int) js.Value {
	o := js.Global().Get("Object").New()
	o.Set("type", typ)
	o.Set("index", index)
	return o
}

// IndexOf returns a message's index number, -1 when it has none.
func IndexOf(m js.Value) int {
	if m.Type() != js.TypeObject || m.Get("index").Type() != js.TypeNumber {
		return -1
	}
	return m.Get("index").Int()
}

// Post sends x to target.
func (x Index) Post(target js.Value) {
	o := indexObject(TypeIndex, x.Index)
	o.Set("n", x.N)
	o.Set("d", x.D)
	o.Set("from", x.From)
	post(target, o, js.Undefined())
}

// DecodeIndex reads an index message, checking its shape.
func DecodeIndex(m js.Value) (Index, error) {
	x := Index{Index: IndexOf(m), N: integer(m, "n"), D: integer(m, "d"), From: max(0, integer(m, "from"))}
	if x.Index < 1 || x.N < 1 || x.D < 1 {
		return x, fmt.Errorf("index message: index %d of %d×%d vectors", x.Index, x.N, x.D)
	}
	return x, nil
}

// Post sends the piece to target, transferring a copy of its values.
func (v IndexVectors) Post(target js.Value) {
	o := indexObject(TypeIndexVectors, v.Index)
	o.Set("offset", v.Offset)
	buf := floatBuffer(v.Data)
	o.Set("data", buf)
	post(target, o, buf)
}

// Post sends d to target.
func (d IndexDrop) Post(target js.Value) {
	post(target, indexObject(TypeIndexDrop, d.Index), js.Undefined())
}

// Post sends q to target.
func (q Query) Post(target js.Value) {
	o := indexObject(TypeQuery, q.Index)
	o.Set("query", q.Query)
	o.Set("row", q.Row)
	o.Set("k", q.K)
	o.Set("metric", q.Metric)
	post(target, o, js.Undefined())
}

// DecodeQuery reads a query message.
func DecodeQuery(m js.Value) (Query, error) {
	q := Query{Index: IndexOf(m), Query: integer(m, "query"), Row: integer(m, "row"), K: integer(m, "k")}
	if mt := m.Get("metric"); mt.Type() == js.TypeString {
		q.Metric = mt.String()
	}
	if q.Metric != "cosine" && q.Metric != "euclidean" {
		return q, fmt.Errorf("query message: metric %q", q.Metric)
	}
	if q.Row < AllRows || q.K < 1 || q.Row == AllRows && q.Metric != "euclidean" {
		return q, fmt.Errorf("query message: row %d, k %d, metric %s", q.Row, q.K, q.Metric)
	}
	return q, nil
}

// Post sends the answer to target, transferring its buffers.
func (a Neighbours) Post(target js.Value) {
	o := indexObject(TypeNeighbours, a.Index)
	o.Set("query", a.Query)
	if a.Err != "" {
		o.Set("error", a.Err)
		post(target, o, js.Undefined())
		return
	}
	rows := js.Global().Get("Uint8Array").New(len(a.Rows) * 4)
	if len(a.Rows) > 0 {
		js.CopyBytesToJS(rows, unsafe.Slice((*byte)(unsafe.Pointer(&a.Rows[0])), len(a.Rows)*4))
	}
	dist := floatBuffer(a.Distances)
	o.Set("rows", rows.Get("buffer"))
	o.Set("distances", dist)
	target.Call("postMessage", o, js.Global().Get("Array").Call("of", rows.Get("buffer"), dist))
}

// DecodeNeighbours reads an answer; a malformed one is returned as an error.
func DecodeNeighbours(m js.Value) (Neighbours, error) {
	a := Neighbours{Index: IndexOf(m), Query: integer(m, "query")}
	if e := m.Get("error"); e.Type() == js.TypeString {
		a.Err = e.String()
		return a, nil
	}
	rows, dist := m.Get("rows"), m.Get("distances")
	if rows.Type() != js.TypeObject || dist.Type() != js.TypeObject {
		return a, errors.New("neighbours message without rows or distances")
	}
	n := rows.Get("byteLength").Int() / 4
	if rows.Get("byteLength").Int() != dist.Get("byteLength").Int() {
		return a, fmt.Errorf("neighbours message: %d bytes of rows, %d of distances", rows.Get("byteLength").Int(), dist.Get("byteLength").Int())
	}
	a.Rows, a.Distances = make([]int32, n), make([]float32, n)
	if n > 0 {
		js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(&a.Rows[0])), n*4), js.Global().Get("Uint8Array").New(rows))
	}
	if err := copyFloats(a.Distances, dist); err != nil {
		return a, fmt.Errorf("neighbours message: %w", err)
	}
	return a, nil
}
