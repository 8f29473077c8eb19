package session

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/embproj/projector/reduce"
)

// The inspector's state: search, selection and nearest neighbours. All of
// it refers to rows of the dataset (0-based) and so survives any change of
// projection or colouring; a new dataset clears it.

// SearchStatus is data-state.search once a search has been applied.
type SearchStatus struct {
	Query string `json:"query"`
	// Column is the metadata column searched, -1 for all of them.
	Column  int `json:"column"`
	Matches int `json:"matches"`
}

// SelectionStatus is data-state.selection: how many rows are selected and
// the first maxListedSelection of them, ascending.
type SelectionStatus struct {
	Count   int   `json:"count"`
	Indices []int `json:"indices"`
}

// NeighboursStatus is data-state.neighbours: the k nearest rows to row Of
// in the original space, nearest first, with their distances (1 − cos for
// cosine, euclidean distance for euclidean).
type NeighboursStatus struct {
	Of        int       `json:"of"`
	Metric    string    `json:"metric"`
	K         int       `json:"k"`
	Indices   []int     `json:"indices"`
	Distances []float64 `json:"distances"`
	// Worker is true when the list was computed off the page's thread
	// (a remote index, see remote.go).
	Worker bool `json:"worker,omitempty"`
}

// Emphasis of a point, as the canvas draws it.
const (
	EmphasisNone      uint8 = iota // nothing is selected or searched: drawn as usual
	EmphasisDimmed                 // something else is selected or matched
	EmphasisMatch                  // matches the search
	EmphasisNeighbour              // a nearest neighbour of the selected point
	EmphasisSelected               // selected
)

// Limits of what the inspector lists.
const (
	maxListedMatches   = 100
	maxListedSelection = 1000
	// DefaultNeighbours is k before the user picks one; MaxNeighbours the most.
	DefaultNeighbours = 100
	MaxNeighbours     = 1000
)

// inspector holds search, selection and neighbour state.
type inspector struct {
	// Search: the query as typed, the column (-1: all), the matcher, and
	// the rows matched so far (ascending); next is the next row to test.
	query     string
	column    int
	match     func(string) bool
	matches   []int32
	next      int
	searching bool
	// selectWhenDone: select every match once the running search ends
	// (Enter pressed while it ran).
	selectWhenDone bool

	selected []bool  // per row
	selList  []int32 // the selected rows, ascending

	metric     reduce.Metric
	k          int
	nbIndex    *reduce.NeighbourIndex
	nbQuery    *reduce.NeighbourQuery
	nbRows     []int32
	nbDist     []float32
	nbComputed bool // nbRows are the finished answer for the current single selection
	nbRemote   bool // and they came from the remote index (remote.go)

	labelCol int // the column labels come from; -1: the first

	emphasis      []uint8
	emphasisStale bool
	// status is the inspector's part of Status as last built; statusFresh
	// says nothing changed since (Status is asked for several times a frame).
	status      inspectorStatus
	statusFresh bool
}

// inspectorStatus is the inspector's parts of the status (nil when empty).
type inspectorStatus struct {
	search *SearchStatus
	sel    *SelectionStatus
	nb     *NeighboursStatus
}

// changed marks what is derived from the search, selection and neighbours
// (the emphasis, the status) as out of date.
func (in *inspector) changed() {
	in.emphasisStale, in.statusFresh = true, false
}

func newInspector() inspector {
	return inspector{column: -1, metric: reduce.Cosine, k: DefaultNeighbours, labelCol: -1}
}

// resetInspector clears the inspector for new data of n rows (the
// neighbour metric and k are the user's and stay).
func (s *Session) resetInspector(n int) {
	metric, k := s.insp.metric, s.insp.k
	s.insp = newInspector()
	s.insp.metric, s.insp.k = metric, k
	s.insp.selected = make([]bool, n)
	s.insp.emphasis = make([]uint8, n)
}

