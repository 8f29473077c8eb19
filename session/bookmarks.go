package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/embproj/projector/reduce"
	"path"
	"slices"
	"strconv"
	"strings"
)

// TensorBoard bookmarks: the projector's bookmarksPath files, a JSON list of
// its State objects (vz_projector/data.ts). They are read from a config's
// bookmarksPath or a file given on its own, listed, applied through the view
// State, and the list (with views added here) is saved in the same format.
// A bookmark this page writes also carries its own State (without positions)
// under "embprojView", which TensorBoard keeps and ignores, so camera,
// search and neighbour settings come back exactly here.

// tbNoColour is TensorBoard's name of "one colour" (its first colour option).
const tbNoColour = "No color map"

// TBCameraDef is TensorBoard's camera of a bookmark; it is kept as read and
// not applied (TensorBoard's camera looks at its own normalised copy of the
// positions, so its numbers do not say where this page's camera is).
type TBCameraDef struct {
	Orthographic bool       `json:"orthographic"`
	Position     [3]float64 `json:"position"`
	Target       [3]float64 `json:"target"`
	Zoom         float64    `json:"zoom"`
}

// TBState is one TensorBoard bookmark (the fields this page reads and
// writes; others are kept in the bookmark's JSON as read).
type TBState struct {
	Label      string `json:"label"`
	IsSelected bool   `json:"isSelected"`
	// SelectedProjection is "pca", "tsne", "umap" or "custom".
	SelectedProjection string `json:"selectedProjection"`
	// DataSetDimensions is [N, D].
	DataSetDimensions [2]int  `json:"dataSetDimensions"`
	TSNEIteration     int     `json:"tSNEIteration"`
	TSNEPerplexity    float64 `json:"tSNEPerplexity"`
	TSNELearningRate  float64 `json:"tSNELearningRate"`
	TSNEis3d          bool    `json:"tSNEis3d"`
	// UMAPis3d and UMAPNeighbors are TensorBoard's UMAP settings (its
	// defaults: 3D, 15); some versions also write UMAPMinDist.
	UMAPis3d      bool     `json:"umapIs3d"`
	UMAPNeighbors int      `json:"umapNeighbors"`
	UMAPMinDist   *float64 `json:"umapMinDist,omitempty"`
	// PCAComponentDimensions are the 0-based components on the axes (2 or 3).
	PCAComponentDimensions []int `json:"pcaComponentDimensions"`
	// Projections holds the coordinates of every point, keyed
	// "<projection>-<axis>" ("tsne-0", "pca-3", …).
	Projections             TBProjections `json:"projections"`
	SelectedPoints          []int         `json:"selectedPoints"`
	CameraDef               *TBCameraDef  `json:"cameraDef,omitempty"`
	SelectedColorOptionName string        `json:"selectedColorOptionName"`
	SelectedLabelOption     string        `json:"selectedLabelOption"`
	// View is this page's State without positions, in bookmarks it wrote.
	View *State `json:"embprojView,omitempty"`
}

// Bookmark is one entry of the list: its fields and its JSON as read (or
// as written, for a view added here), which saving writes back unchanged.
type Bookmark struct {
	TBState
	raw json.RawMessage
}

// ParseBookmarks reads a TensorBoard bookmarks file (a JSON list of states).
func ParseBookmarks(b []byte) ([]Bookmark, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), &raws); err != nil {
		return nil, fmt.Errorf("not a TensorBoard bookmarks file (a JSON list of saved states): %w", err)
	}
	out := make([]Bookmark, 0, len(raws))
	for i, r := range raws {
		tb := TBState{UMAPis3d: true, UMAPNeighbors: 15} // TensorBoard's defaults, when absent
		if err := json.Unmarshal(r, &tb); err != nil {
			return nil, fmt.Errorf("bookmark %d of %d is not a TensorBoard state: %w", i+1, len(raws), err)
		}
		if tb.DataSetDimensions[0] <= 0 || tb.DataSetDimensions[1] <= 0 {
			return nil, fmt.Errorf("bookmark %d of %d (%q) has no dataSetDimensions [points, dimensions]", i+1, len(raws), tb.Label)
		}
		out = append(out, Bookmark{TBState: tb, raw: r})
	}
	return out, nil
}

// BookmarksStatus is #status's "bookmarks": how many are listed, the one
// last applied (-1 none) and why the last bookmarks file or bookmark could
// not be used ("" when it could).
type BookmarksStatus struct {
	Count   int    `json:"count"`
	Applied int    `json:"applied"`
	Error   string `json:"error,omitempty"`
}

