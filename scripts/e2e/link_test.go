package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The view in the URL fragment (README: "#view=" and the view State's JSON
// without positions; data-state's link).

// linkOf reads data-state's "link" (where the fragment's view stands).
func linkOf(t testing.TB, ctx context.Context) string {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('status').dataset.state`))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Link string `json:"link"`
	}
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		t.Fatalf("data-state %s: %v", raw, err)
	}
	return st.Link
}

// fragmentView is the part of a fragment's view the tests look at.
type fragmentView struct {
	Format string `json:"format"`
	Data   struct {
		Points int    `json:"points"`
		Dims   int    `json:"dims"`
		Hash   string `json:"hash"`
	} `json:"data"`
	Method    string          `json:"method"`
	Camera    *camera         `json:"camera"`
	ColorBy   int             `json:"colorBy"`
	Selection []int           `json:"selection"`
	Positions json.RawMessage `json:"positions"`
}

// pageFragment returns location.hash and the view it holds (ok false when
// it holds none).
func pageFragment(t testing.TB, ctx context.Context) (string, fragmentView, bool) {
	t.Helper()
	hash, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash`))
	if err != nil {
		t.Fatal(err)
	}
	var v fragmentView
	text, err := url.PathUnescape(strings.TrimPrefix(hash, "#view="))
	if !strings.HasPrefix(hash, "#view=") || err != nil || json.Unmarshal([]byte(text), &v) != nil {
		return hash, v, false
	}
	return hash, v, true
}

