package e2e

import (
	"image"
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/embproj/projector/render/view"
)

func TestLightThemeAndHelp(t *testing.T) {
	_, ctx := demoPage(t)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("labels-on"))); err != nil { // the points alone
		t.Fatal(err)
	}
	themeIs := func(want, when string) {
		t.Helper()
		var theme string
		var err error
		for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if theme, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.dataset.theme`)); err == nil && theme == want {
				return
			}
		}
		t.Fatalf("theme %q (%v) %s, want %s", theme, err, when, want)
	}
	// "auto" follows the system: light, then dark again.
	themeIs("dark", "with the system dark")
	if err := emulateColorScheme(ctx, "light"); err != nil {
		t.Fatal(err)
	}
	themeIs("light", "with the system light")
	if err := emulateColorScheme(ctx, "dark"); err != nil {
		t.Fatal(err)
	}
	themeIs("dark", "with the system dark again")
	// The toggle: auto → light (whatever the system says).
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("theme-toggle"))); err != nil {
		t.Fatal(err)
	}
	themeIs("light", "after the toggle")
	time.Sleep(400 * time.Millisecond)
	img := screenshot(t, ctx)
	r, g, b, _ := img.At(30, 300).RGBA()
	bg := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}
	if view.Luminance(bg) < 0.8 {
		t.Fatalf("the canvas background is %v in the light theme", bg)
	}
	// Every class colour stays visible: the ten most frequent point
	// colours (disc interiors) have contrast ≥ 2.8 against the background.
	counts := map[color.RGBA]int{}
	area := image.Rect(0, 0, 900, 650)
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			c := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}
			if view.Contrast(c, bg) > 1.2 {
				counts[c]++
			}
		}
	}
	var frequent []color.RGBA
	for c, n := range counts {
		if n >= 300 {
			frequent = append(frequent, c)
		}
	}
	if len(frequent) < 10 {
		t.Fatalf("only %d point colours cover ≥ 300 pixels in the light theme: %v", len(frequent), frequent)
	}
	for _, c := range frequent {
		if k := view.Contrast(c, bg); k < 2.8 {
			t.Errorf("point colour %v has contrast %.2f on the light background", c, k)
		}
	}
	// The panel follows: dark text on a light panel.
	fg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.getElementById('inspector')).color`))
	if err != nil || fg != "rgb(31, 35, 40)" {
		t.Errorf("the inspector's text colour in the light theme is %q (%v)", fg, err)
	}
	// light → dark: the canvas is dark again.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("theme-toggle"))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	if r, g, b, _ := screenshot(t, ctx).At(30, 300).RGBA(); r>>8 != uint32(background[0]) || g>>8 != uint32(background[1]) || b>>8 != uint32(background[2]) {
		t.Errorf("the dark theme's background is (%d,%d,%d)", r>>8, g>>8, b>>8)
	}

	// Help: "?" opens it (focus on the page), it lists the gestures, Escape closes it.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement.blur(), true`)); err != nil {
		t.Fatal(err)
	}
	key(t, ctx, "?", "Slash", 191, 60*time.Millisecond, 0)
	open, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => { const h = document.getElementById('help');
		return [String(h.open), h.textContent] })()`))
	if err != nil || open[0] != "true" {
		t.Fatalf("? did not open the help (%v, %v)", open, err)
	}
	for _, want := range []string{"Shift+click", "lasso", "Escape", "Wheel"} {
		if !strings.Contains(open[1], want) {
			t.Errorf("the help does not mention %q", want)
		}
	}
	key(t, ctx, "Escape", "Escape", 27, 60*time.Millisecond, 0)
	if closed, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById('help').open`)); !closed {
		t.Error("Escape did not close the help")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("help-button"))); err != nil {
		t.Fatal(err)
	}
	if opened, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('help').open`)); !opened {
		t.Error("the ? button did not open the help")
	}
}