// parseQuery turns what the user typed into a matcher: /re/ is a regular
// expression, anything else a substring; both ignore case. An empty query
// matches nothing and returns nil.
func parseQuery(q string) (func(string) bool, error) {
	if q == "" {
		return nil, nil
	}
	if len(q) >= 2 && strings.HasPrefix(q, "/") && strings.HasSuffix(q, "/") {
		re, err := regexp.Compile("(?i)" + q[1:len(q)-1])
		if err != nil {
			return nil, fmt.Errorf("the regular expression %s: %w", q, err)
		}
		return re.MatchString, nil
	}
	lower := strings.ToLower(q)
	return func(v string) bool { return containsFold(v, lower) }, nil
}

// containsFold reports whether s contains lower (already lower case),
// ignoring case; ASCII text is compared without allocating.
func containsFold(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.Contains(strings.ToLower(s), lower)
		}
	}
	n := len(lower)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// Search starts a search for query in metadata column column (-1: every
// column). It runs in Work's time slices; an empty query clears it.
func (s *Session) Search(query string, column int) error {
	if s.data == nil {
		return fmt.Errorf("no data to search")
	}
	if column < -1 || column >= len(s.data.Columns) {
		return fmt.Errorf("search column %d: want -1 (all) or 0 to %d", column, len(s.data.Columns)-1)
	}
	m, err := parseQuery(query)
	if err != nil {
		return err
	}
	in := &s.insp
	in.query, in.column, in.match = query, column, m
	in.matches, in.next, in.searching, in.selectWhenDone = in.matches[:0], 0, m != nil, false
	in.changed()
	return nil
}

// searchStep tests rows against the query until deadline; it reports
// whether the search finished in this call.
func (s *Session) searchStep(deadline time.Time) bool {
	in := &s.insp
	cols := s.data.Columns
	for in.next < s.data.N {
		i := in.next
		in.next++
		hit := false
		for c := range cols {
			if (in.column < 0 || c == in.column) && in.match(cols[c].Values[i]) {
				hit = true
				break
			}
		}
		if hit {
			in.matches = append(in.matches, int32(i))
		}
		if i%1024 == 0 && time.Now().After(deadline) {
			return false
		}
	}
	in.searching = false
	in.changed()
	if in.selectWhenDone {
		in.selectWhenDone = false
		s.SelectMatches()
	}
	return true
}

// SelectMode says how Select combines rows with the selection.
type SelectMode int

// Selection modes.
const (
	SelectReplace SelectMode = iota // the rows become the selection
	SelectAdd                       // the rows join it
	SelectToggle                    // each row joins it, or leaves it when it was in
	SelectRemove                    // the rows leave it
)

// Select changes the selection by rows (out-of-range rows are ignored).
func (s *Session) Select(rows []int, mode SelectMode) {
	if s.data == nil {
		return
	}
	in := &s.insp
	if mode == SelectReplace {
		for _, r := range in.selList {
			in.selected[r] = false
		}
	}
	for _, r := range rows {
		if r < 0 || r >= len(in.selected) {
			continue
		}
		switch mode {
		case SelectReplace, SelectAdd:
			in.selected[r] = true
		case SelectToggle:
			in.selected[r] = !in.selected[r]
		case SelectRemove:
			in.selected[r] = false
		}
	}
	in.selList = in.selList[:0]
	for r, on := range in.selected {
		if on {
			in.selList = append(in.selList, int32(r))
		}
	}
	s.selectionChanged()
}

// SelectMatches selects every row the search matched (Enter in the search
// field); while the search runs, it selects them when it ends.
func (s *Session) SelectMatches() {
	if s.insp.searching {
		s.insp.selectWhenDone = true
		return
	}
	rows := make([]int, len(s.insp.matches))
	for i, r := range s.insp.matches {
		rows[i] = int(r)
	}
	s.Select(rows, SelectReplace)
}

// selectionChanged restarts the neighbour query when exactly one row is
// selected: on the remote index when the data are large and it has them
// all, here in time slices otherwise.
func (s *Session) selectionChanged() {
	in := &s.insp
	in.nbQuery, in.nbRows, in.nbDist, in.nbComputed, in.nbRemote = nil, nil, nil, false, false
	s.remote.waiting = false
	in.changed()
	if len(in.selList) != 1 {
		return
	}
	if !s.queryRemote(int(in.selList[0])) {
		s.startLocalQuery()
	}
}

