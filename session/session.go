// Package session is the page's state machine, free of the browser and of
// Ebiten: it takes the files the user opened, validates them with parse/,
// projects them with reduce/ in bounded steps, and derives everything the
// page shows from that: the #status JSON and sentence, the banner lines, the
// point colours and legend, and the hover tooltip. wasm/ wires it to the DOM
// and to render/.
package session

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // sprite sheets
	_ "image/png"
	"math"
	"strings"
	"time"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/reduce"
	"github.com/embproj/projector/render/view"
)

// Phase is the coarse state of the page, as #status reports it.
type Phase string

// Phases, in the order a load goes through them.
const (
	Loading  Phase = "loading"
	Parsing  Phase = "parsing"
	Reducing Phase = "reducing"
	Ready    Phase = "ready"
	Error    Phase = "error"
)

// Status is the JSON held by #status's data-state attribute (DESIGN.md §4).
type Status struct {
	Phase       Phase              `json:"phase"`
	Points      int                `json:"points"`
	Dims        int                `json:"dims"`
	Method      string             `json:"method"`
	Iteration   int                `json:"iteration"`
	Diagnostics []parse.Diagnostic `json:"diagnostics"`
	// Source names what is shown: the tensor file, or the bundled demo.
	Source string `json:"source,omitempty"`
	// Layout is the dimension of the layout shown (2 or 3), KL the t-SNE
	// Kullback-Leibler divergence last estimated (0 before the first estimate).
	Layout int     `json:"layout,omitempty"`
	KL     float64 `json:"kl,omitempty"`
	// The inspector (inspect.go): the applied search, the selection and
	// the neighbours of a single selected point, each omitted when empty.
	Search     *SearchStatus     `json:"search,omitempty"`
	Selection  *SelectionStatus  `json:"selection,omitempty"`
	Neighbours *NeighboursStatus `json:"neighbours,omitempty"`
	// TSNEPhase is the stage of the t-SNE shown (reduce.TSNEPhase names:
	// "pca", "neighbours", "calibrating", "symmetrising", "iterating",
	// "done"), Progress how far it is within it (0..1); both absent for PCA.
	TSNEPhase string  `json:"tsnePhase,omitempty"`
	Progress  float64 `json:"progress,omitempty"`
	// UMAPPhase is the stage of the UMAP shown (reduce.UMAPPhase names:
	// "pca", "neighbours", "fuzzy-set", "optimizing", "done"; Progress is
	// then how far it is within it) and Epochs the epoch count the run goes
	// to (Iteration counts the epochs done); both absent for PCA and t-SNE.
	UMAPPhase string `json:"umapPhase,omitempty"`
	Epochs    int    `json:"epochs,omitempty"`
	// View is the fingerprint of the loaded data (the full data while a
	// subset is isolated), once hashed; LayoutHash is HashFloat32s of the
	// layout shown (N×layout float32), once the projection is ready;
	// ViewError says why the last view file was not applied (state.go).
	View       *Fingerprint `json:"view,omitempty"`
	LayoutHash string       `json:"layoutHash,omitempty"`
	ViewError  string       `json:"viewError,omitempty"`
	// Link says where the view of the page's URL fragment stands:
	// "waiting", "rerunning", "applied" or "refused" (fragment.go).
	Link string `json:"link,omitempty"`
	// Bookmarks is the list of TensorBoard bookmarks, when there is one
	// or a bookmarks file could not be read (bookmarks.go).
	Bookmarks *BookmarksStatus `json:"bookmarks,omitempty"`
	// Standardize is present while the dimensions are standardised
	// (standardize.go).
	Standardize *StandardizeStatus `json:"standardize,omitempty"`
	// Quality is present while the points are coloured by the projection
	// quality (quality.go).
	Quality *QualityStatus `json:"quality,omitempty"`
}

// JSON encodes the status for data-state.
func (s Status) JSON() string {
	if s.Diagnostics == nil {
		s.Diagnostics = []parse.Diagnostic{}
	}
	if math.IsNaN(s.KL) || math.IsInf(s.KL, 0) {
		s.KL = 0 // not estimated yet; JSON has no NaN
	}
	b, err := json.Marshal(s)
	if err != nil { // cannot happen: only strings and finite numbers
		return fmt.Sprintf(`{"phase":"error","points":0,"dims":0,"method":"","iteration":0,"diagnostics":[{"severity":"error","code":"internal","message":%q}]}`, err.Error())
	}
	return string(b)
}

