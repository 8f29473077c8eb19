package export

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// awkward are labels that break naive TSV/CSV writers.
var awkward = []string{"plain", "tab\there", "line\nbreak", `a "quoted" word`, "comma, too", "", " leading space", "trailing\r", "ünïcødé 😀", `\.`}

func awkwardTable() Table {
	n := len(awkward)
	t := Table{Dims: 2, Coords: make([]float32, 2*n)}
	for i := range t.Coords {
		t.Coords[i] = float32(i)*0.1 - 0.35 // not exact in decimal
	}
	t.Coords[3] = math.SmallestNonzeroFloat32
	t.Coords[4] = math.MaxFloat32
	other := make([]string, n)
	for i := range other {
		other[i] = strconv.Itoa(i * i)
	}
	t.Columns = []Column{{Name: "label\tname", Values: awkward}, {Name: "square", Values: other}}
	return t
}

func readBack(t *testing.T, b []byte, sep rune) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = sep
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("reading the export back: %v\n%s", err, b)
	}
	return recs
}

func TestTableRoundTrip(t *testing.T) {
	for _, sep := range []rune{'\t', ','} {
		tab := awkwardTable()
		var b bytes.Buffer
		if err := WriteTable(&b, tab, sep); err != nil {
			t.Fatal(err)
		}
		recs := readBack(t, b.Bytes(), sep)
		want := []string{"index", "x", "y", "label\tname", "square"}
		if strings.Join(recs[0], "|") != strings.Join(want, "|") {
			t.Fatalf("sep %q header %q, want %q", sep, recs[0], want)
		}
		if len(recs) != 1+len(awkward) {
			t.Fatalf("sep %q: %d records, want %d", sep, len(recs), 1+len(awkward))
		}
		for i, rec := range recs[1:] {
			if rec[0] != strconv.Itoa(i) {
				t.Errorf("row %d index %q", i, rec[0])
			}
			for a := 0; a < 2; a++ {
				v, err := strconv.ParseFloat(rec[1+a], 32)
				if err != nil || float32(v) != tab.Coords[2*i+a] {
					t.Errorf("sep %q row %d coordinate %d: %q reads as %v, want %v (%v)", sep, i, a, rec[1+a], float32(v), tab.Coords[2*i+a], err)
				}
			}
			if rec[3] != awkward[i] {
				t.Errorf("sep %q row %d label %q, want %q", sep, i, rec[3], awkward[i])
			}
			if rec[4] != strconv.Itoa(i*i) {
				t.Errorf("sep %q row %d second column %q", sep, i, rec[4])
			}
		}
	}
}

func TestTSVQuotesOnlyWhatNeedsIt(t *testing.T) {
	tab := Table{Dims: 2, Coords: []float32{1, 2, 3, 4}, Columns: []Column{{Name: "label", Values: []string{"cat, dog", "a\tb"}}}}
	var b bytes.Buffer
	if err := WriteTable(&b, tab, '\t'); err != nil {
		t.Fatal(err)
	}
	want := "index\tx\ty\tlabel\n0\t1\t2\tcat, dog\n1\t3\t4\t\"a\tb\"\n"
	if b.String() != want {
		t.Errorf("TSV\n%q\nwant\n%q", b.String(), want)
	}
}

func TestTableRowsAndIndex(t *testing.T) {
	tab := Table{Dims: 3, Coords: []float32{0, 0, 0, 1, 1, 1, 2, 2, 2}, Rows: []int{2, 0}, Index: []int{10, 20, 30},
		Columns: []Column{{Name: "c", Values: []string{"a", "b", "c"}}}}
	var b bytes.Buffer
	if err := WriteTable(&b, tab, ','); err != nil {
		t.Fatal(err)
	}
	want := "index,x,y,z,c\n30,2,2,2,c\n10,0,0,0,a\n"
	if b.String() != want {
		t.Errorf("CSV %q, want %q", b.String(), want)
	}
	if tab.Len() != 2 {
		t.Errorf("Len %d, want 2", tab.Len())
	}
}

func TestTableShapeErrors(t *testing.T) {
	for name, tab := range map[string]Table{
		"dims 0":       {Dims: 0, Coords: []float32{1}},
		"ragged":       {Dims: 2, Coords: []float32{1, 2, 3}},
		"short column": {Dims: 2, Coords: []float32{1, 2, 3, 4}, Columns: []Column{{Name: "c", Values: []string{"a"}}}},
		"row range":    {Dims: 2, Coords: []float32{1, 2}, Rows: []int{1}},
		"index length": {Dims: 2, Coords: []float32{1, 2}, Index: []int{1, 2}},
	} {
		if err := WriteTable(&bytes.Buffer{}, tab, '\t'); err == nil {
			t.Errorf("%s: no error", name)
		}
		if err := WriteNPY(&bytes.Buffer{}, tab); err == nil {
			t.Errorf("%s: no .npy error", name)
		}
	}
}