// startLocalQuery starts the neighbour query of the single selected row on
// this thread (advanced by neighbourStep).
func (s *Session) startLocalQuery() {
	in := &s.insp
	if in.nbIndex == nil {
		ix, err := reduce.NewNeighbourIndex(s.data.Vectors, s.data.N, s.data.D)
		if err != nil {
			return // cannot happen for a parsed dataset
		}
		in.nbIndex = ix
	}
	q, err := in.nbIndex.Query(int(in.selList[0]), in.k, in.metric)
	if err == nil {
		in.nbQuery = q
	}
}

// SetNeighbourMetric sets the metric of the neighbour list ("cosine" or "euclidean").
func (s *Session) SetNeighbourMetric(name string) error {
	switch name {
	case "cosine":
		s.insp.metric = reduce.Cosine
	case "euclidean":
		s.insp.metric = reduce.Euclidean
	default:
		return fmt.Errorf("metric %q: want cosine or euclidean", name)
	}
	if s.data != nil {
		s.selectionChanged()
	}
	return nil
}

// SetNeighbourCount sets k, the length of the neighbour list (1 to MaxNeighbours).
func (s *Session) SetNeighbourCount(k int) error {
	if k < 1 || k > MaxNeighbours {
		return fmt.Errorf("%d neighbours: want 1 to %d", k, MaxNeighbours)
	}
	s.insp.k = k
	if s.data != nil {
		s.selectionChanged()
	}
	return nil
}

