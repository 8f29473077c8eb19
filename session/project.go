package session

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/reduce"
)

// Method is a projection method.
type Method string

// The projection methods.
const (
	MethodPCA  Method = "pca"
	MethodTSNE Method = "tsne"
	MethodUMAP Method = "umap"
)

// iterative reports whether m is a run that iterates (t-SNE or UMAP).
func (m Method) iterative() bool { return m == MethodTSNE || m == MethodUMAP }

// Settings are the user's projection choices. They survive loading new data,
// except that every new dataset starts with PCA.
type Settings struct {
	Method       Method  // MethodPCA, MethodTSNE or MethodUMAP
	Dims         int     // layout dimension: 2 or 3
	Axes         [3]int  // the PCA components (0-based) on x, y and z
	Perplexity   float64 // t-SNE perplexity
	LearningRate float64 // t-SNE learning rate; 0 means the default max(N/12, 200)
	// Spherize makes PCA centre every point and scale it to unit length first
	// (TensorBoard's "sphereize data"), for features on very different scales.
	Spherize bool
	// Standardize scales every dimension to zero mean and unit variance
	// before PCA, t-SNE or UMAP (standardize.go), for tabular features in
	// different units; it applies to the shown points.
	Standardize bool
	// Seed seeds t-SNE and UMAP: the same data, settings and seed give the
	// same layout.
	Seed uint64
	// UMAP holds UMAP's parameters (umap.go).
	UMAP UMAPSettings
}

// DefaultSettings: PCA in 2D on the first components, t-SNE perplexity 30.
func DefaultSettings() Settings {
	return Settings{Method: MethodPCA, Dims: 2, Axes: [3]int{0, 1, 2}, Perplexity: 30, Seed: tsneSeed, UMAP: DefaultUMAPSettings()}
}

// tsneSeed makes every t-SNE (and UMAP) run of the same data and settings identical.
const tsneSeed = 1

// maxComponents is how many principal components the axes may choose from.
const maxComponents = 10

// Controls is what the page's projection controls show.
type Controls struct {
	HasData      bool
	Points       int // N, which bounds the perplexity (MaxPerplexity)
	Method       string
	Dims         int
	Axes         [3]int
	Components   int // principal components available for the axes
	Perplexity   float64
	LearningRate float64 // the rate in use (the default once t-SNE started)
	Spherize     bool
	Standardize  bool
	ColorBy      int  // the metadata column colouring the points, -1 for none, -2 for the quality
	Running      bool // the t-SNE or UMAP shown is iterating
	Paused       bool
	Done         bool // the run reached its iteration (epoch) count
	Iteration    int
	KL           float64
	// MaxIterations is the iteration (epoch) count the run goes to;
	// RunPhase is the stage of the run ("" without one, else a
	// reduce.TSNEPhase or reduce.UMAPPhase name) and PhaseProgress how far
	// it is within it (0..1); ProgressText says both as the status sentence
	// does ("finding neighbours… 43%", "iteration 120 / 1,000, KL 1.234",
	// "epoch 120 / 500").
	MaxIterations int
	RunPhase      string
	PhaseProgress float64
	ProgressText  string
	// Seed seeds t-SNE and UMAP; UMAP is UMAP's settings.
	Seed uint64
	UMAP UMAPSettings
	// Message says why the last control was refused (an invalid
	// perplexity, say), as a sentence; "" once a control was accepted.
	Message string

	// CoordinateColumns is how many metadata columns hold a precomputed
	// layout (2 or 3; 0: none, and no "columns" method).
	CoordinateColumns int
	// Custom is the custom projection's searches.
	Custom CustomState
}

// runState is where the t-SNE or UMAP run stands.
type runState int

// Run states.
const (
	runNone    runState = iota // no run
	runRunning                 // preparing or iterating
	runPaused                  // paused by the user
	runDone                    // reached its iteration count (or a restored layout)
)

