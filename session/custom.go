package session

import (
	"fmt"
	"math"
)

// Custom projection (TensorBoard's): each axis is the direction between the
// centroids of the points two searches match, e.g. left "man" → right
// "woman" for x and, optionally, down → up for y; a point's coordinate is
// its dot product with the normalised direction. Searches are those of the
// inspector (a substring, or /a regular expression/, ignoring case) over
// every metadata column, and run on the projection input (standardised when
// that is on). Until both up and down are given every point has y = 0.

// MethodCustom is the custom projection.
const MethodCustom Method = "custom"

// CustomState is the custom projection's searches (view files hold it).
type CustomState struct {
	Left  string `json:"left"`
	Right string `json:"right"`
	Up    string `json:"up,omitempty"`
	Down  string `json:"down,omitempty"`
}

// CustomLayout returns the custom projection of the n×d row-major x, n×2
// row-major: x_i = v_i·u and y_i = v_i·w, with u the unit direction from
// the centroid of the rows left to that of the rows right, and w likewise
// from down to up (y = 0 when both are empty). It fails when a set of an
// axis is empty (only one of down and up given) or the two centroids are
// equal (no direction).
func CustomLayout(x []float32, n, d int, left, right, down, up []int) ([]float32, error) {
	u, err := axisDirection(x, d, left, right, "left", "right")
	if err != nil {
		return nil, err
	}
	var w []float64
	if len(down) > 0 || len(up) > 0 {
		if w, err = axisDirection(x, d, down, up, "down", "up"); err != nil {
			return nil, err
		}
	}
	pos := make([]float32, 2*n)
	for i := 0; i < n; i++ {
		row := x[i*d : i*d+d]
		pos[2*i] = float32(dot64(row, u))
		if w != nil {
			pos[2*i+1] = float32(dot64(row, w))
		}
	}
	return pos, nil
}

// axisDirection is the unit vector from the centroid of rows a to that of
// rows b.
func axisDirection(x []float32, d int, a, b []int, na, nb string) ([]float64, error) {
	if len(a) == 0 || len(b) == 0 {
		return nil, fmt.Errorf("custom projection: the %s search matches %d points and the %s search %d; each needs at least one", na, len(a), nb, len(b))
	}
	ca, cb := centroid(x, d, a), centroid(x, d, b)
	norm := 0.0
	for j := range cb {
		cb[j] -= ca[j]
		norm += cb[j] * cb[j]
	}
	if norm == 0 {
		return nil, fmt.Errorf("custom projection: the points matching %s and %s have the same centroid: no direction", na, nb)
	}
	norm = math.Sqrt(norm)
	for j := range cb {
		cb[j] /= norm
	}
	return cb, nil
}

// centroid is the mean of the rows of the n×d x.
func centroid(x []float32, d int, rows []int) []float64 {
	c := make([]float64, d)
	for _, r := range rows {
		for j, v := range x[r*d : r*d+d] {
			c[j] += float64(v)
		}
	}
	for j := range c {
		c[j] /= float64(len(rows))
	}
	return c
}

func dot64(a []float32, b []float64) float64 {
	s := 0.0
	for j, v := range a {
		s += float64(v) * b[j]
	}
	return s
}

// matchingRows returns the rows of the shown data whose metadata (any
// column) match query, nil for an empty query.
func (s *Session) matchingRows(query string) ([]int, error) {
	m, err := parseQuery(query)
	if err != nil || m == nil {
		return nil, err
	}
	var rows []int
	for i := 0; i < s.data.N; i++ {
		for _, c := range s.data.Columns {
			if m(c.Values[i]) {
				rows = append(rows, i)
				break
			}
		}
	}
	return rows, nil
}

// showCustom computes the custom projection of the current searches and
// makes it the layout, or says why it cannot (nothing changes then).
func (s *Session) showCustom() error {
	in := s.input()
	if in == nil {
		return fmt.Errorf("custom projection: the dimensions are still being standardised")
	}
	sets := make([][]int, 4)
	for k, q := range []string{s.custom.Left, s.custom.Right, s.custom.Down, s.custom.Up} {
		rows, err := s.matchingRows(q)
		if err != nil {
			return fmt.Errorf("custom projection: %w", err)
		}
		sets[k] = rows
	}
	if s.custom.Down == "" || s.custom.Up == "" {
		sets[2], sets[3] = nil, nil // y waits for both searches
	}
	pos, err := CustomLayout(in, s.data.N, s.data.D, sets[0], sets[1], sets[2], sets[3])
	if err != nil {
		return err
	}
	if s.run != nil {
		s.run.SetRunning(false) // kept, to resume when t-SNE is shown again
	}
	s.set.Method = MethodCustom
	s.layout, s.layoutDims, s.layoutOwned, s.layoutStale = pos, 2, true, false
	s.customCounts = [4]int{len(sets[0]), len(sets[1]), len(sets[2]), len(sets[3])}
	return nil
}

// customControl sets one search of the custom projection (custom-left,
// custom-right, custom-up, custom-down) and shows the projection when
// left and right are both given; handled is false for other names.
func (s *Session) customControl(name, value string) (handled bool, err error) {
	prev := s.custom
	switch name {
	case "custom-left":
		s.custom.Left = value
	case "custom-right":
		s.custom.Right = value
	case "custom-up":
		s.custom.Up = value
	case "custom-down":
		s.custom.Down = value
	default:
		return false, nil
	}
	if s.custom.Left == "" || s.custom.Right == "" {
		return true, nil // shown once both x searches are given
	}
	if err := s.showCustom(); err != nil {
		s.custom = prev
		return true, err
	}
	return true, nil
}

// startCustom shows the custom projection: at once when its left and right
// searches are given, else (the layout shown before staying up) once they
// are.
func (s *Session) startCustom() error {
	if s.custom.Left != "" && s.custom.Right != "" {
		return s.showCustom()
	}
	if s.run != nil {
		s.run.SetRunning(false)
	}
	s.set.Method, s.customCounts = MethodCustom, [4]int{}
	return nil
}

// customSentence describes the custom projection shown.
func (s *Session) customSentence(size, colour, warn string) string {
	c, n := s.custom, s.customCounts
	if n[0] == 0 {
		return fmt.Sprintf("%s: %s, custom projection: type a left and a right search (x goes from the centroid of the one's matches to the other's; up and down, optionally, for y).%s",
			s.status.Source, size, warn)
	}
	y := "y = 0 (no up and down searches)"
	if c.Up != "" && c.Down != "" {
		y = fmt.Sprintf("y from %q (%d) to %q (%d)", c.Down, n[2], c.Up, n[3])
	}
	return fmt.Sprintf("%s: %s, custom projection: x from %q (%s points) to %q (%s), %s.%s %s%s",
		s.status.Source, size, c.Left, thousands(n[0]), c.Right, thousands(n[1]), y, colour, s.navigationHint(), warn)
}
