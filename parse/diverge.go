package parse

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// When the tensor and the metadata differ in row count, "use the first N of
// both" is only right if the missing rows are at the end: a row missing in
// the middle shifts every label after it onto another point. divergence
// looks for where the two files part ways, from what the files themselves
// allow: an id column in the metadata that counts rows and skips or repeats
// one, or a metadata column that repeats one of the tensor's dimensions
// until the row where they stop agreeing.

// divergence says where the rows of t and m part ways (the index of the
// first point whose label no longer belongs to it, 0-based) and how that
// was found, or ok == false when the files do not tell.
func divergence(t *tensor, m *metadata) (row int, how string, ok bool) {
	if row, how, ok = idGap(m); ok {
		return row, how, true
	}
	return copiedColumnEnd(t, m)
}

// idGap finds a metadata column that counts its rows (from 0 or 1, by one)
// and the first row where it stops doing so, when it then goes on counting
// from the skip (so one row, or a few, are missing or extra there).
func idGap(m *metadata) (int, string, bool) {
	for c, col := range m.cols {
		ids, ok := integers(col.Values)
		if !ok || len(ids) < 3 || (ids[0] != 0 && ids[0] != 1) {
			continue
		}
		at := 1
		for at < len(ids) && ids[at] == ids[at-1]+1 {
			at++
		}
		if at == len(ids) || !resumes(ids, at) {
			continue // counts every row, or is no id column
		}
		return at, fmt.Sprintf("its id column %s goes from %d to %d at line %d", quote(colLabel(col, c)), ids[at-1], ids[at], at+m.lineOff), true
	}
	return 0, "", false
}

// resumes reports whether ids, broken at index at, count on by one from there.
func resumes(ids []int64, at int) bool {
	for i := at + 1; i < len(ids); i++ {
		if ids[i] != ids[i-1]+1 {
			return false
		}
	}
	return true
}

// integers parses every value as a whole number; ok is false when one is not.
func integers(vals []string) ([]int64, bool) {
	out := make([]int64, len(vals))
	for i, s := range vals {
		v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// copiedAgree is how many first rows a metadata column must repeat a tensor
// dimension on before it counts as a copy of it.
const copiedAgree = 8

// copiedColumnEnd finds a metadata column equal to a tensor dimension on
// the first rows, and the first row where they stop agreeing.
func copiedColumnEnd(t *tensor, m *metadata) (int, string, bool) {
	n := min(t.n, m.n)
	if n <= copiedAgree || t.d == 0 {
		return 0, "", false
	}
	for c, col := range m.cols {
		vals, ok := floats(col.Values[:n])
		if !ok {
			continue
		}
		for k := 0; k < t.d; k++ {
			end := agreeUntil(vals, t.vals, k, t.d)
			if end < copiedAgree || end == n {
				continue
			}
			return end, fmt.Sprintf("its column %s repeats the tensor's dimension %d on lines %d–%d but not on line %d",
				quote(colLabel(col, c)), k+1, m.lineOff, end-1+m.lineOff, end+m.lineOff), true
		}
	}
	return 0, "", false
}

// agreeUntil returns the first row i where vals[i] differs from dimension k
// of the row-major tensor x of width d (len(vals) when none does).
func agreeUntil(vals []float64, x []float32, k, d int) int {
	for i, v := range vals {
		w := float64(x[i*d+k])
		if math.Abs(v-w) > 1e-6*max(1, math.Abs(w)) {
			return i
		}
	}
	return len(vals)
}

// floats parses every value as a number; ok is false when one is not.
func floats(vals []string) ([]float64, bool) {
	out := make([]float64, len(vals))
	for i, s := range vals {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// colLabel names a metadata column for a message.
func colLabel(col Column, c int) string {
	if col.Name != "" {
		return col.Name
	}
	return fmt.Sprintf("column %d", c+1)
}