// startProjection begins a new dataset's projection with PCA.
func (s *Session) startProjection() {
	d := s.data
	s.set.Method = MethodPCA
	k := pcaComponents(d)
	s.pca = s.newPCA(k)
	s.stopRun()
	s.pcaDone, s.runState, s.runShown = false, runNone, false
	s.runMethod = ""
	s.layout, s.layoutDims, s.layoutOwned = nil, s.set.Dims, false
	s.status.Phase, s.status.Method = Reducing, string(MethodPCA)
}

// pcaComponents is how many principal components of d the axes choose from.
func pcaComponents(d *parse.Dataset) int { return min(maxComponents, d.D, max(d.N-1, 1)) }

// SetEmbedderFactory chooses where t-SNE and UMAP run from the next start
// on (LocalRun by default).
func (s *Session) SetEmbedderFactory(f EmbedderFactory) { s.newEmbedder = f }

// startRun (re)starts the method shown (t-SNE or UMAP) from scratch with
// the current settings. There is one run at a time: a run of the other
// method is released.
func (s *Session) startRun() {
	s.stopRun()
	d := s.data
	f := s.newEmbedder
	if f == nil {
		f = LocalRun
	}
	cfg := s.runConfig()
	if in := s.input(); in != nil {
		s.run = f(in, d.N, d.D, cfg)
	} else { // the standardised copy is being made (standardize.go)
		s.run = &pendingRun{dims: cfg.Dims(), cfg: cfg, running: true, pos: make([]float32, d.N*cfg.Dims()),
			ready: s.input, start: func(v []float32, c RunConfig) Embedder { return f(v, d.N, d.D, c) }}
	}
	s.runMethod = s.set.Method
	s.runState, s.runShown = runRunning, false
}

// runConfig is the configuration of a run of the method shown.
func (s *Session) runConfig() RunConfig {
	if s.set.Method == MethodUMAP {
		return RunConfig{Method: MethodUMAP, UMAP: s.set.UMAP.config(s.set.Dims, s.set.Seed)}
	}
	return RunConfig{Method: MethodTSNE, TSNE: reduce.TSNEConfig{
		Dims: s.set.Dims, Perplexity: s.set.Perplexity, LearningRate: s.set.LearningRate, Seed: s.set.Seed,
	}}
}

// stopRun releases the run (t-SNE or UMAP).
func (s *Session) stopRun() {
	if s.run != nil {
		s.run.Close()
		s.run = nil
	}
	s.runState, s.runMethod = runNone, ""
}

// methodName is the name the page gives m.
func methodName(m Method) string {
	return map[Method]string{MethodPCA: "PCA", MethodTSNE: "t-SNE", MethodUMAP: "UMAP"}[m]
}

// workProjection advances PCA, t-SNE or UMAP, whichever is shown, for about budget.
func (s *Session) workProjection(budget time.Duration) Changes {
	var ch Changes
	if s.data == nil {
		return ch
	}
	deadline := time.Now().Add(budget)
	if s.standardizing(deadline) {
		s.describe()
		return Changes{Status: true}
	}
	switch s.set.Method {
	case MethodColumns, MethodCustom:
		return ch // drawn as they are
	case MethodPCA:
		if s.pcaDone {
			return ch
		}
		for !s.pcaDone && time.Now().Before(deadline) {
			s.pcaDone = s.pca.Step()
		}
		// Copied when asked for (Positions): the page redraws 1,000,000
		// moving points about once a second, not after every slice.
		s.layoutStale = true
		ch.Points, ch.Status = true, true
	case MethodTSNE, MethodUMAP:
		if s.runState != runRunning {
			return ch
		}
		if s.run.Advance(time.Until(deadline)) {
			s.runState = runDone
		}
		if err := s.run.Err(); err != nil {
			// The worker failed: run here instead.
			s.newEmbedder = LocalRun
			s.startRun()
			s.sentence = fmt.Sprintf("%s restarted on the page's own thread (%v).", methodName(s.set.Method), err)
			return Changes{Status: true}
		}
		ch.Status = true
		if s.run.Iteration() > 0 {
			// Until the first iteration the previous layout stays up.
			ch.Points = true
			if !s.runShown {
				s.runShown, ch.Refit = true, true
			}
			s.showRun()
		}
	}
	s.describe()
	return ch
}

