//go:build js && wasm

// Package protocol is the message format between the page (wasm/) and its
// reduction Web Worker (wasm/worker), which runs t-SNE and UMAP: one Go type per message, encoded to and
// decoded from the plain JS objects postMessage carries. Both sides use it,
// so a field is named, typed and converted in one place only.
//
// Page → worker: Start, then the n×d vectors as Vectors pieces in order,
// then any number of Control messages. Worker → page: Progress about every
// 50 ms while running and after every change, Failure when a message is
// malformed. Every message carries the run number of its Start, so either
// side can drop messages of an older run.
//
// Neighbour queries (index.go) are a second conversation with the same
// worker, numbered by index instead of run: Index, its IndexVectors pieces,
// Query messages answered by Neighbours, and IndexDrop.
package protocol

import (
	"errors"
	"fmt"
	"math"
	"syscall/js"
	"unsafe"
)

// Message types (the "type" field).
const (
	TypeStart    = "start"
	TypeVectors  = "vectors"
	TypeControl  = "control"
	TypeProgress = "progress"
	TypeError    = "error"
)

// Start begins run Run: Method ("tsne", the default, or "umap") of N
// points of D dimensions into Dims (2 or 3). With FromIndex set (≥ 1) the
// vectors are those of that neighbour dataset (index.go), already in the
// worker, and no Vectors pieces follow.
type Start struct {
	Run, N, D, Dims int
	FromIndex       int
	Method          string
	// t-SNE's settings.
	Perplexity   float64
	LearningRate float64 // 0: the default
	Seed         uint64
	// UMAP's settings, as reduce.UMAPConfig has them (0: the default;
	// MinDist < 0 means 0); Metric is "euclidean" or "cosine".
	Neighbors, Epochs int
	MinDist, Spread   float64
	Metric            string
}

// Run methods (Start.Method).
const (
	MethodTSNE = "tsne"
	MethodUMAP = "umap"
)

// Vectors is one piece of the row-major N×D float32 vectors of a run:
// Offset counts values and must continue the previous piece.
type Vectors struct {
	Run, Offset int
	Data        []float32
}

// Control names what a Control message changes.
type Control string

// Controls.
const (
	Stop          Control = "stop"          // forget the run
	Running       Control = "running"       // Value 1 runs, 0 pauses
	LearningRate  Control = "learningRate"  // Value: the new rate
	Perplexity    Control = "perplexity"    // Value: recompute P with it
	MaxIterations Control = "maxIterations" // Value: iterate up to this count
)

// ControlMsg changes a setting of run Run.
type ControlMsg struct {
	Run   int
	What  Control
	Value float64
}

// Progress is the worker's state and its current layout.
type Progress struct {
	Run, Iteration, KLIteration int
	// KL is NaN before the first estimate.
	KL float64
	// Phase names what the run is doing (a reduce.TSNEPhase name: "pca",
	// "neighbours", "calibrating", "symmetrising", "iterating", "done"; or a
	// reduce.UMAPPhase name: "pca", "neighbours", "fuzzy-set",
	// "optimizing", "done"; for UMAP Iteration counts the epochs);
	// PhaseProgress is 0..1 within it and Progress 0..1 over the whole run.
	Phase                   string
	PhaseProgress, Progress float64
	LearningRate            float64
	Preparing, Done         bool
	MaxIterations           int
	// Positions is N×Dims float32, row-major (nil when not sent).
	Positions []float32
	// Neighbours, sent once per run when its neighbour search of the input
	// was exact (reduce.TSNE.InputNeighbours), are the first NeighboursK
	// input neighbours of every point, N×NeighboursK, nearest first; the
	// page's projection quality reuses them (DecodeInputNeighbours).
	Neighbours  []int32
	NeighboursK int
}

// Failure reports a malformed message or a failed run.
type Failure struct {
	Run     int
	Message string
}

func object(typ string, run int) js.Value {
	o := js.Global().Get("Object").New()
	o.Set("type", typ)
	o.Set("run", run)
	return o
}

// Type returns a message's type, "" when it has none.
func Type(m js.Value) string {
	if m.Type() != js.TypeObject {
		return ""
	}
	t := m.Get("type")
	if t.Type() != js.TypeString {
		return ""
	}
	return t.String()
}

// Run returns a message's run number, -1 when it has none.
func Run(m js.Value) int {
	if m.Type() != js.TypeObject {
		return -1
	}
	r := m.Get("run")
	if r.Type() != js.TypeNumber {
		return -1
	}
	return r.Int()
}

func num(m js.Value, key string) float64 {
	v := m.Get(key)
	if v.Type() != js.TypeNumber {
		return math.NaN()
	}
	return v.Float()
}

