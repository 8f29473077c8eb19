package reduce

import (
	"errors"
	"fmt"
)

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