// showRun makes the run's positions the layout (shared, not copied).
func (s *Session) showRun() {
	s.layout, s.layoutDims, s.layoutOwned, s.layoutStale = s.run.Positions(), s.run.Dims(), false, false
}

// layoutFromPCA copies the chosen components of the PCA positions into the layout.
func (s *Session) layoutFromPCA() {
	k := s.pca.Components()
	pos := s.pca.Positions()
	n, dims := s.data.N, s.set.Dims
	if !s.layoutOwned || len(s.layout) != n*dims {
		s.layout, s.layoutOwned = make([]float32, n*dims), true
	}
	s.layoutDims, s.layoutStale = dims, false
	for i := 0; i < n; i++ {
		for a := 0; a < dims; a++ {
			c := min(s.set.Axes[a], k-1)
			if c < 0 {
				s.layout[i*dims+a] = 0
				continue
			}
			s.layout[i*dims+a] = pos[i*k+c]
		}
	}
}

// describe sets the phase, iteration and sentence for the current projection.
func (s *Session) describe() {
	src := s.status.Source
	warn := ""
	if n := countSeverity(s.status.Diagnostics, parse.Warning); n > 0 {
		warn = fmt.Sprintf(" %d %s: see the banner.", n, plural(n, "warning", "warnings"))
	}
	warn = s.standardizeNote() + warn
	colour := ""
	if s.legendTitle != "" {
		colour = fmt.Sprintf(" Coloured by %s.", s.legendTitle)
	}
	size := fmt.Sprintf("%s points × %d dimensions", thousands(s.data.N), s.data.D)
	s.status.Method = string(s.set.Method)
	s.status.Layout = s.layoutDims
	if s.set.Standardize && s.std.job != nil {
		s.status.Phase, s.sentence = Reducing, s.standardizeSentence()
		return
	}
	switch s.set.Method {
	case MethodColumns, MethodCustom:
		s.status.Iteration, s.status.KL, s.status.TSNEPhase, s.status.Progress = 0, 0, "", 0
		s.status.Phase, s.sentence = Ready, s.columnsSentence(size, colour, warn)
		if s.set.Method == MethodCustom {
			s.sentence = s.customSentence(size, colour, warn)
		}
	case MethodPCA:
		s.status.Iteration = s.pca.Iterations()
		s.status.KL = 0
		s.status.TSNEPhase, s.status.UMAPPhase, s.status.Progress, s.status.Epochs = "", "", 0, 0
		if !s.pcaDone {
			s.status.Phase = Reducing
			s.sentence = fmt.Sprintf("Projecting %s with PCA… %d%%", src, int(100*s.pca.Progress()))
			return
		}
		s.status.Phase = Ready
		var explained float64
		axes := ""
		for a := 0; a < s.set.Dims; a++ {
			c := min(s.set.Axes[a], s.pca.Components()-1)
			explained += s.pca.Variance()[c]
			if a > 0 {
				axes += ", "
			}
			axes += fmt.Sprintf("PC%d", c+1)
		}
		sph := ""
		if s.set.Spherize {
			sph = " of the sphereized points"
		}
		s.sentence = fmt.Sprintf("%s: %s, PCA %dD%s on %s (%.1f%% of variance).%s %s%s",
			src, size, s.set.Dims, sph, axes, 100*explained, colour, s.navigationHint(), warn)
	case MethodUMAP:
		s.describeUMAP(src, size, colour, warn)
	case MethodTSNE:
		t := s.run
		s.status.Iteration = t.Iteration()
		s.status.KL = t.KL()
		ph, prog := t.Phase()
		s.status.TSNEPhase, s.status.UMAPPhase, s.status.Progress, s.status.Epochs = ph, "", prog, 0
		kl := ""
		if t.KLIteration() > 0 {
			kl = fmt.Sprintf(", KL %.3f", t.KL())
		}
		switch {
		case s.runState == runDone:
			s.status.Phase = Ready
			s.sentence = fmt.Sprintf("%s: %s, t-SNE %dD finished after %d iterations%s.%s Run continues for 1,000 more. %s%s",
				src, size, t.Dims(), t.Iteration(), kl, colour, s.navigationHint(), warn)
		case s.runState == runPaused:
			s.status.Phase = Ready
			s.sentence = fmt.Sprintf("%s: t-SNE %dD paused at iteration %d%s.%s %s%s",
				src, t.Dims(), t.Iteration(), kl, colour, s.navigationHint(), warn)
		case preparing(t):
			s.status.Phase = Reducing
			s.sentence = fmt.Sprintf("%s: t-SNE %dD: %s", src, t.Dims(), tsneProgress(t))
		default:
			s.status.Phase = Reducing
			s.sentence = fmt.Sprintf("%s: t-SNE %dD on %s, %s (perplexity %g, learning rate %.0f).",
				src, t.Dims(), size, tsneProgress(t), s.set.Perplexity, t.LearningRate())
		}
	}
}