// colourChoice is the value of the colour select.
func colourChoice(t testing.TB, ctx context.Context) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('ctl-color').value + '/' + document.getElementById('ctl-axis-x').value`))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestURLFragmentRestoredOnReload(t *testing.T) {
	_, ctx := demoPage(t)
	setControl(t, ctx, "ctl-axis-x", "3")
	setControl(t, ctx, "ctl-color", "none")
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
		`globalThis.projectorControl('select', '100'); globalThis.projectorControl('select', '+7')`)); err != nil {
		t.Fatal(err)
	}
	wheelEvent(t, ctx, 400, 300, -240, 0, false) // zoom in off-centre: a camera no fit gives
	cam := settle(t, ctx)
	saved := waitStatus(t, ctx, 10*time.Second, "the selection", func(st status) bool { return st.Selection != nil && st.Selection.Count == 2 })
	choice := colourChoice(t, ctx)

	var hash string
	var v fragmentView
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var ok bool
		hash, v, ok = pageFragment(t, ctx)
		if ok && v.Camera != nil && near(*v.Camera, cam) && fmt.Sprint(v.Selection) == "[7 100]" && v.ColorBy == -1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("location.hash %q never held the view (camera %+v, selection [7 100])", hash, cam)
		}
	}
	if v.Positions != nil || v.Data.Hash != saved.View.Hash || v.Data.Points != 1797 || len(hash) > 1000 {
		t.Errorf("fragment %q (%d bytes): want the fingerprint %+v and no positions", hash, len(hash), *saved.View)
	}
	history, err := chromedp.Run(ctx, chromedp.Evaluate[int](`history.length`))
	if err != nil || history > 2 {
		t.Errorf("history holds %d entries: the fragment must replace, not push (%v)", history, err)
	}

	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	got := waitStatus(t, ctx, 90*time.Second, "the view of the link", func(st status) bool {
		return st.Phase == "ready" && st.Selection != nil && linkOf(t, ctx) == "applied"
	})
	if fmt.Sprint(got.Selection.Indices) != "[7 100]" || got.LayoutHash != saved.LayoutHash || got.Method != "pca" {
		t.Errorf("after the reload: selection %+v, layout %s (saved %s)", got.Selection, got.LayoutHash, saved.LayoutHash)
	}
	if c := settle(t, ctx); c != cam {
		t.Errorf("camera %+v after the reload, saved %+v", c, cam)
	}
	if c := colourChoice(t, ctx); c != choice {
		t.Errorf("colour/axis %q after the reload, saved %q", c, choice)
	}
	if h, _, _ := pageFragment(t, ctx); h != hash {
		t.Errorf("the fragment changed on the reload:\n%s\n%s", h, hash)
	}
	screenshot(t, ctx)

	// t-SNE: the link runs it again (seeded: the same layout), then moves
	// the camera where it was.
	setControl(t, ctx, "ctl-method", "tsne")
	tsne := waitStatus(t, ctx, 120*time.Second, "t-SNE to finish", func(st status) bool {
		return st.Method == "tsne" && st.Phase == "ready" && st.Iteration >= 1000 && st.LayoutHash != ""
	})
	wheelEvent(t, ctx, 500, 200, -120, 0, false)
	cam = settle(t, ctx)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, v, ok := pageFragment(t, ctx); ok && v.Method == "tsne" && v.Camera != nil && near(*v.Camera, cam) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("location.hash never held the t-SNE view")
		}
	}
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	again := waitStatus(t, ctx, 120*time.Second, "the t-SNE of the link", func(st status) bool {
		return st.Phase == "ready" && st.Method == "tsne" && linkOf(t, ctx) == "applied"
	})
	if again.LayoutHash != tsne.LayoutHash || again.Iteration != tsne.Iteration || fmt.Sprint(again.Selection.Indices) != "[7 100]" {
		t.Errorf("t-SNE after the reload: layout %s at %d, want %s at %d", again.LayoutHash, again.Iteration, tsne.LayoutHash, tsne.Iteration)
	}
	if c := settle(t, ctx); c != cam {
		t.Errorf("camera %+v after the t-SNE ran again, saved %+v", c, cam)
	}
}

func TestURLFragmentOfOtherDataRefused(t *testing.T) {
	s, ctx := demoPage(t)
	_, v, ok := func() (string, fragmentView, bool) {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if h, v, ok := pageFragment(t, ctx); ok {
				return h, v, ok
			}
		}
		return "", fragmentView{}, false
	}()
	if !ok {
		t.Fatal("the demo wrote no fragment")
	}
	// The same view, for data with another hash.
	hash, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash`))
	other := strings.Replace(hash, strings.TrimPrefix(v.Data.Hash, "fnv1a64:"), "0123456789abcdef", 1)
	other = strings.Replace(other, "%22colorBy%22:0", "%22colorBy%22:-1", 1)
	if other == hash {
		t.Fatalf("no hash to replace in %q", hash)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+other)); err != nil {
		t.Fatal(err)
	}
	waiting := waitStatus(t, ctx, 90*time.Second, "the link said to be of other data", func(st status) bool {
		return st.Phase == "ready" && st.ViewError != ""
	})
	if l := linkOf(t, ctx); l != "waiting" || !strings.Contains(waiting.ViewError, "open those files") {
		t.Errorf("link %q, viewError %q", l, waiting.ViewError)
	}
	if c := colourChoice(t, ctx); !strings.HasPrefix(c, "0/") {
		t.Errorf("colour %q: the link's colouring (none) was applied to other data", c)
	}
	notice := noticeText(t, ctx)
	if !strings.Contains(notice, "other data") || !strings.Contains(notice, "0123456789abcdef") {
		t.Errorf("#notice says %q", notice)
	}
	if h, _, _ := pageFragment(t, ctx); h != other {
		t.Errorf("the waiting link was replaced by %q", h)
	}
	screenshot(t, ctx)

	upload(t, ctx, wineFiles(t)...)
	refused := waitStatus(t, ctx, 30*time.Second, "wine", func(st status) bool {
		return st.Phase == "ready" && st.Points == 178 && linkOf(t, ctx) == "refused"
	})
	if !strings.Contains(refused.ViewError, "1,797 × 64") || !strings.Contains(refused.ViewError, "178 × 13") || refused.Selection != nil {
		t.Errorf("after wine: %+v", refused)
	}
	if notice := noticeText(t, ctx); !strings.Contains(notice, "178 × 13") {
		t.Errorf("#notice says %q", notice)
	}

	// A fragment followed later (hashchange) is applied: wine's own view in one colour.
	var wine string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		h, v, ok := pageFragment(t, ctx)
		if ok && v.Data.Points == 178 {
			wine = h
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no fragment of wine written after the refused link (location.hash %q)", h)
		}
	}
	re := regexp.MustCompile(`%22colorBy%22:[0-9]+`)
	one := re.ReplaceAllString(wine, "%22colorBy%22:-1")
	if one == wine {
		t.Fatalf("wine is shown in one colour already: %s", wine)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`location.hash = `+strconv.Quote(one))); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, ctx, 10*time.Second, "the followed link applied", func(status) bool { return linkOf(t, ctx) == "applied" })
	if c := colourChoice(t, ctx); !strings.HasPrefix(c, "none/") {
		t.Errorf("colour %q after following a link in one colour", c)
	}
	if n := noticeText(t, ctx); n != "" {
		t.Errorf("#notice still says %q", n)
	}
}

// near: a and b are equal to data-state's 10 significant digits.
func near(a, b camera) bool {
	eq := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y)) }
	return eq(a.X, b.X) && eq(a.Y, b.Y) && eq(a.Scale, b.Scale)
}

// noticeText is #notice's text, "" while it is hidden.
func noticeText(t testing.TB, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const n = document.getElementById('notice'); return n.hidden ? '' : n.textContent; })()`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
