package session

import "time"

// Redraw pacing: while a projection runs, its points are redrawn at most
// every MinRedraw(n), and less often when a redraw makes frames slow (software
// rendering): the interval is redrawShare times the duration of the last frame
// that redrew the points, so most of the time still goes to the work itself.
const (
	maxRedraw   = time.Second
	redrawShare = 3
)

// MinRedraw is the shortest interval between redraws of n animated points:
// 100 ms up to 10,000 points, growing with n to 1 s at 100,000.
func MinRedraw(n int) time.Duration {
	return min(maxRedraw, max(100*time.Millisecond, time.Duration(n)*10*time.Microsecond))
}

// RedrawPacer decides, frame by frame, when changed points are handed to the
// viewer. The zero value is ready to use.
type RedrawPacer struct {
	every      time.Duration
	lastRedraw time.Time
	lastFrame  time.Time
	redrewLast bool
}

// Frame is called once per frame at now, for n points; pending says the
// points changed since the last redraw, running that a projection is still
// moving them, and force that they must be shown at once (a new layout). It
// reports whether to redraw now.
func (p *RedrawPacer) Frame(now time.Time, n int, pending, running, force bool) bool {
	floor := MinRedraw(n)
	if p.redrewLast && !p.lastFrame.IsZero() {
		p.every = min(maxRedraw, max(floor, redrawShare*now.Sub(p.lastFrame)))
	}
	p.every = max(p.every, floor)
	p.lastFrame, p.redrewLast = now, false
	if !pending || (running && !force && now.Sub(p.lastRedraw) < p.every) {
		return false
	}
	p.lastRedraw, p.redrewLast = now, true
	return true
}