// Changes says what Work changed, so the caller redraws only that.
type Changes struct {
	Status bool // the status JSON or sentence changed
	Points bool // Positions changed (or were cleared)
	Refit  bool // a new dataset: the camera should fit it
	Style  bool // colours, legend or tooltip source changed
	Banner bool // the diagnostics to show changed
	// Inspect: search, selection or neighbours changed (the panel and the
	// points' emphasis).
	Inspect bool
	// Camera: a view state restored the camera (TakeCamera).
	Camera bool
}

// Session holds one loaded dataset and its projection. The zero value is not
// usable; call New.
type Session struct {
	status   Status
	sentence string

	files   []parse.File  // the files of the current input, kept to re-validate with fixes
	source  string        // what the status line calls them
	opts    parse.Options // fixes applied so far
	stepper *parse.Stepper
	fresh   bool // Open was just called: the next Work starts the stepper

	data   *parse.Dataset
	sprite image.Image // decoded data.Sprite, once asked for
	// embeddings are the names a config offered, from the last report.
	embeddings []string
	// warningsHidden: the user hid the warnings of the current data.
	warningsHidden bool

	// The projection (project.go).
	set         Settings
	pca         *reduce.PCA
	pcaDone     bool
	run         Embedder // the t-SNE or UMAP run (one at a time)
	runMethod   Method   // the method of run
	newEmbedder EmbedderFactory
	runState    runState
	runShown    bool      // the run has iterated, so its positions are the layout
	layout      []float32 // N×layoutDims, what Positions returns
	layoutDims  int
	layoutOwned bool // layout is our buffer (PCA), not a run's positions
	layoutStale bool // the PCA moved since layout was copied from it

	std standardized // the standardised input (standardize.go)
	// coords: the metadata columns holding a precomputed layout (columns.go)
	coords coordCache
	// custom: the custom projection's searches and how many points each
	// matched when it was last shown (custom.go)
	custom       CustomState
	customCounts [4]int

	// controlMessage is the error of the last refused control (Controls.Message).
	controlMessage string

	colors      []color.RGBA
	legend      []view.Category
	legendTitle string
	colorCol    int

	qual      quality    // the projection quality (quality.go)
	insp      inspector  // search, selection, neighbours (inspect.go)
	iso       *isolation // the full view while a subset is isolated (isolate.go)
	remote    remoteState
	newRemote RemoteIndexFactory // nil: neighbour queries run here (remote.go)

	// The view state (state.go): the loaded data's fingerprint, the page's
	// camera (cameraRestored: set by ApplyState, for TakeCamera), why the
	// last view file was refused, and the layout's hash for the status,
	// recomputed when layoutGen (counting layout changes) moved on.
	fprint          fingerprinter
	camera          *Camera
	cameraRestored  bool
	viewError       string
	layoutGen       uint64
	layoutHashGen   uint64
	layoutHashValue string

	// A link's view (fragment.go): waiting for its data (link; linkTried
	// is the dataset last compared with it), where it stands (linkState),
	// and the camera kept for the end of a t-SNE it runs again.
	link           *pendingLink
	linkTried      *parse.Dataset
	linkState      string
	cameraAfterRun *Camera
	cameraRun      Embedder

	bms bookmarkList // TensorBoard bookmarks (bookmarks.go)
}

// New returns a session in the loading phase with nothing to show.
func New() *Session {
	s := &Session{colorCol: -1, set: DefaultSettings(), insp: newInspector()}
	s.status.Phase = Loading
	s.sentence = "Loading the projector…"
	return s
}