func integer(m js.Value, key string) int {
	f := num(m, key)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return int(f)
}

// Encode returns the JS object of s.
func (s Start) Encode() js.Value {
	o := object(TypeStart, s.Run)
	o.Set("n", s.N)
	o.Set("d", s.D)
	o.Set("dims", s.Dims)
	o.Set("perplexity", s.Perplexity)
	o.Set("learningRate", s.LearningRate)
	o.Set("seed", float64(s.Seed))
	o.Set("fromIndex", s.FromIndex)
	o.Set("method", s.Method)
	o.Set("neighbors", s.Neighbors)
	o.Set("epochs", s.Epochs)
	o.Set("minDist", s.MinDist)
	o.Set("spread", s.Spread)
	o.Set("metric", s.Metric)
	return o
}

func str(m js.Value, key string) string {
	v := m.Get(key)
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}

// DecodeStart reads a start message, checking its shape.
func DecodeStart(m js.Value) (Start, error) {
	s := Start{Run: Run(m), N: integer(m, "n"), D: integer(m, "d"), Dims: integer(m, "dims"),
		Perplexity: num(m, "perplexity"), LearningRate: num(m, "learningRate"), Seed: uint64(integer(m, "seed")),
		FromIndex: integer(m, "fromIndex"), Method: str(m, "method"),
		Neighbors: integer(m, "neighbors"), Epochs: integer(m, "epochs"), MinDist: num(m, "minDist"),
		Spread: num(m, "spread"), Metric: str(m, "metric")}
	if s.Method == "" {
		s.Method = MethodTSNE
	}
	if s.Method != MethodTSNE && s.Method != MethodUMAP {
		return s, fmt.Errorf("start message: method %q", s.Method)
	}
	if math.IsNaN(s.MinDist) || math.IsNaN(s.Spread) {
		s.MinDist, s.Spread = 0, 0 // the defaults
	}
	if s.N < 0 || s.D < 1 {
		return s, fmt.Errorf("start message: %d×%d vectors", s.N, s.D)
	}
	if s.Dims != 2 && s.Dims != 3 {
		return s, fmt.Errorf("start message: dims %d", s.Dims)
	}
	if math.IsNaN(s.LearningRate) {
		s.LearningRate = 0
	}
	return s, nil
}

// floatBuffer copies f into a new ArrayBuffer.
func floatBuffer(f []float32) js.Value {
	arr := js.Global().Get("Uint8Array").New(len(f) * 4)
	if len(f) > 0 {
		js.CopyBytesToJS(arr, unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), len(f)*4))
	}
	return arr.Get("buffer")
}

// copyFloats copies the ArrayBuffer buf into dst, which must be exactly its size.
func copyFloats(dst []float32, buf js.Value) error {
	if buf.Type() != js.TypeObject {
		return errors.New("no data")
	}
	nb := buf.Get("byteLength").Int()
	if nb != len(dst)*4 {
		return fmt.Errorf("%d bytes where %d float32 values were expected", nb, len(dst))
	}
	if nb > 0 {
		js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), nb), js.Global().Get("Uint8Array").New(buf))
	}
	return nil
}

// Post sends v to target (a Worker, or the worker's self), transferring
// its buffer when it has one.
func post(target, msg js.Value, transfer js.Value) {
	if transfer.IsUndefined() {
		target.Call("postMessage", msg)
		return
	}
	target.Call("postMessage", msg, js.Global().Get("Array").Call("of", transfer))
}

// Post sends s to target.
func (s Start) Post(target js.Value) { post(target, s.Encode(), js.Undefined()) }

// Post sends the piece to target, transferring a copy of its values.
func (v Vectors) Post(target js.Value) {
	o := object(TypeVectors, v.Run)
	o.Set("offset", v.Offset)
	buf := floatBuffer(v.Data)
	o.Set("data", buf)
	post(target, o, buf)
}

// DecodeVectorsInto copies a vectors message's values into dst at its
// offset, which must equal want (the values received so far). It returns
// the number of values copied.
func DecodeVectorsInto(m js.Value, dst []float32, want int) (int, error) {
	off, buf := integer(m, "offset"), m.Get("data")
	if buf.Type() != js.TypeObject {
		return 0, errors.New("vectors message without data")
	}
	nb := buf.Get("byteLength").Int()
	if off != want || nb%4 != 0 || off+nb/4 > len(dst) {
		return 0, fmt.Errorf("vectors message: %d bytes at value %d do not continue the %d of %d values received", nb, off, want, len(dst))
	}
	if err := copyFloats(dst[off:off+nb/4], buf); err != nil {
		return 0, fmt.Errorf("vectors message: %w", err)
	}
	return nb / 4, nil
}