// neighbourStep advances the neighbour query until deadline; it reports
// whether the query finished in this call.
func (s *Session) neighbourStep(deadline time.Time) bool {
	in := &s.insp
	for {
		// 2,048 rows of 768 dims are about 4 ms in js/wasm.
		if in.nbQuery.Step(max(64, 1<<21/max(s.data.D, 1))) {
			in.nbRows, in.nbDist = in.nbQuery.Result()
			in.nbQuery, in.nbComputed = nil, true
			in.changed()
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// workInspector advances a running search or neighbour query for about
// budget and reports whether what the inspector shows changed.
func (s *Session) workInspector(deadline time.Time) (changed bool) {
	if s.data == nil {
		return false
	}
	if s.insp.searching && s.searchStep(deadline) {
		changed = true
	}
	if s.insp.nbQuery != nil && time.Now().Before(deadline) && s.neighbourStep(deadline) {
		changed = true
	}
	if s.remote.waiting && s.pollRemote() {
		changed = true
	}
	return changed
}

// inspectorBusy reports whether a search or neighbour query is still running.
func (s *Session) inspectorBusy() bool {
	return s.insp.searching || s.insp.nbQuery != nil || s.remote.waiting
}

// EmphasisStale reports whether the emphasis changed since Emphasis last
// returned it (the canvas then redraws the points).
func (s *Session) EmphasisStale() bool { return s.insp.emphasisStale }

// Emphasis returns one EmphasisNone…EmphasisSelected value per row (nil
// without data), recomputed when the selection, search or neighbours changed.
func (s *Session) Emphasis() []uint8 {
	in := &s.insp
	if s.data == nil {
		return nil
	}
	if !in.emphasisStale {
		return in.emphasis
	}
	in.emphasisStale = false
	base := EmphasisNone
	if len(in.selList) > 0 || (in.match != nil && !in.searching) {
		base = EmphasisDimmed
	}
	for i := range in.emphasis {
		in.emphasis[i] = base
	}
	if !in.searching {
		for _, r := range in.matches {
			in.emphasis[r] = EmphasisMatch
		}
	}
	for _, r := range in.nbRows {
		in.emphasis[r] = EmphasisNeighbour
	}
	for _, r := range in.selList {
		in.emphasis[r] = EmphasisSelected
	}
	return in.emphasis
}

// Selected returns the selected rows, ascending (shared: do not modify).
func (s *Session) Selected() []int32 { return s.insp.selList }

// Neighbours returns the finished neighbour list of the single selected
// row (nil otherwise): rows nearest first and their distances.
func (s *Session) Neighbours() (rows []int32, dist []float32) {
	if !s.insp.nbComputed {
		return nil, nil
	}
	return s.insp.nbRows, s.insp.nbDist
}

// Label returns the text point i is labelled with: its value in the label
// column (the first column unless another is chosen), or its point number.
func (s *Session) Label(i int) string {
	if s.data == nil || i < 0 || i >= s.data.N {
		return ""
	}
	c := s.labelColumn()
	if c < 0 {
		return fmt.Sprintf("point %s", thousands(s.fullRow(i)+1))
	}
	return printable(s.data.Columns[c].Values[i])
}

// labelColumn is the column labels come from, -1 for none.
func (s *Session) labelColumn() int {
	switch {
	case s.insp.labelCol >= 0 && s.insp.labelCol < len(s.data.Columns):
		return s.insp.labelCol
	case len(s.data.Columns) > 0:
		return 0
	}
	return -1
}

// inspectStatus returns the inspector's parts of the status (nil when empty).
func (s *Session) inspectStatus() (search *SearchStatus, sel *SelectionStatus, nb *NeighboursStatus) {
	in := &s.insp
	if s.data == nil {
		return nil, nil, nil
	}
	if !in.statusFresh {
		in.status, in.statusFresh = s.buildInspectStatus(), true
	}
	return in.status.search, in.status.sel, in.status.nb
}

// buildInspectStatus builds the inspector's parts of the status.
func (s *Session) buildInspectStatus() (st inspectorStatus) {
	in := &s.insp
	if in.query != "" && !in.searching {
		st.search = &SearchStatus{Query: in.query, Column: in.column, Matches: len(in.matches)}
	}
	if len(in.selList) > 0 {
		listed := in.selList[:min(len(in.selList), maxListedSelection)]
		st.sel = &SelectionStatus{Count: len(in.selList), Indices: make([]int, len(listed))}
		for k, r := range listed {
			st.sel.Indices[k] = s.fullRow(int(r))
		}
	}
	if in.nbComputed && len(in.selList) == 1 {
		st.nb = &NeighboursStatus{Of: s.fullRow(int(in.selList[0])), Metric: in.metric.String(), K: len(in.nbRows),
			Indices: make([]int, len(in.nbRows)), Distances: make([]float64, len(in.nbRows)), Worker: in.nbRemote}
		for t, r := range in.nbRows {
			st.nb.Indices[t], st.nb.Distances[t] = s.fullRow(int(r)), float64(in.nbDist[t])
		}
	}
	return st
}

// InspectorView is what the inspector panel lists.
type InspectorView struct {
	Query     string
	Column    int
	Searching bool
	Matches   int
	// Listed are the first matches (at most 100) with their labels.
	Listed []Row
	// Selected counts the selection; SelectedRows lists its first rows.
	Selected     int
	SelectedRows []Row
	// Neighbours of the single selected row, nearest first (empty while
	// they are computed: NeighboursBusy).
	Of             Row
	Neighbours     []Row
	NeighboursBusy bool
	Metric         string
	K              int
	// Isolated: a subset of Shown points is isolated (Show all returns).
	Isolated bool
	Shown    int
	// The panel's sentences: the search's count, the selection's summary
	// and the neighbour list's heading.
	SearchText, SelectionText, NeighboursText string
}

// Row is one listed point: its row number, label and (for neighbours) distance.
type Row struct {
	Index    int
	Label    string
	Distance float64
}

// Inspector returns what the inspector panel shows.
func (s *Session) Inspector() InspectorView {
	in := &s.insp
	v := InspectorView{Query: in.query, Column: in.column, Searching: in.searching, Matches: len(in.matches),
		Selected: len(in.selList), Metric: in.metric.String(), K: in.k, NeighboursBusy: in.nbQuery != nil || s.remote.waiting}
	if s.data != nil {
		s.listInspector(&v)
	}
	v.SearchText, v.SelectionText, v.NeighboursText = v.searchText(), v.selectionText(), v.neighboursText()
	return v
}

// listInspector fills v's lists and the isolation from the data shown.
func (s *Session) listInspector(v *InspectorView) {
	in := &s.insp
	row := func(r int32) Row { return Row{Index: s.fullRow(int(r)), Label: s.Label(int(r))} }
	for _, r := range in.matches[:min(len(in.matches), maxListedMatches)] {
		v.Listed = append(v.Listed, row(r))
	}
	for _, r := range in.selList[:min(len(in.selList), maxListedMatches)] {
		v.SelectedRows = append(v.SelectedRows, row(r))
	}
	if len(in.selList) == 1 {
		v.Of = row(in.selList[0])
	}
	for t, r := range in.nbRows {
		nb := row(r)
		nb.Distance = float64(in.nbDist[t])
		v.Neighbours = append(v.Neighbours, nb)
	}
	v.Isolated, v.Shown = s.iso != nil, s.data.N
}

// inspectControl applies an inspector control (see Control); handled is
// false when name is not one.
func (s *Session) inspectControl(name, value string) (handled bool, err error) {
	in := &s.insp
	switch name {
	case "search":
		return true, s.Search(value, in.column)
	case "search-column":
		c := -1
		if value != "all" {
			if c, err = strconv.Atoi(value); err != nil || c < 0 || c >= len(s.data.Columns) {
				return true, fmt.Errorf("search-column %q: want all or a column from 0 to %d", value, len(s.data.Columns)-1)
			}
		}
		return true, s.Search(in.query, c)
	case "select":
		if value == "" {
			s.Select(nil, SelectReplace)
			return true, nil
		}
		mode := SelectReplace
		if strings.HasPrefix(value, "+") {
			mode, value = SelectToggle, value[1:]
		}
		r, err := strconv.Atoi(value)
		full := s.data.N
		if s.iso != nil {
			full = s.iso.full.N
		}
		if err != nil || r < 0 || r >= full {
			return true, fmt.Errorf("select %q: want a row from 0 to %d", value, full-1)
		}
		if r = s.shownRow(r); r < 0 {
			return true, fmt.Errorf("select %q: that row is not among the isolated points", value)
		}
		s.Select([]int{r}, mode)
		return true, nil
	case "select-matches":
		s.SelectMatches()
		return true, nil
	case "metric":
		return true, s.SetNeighbourMetric(value)
	case "neighbours":
		k, err := strconv.Atoi(value)
		if err != nil {
			return true, fmt.Errorf("neighbours %q: want a whole number from 1 to %d", value, MaxNeighbours)
		}
		return true, s.SetNeighbourCount(k)
	case "label-by":
		c, err := strconv.Atoi(value)
		if err != nil || c < 0 || c >= len(s.data.Columns) {
			return true, fmt.Errorf("label-by %q: want a column from 0 to %d", value, len(s.data.Columns)-1)
		}
		in.labelCol = c
		return true, nil
	}
	return false, nil
}

// searchText is the search's count: how many matched, how many are listed.
func (v InspectorView) searchText() string {
	switch {
	case v.Searching:
		return "Searching…"
	case v.Query == "":
		return ""
	case v.Matches == 0:
		return "No match."
	}
	t := fmt.Sprintf("%s %s", thousands(v.Matches), plural(v.Matches, "match", "matches"))
	if v.Matches > len(v.Listed) {
		t += fmt.Sprintf(", the first %d listed", len(v.Listed))
	}
	return t + ". Enter selects all."
}

// selectionText summarises the selection (and an isolated subset).
func (v InspectorView) selectionText() string {
	t := "Click a point to select it (shift+click adds)."
	if v.Selected > 0 {
		t = fmt.Sprintf("%s %s selected.", thousands(v.Selected), plural(v.Selected, "point", "points"))
	}
	if v.Isolated {
		t = fmt.Sprintf("Isolated: %s points. ", thousands(v.Shown)) + t
	}
	return t
}

// neighboursText heads the neighbour list.
func (v InspectorView) neighboursText() string {
	switch {
	case v.Selected == 1 && v.NeighboursBusy:
		return fmt.Sprintf("Finding the neighbours of %s…", v.Of.Label)
	case v.Selected == 1:
		return fmt.Sprintf("%d nearest to %s (#%d), %s distance:", len(v.Neighbours), v.Of.Label, v.Of.Index, v.Metric)
	}
	return "Select one point to see its nearest neighbours in the original space."
}
