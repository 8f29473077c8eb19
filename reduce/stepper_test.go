package reduce

import (
	"fmt"
	"slices"
	"testing"
)

// drive runs s to completion through the Stepper interface alone and
// returns the stage names in the order they appeared. It fails the test if
// the run does not end within maxSteps, if Progress or a stage's share
// leaves [0, 1], or if Progress decreases.
func drive(t *testing.T, s Stepper, maxSteps int) []string {
	t.Helper()
	var stages []string
	prev := 0.0
	for step := 0; ; step++ {
		if step == maxSteps {
			t.Fatalf("not done after %d steps (stage %v)", maxSteps, stages)
		}
		done := s.Step()
		p := s.Progress()
		if p < prev || p < 0 || p > 1 {
			t.Fatalf("step %d: Progress %v after %v", step, p, prev)
		}
		prev = p
		name, frac := s.Stage()
		if frac < 0 || frac > 1 {
			t.Fatalf("step %d: Stage %q share %v outside [0, 1]", step, name, frac)
		}
		if len(stages) == 0 || stages[len(stages)-1] != name {
			stages = append(stages, name)
		}
		if done {
			break
		}
	}
	if p := s.Progress(); p != 1 {
		t.Errorf("Progress at the end = %v, want 1", p)
	}
	if name, frac := s.Stage(); name != StageDone || frac != 1 {
		t.Errorf("Stage at the end = %q, %v, want done, 1", name, frac)
	}
	if err := s.Err(); err != nil {
		t.Errorf("Err at the end = %v", err)
	}
	if !s.Step() {
		t.Error("Step after completion reported not done")
	}
	return stages
}

// TestStepperDrivesEveryAlgorithm drives PCA, KNN, TSNE and UMAP the same
// way through Stepper, with small step budgets so that each stage spans
// several Steps, and checks the stages each goes through.
func TestStepperDrivesEveryAlgorithm(t *testing.T) {
	const n, d = 300, 20
	x := synthetic(7, n, d)
	cases := []struct {
		name string
		s    Stepper
		want []string
	}{
		{"PCA", NewPCA(x, n, d, PCAConfig{StepWork: 2000}), []string{"pca", "done"}},
		{"KNN", NewKNN(x, n, d, KNNConfig{K: 10, StepWork: 2000}), []string{"neighbours", "done"}},
		{"TSNE", NewTSNE(x, n, d, TSNEConfig{Perplexity: 10, MaxIterations: 60, StepWork: 20000}),
			[]string{"pca", "neighbours", "calibrating", "symmetrising", "iterating", "done"}},
		{"UMAP", NewUMAP(x, n, d, UMAPConfig{Epochs: 30, StepWork: 20000}),
			[]string{"pca", "neighbours", "fuzzy-set", "optimizing", "done"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := drive(t, c.s, 100000); !slices.Equal(got, c.want) {
				t.Errorf("stages %v, want %v", got, c.want)
			}
		})
	}
}

// TestStepperZeroValues checks that a zero value of each algorithm, driven
// through Stepper, ends at once in stage "done" with ErrNotConstructed.
func TestStepperZeroValues(t *testing.T) {
	for _, s := range []Stepper{&PCA{}, &KNN{}, &TSNE{}, &UMAP{}} {
		if !s.Step() {
			t.Errorf("%T: zero value's Step reported not done", s)
		}
		if name, frac := s.Stage(); name != StageDone || frac != 1 {
			t.Errorf("%T: zero value's Stage = %q, %v, want done, 1", s, name, frac)
		}
		checkNotConstructed(t, fmt.Sprintf("%T", s), s.Err())
	}
}