// Post sends c to target.
func (c ControlMsg) Post(target js.Value) {
	o := object(TypeControl, c.Run)
	o.Set("what", string(c.What))
	o.Set("value", c.Value)
	post(target, o, js.Undefined())
}

// DecodeControl reads a control message.
func DecodeControl(m js.Value) (ControlMsg, error) {
	c := ControlMsg{Run: Run(m), Value: num(m, "value")}
	if w := m.Get("what"); w.Type() == js.TypeString {
		c.What = Control(w.String())
	}
	switch c.What {
	case Stop, Running, LearningRate, Perplexity, MaxIterations:
	default:
		return c, fmt.Errorf("control message: unknown control %q", c.What)
	}
	if c.What != Stop && (math.IsNaN(c.Value) || math.IsInf(c.Value, 0)) {
		return c, fmt.Errorf("control message: %s without a finite value", c.What)
	}
	return c, nil
}

// Post sends p to target, transferring a copy of its positions.
func (p Progress) Post(target js.Value) {
	o := object(TypeProgress, p.Run)
	o.Set("iteration", p.Iteration)
	o.Set("klIteration", p.KLIteration)
	if math.IsNaN(p.KL) || math.IsInf(p.KL, 0) {
		o.Set("kl", js.Null()) // not estimated yet
	} else {
		o.Set("kl", p.KL)
	}
	o.Set("phase", p.Phase)
	o.Set("phaseProgress", p.PhaseProgress)
	o.Set("progress", p.Progress)
	o.Set("learningRate", p.LearningRate)
	o.Set("preparing", p.Preparing)
	o.Set("done", p.Done)
	o.Set("maxIterations", p.MaxIterations)
	buf := floatBuffer(p.Positions)
	o.Set("positions", buf)
	if p.NeighboursK <= 0 || len(p.Neighbours) == 0 {
		post(target, o, buf)
		return
	}
	nb := js.Global().Get("Uint8Array").New(len(p.Neighbours) * 4)
	js.CopyBytesToJS(nb, unsafe.Slice((*byte)(unsafe.Pointer(&p.Neighbours[0])), len(p.Neighbours)*4))
	o.Set("neighbours", nb.Get("buffer"))
	o.Set("neighboursK", p.NeighboursK)
	target.Call("postMessage", o, js.Global().Get("Array").Call("of", buf, nb.Get("buffer")))
}

// DecodeInputNeighbours reads the input neighbours of a progress message of
// n points: nil when it has none, an error when they are not n×k int32.
func DecodeInputNeighbours(m js.Value, n int) (nbr []int32, k int, err error) {
	buf := m.Get("neighbours")
	if buf.Type() != js.TypeObject {
		return nil, 0, nil
	}
	k = integer(m, "neighboursK")
	if k < 1 || buf.Get("byteLength").Int() != 4*n*k {
		return nil, 0, fmt.Errorf("progress message: %d bytes of neighbours for %d points × %d", buf.Get("byteLength").Int(), n, k)
	}
	nbr = make([]int32, n*k)
	if n > 0 {
		js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(&nbr[0])), n*k*4), js.Global().Get("Uint8Array").New(buf))
	}
	return nbr, k, nil
}

// DecodeProgress reads a progress message; its positions are copied into
// pos when they are exactly len(pos) values (ok reports that they were).
func DecodeProgress(m js.Value, pos []float32) (p Progress, ok bool) {
	p = Progress{Run: Run(m), Iteration: integer(m, "iteration"), KLIteration: integer(m, "klIteration"),
		KL: num(m, "kl"), Phase: m.Get("phase").String(), PhaseProgress: num(m, "phaseProgress"),
		Progress: num(m, "progress"), LearningRate: num(m, "learningRate"),
		Preparing: m.Get("preparing").Truthy(), Done: m.Get("done").Truthy(), MaxIterations: integer(m, "maxIterations")}
	if m.Get("phase").Type() != js.TypeString {
		p.Phase = ""
	}
	ok = copyFloats(pos, m.Get("positions")) == nil
	return p, ok
}

// Post sends f to target.
func (f Failure) Post(target js.Value) {
	o := object(TypeError, f.Run)
	o.Set("message", f.Message)
	post(target, o, js.Undefined())
}

// DecodeFailure reads an error message.
func DecodeFailure(m js.Value) Failure {
	f := Failure{Run: Run(m), Message: "unknown error"}
	if s := m.Get("message"); s.Type() == js.TypeString {
		f.Message = s.String()
	}
	return f
}
