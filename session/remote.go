package session

import (
	"time"

	"github.com/embproj/projector/reduce"
)

// Neighbour queries away from the page's thread. One exact query reads every
// vector once: about a nanosecond per value in js/wasm, so 80 ms at
// 100,000 × 768. When the shown data hold at least remoteMinValues values,
// and the page can provide one, the session hands the vectors to a
// RemoteIndex (the page's Web Worker) in pieces between frames and, once they
// have all gone, asks it instead of scanning on its own thread. Until then,
// and whenever the remote side fails, queries run here in time slices.

// remoteMinValues is the fewest n×d values for which queries go remote:
// 2^22 values (16 MiB of float32) take about 4.5 ms here and 15 ms on a
// machine 3× slower, a frame's worth.
var remoteMinValues = 1 << 22 // a variable for tests

// RemoteIndex answers exact neighbour queries on one n×d dataset somewhere
// other than the page's thread. It holds at most one query at a time: a new
// Query replaces the one before, whose answer is then never returned.
type RemoteIndex interface {
	// Advance hands over more of the vectors, until deadline (at least one
	// piece per call), and reports whether all of them have gone.
	Advance(deadline time.Time) (ready bool)
	// Query asks for the k rows nearest to row (itself excluded) by metric;
	// row AllRows asks for every row's k nearest by euclidean distance, as
	// reduce.NewKNN with KNNConfig{K: k, Seed: 1} finds them (rows and dist
	// then hold N×k, row-major; the search may take long).
	Query(row, k int, metric reduce.Metric)
	// Poll returns the answer to the last Query once it has come: rows
	// nearest first and their distances (as reduce.NeighbourQuery.Result
	// gives them), or the error that kept it from coming.
	Poll() (rows []int32, dist []float32, done bool, err error)
	// Close forgets the dataset on the remote side.
	Close()
}

// AllRows is the row of a RemoteIndex query for every row's neighbours.
const AllRows = -1

// RemoteIndexFactory starts a RemoteIndex for the n×d row-major vectors
// (retained until Advance has handed them all over), or returns nil when
// it cannot.
type RemoteIndexFactory func(vectors []float32, n, d int) RemoteIndex

// SetRemoteIndexFactory lets neighbour queries on large data run through f.
// Without it (nil, the default) every query runs on the caller's thread.
func (s *Session) SetRemoteIndexFactory(f RemoteIndexFactory) { s.newRemote = f }

// remoteState is the remote index of the shown data and the query it runs.
type remoteState struct {
	ix      RemoteIndex
	ready   bool // every vector has been handed over
	waiting bool // a query was sent and its answer has not come
}

// openRemote starts a remote index for the shown data when they are large
// enough and a factory is set; it closes the one before unless keep is set
// (Isolate keeps the full data's index for ShowAll).
func (s *Session) openRemote(keep bool) {
	if !keep {
		s.closeRemote()
	}
	s.remote = remoteState{}
	if s.newRemote == nil || s.data == nil || s.data.N*s.data.D < remoteMinValues {
		return
	}
	s.remote.ix = s.newRemote(s.data.Vectors, s.data.N, s.data.D)
}

// closeRemote forgets the shown data's remote index.
func (s *Session) closeRemote() {
	if s.remote.ix != nil {
		s.remote.ix.Close()
	}
	s.remote = remoteState{}
}

// advanceRemote hands over more vectors, for at most budget.
func (s *Session) advanceRemote(budget time.Duration) {
	if s.remote.ix != nil && !s.remote.ready {
		s.remote.ready = s.remote.ix.Advance(time.Now().Add(budget))
	}
}

// queryRemote sends the neighbour query of row to the remote index and
// reports whether it could (every vector has gone).
func (s *Session) queryRemote(row int) bool {
	if s.remote.ix == nil || !s.remote.ready {
		return false
	}
	s.remote.ix.Query(row, s.insp.k, s.insp.metric)
	s.remote.waiting = true
	return true
}

// pollRemote takes in the remote answer when it has come and reports
// whether the neighbours changed. A failed remote index is dropped and the
// query run here instead.
func (s *Session) pollRemote() bool {
	in := &s.insp
	rows, dist, done, err := s.remote.ix.Poll()
	if !done && err == nil {
		return false
	}
	s.remote.waiting = false
	if err != nil {
		s.closeRemote()
		s.startLocalQuery()
		return false
	}
	in.nbRows, in.nbDist, in.nbComputed, in.nbRemote = rows, dist, true, true
	in.changed()
	return true
}
