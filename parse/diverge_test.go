package parse

import (
	"fmt"
	"strings"
	"testing"
)

// tensorTSV writes n rows of d values; row i's dimension k is i*10+k+0.5.
func tensorTSV(n, d int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			if k > 0 {
				b.WriteByte('\t')
			}
			fmt.Fprintf(&b, "%g", float64(i*10+k)+0.5)
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// countMismatch loads the files and returns the count-mismatch diagnostic.
func countMismatch(t *testing.T, files ...File) Diagnostic {
	t.Helper()
	_, rep := Load(files, Options{})
	for _, d := range rep.Diagnostics {
		if d.Code == CodeCountMismatch {
			return d
		}
	}
	t.Fatalf("no count-mismatch in %+v", rep.Diagnostics)
	return Diagnostic{}
}

// A metadata id column that skips one id says where the rows part ways, and
// no "first N" fix is offered.
func TestCountMismatchIDGap(t *testing.T) {
	var meta strings.Builder
	meta.WriteString("id\tword\n")
	for i := 0; i < 100; i++ {
		if i != 42 {
			fmt.Fprintf(&meta, "%d\tw%d\n", i, i)
		}
	}
	d := countMismatch(t, File{Name: "v.tsv", Data: tensorTSV(100, 3)}, File{Name: "m.tsv", Data: []byte(meta.String())})
	if d.Severity != Error || d.Action != "" || d.File != "m.tsv" || d.Line != 44 {
		t.Errorf("%+v: want an error without action at m.tsv line 44 (id 43; line 1 is the header)", d)
	}
	for _, want := range []string{"part ways at point 43", `"id" goes from 41 to 43`, "another point's label"} {
		if !strings.Contains(d.Message, want) {
			t.Errorf("message %q lacks %q", d.Message, want)
		}
	}
}

// A metadata column that repeats a tensor dimension until a row is missing
// says where they stop agreeing.
func TestCountMismatchCopiedColumn(t *testing.T) {
	var meta strings.Builder
	meta.WriteString("x\tword\n")
	for i := 0; i < 60; i++ {
		if i != 50 {
			fmt.Fprintf(&meta, "%g\tw%d\n", float64(i*10+1)+0.5, i) // the tensor's dimension 2
		}
	}
	d := countMismatch(t, File{Name: "v.tsv", Data: tensorTSV(60, 3)}, File{Name: "m.tsv", Data: []byte(meta.String())})
	if d.Action != "" || d.Line != 52 || !strings.Contains(d.Message, "dimension 2 on lines 2–51 but not on line 52") {
		t.Errorf("%+v: want the parting at line 52 (row 51; line 1 is the header) found through dimension 2", d)
	}
}

// With nothing to tell where rows are missing, the first-N fix is offered
// and says what it assumes, and applying it says so again.
func TestCountMismatchFirstNAssumesTheEnd(t *testing.T) {
	var meta strings.Builder
	for i := 0; i < 9; i++ {
		fmt.Fprintf(&meta, "w%d\n", i)
	}
	files := []File{{Name: "v.tsv", Data: tensorTSV(12, 3)}, {Name: "m.tsv", Data: []byte(meta.String())}}
	d := countMismatch(t, files...)
	if d.Action != "firstN=9" || !strings.Contains(d.Fix, "missing rows are at the end") {
		t.Errorf("%+v: want the firstN=9 fix with its assumption", d)
	}
	opts, err := Options{}.Apply(d.Action)
	if err != nil {
		t.Fatal(err)
	}
	ds, rep := Load(files, opts)
	if ds == nil || ds.N != 9 {
		t.Fatalf("with %s: %+v", d.Action, rep.Diagnostics)
	}
	if d := find(rep, CodeCountMismatch); d == nil || !strings.Contains(d.Message, "missing from the shorter file are at its end") {
		t.Errorf("applied first N: %+v", d)
	}
}
