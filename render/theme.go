package render

import (
	"image/color"

	"github.com/embproj/projector/render/view"
)

// The canvas follows the page's theme: dark (the default) or light. The
// palettes are made for the dark background; on the light one every point
// and legend colour is darkened where needed to keep view.MinContrast
// (view.OnLight).

// themeColors are the canvas colours of one theme.
type themeColors struct {
	background, panel, text, dim, label, shadow, ring color.RGBA
	banner                                            map[Severity]color.RGBA
}

var (
	darkTheme = themeColors{
		background: color.RGBA{0x16, 0x18, 0x1d, 0xff}, panel: color.RGBA{0x0e, 0x10, 0x14, 0xe0},
		text: color.RGBA{0xe8, 0xea, 0xed, 0xff}, dim: color.RGBA{0xa0, 0xa6, 0xad, 0xff},
		label: color.RGBA{0xe8, 0xea, 0xed, 0xff}, shadow: color.RGBA{0x00, 0x00, 0x00, 0xd0},
		ring: color.RGBA{0xff, 0xff, 0xff, 0xff},
		banner: map[Severity]color.RGBA{
			SeverityError:   {0x8b, 0x1a, 0x1a, 0xf0},
			SeverityWarning: {0x7a, 0x55, 0x00, 0xf0},
			SeverityInfo:    {0x2a, 0x32, 0x3c, 0xf0},
		},
	}
	lightTheme = themeColors{
		background: color.RGBA{0xf7, 0xf7, 0xf5, 0xff}, panel: color.RGBA{0xff, 0xff, 0xff, 0xe8},
		text: color.RGBA{0x1f, 0x23, 0x28, 0xff}, dim: color.RGBA{0x55, 0x5b, 0x63, 0xff},
		label: color.RGBA{0x1f, 0x23, 0x28, 0xff}, shadow: color.RGBA{0xff, 0xff, 0xff, 0xd0},
		ring: color.RGBA{0x10, 0x10, 0x10, 0xff},
		banner: map[Severity]color.RGBA{
			SeverityError:   {0xf9, 0xd6, 0xd5, 0xf4},
			SeverityWarning: {0xfb, 0xea, 0xc0, 0xf4},
			SeverityInfo:    {0xe6, 0xea, 0xef, 0xf4},
		},
	}
)

// themeState is the theme in use: light or not; srcColors and srcLegend as
// given, the drawn colors and legend derived from them (adapted on the
// light theme, from adaptedFrom, with onLight memoising view.OnLight).
type themeState struct {
	light       bool
	srcColors   []color.RGBA
	adaptedFrom []color.RGBA
	srcLegend   []view.Category
	onLight     map[color.RGBA]color.RGBA
}

// applyTheme sets the package's drawing colours to t.
func applyTheme(t themeColors) {
	Background, panelColor, textColor, dimText = t.background, t.panel, t.text, t.dim
	labelColor, labelShadow, ringSelected, bannerBG = t.label, t.shadow, t.ring, t.banner
}

// SetTheme switches the canvas to the light or the dark theme. The colours
// are the package's, so the page has one theme for all its viewers.
func (v *Viewer) SetTheme(light bool) {
	if light == v.light {
		return
	}
	v.light = light
	if light {
		applyTheme(lightTheme)
	} else {
		applyTheme(darkTheme)
	}
	v.adaptColors(true)
	v.layerDirty, v.frameDirty = true, true
}

// Light reports whether the light theme is on.
func (v *Viewer) Light() bool { return v.light }

// adaptColors derives the drawn colours (points and legend) from the given
// ones for the theme; force recomputes them even if the inputs are the
// same slices as last time (SetPoints is called every frame of a t-SNE).
func (v *Viewer) adaptColors(force bool) {
	if !v.light {
		v.colors, v.legend = v.srcColors, v.srcLegend
		return
	}
	same := len(v.srcColors) == len(v.adaptedFrom) && (len(v.srcColors) == 0 || &v.srcColors[0] == &v.adaptedFrom[0])
	if force || !same {
		if v.onLight == nil {
			v.onLight = map[color.RGBA]color.RGBA{}
		}
		v.colors = make([]color.RGBA, len(v.srcColors))
		for i, c := range v.srcColors {
			v.colors[i] = v.lightColor(c)
		}
		v.adaptedFrom = v.srcColors
	}
	v.legend = make([]view.Category, len(v.srcLegend))
	for i, e := range v.srcLegend {
		e.Color = v.lightColor(e.Color)
		v.legend[i] = e
	}
}

// lightColor is view.OnLight of c on the light background, memoised.
func (v *Viewer) lightColor(c color.RGBA) color.RGBA {
	if d, ok := v.onLight[c]; ok {
		return d
	}
	d := view.OnLight(c, lightTheme.background)
	if len(v.onLight) < 4096 {
		v.onLight[c] = d
	}
	return d
}