// preparing reports whether t is in a preparation stage (before its
// iterations, or back in one after a perplexity change).
func preparing(t Embedder) bool {
	ph, _ := t.Phase()
	_, prep := tsnePhaseLabels[ph]
	return prep
}

// tsnePhaseLabels say what each preparation stage does, by the
// reduce.TSNEPhase name.
var tsnePhaseLabels = map[string]string{
	reduce.PhasePCA.String():          "reducing the dimensions with PCA",
	reduce.PhaseNeighbours.String():   "finding neighbours",
	reduce.PhaseCalibrating.String():  "calibrating similarities",
	reduce.PhaseSymmetrising.String(): "symmetrising similarities",
}

// runProgress says the stage of the run of method m and how far it is.
func runProgress(m Method, t Embedder) string {
	if m == MethodUMAP {
		return umapProgress(t)
	}
	return tsneProgress(t)
}

// tsneProgress says the stage of t and how far it is: "finding neighbours…
// 43%" while preparing, "iteration 120 / 1,000, KL 1.234" after.
func tsneProgress(t Embedder) string {
	ph, prog := t.Phase()
	if label, ok := tsnePhaseLabels[ph]; ok {
		return fmt.Sprintf("%s… %d%%", label, int(100*prog))
	}
	out := fmt.Sprintf("iteration %s / %s", thousands(t.Iteration()), thousands(t.MaxIterations()))
	if t.KLIteration() > 0 {
		out += fmt.Sprintf(", KL %.3f", t.KL())
	}
	return out
}

func (s *Session) navigationHint() string {
	if s.layoutDims == 3 {
		return "Drag to turn, shift+drag to pan, scroll to zoom, 0 to fit."
	}
	return "Drag to pan, scroll to zoom, 0 to fit."
}

