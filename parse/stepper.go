package parse

import (
	"time"
)

// Stepper runs Load in slices of bounded time, for a caller that must keep its
// own loop going (the page's frame loop: Go in the browser has one thread and no
// preemption, so one long Load would freeze the canvas).
//
//	s := parse.NewStepper(files, opts)
//	for !s.Step(4 * time.Millisecond) { // once per frame
//		done, total := s.Progress()     // bytes of the tensor file read / its size
//	}
//	ds, rep := s.Result()
//
// The work runs on its own goroutine but only between a Step call and its return,
// so the caller's state is never touched concurrently. A Stepper that is abandoned
// before it finishes must be stopped with Cancel.
type Stepper struct {
	resume chan time.Duration
	paused chan bool // true when Load returned

	deadline time.Time
	canceled bool
	finished bool

	// Written by the worker only while the caller is blocked in Step.
	done, total int64
	base        int64 // bytes of the files read before the current one
	estN, estD  int
	ds          *Dataset
	rep         Report
}

// stepCanceled is the panic value that unwinds a canceled Load.
type stepCanceled struct{}

// NewStepper prepares a Load of files with opts; nothing runs before the first Step.
func NewStepper(files []File, opts Options) *Stepper {
	s := &Stepper{resume: make(chan time.Duration), paused: make(chan bool)}
	for _, f := range files {
		s.total += f.size()
	}
	go func() {
		budget := <-s.resume
		if budget < 0 {
			// Canceled before it started: nothing was read.
			s.rep = Report{Diagnostics: []Diagnostic{{Severity: Error, Code: CodeCanceled, Message: "Loading was canceled."}}}
			s.paused <- true
			return
		}
		s.deadline = time.Now().Add(budget)
		s.ds, s.rep = load(files, opts, s)
		s.paused <- true
	}()
	return s
}

// Step lets Load run for about budget (it checks the clock every few thousand
// rows, so a step may overrun by well under a millisecond) and reports whether
// Load has finished. Calling Step after it finished returns true at once.
func (s *Stepper) Step(budget time.Duration) bool {
	if s.finished {
		return true
	}
	if budget <= 0 {
		budget = time.Millisecond
	}
	s.resume <- budget
	s.finished = <-s.paused
	return s.finished
}

// Cancel stops an unfinished Load and releases its goroutine; Result then
// returns a nil Dataset and a report saying the load was canceled.
func (s *Stepper) Cancel() {
	if s.finished {
		return
	}
	s.resume <- -1
	s.finished = <-s.paused
}

// Progress returns the bytes read so far and the total bytes of the input files
// (compressed sizes as given). done reaches total when Step returns true.
func (s *Stepper) Progress() (done, total int64) {
	if s.finished {
		return s.total, s.total
	}
	return min(s.done, s.total), s.total
}

// Estimate returns the expected number of points and dimensions and the float32
// memory they need in bytes (N×D×4), known once the header or the first lines
// were read (zeros before). N is estimated from the average line length for text.
func (s *Stepper) Estimate() (n, d int, bytes int64) {
	return s.estN, s.estD, int64(s.estN) * int64(s.estD) * 4
}

// Result returns what Load returned; valid once Step has returned true.
func (s *Stepper) Result() (*Dataset, Report) {
	if !s.finished {
		return nil, Report{Diagnostics: []Diagnostic{{Severity: Error, Code: CodeInternal, Message: "Result called before the load finished."}}}
	}
	return s.ds, s.rep
}

// tick is called by the readers every few thousand rows with the bytes of the
// current file read so far; it pauses the worker when the step's time is used up.
func (s *Stepper) tick(done int64) {
	if s == nil {
		return
	}
	if s.base+done > s.done {
		s.done = s.base + done
	}
	if s.canceled {
		panic(stepCanceled{})
	}
	if time.Now().Before(s.deadline) {
		return
	}
	s.paused <- false
	budget := <-s.resume
	if budget < 0 {
		s.canceled = true
		panic(stepCanceled{})
	}
	s.deadline = time.Now().Add(budget)
}

func (s *Stepper) estimate(n, d int) {
	if s != nil {
		s.estN, s.estD = n, d
	}
}
