package reduce

import (
	"errors"
	"fmt"
)

// Stepper is what PCA, KNN, TSNE and UMAP have in common: an incremental
// run that a caller (the page's worker, the CLI) drives the same way
// whichever algorithm it is:
//
//	for !s.Step() {
//		name, frac := s.Stage() // e.g. to show "neighbours 40%"
//		...
//	}
//	if err := s.Err(); err != nil { ... }
//
// Step does a bounded amount of work (the configuration's StepWork, a few
// milliseconds in js/wasm) and reports whether the run is complete; after
// that it does nothing and keeps reporting true. Progress is the share of
// the whole run done, in [0, 1], non-decreasing, exactly 1 once Step has
// reported true. Stage names the stage under way, with the share of it done
// in [0, 1]: "pca", "neighbours", "calibrating", "symmetrising",
// "iterating" (t-SNE), "fuzzy-set", "optimizing" (UMAP), and "done" at the
// end. Err reports why a finished run has no usable result (nil when it
// has one): ErrNotConstructed for a zero value.
type Stepper interface {
	Step() (done bool)
	Progress() float64
	Stage() (name string, frac float64)
	Err() error
}

var (
	_ Stepper = (*PCA)(nil)
	_ Stepper = (*KNN)(nil)
	_ Stepper = (*TSNE)(nil)
	_ Stepper = (*UMAP)(nil)
)

// StageDone is the name Stage returns once a run is complete.
const StageDone = "done"

// ErrNotConstructed is wrapped by the error that Err returns on the zero
// value of PCA, KNN, TSNE or UMAP: those are made by NewPCA, NewKNN, NewTSNE
// and NewUMAP. A zero value is an empty run whose Step reports done at once.
var ErrNotConstructed = errors.New("not constructed")

// copyTo copies src into dst, allocating when cap(dst) < len(src), and
// returns dst resliced to len(src): the destination-passing form of the
// accessors (as gonum's VectorsTo), for callers that keep a result the
// algorithm may overwrite.
func copyTo[T any](dst, src []T) []T {
	if cap(dst) < len(src) {
		dst = make([]T, len(src))
	}
	dst = dst[:len(src)]
	copy(dst, src)
	return dst
}

// notConstructed returns the error of a zero value of the named type.
func notConstructed(typ string) error {
	return fmt.Errorf("reduce: zero %s: %w; use New%s", typ, ErrNotConstructed, typ)
}