// Control applies one of the page's projection controls:
//
//	method        "pca" | "tsne" | "umap" | "columns" (precomputed metadata
//	              columns, columns.go) | "custom" (custom.go)
//	custom-left, custom-right, custom-down, custom-up   the custom projection's searches
//	dims          "2" | "3"
//	axis-x, axis-y, axis-z   a principal component, 1-based ("1".."10")
//	perplexity    a number from 2 to (N−1)/3 (MaxPerplexity): t-SNE recomputes
//	              its similarities, a finished run starts again with it
//	learning-rate a number > 0, or "" for the default
//	spherize      "true" | "false": PCA of points centred and scaled to unit length
//	standardize   "true" | "false": every dimension scaled to zero mean and unit
//	              variance before PCA or t-SNE; the current projection is re-run
//	banner        "hide": hide the warnings (errors stay)
//	color-by      a metadata column index (0-based), "none", or "quality": the
//	              projection quality (quality.go)
//	seed          a whole number ≥ 0 seeding t-SNE and UMAP: the run shown starts again with it
//	neighbors, min-dist, spread, epochs, umap-metric   UMAP's parameters (umap.go):
//	              a UMAP run starts again with them
//	run           start or resume the t-SNE or UMAP shown (after a t-SNE
//	              finished: 1,000 more iterations; after a UMAP: run it again)
//	pause         pause the run
//	restart       start the run again from the beginning
//	isolate       re-run the projection on the selected points only (isolate.go)
//	show-all      return from an isolated subset, the earlier layout restored
//
// and the inspector's (inspect.go):
//
//	search        the query: a substring, or /a regular expression/ (both ignore case)
//	search-column the column searched: an index (0-based), or "all"
//	select        a row (0-based) to select alone, "+row" to toggle it, "" for none
//	select-matches select every row the search matched
//	metric        "cosine" | "euclidean": the neighbour metric
//	neighbours    k, the neighbour list length (1 to 1,000)
//	label-by      the column labels come from (0-based)
//
// It reports what changed, or an error naming the bad value.
func (s *Session) Control(name, value string) (Changes, error) {
	if s.data == nil {
		return Changes{}, fmt.Errorf("no data to project")
	}
	ch, err := s.control(name, value)
	if err != nil {
		// Said in the panel (Controls.Message) until a control is accepted.
		s.controlMessage = asSentence(err.Error())
		return Changes{Status: true}, err
	}
	if s.controlMessage != "" {
		s.controlMessage = ""
		ch.Status = true
	}
	if ch.Points {
		s.layoutGen++
	}
	return ch, nil
}

