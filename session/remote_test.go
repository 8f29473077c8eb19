package session

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/embproj/projector/reduce"
)

// fakeRemote is a RemoteIndex that answers on the caller's thread: it takes
// the vectors in pieces (one per Advance) and computes a query at the first
// Poll after it.
type fakeRemote struct {
	x          []float32
	n, d       int
	handed     int // values handed over
	piece      int
	query      *reduce.NeighbourQuery
	queries    int
	closed     bool
	failWith   error
	rows       []int32
	dist       []float32
	answerNext bool
}

func (f *fakeRemote) Advance(time.Time) bool {
	f.handed = min(f.handed+f.piece, len(f.x))
	return f.handed == len(f.x)
}

func (f *fakeRemote) Query(row, k int, metric reduce.Metric) {
	if f.handed < len(f.x) {
		panic("queried before every vector was handed over")
	}
	f.queries++
	f.answerNext = true
	if row == AllRows {
		g := reduce.NewKNN(f.x, f.n, f.d, reduce.KNNConfig{K: k, Seed: 1}) // as the worker does
		for !g.Step() {
		}
		f.rows, f.dist, f.query = g.Neighbors(), g.Distances(), nil
		return
	}
	ix, _ := reduce.NewNeighbourIndex(f.x, f.n, f.d)
	f.query, _ = ix.Query(row, k, metric)
}

func (f *fakeRemote) Poll() ([]int32, []float32, bool, error) {
	if !f.answerNext {
		return nil, nil, false, nil
	}
	f.answerNext = false
	if f.failWith != nil {
		return nil, nil, false, f.failWith
	}
	if f.query == nil {
		return f.rows, f.dist, true, nil
	}
	for !f.query.Step(1 << 20) {
	}
	rows, dist := f.query.Result()
	return rows, dist, true, nil
}

func (f *fakeRemote) Close() { f.closed = true }

// remoteDemo returns the demo with every dataset given a fakeRemote (the
// threshold lowered to 1), and the fakes made so far.
func remoteDemo(t *testing.T, pieces int) (*Session, *[]*fakeRemote) {
	t.Helper()
	old := remoteMinValues
	remoteMinValues = 1
	t.Cleanup(func() { remoteMinValues = old })
	var made []*fakeRemote
	s := New()
	s.SetRemoteIndexFactory(func(x []float32, n, d int) RemoteIndex {
		f := &fakeRemote{x: x, n: n, d: d, piece: max(1, len(x)/pieces)}
		made = append(made, f)
		return f
	})
	s.Open(demoFiles(t), "demo")
	runToEnd(t, s)
	return s, &made
}

func TestNeighboursGoRemoteOnceTheVectorsHaveGone(t *testing.T) {
	s, made := remoteDemo(t, 1<<30) // one value a Work: never ready in this test's first part
	if len(*made) != 1 || (*made)[0].n != s.data.N || (*made)[0].d != s.data.D {
		t.Fatalf("remote indexes made: %d", len(*made))
	}
	f := (*made)[0]
	control(t, s, "select", "42")
	settle(t, s)
	local := s.Status().Neighbours
	if local == nil || local.Worker || f.queries != 0 {
		t.Fatalf("before the vectors were handed over: %+v, %d remote queries", local, f.queries)
	}
	f.piece = len(f.x) // the rest at the next Advance
	s.Work(time.Millisecond)
	control(t, s, "select", "")
	control(t, s, "select", "42")
	if s.Status().Neighbours != nil || !s.Inspector().NeighboursBusy {
		t.Fatal("neighbours reported before the remote answer came")
	}
	settle(t, s)
	remote := s.Status().Neighbours
	if remote == nil || !remote.Worker || f.queries != 1 {
		t.Fatalf("after the hand-over: %+v, %d remote queries", remote, f.queries)
	}
	if fmt.Sprint(remote.Indices) != fmt.Sprint(local.Indices) {
		t.Fatalf("remote neighbours %v differ from local %v", remote.Indices[:5], local.Indices[:5])
	}
	for i := range remote.Distances {
		if math.Abs(remote.Distances[i]-local.Distances[i]) > 1e-6 {
			t.Fatalf("distance %d: remote %g, local %g", i, remote.Distances[i], local.Distances[i])
		}
	}
	// A failing remote side: the query runs here instead, and that index is dropped.
	f.failWith = errors.New("worker gone")
	control(t, s, "select", "7")
	settle(t, s)
	if nb := s.Status().Neighbours; nb == nil || nb.Worker || nb.Of != 7 || !f.closed {
		t.Fatalf("after a remote failure: %+v, closed %v", nb, f.closed)
	}
}

func TestIsolationKeepsTheFullRemoteIndex(t *testing.T) {
	s, made := remoteDemo(t, 1)
	s.Work(time.Millisecond) // hands everything over
	control(t, s, "search", "/^7$/")
	control(t, s, "select-matches", "")
	settle(t, s)
	sevens := s.Status().Selection.Indices
	control(t, s, "isolate", "")
	if len(*made) != 2 || (*made)[1].n != len(sevens) || (*made)[0].closed {
		t.Fatalf("after isolate: %d indexes, full closed %v", len(*made), (*made)[0].closed)
	}
	full, sub := (*made)[0], (*made)[1]
	for i := 0; i < 1000 && s.Status().Phase != Ready; i++ {
		s.Work(5 * time.Millisecond)
	}
	control(t, s, "select", fmt.Sprint(sevens[2]))
	settle(t, s)
	nb := s.Status().Neighbours
	if nb == nil || !nb.Worker || sub.queries != 1 || nb.Of != sevens[2] {
		t.Fatalf("isolated query: %+v, subset queries %d", nb, sub.queries)
	}
	for _, r := range nb.Indices {
		if s.shownRow(r) < 0 {
			t.Fatalf("neighbour row %d is not among the isolated points", r)
		}
	}
	control(t, s, "show-all", "")
	settle(t, s)
	if !sub.closed || full.closed || full.queries != 1 {
		t.Fatalf("after show-all: subset closed %v, full closed %v, full queries %d", sub.closed, full.closed, full.queries)
	}
	if nb := s.Status().Neighbours; nb == nil || !nb.Worker || nb.Of != sevens[2] {
		t.Fatalf("show-all neighbours: %+v", nb)
	}
	s.Open(demoFiles(t), "demo again")
	runToEnd(t, s)
	if !full.closed {
		t.Fatal("opening new data left the old remote index open")
	}
}

func TestSmallDataStayLocal(t *testing.T) {
	called := false
	s := New()
	s.SetRemoteIndexFactory(func([]float32, int, int) RemoteIndex { called = true; return nil })
	s.Open(demoFiles(t), "demo")
	runToEnd(t, s)
	if called {
		t.Fatalf("a remote index was made for %d×%d values (threshold %d)", s.data.N, s.data.D, remoteMinValues)
	}
}
