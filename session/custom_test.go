package session

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/embproj/projector/parse"
)

func TestCustomLayout(t *testing.T) {
	// Four points in 3D: rows 0, 1 left; 2 right; 3 up.
	x := []float32{
		0, 0, 0,
		2, 0, 0,
		4, 3, 0,
		1, 0, 5,
	}
	pos, err := CustomLayout(x, 4, 3, []int{0, 1}, []int{2}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Direction (1,0,0) → (4,3,0): (3,3,0)/√18.
	for i := 0; i < 4; i++ {
		want := (float64(x[i*3]) + float64(x[i*3+1])) * 3 / math.Sqrt(18)
		if math.Abs(float64(pos[2*i])-want) > 1e-6 || pos[2*i+1] != 0 {
			t.Errorf("point %d at (%g, %g), want (%g, 0)", i, pos[2*i], pos[2*i+1], want)
		}
	}
	pos, err = CustomLayout(x, 4, 3, []int{0}, []int{1}, []int{0}, []int{3})
	if err != nil {
		t.Fatal(err)
	}
	// y: (0,0,0) → (1,0,5), unit (1,0,5)/√26.
	if want := float32((4.0) / math.Sqrt(26)); math.Abs(float64(pos[5]-want)) > 1e-6 || pos[4] != 4 {
		t.Errorf("point 2 at (%g, %g), want (4, %g)", pos[4], pos[5], want)
	}
	if _, err := CustomLayout(x, 4, 3, nil, []int{1}, nil, nil); err == nil {
		t.Error("an empty left search accepted")
	}
	if _, err := CustomLayout(x, 4, 3, []int{0}, []int{1}, []int{2}, nil); err == nil {
		t.Error("a down search without an up one accepted")
	}
	if _, err := CustomLayout(x, 4, 3, []int{0, 2}, []int{0, 2}, nil, nil); err == nil {
		t.Error("equal centroids accepted")
	}
}

// wordFiles are 5 points of 2 dims labelled man, woman, king, queen, apple.
func wordFiles() []parse.File {
	vec := "1\t0\n0\t1\n3\t0.5\n0.5\t3\n2\t2\n"
	return []parse.File{{Name: "w.tsv", Data: []byte(vec)}, {Name: "l.tsv", Data: []byte("man\nwoman\nking\nqueen\napple\n")}}
}

func TestCustomProjectionControls(t *testing.T) {
	s := New()
	s.Open(wordFiles(), "words")
	runToEnd(t, s)
	before := slices.Clone(s.Positions())
	control(t, s, "method", "custom")
	if !slices.Equal(s.Positions(), before) || !strings.Contains(s.Sentence(), "type a left and a right search") {
		t.Fatalf("custom without searches: %q", s.Sentence())
	}
	control(t, s, "custom-left", "/^man$/")
	control(t, s, "custom-right", "/^woman$/")
	// x: (1,0) → (0,1), unit (−1,1)/√2.
	vec := [][2]float64{{1, 0}, {0, 1}, {3, 0.5}, {0.5, 3}, {2, 2}}
	for i, v := range vec {
		want := float32((v[1] - v[0]) / math.Sqrt2)
		if got := s.Positions()[2*i]; math.Abs(float64(got-want)) > 1e-6 || s.Positions()[2*i+1] != 0 {
			t.Errorf("point %d at (%g, %g), want (%g, 0)", i, got, s.Positions()[2*i+1], want)
		}
	}
	if st := s.Status(); st.Method != "custom" || st.Phase != Ready || !strings.Contains(s.Sentence(), `x from "/^man$/" (1 points) to "/^woman$/" (1)`) {
		t.Errorf("status %+v, %q", st, s.Sentence())
	}
	if _, err := s.Control("custom-up", "nothing matches this"); err != nil {
		t.Fatal(err) // up without down: waits
	}
	if _, err := s.Control("custom-down", "apple"); err == nil {
		t.Error("an up search matching nothing accepted")
	}
	control(t, s, "custom-up", "queen")
	control(t, s, "custom-down", "king")
	// king → queen is parallel to man → woman: y equals x.
	for i := 0; i < 5; i++ {
		if p := s.Positions(); math.Abs(float64(p[2*i]-p[2*i+1])) > 1e-6 {
			t.Errorf("point %d at (%g, %g): want y = x", i, p[2*i], p[2*i+1])
		}
	}
	saved, err := s.State()
	if err != nil || saved.Custom == nil || saved.Custom.Up != "queen" {
		t.Fatalf("state %+v: %v", saved.Custom, err)
	}
	b := New()
	b.Open(wordFiles(), "words")
	runToEnd(t, b)
	if _, err := b.ApplyState(viaJSON(t, saved)); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.Positions(), s.Positions()) || b.Controls().Custom != s.Controls().Custom {
		t.Error("the custom view did not come back")
	}
	if _, err := s.Control("dims", "3"); err == nil {
		t.Error("dims 3 accepted for the custom projection")
	}
}
