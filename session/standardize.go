package session

import (
	"fmt"
	"strings"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/reduce"
)

// Standardised columns: with Settings.Standardize, PCA and t-SNE run on a
// copy of the shown vectors in which every dimension has zero mean and unit
// variance (reduce.Standardize), so that a feature measured in large units
// (proline in mg/L in the wine set, next to hues near 1) does not decide the
// layout alone. Dimensions that are constant cannot be scaled and stay 0;
// the status says which. The inspector's neighbours stay on the vectors as
// they are.

// StandardizeStatus is data-state's "standardize" while the toggle is on:
// the 0-based dimensions left at 0 because every point has the same value.
type StandardizeStatus struct {
	Constant []int `json:"constant"`
}

// standardized is the standardised copy of one dataset's vectors.
type standardized struct {
	of       *parse.Dataset
	vectors  []float32 // N×D, row-major
	constant []int     // 0-based dimensions left at 0
}

// input returns the vectors the projections run on: the shown data's, or
// their standardised copy (made on first use after the data or the toggle
// changed: O(N·D), 0.1–0.3 s at 100,000 × 768 in js/wasm).
func (s *Session) input() []float32 {
	if !s.set.Standardize {
		return s.data.Vectors
	}
	if s.std.of != s.data {
		v, c := reduce.Standardize(s.data.Vectors, s.data.N, s.data.D)
		s.std = standardized{of: s.data, vectors: v, constant: c}
	}
	return s.std.vectors
}

// setStandardize turns standardising on or off and re-runs the current
// projection on the new input: PCA at once, t-SNE from the start.
func (s *Session) setStandardize(on bool) {
	s.set.Standardize = on
	if !on {
		s.std = standardized{}
	}
	k := s.pca.Components()
	s.pca = reduce.NewPCA(s.input(), s.data.N, s.data.D, reduce.PCAConfig{Components: k, Spherize: s.set.Spherize})
	s.pcaDone = false
	if s.tsne != nil {
		s.stopTSNE()
		s.tsneShown = false
	}
	if s.set.Method == MethodTSNE {
		s.startTSNE()
	}
	s.layoutFromPCA()
}

// standardizeStatus is data-state's "standardize", nil while off.
func (s *Session) standardizeStatus() *StandardizeStatus {
	if !s.set.Standardize || s.data == nil {
		return nil
	}
	s.input()
	return &StandardizeStatus{Constant: append([]int{}, s.std.constant...)}
}

// standardizeNote says, for the status sentence, that the dimensions were
// standardised and which constant ones were left at 0 ("" while off).
func (s *Session) standardizeNote() string {
	if !s.set.Standardize || s.data == nil {
		return ""
	}
	s.input()
	c := s.std.constant
	if len(c) == 0 {
		return " Every dimension standardised (mean 0, variance 1)."
	}
	names := make([]string, 0, min(len(c), 5))
	for _, j := range c[:min(len(c), 5)] {
		names = append(names, fmt.Sprint(j+1))
	}
	list := strings.Join(names, ", ")
	if len(c) > 5 {
		list += fmt.Sprintf(" and %d more", len(c)-5)
	}
	return fmt.Sprintf(" Dimensions standardised (mean 0, variance 1); %d constant %s (%s) left at 0.",
		len(c), plural(len(c), "dimension", "dimensions"), list)
}
