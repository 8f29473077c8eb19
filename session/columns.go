package session

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/embproj/projector/parse"
)

// Precomputed projections: metadata columns named like coordinates (x, y,
// z; umap_1, umap_2; tsne-2d-one, tsne-2d-two; pca-0, pca-1; PC1, PC2; …)
// and holding numbers, or else such dimensions of a text tensor whose header
// named them, are offered as the projection method "columns", which shows
// exactly those values as the layout.

// MethodColumns shows metadata columns as the layout.
const MethodColumns Method = "columns"

// axisTokens are the spellings of the first three axes, in order.
var axisTokens = [][3]string{{"x", "y", "z"}, {"1", "2", "3"}, {"0", "1", "2"}, {"one", "two", "three"}}

// projectionWords are the words a coordinate column's prefix names its
// projection by (a bare x, y, z needs none).
var projectionWords = []string{"umap", "tsne", "t-sne", "pca", "pc", "mds", "isomap", "svd", "lda", "ica",
	"phate", "trimap", "pacmap", "coord", "proj", "embedding", "emb", "component", "comp", "dim", "axis", "pos"}

// CoordinateColumns returns the 0-based metadata columns that hold a
// precomputed 2D or 3D layout, in axis order, or nil: two or three columns
// whose names are one prefix followed by the first two or three axis tokens
// (x y z, 1 2 3, 0 1 2 or one two three; case and the separators - _ . and
// space ignored), the prefix empty only for x, y, z and otherwise naming a
// projection (umap, tsne, pca, pc, …), and whose values are all finite
// numbers. values[c] are the values of column c. With several such groups
// the first three-column one wins, else the first.
func CoordinateColumns(names []string, values [][]string) []int {
	return CoordinateNames(names, func(c int) bool { return numericColumn(values[c]) })
}

// CoordinateNames is CoordinateColumns with numeric(c) saying whether column
// c holds only finite numbers.
func CoordinateNames(names []string, numeric func(c int) bool) []int {
	index := map[string]int{}
	for c, n := range names {
		if _, dup := index[normalName(n)]; !dup {
			index[normalName(n)] = c
		}
	}
	var best []int
	for c, n := range names {
		for _, toks := range axisTokens {
			prefix, ok := strings.CutSuffix(normalName(n), toks[0])
			if !ok || index[normalName(n)] != c || !projectionPrefix(prefix, toks[0] == "x") {
				continue
			}
			group := []int{c}
			for _, t := range toks[1:] {
				k, ok := index[prefix+t]
				if !ok || !numeric(k) {
					break
				}
				group = append(group, k)
			}
			if len(group) < 2 || !numeric(c) {
				continue
			}
			if len(group) > len(best) {
				best = group
			}
		}
	}
	return best
}

// normalName lower-cases a column name and drops its separators.
func normalName(n string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', '.', ' ':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(n)))
}

// projectionPrefix reports whether p (normalised) may prefix axis names:
// empty for x, y, z, else holding a projection word.
func projectionPrefix(p string, xyz bool) bool {
	if p == "" {
		return xyz
	}
	for _, w := range projectionWords {
		if strings.Contains(p, normalName(w)) {
			return true
		}
	}
	return false
}

// numericColumn reports whether every value is a finite number.
func numericColumn(vals []string) bool {
	if len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > math.MaxFloat32 {
			return false
		}
	}
	return true
}

// coordinateColumns are the shown data's precomputed layout columns (nil
// when they have none): metadata columns, or else dimensions of the tensor
// named by its header (coords.dims).
func (s *Session) coordinateColumns() []int {
	if s.data == nil {
		return nil
	}
	if s.coords.of != s.data {
		values := make([][]string, len(s.data.Columns))
		for c, col := range s.data.Columns {
			values[c] = col.Values
		}
		s.coords = coordCache{of: s.data, cols: CoordinateColumns(s.ColumnNames(), values)}
		if s.coords.cols == nil && s.data.DimNames != nil {
			s.coords.cols = CoordinateNames(s.data.DimNames, func(int) bool { return true }) // finite, parse checked
			s.coords.dims = s.coords.cols != nil
		}
	}
	return s.coords.cols
}

// coordCache is coordinateColumns of one dataset.
type coordCache struct {
	of   *parse.Dataset
	cols []int
	dims bool // cols are dimensions of the vectors, not metadata columns
}

// showColumns makes the precomputed columns the layout, or says why not.
func (s *Session) showColumns() error {
	cols := s.coordinateColumns()
	if cols == nil {
		return fmt.Errorf("method columns: no 2 or 3 numeric metadata columns are named like coordinates (x, y, z; umap_1, umap_2; tsne-2d-one, …)")
	}
	if s.run != nil {
		s.run.SetRunning(false) // kept, to resume when t-SNE is shown again
	}
	s.set.Method = MethodColumns
	n, dims := s.data.N, len(cols)
	s.layout, s.layoutDims, s.layoutOwned, s.layoutStale = make([]float32, n*dims), dims, true, false
	for a, c := range cols {
		if s.coords.dims {
			for i := 0; i < n; i++ {
				s.layout[i*dims+a] = s.data.Vectors[i*s.data.D+c]
			}
			continue
		}
		for i, v := range s.data.Columns[c].Values {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64) // checked by CoordinateColumns
			s.layout[i*dims+a] = float32(f)
		}
	}
	return nil
}

// columnsSentence describes the precomputed layout shown.
func (s *Session) columnsSentence(size, colour, warn string) string {
	names := s.ColumnNames()
	if s.coords.dims {
		names = s.data.DimNames
	}
	var axes []string
	for _, c := range s.coordinateColumns() {
		axes = append(axes, names[c])
	}
	return fmt.Sprintf("%s: %s, drawn at the precomputed coordinates %s.%s %s%s",
		s.status.Source, size, strings.Join(axes, ", "), colour, s.navigationHint(), warn)
}
