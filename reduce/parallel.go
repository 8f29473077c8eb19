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