// bookmarkList is the session's list of bookmarks.
type bookmarkList struct {
	items []Bookmark
	// fromData: the first fromData items came with the data (a config's
	// bookmarksPath), read again when the data are.
	fromData int
	applied  int // 1 + the index of the bookmark last applied or added, 0 for none
	err      string
	gen      int // counts changes of items, for the page's list
}

// status is the list's part of #status, nil while it is empty and fine.
func (l *bookmarkList) status() *BookmarksStatus {
	if len(l.items) == 0 && l.err == "" {
		return nil
	}
	return &BookmarksStatus{Count: len(l.items), Applied: l.applied - 1, Error: l.err}
}

// resetBookmarks empties the list (other data are opened).
func (s *Session) resetBookmarks() {
	s.bms = bookmarkList{gen: s.bms.gen + 1}
}

// dataBookmarks lists first the bookmarks of the file a config named, when
// the data loaded came with one (in place of those of an earlier reading).
func (s *Session) dataBookmarks() {
	rest := s.bms.items[s.bms.fromData:]
	s.bms.items, s.bms.fromData, s.bms.applied = nil, 0, 0
	s.bms.gen++
	if s.data != nil && s.data.BookmarksFile != "" {
		_ = s.AddBookmarks(s.data.Bookmarks, s.data.BookmarksFile) // said in the status
		s.bms.fromData = len(s.bms.items)
	}
	s.bms.items = append(s.bms.items, rest...)
}

// AddBookmarks appends the bookmarks of a file (its bytes, and its name for
// messages) to the list; a file that is not one changes nothing.
func (s *Session) AddBookmarks(b []byte, name string) error {
	items, err := ParseBookmarks(b)
	if err != nil {
		err = fmt.Errorf("cannot read the bookmarks in %s: %w", path.Base(name), err)
		s.bms.err = asSentence(err.Error())
		return err
	}
	s.bms.items = append(s.bms.items, items...)
	s.bms.err = ""
	s.bms.gen++
	return nil
}

// BookmarksStatus is #status's "bookmarks" (nil without a list or error).
func (s *Session) BookmarksStatus() *BookmarksStatus { return s.bms.status() }

// Bookmarks returns the labels of the listed bookmarks and a number that
// changes whenever the list does.
func (s *Session) Bookmarks() (labels []string, gen int) {
	for i, b := range s.bms.items {
		l := b.Label
		if strings.TrimSpace(l) == "" {
			l = "State " + strconv.Itoa(i)
		}
		labels = append(labels, l)
	}
	return labels, s.bms.gen
}

// ApplyBookmark shows bookmark i: its positions when it holds a complete
// t-SNE layout, else its method and parameters; its selection, colour and
// label columns (by name). A bookmark of other data, or of a projection
// this page does not draw, is refused and changes nothing.
func (s *Session) ApplyBookmark(i int) (Changes, error) {
	if i < 0 || i >= len(s.bms.items) {
		return Changes{}, fmt.Errorf("bookmark %d: there are %d", i, len(s.bms.items))
	}
	b := s.bms.items[i].TBState
	st, err := s.bookmarkState(b)
	if err == nil {
		var ch Changes
		ch, err = s.ApplyState(st)
		if err == nil {
			s.bms.applied, s.bms.err = i+1, ""
			ch.Refit = st.Camera == nil // TensorBoard's camera is not ours: fit the layout
			return ch, nil
		}
	}
	err = fmt.Errorf("bookmark %q was not applied: %w", b.Label, err)
	s.bms.err = asSentence(err.Error())
	return Changes{Status: true}, err
}

// bookmarkState is the view State of bookmark b for the data shown.
func (s *Session) bookmarkState(b TBState) (State, error) {
	if s.data == nil {
		return State{}, errors.New("no data to apply it to")
	}
	fp, _ := s.Fingerprint()
	if b.DataSetDimensions != [2]int{fp.Points, fp.Dims} {
		return State{}, fmt.Errorf("%w: it was saved for %s × %d, these data are %s × %d",
			ErrOtherData, thousands(b.DataSetDimensions[0]), b.DataSetDimensions[1], thousands(fp.Points), fp.Dims)
	}
	var st State
	if b.View != nil {
		st = *b.View
	} else {
		var err error
		if st, err = s.tensorBoardState(b, fp); err != nil {
			return State{}, err
		}
	}
	switch st.Method {
	case MethodTSNE:
		st.Positions = b.Projections.positions("tsne", []int{0, 1, 2}[:st.Dims], fp.Points)
	case MethodUMAP:
		st.Positions = b.Projections.positions("umap", []int{0, 1, 2}[:st.Dims], fp.Points)
	}
	return st, nil
}

