package reduce

import (
	"sync"
	"sync/atomic"
)

// parallelFor calls job(worker, j) for every j in [0, jobs), spread over
// workers goroutines (worker in [0, workers) names the goroutine, for its
// scratch space). With workers ≤ 1 it runs in the caller, in order. Jobs
// must write disjoint outputs: which goroutine runs a job, and when, varies
// from call to call, so results are deterministic only when each job's
// output depends on the job alone (sums across jobs are made afterwards, in
// job order).
func parallelFor(workers, jobs int, job func(worker, j int)) {
	if workers <= 1 || jobs <= 1 {
		for j := 0; j < jobs; j++ {
			job(0, j)
		}
		return
	}
	workers = min(workers, jobs)
	var next atomic.Int64
	var wg sync.WaitGroup
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go func(w int) {
			defer wg.Done()
			for {
				j := int(next.Add(1) - 1)
				if j >= jobs {
					return
				}
				job(w, j)
			}
		}(w)
	}
	wg.Wait()
}

// parallelRows calls rows(lo, hi) on consecutive ranges that cover
// [from, to), spread over workers goroutines: the whole range in the
// caller for one worker, else up to 4·workers ranges of about equal size
// (so that a slow range does not hold the others up). rows must write only
// what belongs to its own rows.
func parallelRows(workers, from, to int, rows func(lo, hi int)) {
	if workers <= 1 || to-from <= 1 {
		if to > from {
			rows(from, to)
		}
		return
	}
	parts := min(4*workers, to-from)
	parallelFor(workers, parts, func(_, j int) {
		rows(from+(to-from)*j/parts, from+(to-from)*(j+1)/parts)
	})
}
