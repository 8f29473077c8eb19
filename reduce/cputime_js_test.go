//go:build js || wasip1 || windows

package reduce

// cpuSeconds is not available here; benchmarks report wall-clock time only.
func cpuSeconds() float64 { return 0 }