// asSentence capitalises msg and ends it with a full stop.
func asSentence(msg string) string {
	if msg == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[size:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// control is Control once there is data.
func (s *Session) control(name, value string) (Changes, error) {
	ch := Changes{Status: true, Points: true}
	switch name {
	case "method":
		switch Method(value) {
		case MethodPCA:
			s.set.Method = MethodPCA
			if s.run != nil {
				s.run.SetRunning(false) // kept, to resume when t-SNE is shown again
			}
			s.layoutFromPCA()
			ch.Refit = true
		case MethodTSNE, MethodUMAP:
			s.showMethod(Method(value), &ch)
		case MethodColumns:
			if err := s.showColumns(); err != nil {
				return Changes{}, err
			}
			ch.Refit = true
		case MethodCustom:
			if err := s.startCustom(); err != nil {
				return Changes{}, err
			}
			ch.Refit = true
		default:
			return Changes{}, fmt.Errorf("method %q: want pca, tsne, umap, columns or custom", value)
		}
	case "dims":
		d, err := strconv.Atoi(value)
		if err != nil || (d != 2 && d != 3) {
			return Changes{}, fmt.Errorf("dims %q: want 2 or 3", value)
		}
		if d == s.set.Dims {
			return Changes{}, nil
		}
		s.set.Dims = d
		ch.Refit = true
		if s.run != nil {
			// t-SNE and UMAP run in the layout dimension: start again in the new one.
			s.stopRun()
			s.runShown = false
		}
		if s.set.Method.iterative() {
			s.startRun()
		}
		if s.set.Method == MethodColumns || s.set.Method == MethodCustom {
			return Changes{}, fmt.Errorf("dims: the %s projection sets the dimension (%d)", s.set.Method, s.layoutDims)
		}
		s.layoutFromPCA()
	case "axis-x", "axis-y", "axis-z":
		c, err := strconv.Atoi(value)
		k := s.pca.Components()
		if err != nil || c < 1 || c > k {
			return Changes{}, fmt.Errorf("%s %q: want a component from 1 to %d", name, value, k)
		}
		s.set.Axes[map[string]int{"axis-x": 0, "axis-y": 1, "axis-z": 2}[name]] = c - 1
		if s.set.Method == MethodPCA {
			s.layoutFromPCA()
			ch.Refit = true
		}
	case "perplexity":
		p, err := s.perplexity(value)
		if err != nil {
			return Changes{}, err
		}
		s.set.Perplexity = p
		switch {
		case s.run == nil || s.runMethod != MethodTSNE:
		case s.runState == runDone:
			s.restartWithSettings() // a finished run is run again with the new perplexity
		default:
			s.run.SetPerplexity(p) // recomputes the similarities and goes on
		}
	case "learning-rate":
		lr := 0.0
		if value != "" {
			v, err := strconv.ParseFloat(value, 64)
			if err != nil || !(v > 0) || math.IsInf(v, 0) {
				return Changes{}, fmt.Errorf("learning rate %q: want a positive number", value)
			}
			lr = v
		}
		s.set.LearningRate = lr
		if s.run != nil && s.runMethod == MethodTSNE && lr > 0 {
			s.run.SetLearningRate(lr)
		}
	case "color-by":
		c := -1
		if value == "quality" {
			c = colorQuality
		} else if value != "none" {
			v, err := strconv.Atoi(value)
			if err != nil || v < 0 || v >= len(s.data.Columns) {
				return Changes{}, fmt.Errorf("color-by %q: want none or a column from 0 to %d", value, len(s.data.Columns)-1)
			}
			c = v
		}
		s.colorBy(c)
		s.describe()
		return Changes{Status: true, Points: true, Style: true}, nil
	case "banner":
		if value != "hide" {
			return Changes{}, fmt.Errorf("banner %q: want hide", value)
		}
		s.warningsHidden = true
		return Changes{Banner: true}, nil
	case "spherize":
		on, err := strconv.ParseBool(value)
		if err != nil {
			return Changes{}, fmt.Errorf("spherize %q: want true or false", value)
		}
		if on == s.set.Spherize {
			return Changes{}, nil
		}
		s.set.Spherize = on
		k := s.pca.Components()
		s.pca = s.newPCA(k)
		s.pcaDone = false
		if s.set.Method == MethodPCA {
			ch.Refit = true
		}
	case "standardize":
		on, err := strconv.ParseBool(value)
		if err != nil {
			return Changes{}, fmt.Errorf("standardize %q: want true or false", value)
		}
		if on == s.set.Standardize {
			return Changes{}, nil
		}
		s.setStandardize(on)
		ch.Refit = true
	case "run":
		s.resume()
	case "pause":
		if s.run != nil {
			s.runState = runPaused
			s.run.SetRunning(false)
		}
	case "restart":
		if !s.set.Method.iterative() {
			s.set.Method = MethodTSNE
		}
		s.startRun()
	case "seed":
		seed, err := strconv.ParseUint(strings.TrimSpace(value), 10, 53)
		if err != nil {
			return Changes{}, fmt.Errorf("seed %q: want a whole number from 0 to 2^53", value)
		}
		s.set.Seed = seed
		s.restartWithSettings()
	case "isolate":
		return s.Isolate()
	case "show-all":
		return s.ShowAll()
	case "neighbors", "min-dist", "spread", "epochs", "umap-metric":
		if err := s.umapControl(name, value); err != nil {
			return Changes{}, err
		}
		s.restartWithSettings()
	default:
		if handled, err := s.customControl(name, value); handled {
			if err != nil {
				return Changes{}, err
			}
			s.describe()
			return Changes{Status: true, Points: true, Refit: s.set.Method == MethodCustom}, nil
		}
		if handled, err := s.inspectControl(name, value); handled {
			return Changes{Status: true, Inspect: err == nil}, err
		}
		return Changes{}, fmt.Errorf("unknown control %q", name)
	}
	s.describe()
	return ch, nil
}

// showMethod shows the iterative method m: its run when there is one (kept
// while another method was shown), else a new run.
func (s *Session) showMethod(m Method, ch *Changes) {
	s.set.Method = m
	if s.run == nil || s.runMethod != m {
		s.startRun()
		return
	}
	s.run.SetRunning(s.runState == runRunning)
	if s.runShown {
		s.showRun()
		ch.Refit = true
	}
}

// resume starts or resumes the run shown (t-SNE if PCA is shown): a
// finished t-SNE goes on for 1,000 more iterations, a finished UMAP (or a
// restored layout) runs again.
func (s *Session) resume() {
	if !s.set.Method.iterative() {
		s.set.Method = MethodTSNE
	}
	switch {
	case s.run == nil || s.runMethod != s.set.Method:
		s.startRun()
	case isFrozen(s.run):
		s.startRun() // a restored layout has no run to continue
	case s.runState == runDone && s.set.Method == MethodUMAP:
		s.startRun()
	case s.runState == runDone:
		s.run.SetMaxIterations(s.run.Iteration() + 1000)
	}
	s.runState = runRunning
	s.run.SetRunning(true)
}

// restartWithSettings applies changed run settings: the run they concern
// starts again when it is shown, and is dropped otherwise (the next time
// it is shown it starts with them).
func (s *Session) restartWithSettings() {
	switch {
	case s.run == nil:
	case s.runMethod == s.set.Method:
		s.startRun()
	default:
		s.stopRun()
		s.runShown = false
	}
}

// perplexity reads a perplexity for the data: a number from 2 to (N−1)/3
// (t-SNE calibrates on 3·perplexity neighbours of N−1).
func (s *Session) perplexity(value string) (float64, error) {
	hi := MaxPerplexity(s.data.N)
	p, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	switch {
	case hi < 2:
		return 0, fmt.Errorf("perplexity %s: t-SNE needs at least 7 points for a perplexity of 2; these data have %s", value, thousands(s.data.N))
	case err != nil || math.IsNaN(p):
		return 0, fmt.Errorf("perplexity %q is not a number: with %s points it must be from 2 to %s", value, thousands(s.data.N), thousands(int(hi)))
	case p < 2 || p > hi:
		return 0, fmt.Errorf("perplexity %s is out of range: with %s points it must be from 2 to %s", value, thousands(s.data.N), thousands(int(hi)))
	}
	return p, nil
}

// MaxPerplexity is the largest perplexity t-SNE takes for n points: (n−1)/3.
func MaxPerplexity(n int) float64 { return float64(n-1) / 3 }

// Controls returns the state the projection controls show.
func (s *Session) Controls() Controls {
	c := Controls{Method: string(s.set.Method), Dims: s.set.Dims, Axes: s.set.Axes, Perplexity: s.set.Perplexity,
		LearningRate: s.set.LearningRate, Spherize: s.set.Spherize, Standardize: s.set.Standardize, Seed: s.set.Seed, UMAP: s.set.UMAP}
	if s.data == nil || s.pca == nil {
		return c
	}
	c.HasData = true
	c.Components = s.pca.Components()
	c.CoordinateColumns = len(s.coordinateColumns())
	c.Custom = s.custom
	c.ColorBy = s.colorCol
	c.Points = s.data.N
	c.Message = s.controlMessage
	if s.run != nil && s.runMethod == s.set.Method {
		if s.runMethod == MethodTSNE {
			c.LearningRate = s.run.LearningRate()
		}
		c.Paused, c.Done = s.runState == runPaused, s.runState == runDone
		c.Running = s.runState == runRunning
		c.Iteration, c.KL = s.run.Iteration(), s.run.KL()
		ph, prog := s.run.Phase()
		c.MaxIterations, c.RunPhase, c.PhaseProgress = s.run.MaxIterations(), ph, prog
		c.ProgressText = runProgress(s.runMethod, s.run)
	}
	return c
}

// ColumnNames returns the metadata column names (for "colour by").
func (s *Session) ColumnNames() []string {
	if s.data == nil {
		return nil
	}
	names := make([]string, len(s.data.Columns))
	for i, c := range s.data.Columns {
		names[i] = columnName(c, i)
	}
	return names
}
