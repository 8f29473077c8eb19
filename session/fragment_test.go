package session

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/embproj/projector/parse"
)

// linked opens the demo in a new session with the view of frag waiting.
func linked(t *testing.T, frag string, patient bool) *Session {
	t.Helper()
	st, err := ParseFragment("#" + frag)
	if err != nil {
		t.Fatalf("reading the fragment back: %v\n%s", err, frag)
	}
	s := New()
	s.OpenLink(st, patient)
	s.Open(demoFiles(t), "demo")
	runToEnd(t, s)
	settleLink(t, s)
	return s
}

// settleLink runs Work until the waiting link was compared with the data
// shown, and the inspector is done.
func settleLink(t *testing.T, s *Session) {
	t.Helper()
	for i := 0; i < 10000 && s.link != nil && s.linkTried != s.data; i++ {
		s.Work(2e6)
	}
	settle(t, s)
}

func TestFragmentRestoresTheView(t *testing.T) {
	a := readyDemo(t)
	control(t, a, "axis-x", "3")
	control(t, a, "color-by", "none")
	control(t, a, "label-by", "0")
	control(t, a, "metric", "euclidean")
	control(t, a, "neighbours", "12")
	control(t, a, "search", "/^7 (x)$|^3$/")
	settle(t, a)
	a.Select([]int{5, 42, 1700}, SelectReplace)
	a.SetCamera(Camera{X: 0.1 + 0.2, Y: -2.5e-7, Scale: 33.3})
	frag, ok := a.Fragment()
	if !ok {
		t.Fatal("no fragment for the demo")
	}
	if strings.Contains(frag, "positions") || len(frag) > 1000 || strings.ContainsAny(frag, "{}\" #&") {
		t.Errorf("fragment holds positions, is long or unescaped (%d bytes): %s", len(frag), frag)
	}
	b := linked(t, frag, true)
	if got := b.LinkState(); got != LinkApplied {
		t.Fatalf("link %q, viewError %q", got, b.Status().ViewError)
	}
	want, _ := a.State()
	got, _ := b.State()
	if cam, ok := b.TakeCamera(); !ok || cam != *want.Camera {
		t.Errorf("camera %+v (%v), want %+v", cam, ok, *want.Camera)
	}
	jg, _ := json.Marshal(settingsOf(got))
	jw, _ := json.Marshal(settingsOf(want))
	if !bytes.Equal(jg, jw) {
		t.Errorf("view after the link\n%s\nwant\n%s", jg, jw)
	}
	if !sameLayout(a.Positions(), b.Positions()) {
		t.Error("the layout differs")
	}
	if _, ok := b.Fragment(); !ok {
		t.Error("no fragment once the link is applied")
	}
}

// settingsOf is st without its positions, for comparing.
func settingsOf(st State) State {
	st.Positions = nil
	return st
}

func TestFragmentLeavesOutLargeSelections(t *testing.T) {
	s := readyDemo(t)
	rows := make([]int, MaxFragmentSelection+1)
	for i := range rows {
		rows[i] = i
	}
	s.Select(rows[:MaxFragmentSelection], SelectReplace)
	frag, _ := s.Fragment()
	st, err := ParseFragment(frag)
	if err != nil || len(st.Selection) != MaxFragmentSelection {
		t.Errorf("%d rows selected: fragment holds %d (%v)", MaxFragmentSelection, len(st.Selection), err)
	}
	s.Select(rows, SelectReplace)
	frag, _ = s.Fragment()
	if st, err = ParseFragment(frag); err != nil || st.Selection != nil {
		t.Errorf("%d rows selected: fragment holds %d (%v)", len(rows), len(st.Selection), err)
	}
}

func TestFragmentTSNERunsAgainThenRestoresTheCamera(t *testing.T) {
	a := New()
	var startsA int
	fakeFinishedTSNE(a, &startsA)
	a.Open(demoFiles(t), "demo")
	runToEnd(t, a)
	control(t, a, "method", "tsne")
	runToEnd(t, a)
	a.SetCamera(Camera{X: 3, Y: 4, Scale: 0.5})
	frag, ok := a.Fragment()
	if !ok {
		t.Fatal("no fragment of the finished t-SNE")
	}
	st, err := ParseFragment(frag)
	if err != nil {
		t.Fatal(err)
	}
	b := New()
	var startsB int
	fakeFinishedTSNE(b, &startsB)
	b.OpenLink(st, false)
	b.Open(demoFiles(t), "demo")
	var cam bool
	for i := 0; i < 1000 && !cam; i++ {
		cam = b.Work(5e6).Camera
	}
	if !cam || startsB != 1 || b.LinkState() != LinkApplied {
		t.Fatalf("camera restored %v after %d t-SNE runs, link %q", cam, startsB, b.LinkState())
	}
	if c, ok := b.TakeCamera(); !ok || c != (Camera{X: 3, Y: 4, Scale: 0.5}) {
		t.Errorf("camera %+v", c)
	}
	if !sameLayout(a.Positions(), b.Positions()) || b.Status().Method != "tsne" {
		t.Error("the t-SNE run again differs")
	}
}

