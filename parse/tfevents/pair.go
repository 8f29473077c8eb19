package tfevents

import (
	"fmt"
	"sort"
	"strings"
)

// Candidate is one embedding with the labels chosen for it, for the page to offer.
type Candidate struct {
	Embedding *Tensor // points into the embs given to Pair
	// Labels points into the labels given to Pair; nil when none has Embedding.Rows rows.
	Labels *Labels
	// Why says in a sentence which labels were chosen and why, or why there are none.
	Why string
}

// Pair returns one Candidate per embedding, ordered by tag (in order of first
// appearance) and, within a tag, latest step first; so the first candidate is the
// latest step of the first tag. Labels are paired only when their row count equals
// the embedding's; among those, a label set of the same step is preferred, then one
// whose tag has the same stem ("emb/vectors" and "emb/labels", "word_embedding" and
// "word_labels"), then the nearest step, then the first in order. When labels exist
// but none has the right count, a count-mismatch finding names both numbers. When
// there is at least one embedding, an info finding says TensorBoard would not show it.
func Pair(embs []Tensor, labels []Labels) ([]Candidate, []Finding) {
	var cands []Candidate
	var finds []Finding
	seen := map[string]bool{}
	for _, i := range order(embs) {
		e := &embs[i]
		c := Candidate{Embedding: e}
		best, n := bestLabels(e, labels)
		switch {
		case best >= 0:
			c.Labels = &labels[best]
			c.Why = why(e, c.Labels, n)
		case len(labels) == 0:
			c.Why = fmt.Sprintf("no text summary to label embedding `%s` (step %d)", e.Tag, e.Step)
		default:
			l := &labels[closest(e, labels)]
			msg := fmt.Sprintf("embedding `%s` has %d rows but text `%s` has %d", e.Tag, e.Rows, l.Tag, len(l.Values))
			c.Why = msg + "; the points are shown without labels"
			if !seen[msg] {
				seen[msg] = true
				finds = append(finds, Finding{Severity: Warning, Code: "count-mismatch", File: e.File, Offset: e.Offset,
					Msg: fmt.Sprintf("%s; no text summary has %d rows, so the points of step %d are shown without labels", msg, e.Rows, e.Step)})
			}
		}
		cands = append(cands, c)
	}
	if len(embs) > 0 {
		finds = append(finds, Finding{Severity: Info, Code: "events-info-not-tensorboard", File: embs[0].File, Offset: -1,
			Msg: "TensorBoard's projector does not read events files: it would not have shown this embedding (its Projector tab reads only checkpoints and TSV files named in projector_config.pbtxt)"})
	}
	return cands, finds
}

// order returns the indices of embs by tag (first appearance) then step, latest first.
func order(embs []Tensor) []int {
	first := map[string]int{}
	idx := make([]int, len(embs))
	for i, e := range embs {
		idx[i] = i
		if _, ok := first[e.Tag]; !ok {
			first[e.Tag] = i
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ea, eb := &embs[idx[a]], &embs[idx[b]]
		if fa, fb := first[ea.Tag], first[eb.Tag]; fa != fb {
			return fa < fb
		}
		return ea.Step > eb.Step
	})
	return idx
}

// bestLabels returns the index of the preferred label set with e.Rows values (-1 when
// none) and how many have that count.
func bestLabels(e *Tensor, labels []Labels) (best, n int) {
	best = -1
	for i := range labels {
		if len(labels[i].Values) != e.Rows {
			continue
		}
		n++
		if best < 0 || better(e, &labels[i], &labels[best]) {
			best = i
		}
	}
	return best, n
}

// better reports whether label set a suits e better than b (same row count).
func better(e *Tensor, a, b *Labels) bool {
	if sa, sb := a.Step == e.Step, b.Step == e.Step; sa != sb {
		return sa
	}
	if sa, sb := sameStem(e.Tag, a.Tag), sameStem(e.Tag, b.Tag); sa != sb {
		return sa
	}
	return absDiff(a.Step, e.Step) < absDiff(b.Step, e.Step)
}

// closest returns the label set to name in a count-mismatch: same step first, then
// same stem, then nearest row count.
func closest(e *Tensor, labels []Labels) int {
	best := 0
	for i := range labels {
		a, b := &labels[i], &labels[best]
		if sa, sb := a.Step == e.Step, b.Step == e.Step; sa != sb {
			if sa {
				best = i
			}
			continue
		}
		if sa, sb := sameStem(e.Tag, a.Tag), sameStem(e.Tag, b.Tag); sa != sb {
			if sa {
				best = i
			}
			continue
		}
		if absDiff(int64(len(a.Values)), int64(e.Rows)) < absDiff(int64(len(b.Values)), int64(e.Rows)) {
			best = i
		}
	}
	return best
}

// why explains the choice of l for e; n label sets had the right count.
func why(e *Tensor, l *Labels, n int) string {
	var reasons []string
	if l.Step == e.Step {
		reasons = append(reasons, "same step")
	} else {
		reasons = append(reasons, fmt.Sprintf("step %d, the nearest with that count", l.Step))
	}
	if sameStem(e.Tag, l.Tag) {
		reasons = append(reasons, "same tag stem")
	}
	s := fmt.Sprintf("labels from text `%s` (step %d) for embedding `%s` (step %d): %d rows each, %s",
		l.Tag, l.Step, e.Tag, e.Step, e.Rows, strings.Join(reasons, ", "))
	if n > 1 {
		s += fmt.Sprintf("; %d other text summaries also have %d rows", n-1, e.Rows)
	}
	return s
}

// stemSuffixes are tag endings that name the role, not the data.
var stemSuffixes = []string{"text_summary", "embeddings", "embedding", "vectors", "labels", "label",
	"metadata", "names", "text", "emb", "vecs"}

// stem is a tag without its last path element (when it has several) or without a
// role suffix such as "_labels", lower-cased; "" when nothing is left.
func stem(tag string) string {
	t := strings.ToLower(tag)
	if i := strings.LastIndexByte(t, '/'); i > 0 {
		return t[:i]
	}
	for _, suf := range stemSuffixes {
		if strings.HasSuffix(t, suf) {
			t = strings.TrimRight(strings.TrimSuffix(t, suf), "_-. ")
			break
		}
	}
	return t
}

// sameStem reports whether two tags name the same thing by their stems.
func sameStem(a, b string) bool {
	sa := stem(a)
	return sa != "" && sa == stem(b)
}

func absDiff(a, b int64) uint64 {
	if a > b {
		return uint64(a) - uint64(b)
	}
	return uint64(b) - uint64(a)
}