// parseNPY reads a version 1.0 .npy file the way numpy.lib.format does.
func parseNPY(t *testing.T, b []byte) (descr string, fortran bool, shape []int, data []float32) {
	t.Helper()
	if len(b) < 10 || string(b[:8]) != "\x93NUMPY\x01\x00" {
		t.Fatalf("not a .npy 1.0 file: % x", b[:min(len(b), 10)])
	}
	hl := int(binary.LittleEndian.Uint16(b[8:10]))
	if (10+hl)%64 != 0 {
		t.Errorf("data start at %d, not a multiple of 64", 10+hl)
	}
	header := string(b[10 : 10+hl])
	if !strings.HasSuffix(header, "\n") {
		t.Errorf("header does not end in a line feed: %q", header)
	}
	m := regexp.MustCompile(`^\{'descr': '([^']*)', 'fortran_order': (True|False), 'shape': \(([0-9, ]*)\), \} *\n$`).FindStringSubmatch(header)
	if m == nil {
		t.Fatalf("header %q is not a numpy dict", header)
	}
	for _, f := range strings.Split(m[3], ",") {
		if f = strings.TrimSpace(f); f != "" {
			v, _ := strconv.Atoi(f)
			shape = append(shape, v)
		}
	}
	raw := b[10+hl:]
	if len(raw)%4 != 0 {
		t.Fatalf("%d data bytes", len(raw))
	}
	for k := 0; k < len(raw); k += 4 {
		data = append(data, math.Float32frombits(binary.LittleEndian.Uint32(raw[k:])))
	}
	return m[1], m[2] == "True", shape, data
}

func TestNPY(t *testing.T) {
	tab := awkwardTable()
	tab.Rows = []int{4, 1, 7}
	var b bytes.Buffer
	if err := WriteNPY(&b, tab); err != nil {
		t.Fatal(err)
	}
	descr, fortran, shape, data := parseNPY(t, b.Bytes())
	if descr != "<f4" || fortran || len(shape) != 2 || shape[0] != 3 || shape[1] != 2 {
		t.Fatalf("descr %q fortran %v shape %v", descr, fortran, shape)
	}
	for k, i := range tab.Rows {
		for a := 0; a < 2; a++ {
			if data[2*k+a] != tab.Coords[2*i+a] {
				t.Errorf("value (%d, %d) = %v, want %v", k, a, data[2*k+a], tab.Coords[2*i+a])
			}
		}
	}
}

func TestNPYHeaderPadding(t *testing.T) {
	for _, shape := range [][]int{{0, 2}, {1, 3}, {1797, 2}, {1234567890, 3}, {5}} {
		h := NPYHeader(shape...)
		if len(h)%64 != 0 {
			t.Errorf("shape %v: header of %d bytes", shape, len(h))
		}
		_, _, got, _ := parseNPY(t, h)
		if len(got) != len(shape) {
			t.Errorf("shape %v read back as %v", shape, got)
			continue
		}
		for i := range got {
			if got[i] != shape[i] {
				t.Errorf("shape %v read back as %v", shape, got)
			}
		}
	}
	if h := string(NPYHeader(5)); !strings.Contains(h, "'shape': (5,)") {
		t.Errorf("1-D shape written %q, want the tuple (5,)", h)
	}
}

func TestNeighbours(t *testing.T) {
	list := []Neighbour{{Index: 7, Label: "seven", Distance: 0.125}, {Index: 3, Label: "tab\tand\nline", Distance: 0.3}}
	var b bytes.Buffer
	if err := WriteNeighbours(&b, list); err != nil {
		t.Fatal(err)
	}
	recs := readBack(t, b.Bytes(), '\t')
	if len(recs) != 3 || strings.Join(recs[0], ",") != "rank,index,label,distance" {
		t.Fatalf("records %q", recs)
	}
	for k, nb := range list {
		rec := recs[1+k]
		d, err := strconv.ParseFloat(rec[3], 32)
		if rec[0] != strconv.Itoa(k+1) || rec[1] != strconv.Itoa(nb.Index) || rec[2] != nb.Label || err != nil || float32(d) != nb.Distance {
			t.Errorf("neighbour %d written as %q", k, rec)
		}
	}
}