// tensorBoardState maps a bookmark TensorBoard wrote onto a State of the
// data shown (fingerprint fp): camera fitted, no search, the current
// neighbour settings.
func (s *Session) tensorBoardState(b TBState, fp Fingerprint) (State, error) {
	st := State{Format: StateFormat, Data: fp, Dims: 2, PCA: PCAState{Axes: [3]int{0, 1, 2}},
		ColorBy: s.colorCol, LabelBy: s.insp.labelCol, Selection: slices.Compact(slices.Sorted(slices.Values(b.SelectedPoints))),
		Neighbours: NeighbourState{Metric: s.insp.metric.String(), K: s.insp.k}}
	names := s.ColumnNames()
	if c := slices.Index(names, b.SelectedColorOptionName); c >= 0 {
		st.ColorBy = c
	} else if b.SelectedColorOptionName == tbNoColour {
		st.ColorBy = -1
	}
	if c := slices.Index(names, b.SelectedLabelOption); c >= 0 {
		st.LabelBy = c
	}
	switch b.SelectedProjection {
	case "pca":
		st.Method = MethodPCA
		if d := len(b.PCAComponentDimensions); d == 2 || d == 3 {
			st.Dims = d
			copy(st.PCA.Axes[:], b.PCAComponentDimensions)
		}
	case "tsne":
		st.Method = MethodTSNE
		if b.TSNEis3d {
			st.Dims = 3
		}
		hi := MaxPerplexity(fp.Points)
		p := b.TSNEPerplexity
		if !(p >= 2 && p <= hi) {
			p = max(2, min(30, hi)) // unset or out of range for these data
		}
		st.TSNE = &TSNEState{Perplexity: p, LearningRate: max(0, b.TSNELearningRate), Seed: tsneSeed,
			Iteration: max(0, b.TSNEIteration), MaxIterations: max(1000, b.TSNEIteration)}
	case "umap":
		st.Method, st.UMAP = MethodUMAP, tensorBoardUMAP(b, fp.Points)
		if b.UMAPis3d {
			st.Dims = 3
		}
	default:
		return State{}, fmt.Errorf("its projection is %q: this page draws PCA, t-SNE and UMAP bookmarks", b.SelectedProjection)
	}
	return st, nil
}

// tensorBoardUMAP is the UMAP of bookmark b for n points: its neighbours
// (and min_dist) where valid for these data, else the defaults, run to the
// epochs umap-learn uses for n points (TensorBoard does not record them).
func tensorBoardUMAP(b TBState, n int) *UMAPState {
	u := DefaultUMAPSettings()
	if b.UMAPNeighbors >= 2 && b.UMAPNeighbors <= n-1 {
		u.Neighbors = b.UMAPNeighbors
	} else {
		u.Neighbors = max(2, min(u.Neighbors, n-1))
	}
	if m := b.UMAPMinDist; m != nil && *m >= 0 && *m <= u.Spread {
		u.MinDist = *m
	}
	epochs := reduce.DefaultUMAPEpochs(n)
	return &UMAPState{UMAPSettings: u, Seed: tsneSeed, Epoch: epochs, MaxEpochs: epochs}
}

// TBProjections is a bookmark's "projections": a JSON list with one object
// per point mapping "<projection>-<axis>" to a coordinate. As read, Points
// holds the objects; a bookmark written here holds its layout instead
// (keys[a] naming axis a of the n×len(keys) values pos) and writes the list
// straight from it, without a map per point.
type TBProjections struct {
	Points []map[string]float64
	keys   []string
	pos    []float32
}

// UnmarshalJSON reads the list into Points.
func (p *TBProjections) UnmarshalJSON(b []byte) error {
	*p = TBProjections{}
	return json.Unmarshal(b, &p.Points)
}

// MarshalJSON writes the list; float32 coordinates in their shortest
// decimal, which reads back as the same float32.
func (p TBProjections) MarshalJSON() ([]byte, error) {
	if p.keys == nil {
		if p.Points == nil {
			return []byte("[]"), nil
		}
		return json.Marshal(p.Points)
	}
	d := len(p.keys)
	out := make([]byte, 0, 16+len(p.pos)*(14+len(p.keys[0])))
	out = append(out, '[')
	for i := 0; i+d <= len(p.pos); i += d {
		if i > 0 {
			out = append(out, ',')
		}
		for a, k := range p.keys {
			if a == 0 {
				out = append(out, '{', '"')
			} else {
				out = append(out, ',', '"')
			}
			out = append(out, k...)
			out = append(out, '"', ':')
			out = strconv.AppendFloat(out, float64(p.pos[i+a]), 'g', -1, 32)
		}
		out = append(out, '}')
	}
	return append(out, ']'), nil
}

