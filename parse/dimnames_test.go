package parse

import (
	"slices"
	"testing"
)

// A text tensor whose header names its columns keeps the names of the
// dimensions (the label column is metadata); without a header there are none.
func TestDimNamesFromTheHeader(t *testing.T) {
	ds, rep := Load([]File{{Name: "t.csv", Data: []byte("label,x,y,f1\na,1.5,2.5,3\nb,4.5,5.5,6\nc,7.5,8.5,9\n")}}, Options{})
	if ds == nil || rep.Blocking() {
		t.Fatalf("not loaded: %v", rep.Diagnostics)
	}
	if !slices.Equal(ds.DimNames, []string{"x", "y", "f1"}) || ds.D != 3 {
		t.Errorf("dimension names %q of %d dimensions", ds.DimNames, ds.D)
	}
	ds, _ = Load([]File{{Name: "t.tsv", Data: []byte("1\t2\n3\t4\n5\t6\n")}}, Options{})
	if ds == nil || ds.DimNames != nil {
		t.Errorf("a tensor without a header has names %q", ds.DimNames)
	}
}
