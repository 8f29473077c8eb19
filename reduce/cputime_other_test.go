//go:build !js && !wasip1 && !windows

package reduce

import "syscall"

// cpuSeconds returns the process's user + system CPU time in seconds: on a
// machine shared with other jobs it moves far less than wall-clock time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
