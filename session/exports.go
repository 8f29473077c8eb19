package session

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/embproj/projector/session/export"
)

// Exports: the bytes of the files the page offers for download, written by
// session/export from what is shown. Rows are always rows of the file the
// data came from (0-based), also while a subset is isolated.

// ExportKind names an export.
type ExportKind string

// The exports.
const (
	ExportTSV        ExportKind = "tsv"        // layout and metadata, tab-separated
	ExportCSV        ExportKind = "csv"        // layout and metadata, comma-separated
	ExportNPY        ExportKind = "npy"        // layout alone, float32 (points, dims)
	ExportNeighbours ExportKind = "neighbours" // the neighbour list of the selected point, TSV
	ExportView       ExportKind = "view"       // the view state, JSON
	ExportPNG        ExportKind = "png"        // the canvas (drawn by the page; FileName only)
)

// exportTypes are the MIME types of the exports.
var exportTypes = map[ExportKind]string{
	ExportTSV: "text/tab-separated-values", ExportCSV: "text/csv", ExportNPY: "application/octet-stream",
	ExportNeighbours: "text/tab-separated-values", ExportView: "application/json",
}

// Export returns the file of kind for download: its name, MIME type and
// bytes. selectionOnly limits the tables and the .npy to the selected points
// (in row order); it is an error when nothing is selected.
func (s *Session) Export(kind ExportKind, selectionOnly bool) (name, mime string, data []byte, err error) {
	if s.data == nil {
		return "", "", nil, fmt.Errorf("no data to export")
	}
	var b bytes.Buffer
	switch kind {
	case ExportTSV, ExportCSV, ExportNPY:
		t, err := s.exportTable(selectionOnly)
		if err != nil {
			return "", "", nil, err
		}
		switch kind {
		case ExportTSV:
			err = export.WriteTable(&b, t, '\t')
		case ExportCSV:
			err = export.WriteTable(&b, t, ',')
		default:
			err = export.WriteNPY(&b, t)
		}
		if err != nil {
			return "", "", nil, err
		}
	case ExportNeighbours:
		if err := s.exportNeighbours(&b); err != nil {
			return "", "", nil, err
		}
	case ExportView:
		st, err := s.State()
		if err != nil {
			return "", "", nil, err
		}
		j, err := json.MarshalIndent(st, "", " ")
		if err != nil {
			return "", "", nil, fmt.Errorf("encoding the view: %w", err)
		}
		b.Write(append(j, '\n'))
	default:
		return "", "", nil, fmt.Errorf("export %q: want tsv, csv, npy, neighbours or view", kind)
	}
	return s.FileName(kind, selectionOnly), exportTypes[kind], b.Bytes(), nil
}

// exportTable is the shown layout with every metadata column, and the
// projection quality of every point (recall@10) when it was computed for
// this layout.
func (s *Session) exportTable(selectionOnly bool) (export.Table, error) {
	t := export.Table{Dims: s.layoutDims, Coords: s.Positions()}
	if t.Coords == nil || t.Dims == 0 {
		return t, fmt.Errorf("nothing is projected yet")
	}
	for i, c := range s.data.Columns {
		t.Columns = append(t.Columns, export.Column{Name: columnName(c, i), Values: c.Values})
	}
	if q := s.QualityValues(); q != nil {
		// The projection quality of the layout shown, when it was computed.
		vals := make([]string, len(q))
		for i, v := range q {
			vals[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		t.Columns = append(t.Columns, export.Column{Name: fmt.Sprintf("recall@%d", s.qualityK()), Values: vals})
	}
	if s.iso != nil {
		t.Index = make([]int, len(s.iso.rows))
		for k, r := range s.iso.rows {
			t.Index[k] = int(r)
		}
	}
	if selectionOnly {
		if len(s.insp.selList) == 0 {
			return t, fmt.Errorf("nothing is selected")
		}
		t.Rows = make([]int, len(s.insp.selList))
		for k, r := range s.insp.selList {
			t.Rows[k] = int(r)
		}
	}
	return t, nil
}

// exportNeighbours writes the neighbour list of the single selected point.
func (s *Session) exportNeighbours(b *bytes.Buffer) error {
	rows, dist := s.Neighbours()
	if len(s.insp.selList) != 1 || rows == nil {
		return fmt.Errorf("select one point and wait for its neighbours to export them")
	}
	list := make([]export.Neighbour, len(rows))
	for k, r := range rows {
		list[k] = export.Neighbour{Index: s.fullRow(int(r)), Label: s.labelText(int(r)), Distance: dist[k]}
	}
	return export.WriteNeighbours(b, list)
}

// labelText is point i's value in the label column, as it is (empty
// labels stay empty), or its row number when there is no metadata.
func (s *Session) labelText(i int) string {
	if c := s.labelColumn(); c >= 0 {
		return s.data.Columns[c].Values[i]
	}
	return fmt.Sprint(s.fullRow(i))
}

// FileName names a download of kind after the tensor file and what it
// holds: "digits_tensors-tsne.tsv", "vectors-pca-selection.npy",
// "wine-pca-standardized.csv" (standardised dimensions),
// "vectors-neighbours-of-12.tsv", "vectors-view.json", "vectors-pca.png".
func (s *Session) FileName(kind ExportKind, selectionOnly bool) string {
	if s.data == nil {
		return "projection." + string(kind)
	}
	base := strings.TrimSuffix(path.Base(s.data.TensorFile), path.Ext(s.data.TensorFile))
	if base == "" || base == "." || base == "/" {
		base = "projection"
	}
	switch kind {
	case ExportView:
		return base + "-view.json"
	case ExportNeighbours:
		if len(s.insp.selList) == 1 {
			return fmt.Sprintf("%s-neighbours-of-%d.tsv", base, s.fullRow(int(s.insp.selList[0])))
		}
		return base + "-neighbours.tsv"
	}
	name := base + "-" + string(s.set.Method)
	if s.set.Standardize {
		name += "-standardized"
	}
	if selectionOnly && kind != ExportPNG {
		name += "-selection"
	}
	return name + "." + string(kind)
}
