// Package export writes what the projector shows in file formats other tools
// read: the layout with its metadata as TSV or CSV, the layout alone as a
// NumPy .npy file, and a neighbour list as TSV. It holds no state and imports
// nothing of the browser; the page hands the bytes to a download.
//
// Text quoting (TSV and CSV alike, RFC 4180 with the separator of the
// format): a field is written between double quotes when it contains the
// separator (a tab for TSV, a comma for CSV), a double quote, a carriage
// return or a line feed, or begins with a space or a tab; a double quote
// inside a quoted field is doubled. Every other field is written as it is.
// Go's encoding/csv (Comma set to '\t' for TSV), Python's csv module and
// pandas.read_csv (sep="\t" for TSV) read such files back field for field
// (encoding/csv turns a CR LF inside a quoted field into LF). Lines end in
// LF. Coordinates are written in the shortest decimal form that reads back
// as the same float32.
package export

import (
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Column is one metadata column: its name and one value per point.
type Column struct {
	Name   string
	Values []string
}

// Table is a layout with its metadata.
type Table struct {
	// Dims is the layout dimension (2 or 3); Coords holds n×Dims float32
	// values, row-major (point i is Coords[i*Dims:(i+1)*Dims]).
	Dims   int
	Coords []float32
	// Columns are the metadata columns, each with n values (may be empty).
	Columns []Column
	// Rows lists the points to write, in order (indices into Coords and
	// the columns); nil writes every point.
	Rows []int
	// Index, when set, is the number written in the "index" column for
	// point i (Index[i]: a row of the file the data came from); nil
	// writes i itself.
	Index []int
}

// AxisNames are the header names of the coordinate columns.
var AxisNames = [3]string{"x", "y", "z"}

// points returns the number of points of the table (n), checking its shape.
func (t Table) points() (int, error) {
	if t.Dims < 1 || t.Dims > len(AxisNames) {
		return 0, fmt.Errorf("export: layout dimension %d: want 1 to %d", t.Dims, len(AxisNames))
	}
	if len(t.Coords)%t.Dims != 0 {
		return 0, fmt.Errorf("export: %d coordinates are not a whole number of %d-D points", len(t.Coords), t.Dims)
	}
	n := len(t.Coords) / t.Dims
	for _, c := range t.Columns {
		if len(c.Values) != n {
			return 0, fmt.Errorf("export: column %q has %d values for %d points", c.Name, len(c.Values), n)
		}
	}
	if t.Index != nil && len(t.Index) != n {
		return 0, fmt.Errorf("export: %d index values for %d points", len(t.Index), n)
	}
	for _, r := range t.Rows {
		if r < 0 || r >= n {
			return 0, fmt.Errorf("export: row %d out of range [0, %d)", r, n)
		}
	}
	return n, nil
}

// rows returns the points to write.
func (t Table) rows(n int) []int {
	if t.Rows != nil {
		return t.Rows
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	return all
}

// Len is the number of points written.
func (t Table) Len() int {
	if t.Rows != nil {
		return len(t.Rows)
	}
	if t.Dims < 1 {
		return 0
	}
	return len(t.Coords) / t.Dims
}

// FormatFloat32 writes v in the shortest decimal form that parses back to
// the same float32 ("NaN", "+Inf" and "-Inf" for the non-finite).
func FormatFloat32(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }

// WriteTable writes t as text with sep between fields ('\t' for TSV, ','
// for CSV): a header line "index", "x", "y"[, "z"], then the column names,
// and one line per point: its index, its coordinates, its metadata values.
func WriteTable(w io.Writer, t Table, sep rune) error {
	n, err := t.points()
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = sep
	rec := make([]string, 0, 1+t.Dims+len(t.Columns))
	rec = append(rec, "index")
	rec = append(rec, AxisNames[:t.Dims]...)
	for _, c := range t.Columns {
		rec = append(rec, c.Name)
	}
	if err := cw.Write(rec); err != nil {
		return fmt.Errorf("export: writing the header: %w", err)
	}
	for _, i := range t.rows(n) {
		rec = rec[:0]
		idx := i
		if t.Index != nil {
			idx = t.Index[i]
		}
		rec = append(rec, strconv.Itoa(idx))
		for a := 0; a < t.Dims; a++ {
			rec = append(rec, FormatFloat32(t.Coords[i*t.Dims+a]))
		}
		for _, c := range t.Columns {
			rec = append(rec, c.Values[i])
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("export: writing point %d: %w", idx, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// NPYHeader returns the header of a NumPy .npy file (format version 1.0)
// holding a C-order little-endian float32 array of the given shape: the
// magic "\x93NUMPY", the version, the header length and the header
// dictionary, padded with spaces and ended by a line feed so that the data
// begin at a multiple of 64 bytes.
func NPYHeader(shape ...int) []byte {
	dims := ""
	for _, d := range shape {
		dims += strconv.Itoa(d) + ", "
	}
	if len(shape) > 1 {
		dims = dims[:len(dims)-2] // (n, d); a 1-D shape keeps its comma: (n,)
	} else if len(shape) == 1 {
		dims = dims[:len(dims)-1]
	}
	dict := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", dims)
	const prefix = 10 // magic (6), version (2), header length (2)
	total := (prefix + len(dict) + 1 + 63) / 64 * 64
	h := make([]byte, prefix, total)
	copy(h, "\x93NUMPY\x01\x00")
	binary.LittleEndian.PutUint16(h[8:], uint16(total-prefix))
	h = append(h, dict...)
	for len(h) < total-1 {
		h = append(h, ' ')
	}
	return append(h, '\n')
}

// WriteNPY writes the coordinates of t's points (t.Rows, or every point)
// as a .npy file: a float32 array of shape (points, Dims), little-endian,
// C order. The metadata are not written.
func WriteNPY(w io.Writer, t Table) error {
	n, err := t.points()
	if err != nil {
		return err
	}
	rows := t.rows(n)
	if _, err := w.Write(NPYHeader(len(rows), t.Dims)); err != nil {
		return fmt.Errorf("export: writing the .npy header: %w", err)
	}
	buf := make([]byte, 0, 64<<10)
	for _, i := range rows {
		for _, v := range t.Coords[i*t.Dims : (i+1)*t.Dims] {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
		if len(buf) >= 60<<10 {
			if _, err := w.Write(buf); err != nil {
				return fmt.Errorf("export: writing the .npy data: %w", err)
			}
			buf = buf[:0]
		}
	}
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("export: writing the .npy data: %w", err)
	}
	return nil
}

// Neighbour is one entry of a neighbour list.
type Neighbour struct {
	Index    int     // the point's row in the data (0-based)
	Label    string  // its label
	Distance float32 // its distance to the point the list is of
}

// WriteNeighbours writes a neighbour list as TSV with the header "rank",
// "index", "label", "distance": one line per neighbour, nearest first, rank
// counting from 1; labels are quoted as WriteTable quotes fields.
func WriteNeighbours(w io.Writer, list []Neighbour) error {
	cw := csv.NewWriter(w)
	cw.Comma = '\t'
	if err := cw.Write([]string{"rank", "index", "label", "distance"}); err != nil {
		return fmt.Errorf("export: writing the header: %w", err)
	}
	for k, nb := range list {
		if err := cw.Write([]string{strconv.Itoa(k + 1), strconv.Itoa(nb.Index), nb.Label, FormatFloat32(nb.Distance)}); err != nil {
			return fmt.Errorf("export: writing neighbour %d: %w", k+1, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