// positions returns the n×len(axes) layout held under the keys
// "<prefix>-<axis>", or nil when a point lacks one (TensorBoard runs t-SNE
// on a sample of at most 10,000 points).
func (p TBProjections) positions(prefix string, axes []int, n int) Float32s {
	keys := make([]string, len(axes))
	for a, c := range axes {
		keys[a] = prefix + "-" + strconv.Itoa(c)
	}
	if p.keys != nil {
		if slices.Equal(p.keys, keys) && len(p.pos) == n*len(keys) {
			return append(Float32s(nil), p.pos...)
		}
		return nil
	}
	if len(p.Points) != n {
		return nil
	}
	out := make(Float32s, 0, n*len(axes))
	for _, p := range p.Points {
		for _, k := range keys {
			v, ok := p[k]
			if !ok {
				return nil
			}
			out = append(out, float32(v))
		}
	}
	return out
}

// AddBookmark appends the view shown to the list as a TensorBoard bookmark
// (labelled "State N", as TensorBoard labels them).
func (s *Session) AddBookmark() error {
	st, err := s.State()
	if err != nil {
		return fmt.Errorf("cannot add a bookmark: %w", err)
	}
	b := s.tensorBoardBookmark(st)
	b.Label = "State " + strconv.Itoa(len(s.bms.items))
	raw, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("cannot add a bookmark: %w", err)
	}
	s.bms.items = append(s.bms.items, Bookmark{TBState: b, raw: raw})
	s.bms.applied, s.bms.err = len(s.bms.items), ""
	s.bms.gen++
	return nil
}

// tensorBoardBookmark writes st (with its positions) as TensorBoard does.
func (s *Session) tensorBoardBookmark(st State) TBState {
	b := TBState{SelectedProjection: string(st.Method), DataSetDimensions: [2]int{st.Data.Points, st.Data.Dims},
		TSNEis3d: st.Dims == 3, UMAPis3d: st.Dims == 3, UMAPNeighbors: s.set.UMAP.Neighbors, PCAComponentDimensions: append([]int(nil), st.PCA.Axes[:st.Dims]...),
		SelectedPoints: append([]int{}, st.Selection...)}
	names := s.ColumnNames()
	b.SelectedColorOptionName = tbNoColour
	if st.ColorBy >= 0 && st.ColorBy < len(names) {
		b.SelectedColorOptionName = names[st.ColorBy]
	}
	if lb := max(st.LabelBy, 0); lb < len(names) {
		b.SelectedLabelOption = names[lb]
	}
	keys := make([]string, st.Dims)
	for a := range keys {
		keys[a] = "tsne-" + strconv.Itoa(a)
		if st.Method == MethodUMAP {
			keys[a] = "umap-" + strconv.Itoa(a)
		} else if st.Method == MethodPCA {
			keys[a] = "pca-" + strconv.Itoa(st.PCA.Axes[a])
		}
	}
	if u := st.UMAP; u != nil {
		b.UMAPNeighbors = u.Neighbors
		b.UMAPMinDist = &u.MinDist
	}
	if t := st.TSNE; t != nil {
		b.TSNEIteration, b.TSNEPerplexity, b.TSNELearningRate = t.Iteration, t.Perplexity, t.LearningRate
	}
	b.Projections = TBProjections{keys: keys, pos: st.Positions}
	view := st
	view.Positions = nil
	b.View = &view
	return b
}

// SaveBookmarks returns the list as a TensorBoard bookmarks file (each
// bookmark's JSON as it was read or added) and its file name.
func (s *Session) SaveBookmarks() (name string, data []byte, err error) {
	if len(s.bms.items) == 0 {
		return "", nil, errors.New("no bookmarks to save: add the current view first")
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, b := range s.bms.items {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(b.raw)
	}
	buf.WriteByte(']')
	return s.bookmarksFileName(), buf.Bytes(), nil
}

// bookmarksFileName names the saved list after the tensor file.
func (s *Session) bookmarksFileName() string {
	v := s.FileName(ExportView, false) // "<tensor>-view.json"
	return strings.TrimSuffix(v, "-view.json") + "-bookmarks.json"
}