// Open starts reading files (in Work's time slices) and moves to the parsing
// phase now, so the page can say so at once. source names the input in the
// status line ("" names it after the files). An empty list is reported and
// changes nothing else.
func (s *Session) Open(files []parse.File, source string) {
	if len(files) == 0 {
		s.sentence = "Nothing to open: the drop or selection held no files. " + s.shownSentence()
		s.status.Diagnostics = append(withoutCode(s.status.Diagnostics, parse.CodeNoFiles), parse.Diagnostic{
			Severity: parse.Info, Code: parse.CodeNoFiles,
			Message: "the drop or selection held no files (drag files or folders, not text or links)",
		})
		return
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	if source == "" {
		source = sourceName(names)
	}
	s.files, s.source = files, source
	s.resetBookmarks()
	s.start(parse.Options{})
}

// start (re)reads s.files with opts: the parse runs in Work's time slices.
func (s *Session) start(opts parse.Options) {
	if s.stepper != nil {
		s.stepper.Cancel()
	}
	var total int
	for _, f := range s.files {
		if f.ReaderAt != nil && f.Data == nil {
			total += int(f.Size)
		} else {
			total += len(f.Data)
		}
	}
	s.opts = opts
	s.stepper = parse.NewStepper(s.files, opts)
	s.fresh = true
	s.status = Status{Phase: Parsing, Source: s.source}
	s.sentence = fmt.Sprintf("Reading %s (%s)…", s.source, humanBytes(total))
}

// ApplyFix re-reads the current files with one more fix applied: action is a
// Diagnostic.Action such as "metadataHeader=yes" (see parse.Options.Apply).
func (s *Session) ApplyFix(action string) error {
	if s.files == nil {
		return fmt.Errorf("no files to fix")
	}
	opts, err := s.opts.Apply(action)
	if err != nil {
		return fmt.Errorf("applying fix %q: %w", action, err)
	}
	s.start(opts)
	return nil
}

// Fix is one fix the banner offers as a button.
type Fix struct {
	Action string     // for ApplyFix
	Label  string     // the diagnostic's fix text
	Code   parse.Code // the diagnostic it repairs
}

// Fixes lists the one-click fixes of the current diagnostics, without repeats.
func (s *Session) Fixes() []Fix {
	var out []Fix
	seen := map[string]bool{}
	for _, d := range s.status.Diagnostics {
		if d.Action == "" || seen[d.Action] || d.Severity == parse.Info {
			continue
		}
		seen[d.Action] = true
		label := d.Fix
		if label == "" {
			label = d.Action
		}
		out = append(out, Fix{Action: d.Action, Label: label, Code: d.Code})
	}
	return out
}

// AsksShape reports whether a raw tensor needs its shape from the user
// (a shape-missing error); the page then asks for the dimensions per point
// and applies "shape=0,D".
func (s *Session) AsksShape() bool {
	for _, d := range s.status.Diagnostics {
		if d.Code == parse.CodeShapeMissing && d.Severity == parse.Error {
			return true
		}
	}
	return false
}

// Embeddings returns the names of the embeddings a config offered (nil when
// there was no choice) and the index chosen, also when the chosen one could
// not be loaded (so another can be picked).
func (s *Session) Embeddings() ([]string, int) {
	if len(s.embeddings) < 2 {
		return nil, 0
	}
	return s.embeddings, s.opts.Embedding
}

// sourceName names a set of opened files for the status line: the folder they
// all came from, the one or two file names, or the first name and a count.
func sourceName(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	if dir, _, ok := strings.Cut(names[0], "/"); ok {
		same := true
		for _, n := range names[1:] {
			if !strings.HasPrefix(n, dir+"/") {
				same = false
				break
			}
		}
		if same {
			return "folder " + dir
		}
	}
	if len(names) == 2 {
		return names[0] + " + " + names[1]
	}
	return fmt.Sprintf("%s and %d more files", names[0], len(names)-1)
}

// shownSentence describes what is currently on screen.
func (s *Session) shownSentence() string {
	if s.data == nil {
		return ""
	}
	return fmt.Sprintf("Still showing %s.", s.status.Source)
}

func withoutCode(ds []parse.Diagnostic, code parse.Code) []parse.Diagnostic {
	out := ds[:0:0]
	for _, d := range ds {
		if d.Code != code {
			out = append(out, d)
		}
	}
	return out
}

// Work advances whatever is pending for about budget: the parse of newly
// opened files, then the projection (PCA or t-SNE). It reports what changed.
func (s *Session) Work(budget time.Duration) Changes {
	var ch Changes
	if s.stepper != nil {
		if s.fresh {
			// The first slice of a new input clears what was shown.
			s.fresh = false
			s.clear()
			ch = Changes{Status: true, Points: true, Refit: true, Style: true, Banner: true}
		}
		if !s.stepper.Step(budget) {
			done, total := s.stepper.Progress()
			pct := 0
			if total > 0 {
				pct = int(100 * done / total)
			}
			size := ""
			if n, d, bytes := s.stepper.Estimate(); n > 0 && d > 0 {
				size = fmt.Sprintf(", about %s × %d (%s in memory)", thousands(n), d, humanBytes(int(bytes)))
			}
			s.sentence = fmt.Sprintf("Reading %s… %d%% of %s%s", s.source, pct, humanBytes(int(total)), size)
			ch.Status = true
			return ch
		}
		s.finishLoad()
		return Changes{Status: true, Points: true, Refit: true, Style: true, Banner: true}
	}
	deadline := time.Now().Add(budget)
	if s.fprint.advance(time.Now().Add(budget / 8)) {
		ch.Status = true // data-state.view
	}
	s.advanceRemote(budget / 4)
	if s.inspectorBusy() {
		ch.Inspect = s.workInspector(time.Now().Add(budget / 2))
		ch.Status = ch.Status || ch.Inspect
	}
	pch := s.workProjection(time.Until(deadline))
	pch.Inspect, pch.Status = ch.Inspect, pch.Status || ch.Status
	if pch.Points {
		s.layoutGen++
	}
	if q := s.workQuality(deadline); q != (Changes{}) { // colours only: layoutGen stays
		pch.Status, pch.Style, pch.Points = true, pch.Style || q.Style, pch.Points || q.Points
	}
	s.releaseCamera(&pch)
	return pch.merge(s.workLink())
}

// clear forgets the shown dataset and its projection.
func (s *Session) clear() {
	s.data, s.sprite, s.colors, s.legend, s.legendTitle, s.colorCol = nil, nil, nil, nil, "", -1
	s.stopRun()
	s.pca, s.pcaDone, s.runState, s.runShown, s.runMethod = nil, false, runNone, false, ""
	s.layout, s.layoutOwned, s.layoutStale = nil, false, false
	s.std = standardized{}
	s.resetInspector(0)
	s.closeRemote()
	if s.iso != nil && s.iso.remote.ix != nil {
		s.iso.remote.ix.Close()
	}
	s.iso = nil
	s.controlMessage = ""
	s.fprint, s.viewError, s.cameraRestored = fingerprinter{}, "", false
	s.layoutGen++
}

// finishLoad takes the finished parse and starts the projection.
func (s *Session) finishLoad() {
	data, report := s.stepper.Result()
	s.stepper = nil
	src := s.source
	s.clear()
	s.status = Status{Phase: Error, Source: src, Method: "", Diagnostics: report.Diagnostics}
	s.embeddings = report.Embeddings
	s.warningsHidden = false
	if report.Blocking() || data == nil {
		first := "the files could not be read"
		for _, d := range report.Diagnostics {
			if d.Severity == parse.Error {
				first = d.Message
				break
			}
		}
		s.sentence = fmt.Sprintf("Cannot show %s: %s", src, first)
		return
	}
	s.data = data
	s.fprint = newFingerprinter(data)
	s.dataBookmarks()
	s.resetInspector(data.N)
	s.openRemote(false)
	s.status.Points, s.status.Dims = data.N, data.D
	s.style()
	s.startProjection()
	s.describe()
}

func countSeverity(ds []parse.Diagnostic, sev parse.Severity) int {
	n := 0
	for _, d := range ds {
		if d.Severity == sev {
			n++
		}
	}
	return n
}

// maxLegend is the most distinct values a column may have to get one
// palette colour per value.
const maxLegend = 20

// style picks the colour column of new data (the first with 2 to maxLegend
// distinct values) and colours the points by it.
func (s *Session) style() {
	cols := make([][]string, len(s.data.Columns))
	for i, c := range s.data.Columns {
		cols[i] = c.Values
	}
	s.colorBy(view.ColorColumn(cols, maxLegend))
}

// colorBy colours the points by metadata column c (-1: one colour for all):
// a palette colour per value when it has at most maxLegend distinct values,
// a gradient when it is numeric, else the most frequent values get colours
// and the rest pool into "(other)".
func (s *Session) colorBy(c int) {
	n := s.data.N
	s.colorCol, s.legend, s.legendTitle = c, nil, ""
	s.qual.wanted = c == colorQuality
	if c == colorQuality {
		s.colorByQuality()
		return
	}
	s.colors = make([]color.RGBA, n)
	if c < 0 || c >= len(s.data.Columns) {
		s.colorCol = -1
		for i := range s.colors {
			s.colors[i] = view.Palette[0]
		}
		return
	}
	values := s.data.Columns[c].Values
	s.legendTitle = columnName(s.data.Columns[c], c)
	if view.ColorColumn([][]string{values}, maxLegend) < 0 {
		if colors, legend, ok := view.Gradient(values); ok {
			s.colors, s.legend = colors, legend
			return
		}
	}
	idx, legend := view.Categorize(values)
	for i, k := range idx {
		s.colors[i] = legend[k].Color
	}
	s.legend = legend
}

func columnName(c parse.Column, i int) string {
	if c.Name != "" {
		return c.Name
	}
	if i == 0 {
		return "label"
	}
	return fmt.Sprintf("column %d", i+1)
}

// Thumbnails returns the decoded sprite sheet of the dataset and the cell of
// each point in it, or a nil image when there is none (or it cannot be decoded,
// which parse/ has reported).
func (s *Session) Thumbnails() (image.Image, func(i int) (image.Rectangle, bool)) {
	if s.data == nil || s.data.Sprite == nil {
		return nil, nil
	}
	if s.sprite == nil {
		img, _, err := image.Decode(bytes.NewReader(s.data.Sprite.Data))
		if err != nil {
			return nil, nil
		}
		s.sprite = img
	}
	sp := s.data.Sprite
	return s.sprite, func(i int) (image.Rectangle, bool) {
		x0, y0, x1, y1, ok := sp.Cell(s.fullRow(i))
		return image.Rect(x0, y0, x1, y1), ok
	}
}

// Status returns the current status, the inspector's state included.
func (s *Session) Status() Status {
	st := s.status
	st.Search, st.Selection, st.Neighbours = s.inspectStatus()
	st.View, st.LayoutHash, st.ViewError = s.fprint.fp, s.layoutHash(), s.viewError
	st.Link, st.Bookmarks = s.linkState, s.bms.status()
	st.Standardize = s.standardizeStatus()
	st.Quality = s.qualityStatus()
	return st
}

// Sentence is the readable form of the status, for the status line.
func (s *Session) Sentence() string { return s.sentence }

// Positions returns the layout, N×LayoutDims row-major, or nil when nothing
// is shown. During PCA the layout is brought up to date here, not by Work.
func (s *Session) Positions() []float32 {
	if s.layoutStale && s.pca != nil && s.set.Method == MethodPCA {
		s.layoutFromPCA()
	}
	return s.layout
}

// LayoutDims is the dimension of the layout: 2 or 3.
func (s *Session) LayoutDims() int { return s.layoutDims }

// Colors returns one colour per point (nil when nothing is shown).
func (s *Session) Colors() []color.RGBA { return s.colors }

// Legend returns the legend title and entries (empty when points are not coloured by a column).
func (s *Session) Legend() (string, []view.Category) { return s.legendTitle, s.legend }

// Banner returns the diagnostics the banner shows: errors, and warnings
// unless the user hid them.
func (s *Session) Banner() []parse.Diagnostic {
	var out []parse.Diagnostic
	for _, d := range s.status.Diagnostics {
		if d.Severity == parse.Error || (d.Severity == parse.Warning && !s.warningsHidden) {
			out = append(out, d)
		}
	}
	return out
}

// WarningsHideable reports whether the banner shows only warnings, which the
// user may hide (Control "banner" "hide"); errors always stay.
func (s *Session) WarningsHideable() bool {
	return !s.warningsHidden && countSeverity(s.status.Diagnostics, parse.Warning) > 0 &&
		countSeverity(s.status.Diagnostics, parse.Error) == 0
}

// maxTooltipColumns bounds the metadata lines of a tooltip.
const maxTooltipColumns = 8

// Tooltip returns the lines shown when point i is hovered: the colour
// column's value (or the point number) first, then the other columns.
func (s *Session) Tooltip(i int) []string {
	if s.data == nil || i < 0 || i >= s.data.N {
		return nil
	}
	head := fmt.Sprintf("point %s", thousands(s.fullRow(i)+1))
	var lines []string
	if s.colorCol >= 0 {
		c := s.data.Columns[s.colorCol]
		lines = append(lines, fmt.Sprintf("%s  (%s)", printable(c.Values[i]), head))
	} else if s.colorCol == colorQuality && s.qualityCurrent() {
		lines = append(lines, fmt.Sprintf("%d of %d neighbours kept  (%s)", s.qual.values[i], s.qualityK(), head))
	} else {
		lines = append(lines, head)
	}
	shown := 0
	for ci, c := range s.data.Columns {
		if ci == s.colorCol {
			continue
		}
		if shown == maxTooltipColumns {
			lines = append(lines, fmt.Sprintf("… %d more columns", len(s.data.Columns)-1-shown))
			break
		}
		lines = append(lines, fmt.Sprintf("%s: %s", columnName(c, ci), printable(c.Values[i])))
		shown++
	}
	return lines
}

// printable shows an empty label as such instead of nothing.
func printable(v string) string {
	if v == "" {
		return "(empty)"
	}
	return v
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// thousands formats n with comma separators: 1797 → "1,797".
func thousands(n int) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// humanBytes formats a byte count: "512 B", "4.4 kB", "3.1 MB".
func humanBytes(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1e6:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1e9:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}
