package e2e

import (
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPreviewWhileTheProgramLoads holds back the page's wasm and checks that
// the demo is drawn meanwhile (app.js draws the layout the build computed),
// each digit class where the first frame then puts it, and that the first
// frame replaces the picture.
func TestPreviewWhileTheProgramLoads(t *testing.T) {
	s := startServer(t)
	held := &heldPath{path: regexp.MustCompile(`/main\.[0-9a-f]+\.wasm(\.gz)?$`), release: make(chan struct{})}
	s.hold.Store(held)
	released := false
	release := func() {
		if !released {
			released = true
			close(held.release)
		}
	}
	t.Cleanup(release)
	ctx := newBrowser(t, s)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL)); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		drawn, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`performance.getEntriesByName('preview-drawn').length > 0`))
		if err != nil {
			t.Fatal(err)
		}
		if drawn {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the preview was not drawn in 30 s while the wasm was held back")
		}
	}
	st, err := readStatus(ctx)
	if err != nil || st.Phase != "loading" {
		t.Fatalf("while the wasm is held back the status is %+v (%v), want loading", st, err)
	}
	preview := screenshot(t, ctx)
	nonBG, colours := pixelStats(preview, plotArea, background)
	if nonBG < 5000 || frequentColours(colours, 150) < 8 {
		t.Fatalf("the preview shows %d non-background pixels in %d frequent colours, want the demo's 1,797 discs in 10", nonBG, frequentColours(colours, 150))
	}

	release()
	if st := open(t, ctx, s); st.Phase != "ready" {
		t.Fatalf("after the wasm came: %+v", st)
	}
	if gone, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('preview') === null`)); err != nil || !gone {
		t.Errorf("the preview is still in the page after the first frame (err %v)", err)
	}
	frame := screenshot(t, ctx)
	// Each frequent colour (a digit class) has its centre of mass about
	// where the first frame draws it.
	// Left of the legend and the inspector, above the controls: the data only.
	data := image.Rect(0, 0, 850, 670)
	a, b := colourCentres(preview, data), colourCentres(frame, data)
	if os.Getenv("E2E_SHOTS") != "" {
		savePNG(t, filepath.Join(os.Getenv("E2E_SHOTS"), "preview.png"), preview)
		savePNG(t, filepath.Join(os.Getenv("E2E_SHOTS"), "first-frame.png"), frame)
	}
	compared := 0
	for c, pa := range a {
		pb, ok := b[c]
		if !ok || pa.n < 150 || pb.n < 150 {
			continue
		}
		compared++
		if d := math.Hypot(pa.x-pb.x, pa.y-pb.y); d > 40 {
			t.Errorf("colour %v: preview centre (%.0f, %.0f), first frame (%.0f, %.0f): %.0f px apart", c, pa.x, pa.y, pb.x, pb.y, d)
		}
	}
	if compared < 8 {
		t.Errorf("only %d colours common to the preview and the first frame", compared)
	}
}

// centre is a colour's centre of mass in a screenshot.
type centre struct {
	x, y float64
	n    int
}

// colourCentres returns, for every saturated colour (4 bits a channel; the
// palette's, not the greys and blue-greys of the background, the panels
// and the text), the centre of its pixels in r.
func colourCentres(img image.Image, r image.Rectangle) map[[3]uint8]centre {
	out := map[[3]uint8]centre{}
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			c := [3]uint8{uint8(cr >> 12), uint8(cg >> 12), uint8(cb >> 12)}
			if max(c[0], c[1], c[2])-min(c[0], c[1], c[2]) < 4 {
				continue // background, panels, white or grey text: not a class colour
			}
			m := out[c]
			m.x += (float64(x) - m.x) / float64(m.n+1)
			m.y += (float64(y) - m.y) / float64(m.n+1)
			m.n++
			out[c] = m
		}
	}
	return out
}

// savePNG writes img to path (E2E_SHOTS names a folder for a look by eye).
func savePNG(t *testing.T, path string, img image.Image) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}
