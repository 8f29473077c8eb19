package reduce

import (
	"errors"
	"fmt"
)

// ErrNotConstructed is wrapped by the error that Err returns on the zero
// value of PCA, KNN, TSNE or UMAP: those are made by NewPCA, NewKNN, NewTSNE
// and NewUMAP. A zero value is an empty run whose Step reports done at once.
var ErrNotConstructed = errors.New("not constructed")

// notConstructed returns the error of a zero value of the named type.
func notConstructed(typ string) error {
	return fmt.Errorf("reduce: zero %s: %w; use New%s", typ, ErrNotConstructed, typ)
}
