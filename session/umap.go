package session

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/embproj/projector/reduce"
)

// UMAP in the page: its settings, how they are checked against the data,
// and how a run is said in the status and the panel. The run itself is an
// Embedder like t-SNE's (embedder.go), started and driven by project.go.

// UMAPSettings are the user's UMAP parameters (umap-learn's names).
type UMAPSettings struct {
	// Neighbors is n_neighbors: from 2 to N−1 (default 15).
	Neighbors int `json:"neighbors"`
	// MinDist is min_dist, in layout units: from 0 to Spread (default 0.1).
	MinDist float64 `json:"minDist"`
	// Spread is the scale of the layout (default 1), > 0.
	Spread float64 `json:"spread"`
	// Epochs is n_epochs; 0 means by N as reduce.DefaultUMAPEpochs says
	// (500 up to 10,000 points, else 200).
	Epochs int `json:"epochs"`
	// Metric of the input space: "euclidean" (default) or "cosine".
	Metric string `json:"metric"`
}

// DefaultUMAPSettings are umap-learn's defaults.
func DefaultUMAPSettings() UMAPSettings {
	return UMAPSettings{Neighbors: 15, MinDist: 0.1, Spread: 1, Metric: "euclidean"}
}

// maxUMAPEpochs bounds the epochs a user may ask for.
const maxUMAPEpochs = 100000

// config is the reduce configuration of u in dims (2 or 3) with seed.
func (u UMAPSettings) config(dims int, seed uint64) reduce.UMAPConfig {
	cfg := reduce.UMAPConfig{Dims: dims, Neighbors: u.Neighbors, MinDist: u.MinDist, Spread: u.Spread,
		Epochs: u.Epochs, Seed: seed}
	if u.MinDist == 0 {
		cfg.MinDist = -1 // reduce reads 0 as its default (0.1) and a negative value as 0
	}
	if u.Metric == "cosine" {
		cfg.Metric = reduce.Cosine
	}
	return cfg
}

// check reports the first parameter of u that does not fit n points, in
// words that name the numbers.
func (u UMAPSettings) check(n int) error {
	switch {
	case n < 3:
		return fmt.Errorf("UMAP needs at least 3 points; these data have %s", thousands(n))
	case u.Neighbors < 2 || u.Neighbors > n-1:
		return fmt.Errorf("neighbours (n_neighbors) %d is out of range: with %s points it must be from 2 to %s", u.Neighbors, thousands(n), thousands(n-1))
	case !(u.Spread > 0) || math.IsInf(u.Spread, 0):
		return fmt.Errorf("spread %g: want a number above 0", u.Spread)
	case !(u.MinDist >= 0) || u.MinDist > u.Spread:
		return fmt.Errorf("min dist %g is out of range: with spread %g it must be from 0 to %g", u.MinDist, u.Spread, u.Spread)
	case u.Epochs < 0 || u.Epochs > maxUMAPEpochs:
		return fmt.Errorf("%d epochs: want 1 to %s, or auto", u.Epochs, thousands(maxUMAPEpochs))
	case u.Metric != "euclidean" && u.Metric != "cosine":
		return fmt.Errorf("metric %q: want euclidean or cosine", u.Metric)
	}
	return nil
}

// umapControl applies one of UMAP's controls to the settings, when the
// result fits the data (else the settings stay and the error says why):
//
//	neighbors    n_neighbors, from 2 to N−1
//	min-dist     min_dist, from 0 to the spread
//	spread       a number above 0, at least min_dist
//	epochs       a whole number from 1, or "" or "auto" for the default by N
//	umap-metric  "euclidean" | "cosine"
func (s *Session) umapControl(name, value string) error {
	u := s.set.UMAP
	v := strings.TrimSpace(value)
	num := func(what string) (float64, error) {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) {
			return 0, fmt.Errorf("%s %q is not a number", what, value)
		}
		return f, nil
	}
	var err error
	switch name {
	case "neighbors":
		var k float64
		if k, err = num("neighbours (n_neighbors)"); err == nil && k != math.Trunc(k) {
			err = fmt.Errorf("neighbours (n_neighbors) %s: want a whole number from 2 to %s", v, thousands(s.data.N-1))
		}
		u.Neighbors = int(max(min(k, 1e9), -1))
	case "min-dist":
		u.MinDist, err = num("min dist")
	case "spread":
		u.Spread, err = num("spread")
	case "epochs":
		u.Epochs = 0
		if v != "" && v != "auto" {
			e, perr := strconv.Atoi(v)
			if perr != nil || e < 1 {
				return fmt.Errorf("epochs %q: want a whole number from 1 to %s, or auto", value, thousands(maxUMAPEpochs))
			}
			u.Epochs = e
		}
	case "umap-metric":
		u.Metric = v
	}
	if err != nil {
		return err
	}
	if err := u.check(s.data.N); err != nil {
		return err
	}
	s.set.UMAP = u
	return nil
}

// umapPhaseLabels say what each UMAP preparation stage does, by the
// reduce.UMAPPhase name.
var umapPhaseLabels = map[string]string{
	reduce.UMAPPhasePCA.String():        "reducing the dimensions with PCA",
	reduce.UMAPPhaseNeighbours.String(): "finding neighbours",
	reduce.UMAPPhaseFuzzySet.String():   "building the fuzzy graph",
}

// umapProgress says the stage of a UMAP run and how far it is: "finding
// neighbours… 43%" while preparing, "epoch 120 / 500" after.
func umapProgress(t Embedder) string {
	ph, prog := t.Phase()
	if label, ok := umapPhaseLabels[ph]; ok {
		return fmt.Sprintf("%s… %d%%", label, int(100*prog))
	}
	return fmt.Sprintf("epoch %s / %s", thousands(t.Iteration()), thousands(t.MaxIterations()))
}

// describeUMAP sets the status and sentence of the UMAP shown.
func (s *Session) describeUMAP(src, size, colour, warn string) {
	t := s.run
	ph, prog := t.Phase()
	s.status.Iteration, s.status.KL = t.Iteration(), 0
	s.status.TSNEPhase, s.status.UMAPPhase, s.status.Progress, s.status.Epochs = "", ph, prog, t.MaxIterations()
	u := s.set.UMAP
	switch _, prep := umapPhaseLabels[ph]; {
	case s.runState == runDone:
		s.status.Phase = Ready
		s.sentence = fmt.Sprintf("%s: %s, UMAP %dD finished after %s epochs.%s %s%s",
			src, size, t.Dims(), thousands(t.Iteration()), colour, s.navigationHint(), warn)
	case s.runState == runPaused:
		s.status.Phase = Ready
		s.sentence = fmt.Sprintf("%s: UMAP %dD paused at epoch %s / %s.%s %s%s",
			src, t.Dims(), thousands(t.Iteration()), thousands(t.MaxIterations()), colour, s.navigationHint(), warn)
	case prep:
		s.status.Phase = Reducing
		s.sentence = fmt.Sprintf("%s: UMAP %dD: %s", src, t.Dims(), umapProgress(t))
	default:
		s.status.Phase = Reducing
		s.sentence = fmt.Sprintf("%s: UMAP %dD on %s, %s (%d neighbours, min_dist %g, spread %g, %s).",
			src, t.Dims(), size, umapProgress(t), u.Neighbors, u.MinDist, u.Spread, u.Metric)
	}
}