func TestLinkOfOtherDataWaitsThenIsRefused(t *testing.T) {
	a := readyDemo(t)
	a.Select([]int{1}, SelectReplace)
	frag, _ := a.Fragment()
	st, _ := ParseFragment(frag)
	s := New()
	s.OpenLink(st, true)
	s.Open([]parse.File{{Name: "v.tsv", Data: []byte("1\t2\n3\t4\n5\t7\n")}}, "three")
	runToEnd(t, s)
	settleLink(t, s)
	if s.LinkState() != LinkWaiting || !strings.Contains(s.Status().ViewError, "open those files") {
		t.Errorf("first other data: link %q, viewError %q", s.LinkState(), s.Status().ViewError)
	}
	if _, ok := s.Fragment(); ok {
		t.Error("a fragment is written while the link waits (it would replace the link)")
	}
	s.Open([]parse.File{{Name: "w.tsv", Data: []byte("1\t2\n3\t4\n5\t8\n")}}, "three")
	runToEnd(t, s)
	settleLink(t, s)
	ve := s.Status().ViewError
	if s.LinkState() != LinkRefused || !strings.Contains(ve, "1,797 × 64") || !strings.Contains(ve, "3 × 2") {
		t.Errorf("second other data: link %q, viewError %q", s.LinkState(), ve)
	}
	if st := s.Status(); st.Selection != nil || st.Method != "pca" {
		t.Errorf("a refused link changed the view: %+v", st)
	}
	if _, ok := s.Fragment(); !ok {
		t.Error("no fragment after the link was refused")
	}
}

func TestParseFragmentRefusesBadInput(t *testing.T) {
	for _, frag := range []string{"", "#", "#x=1", "#view=", "#view=%zz", "#view=%7B", "#view=[1,2]",
		`#view={"format":"other/1"}`, "#view=" + escapeFragment(`{"format":"embproj-view/1","dims":"two"}`)} {
		if _, err := ParseFragment(frag); err == nil {
			t.Errorf("ParseFragment(%q) accepted it", frag)
		}
	}
}

func TestLinkThatDoesNotFitIsRefused(t *testing.T) {
	a := readyDemo(t)
	frag, _ := a.Fragment()
	st, _ := ParseFragment(frag)
	st.ColorBy = 9
	b := New()
	b.OpenLink(st, true)
	b.Open(demoFiles(t), "demo")
	runToEnd(t, b)
	settleLink(t, b)
	if b.LinkState() != LinkRefused || !strings.Contains(b.Status().ViewError, "colour column 9") {
		t.Errorf("link %q, viewError %q", b.LinkState(), b.Status().ViewError)
	}
}

// FuzzFragmentNeverPanics: any fragment is refused or read, and a read one
// is applied or refused, without a panic.
func FuzzFragmentNeverPanics(f *testing.F) {
	f.Add("#view=" + escapeFragment(`{"format":"embproj-view/1","data":{"points":3,"dims":2,"hash":"x"},"method":"tsne","dims":2}`))
	f.Add("view=%7B%22format%22:%22embproj-view/1%22,%22selection%22:[-1]%7D")
	s := New()
	s.Open([]parse.File{{Name: "v.tsv", Data: []byte("1\t2\n3\t4\n5\t7\n")}}, "")
	for i := 0; i < 1000 && s.Status().Phase != Ready; i++ {
		s.Work(5e6)
	}
	fp, _ := s.Fingerprint()
	f.Fuzz(func(t *testing.T, frag string) {
		st, err := ParseFragment(frag)
		if err != nil {
			return
		}
		st.Data = fp // reach the checks past the fingerprint
		_, _ = s.ApplyState(st)
	})
}

// A link to a UMAP view holds its settings, not its positions: UMAP is run
// again with them (seeded, so to the same layout), then the camera is set.
func TestFragmentUMAPRunsAgain(t *testing.T) {
	a := readyDemo(t)
	control(t, a, "epochs", "30")
	control(t, a, "seed", "4")
	control(t, a, "method", "umap")
	workUntil(t, a, "UMAP finished", func() bool { return a.Controls().Done })
	a.SetCamera(Camera{X: 1, Y: -2, Scale: 2})
	frag, ok := a.Fragment()
	if !ok {
		t.Fatal("no fragment of the finished UMAP")
	}
	st, err := ParseFragment(frag)
	if err != nil {
		t.Fatal(err)
	}
	if st.Method != MethodUMAP || st.UMAP == nil || len(st.Positions) != 0 {
		t.Fatalf("fragment state: method %q, umap %+v, %d positions", st.Method, st.UMAP, len(st.Positions))
	}
	b := New()
	b.OpenLink(st, false)
	b.Open(demoFiles(t), "demo")
	var cam bool
	for i := 0; i < 5000 && !cam; i++ {
		cam = b.Work(5e6).Camera
	}
	if !cam || b.LinkState() != LinkApplied || b.Status().Method != "umap" {
		t.Fatalf("camera restored %v, link %q, method %q", cam, b.LinkState(), b.Status().Method)
	}
	if c, ok := b.TakeCamera(); !ok || c != (Camera{X: 1, Y: -2, Scale: 2}) {
		t.Errorf("camera %+v", c)
	}
	if !sameLayout(a.Positions(), b.Positions()) {
		t.Error("the UMAP run again differs")
	}
}
