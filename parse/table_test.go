package parse

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// A quoted CSV larger than prefixSize is read through encoding/csv from its ReaderAt
// (openRecords' streamed CSV branch) and gives what the same file in memory gives.
func TestStreamedQuotedCSV(t *testing.T) {
	var b strings.Builder
	b.WriteString("name,x,y,z\n")
	for i := 0; i < 60000; i++ {
		fmt.Fprintf(&b, "\"w \"\"%d\"\"\",0.%d,1.%d,-%d\n", i, i, i%97, i%13)
	}
	f := File{Name: "e.csv", Data: []byte(b.String())}
	want, wrep := Load([]File{f}, Options{})
	got, grep := Load([]File{asReaderAt(f)}, Options{})
	if want == nil || got == nil {
		t.Fatalf("in memory %v, streamed %v", wrep.Diagnostics, grep.Diagnostics)
	}
	if got.N != 60000 || got.D != 3 || got.N != want.N || !slices.Equal(got.Vectors, want.Vectors) || !slices.Equal(got.Rows, want.Rows) {
		t.Fatalf("streamed %d×%d, in memory %d×%d (or values differ)", got.N, got.D, want.N, want.D)
	}
	if len(got.Columns) != len(want.Columns) || len(got.Columns) == 0 || !slices.Equal(got.Columns[0].Values, want.Columns[0].Values) || got.Columns[0].Values[1] != `w "1"` {
		t.Fatalf("labels: streamed %v, in memory %v", got.Columns, want.Columns)
	}
}

// A list column's rows of another length are ragged against the first row's length,
// and a bad list is non-numeric; neither is kept.
func TestListColumnRaggedAndBad(t *testing.T) {
	// The bad rows come after the sample (64 lines), where a bad list would make the column text.
	data := "name,emb\n" + strings.Repeat("a,\"[1, 2, 3]\"\n", 70) + "b,\"[4, 5]\"\nc,\"[7, x, 9]\"\nd,\"[1, 2, 3]\"\n"
	ds, rep := Load([]File{{Name: "e.csv", Data: []byte(data)}}, Options{})
	if ds != nil {
		t.Fatalf("loaded %d×%d", ds.N, ds.D)
	}
	var ragged, nonNum bool
	for _, d := range rep.Diagnostics {
		switch d.Code {
		case CodeRaggedRow:
			ragged = d.Line == 72 && strings.Contains(d.Message, "has 2 fields where the others have 3")
		case CodeNonNumeric:
			nonNum = d.Line == 73 && d.Column == 2
		}
	}
	if !ragged || !nonNum {
		t.Fatalf("want ragged line 72 (2 of 3) and non-numeric line 73 column 2: %+v", rep.Diagnostics)
	}
}
