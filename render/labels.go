package render

import (
	"github.com/hajimehoshi/ebiten/v2"

	"github.com/embproj/projector/render/view"
)

// Labels on the canvas: the selected points and their neighbours always,
// then as many others as fit without overlap at the current zoom, offered
// in a fixed spread-out order so the same points keep their labels.
const (
	labelSize = 11 // CSS px
	// maxLabels bounds the labels drawn, maxLabelTries the points offered
	// one (each costs a measure and a few grid cells).
	maxLabels     = 250
	maxLabelTries = 4000
	// maxForcedLabels bounds the always-labelled points (a 1,000-point
	// selection is not worth a thousand labels).
	maxForcedLabels = 300
)

// The theme's label colours (theme.go).
var labelColor, labelShadow = darkTheme.label, darkTheme.shadow

// labelState is the labels' text and placement: the text of each point,
// whether labels are shown, the placer that keeps them apart, the labels
// placed over the layer, and whether a new placement is due (for points
// of radius labelRadius).
type labelState struct {
	label       func(i int) string
	labelsOn    bool
	placer      view.LabelPlacer
	placed      []placedLabel
	labelsStale bool
	labelRadius float32
}

// SetLabels sets the text of point i's label (nil or on false: no labels).
func (v *Viewer) SetLabels(label func(i int) string, on bool) {
	v.label, v.labelsOn = label, on
	v.labelsStale, v.frameDirty = true, true // the points stay as drawn
}

// placedLabel is a label placed on the layer: its text and the top-left
// corner of its line box (device px of the layer).
type placedLabel struct {
	s    string
	x, y float64
}

// labelMisses bounds the text the engine measures or rasterises for labels
// in one frame (each is a call into the browser, about a millisecond in
// software-rendered WebGL); placement continues in the next frames until
// every label that fits is placed.
const labelMisses = 24

// placeLabels chooses the labels for the current layer, radius r (device
// px) being the drawn points' radius, within the frame's text budget; it
// reports whether placement is complete.
func (v *Viewer) placeLabels(r float32) bool {
	v.placed = v.placed[:0]
	n := v.Len()
	if !v.labelsOn || v.label == nil || n == 0 {
		return true
	}
	size := labelSize * v.scale
	h := size * LineSpacing
	// In the layer's coordinates (it has margins around the screen, and
	// the labels move with it); candidates are the points on screen.
	c := v.lcam
	v.placer.Reset(c.Width, c.Height, h)
	mx, my := float64(v.layerMX), float64(v.layerMY)
	misses := v.text.misses
	place := func(i int, force bool) {
		x, y := c.WorldToScreen(float64(v.pos[i*v.dims]), float64(v.pos[i*v.dims+1]))
		if !force && (x < mx || y < my || x > mx+float64(v.width) || y > my+float64(v.height)) {
			return
		}
		s := v.label(i)
		if s == "" {
			return
		}
		s = view.Ellipsize(s, 220*v.scale, func(t string) float64 { return v.measureText(t, size) })
		w := v.measureText(s, size)
		bx := x + float64(r) + 3*v.scale
		b := view.Bounds{MinX: bx, MinY: y - h/2, MaxX: bx + w, MaxY: y + h/2}
		if v.placer.Place(b, force) {
			v.text.image(s, size) // rasterised now, counted in the budget
			v.placed = append(v.placed, placedLabel{s, b.MinX, b.MinY})
		}
	}
	// The emphasised points last in front are the most important (the
	// selection): label them first.
	forced := 0
	for k := len(v.front) - 1; k >= 0 && forced < maxForcedLabels; k-- {
		if v.text.misses-misses > labelMisses {
			return false
		}
		if i := int(v.front[k]); v.emphasis[i] == EmphasisSelected || v.emphasis[i] == EmphasisNeighbour {
			place(i, true)
			forced++
		}
	}
	for k := 0; k < min(n, maxLabelTries) && v.placer.Len() < forced+maxLabels; k++ {
		if v.text.misses-misses > labelMisses {
			return false
		}
		i := view.Spread(k, n)
		if len(v.emphasis) == n && v.emphasis[i] == EmphasisDimmed {
			continue // faded points keep quiet
		}
		place(i, false)
	}
	return true
}

// drawLabels draws the placed labels, a shadow under each, with the
// layer's offset (ox, oy) on the screen.
func (v *Viewer) drawLabels(dst *ebiten.Image, ox, oy float64) {
	size := labelSize * v.scale
	for _, l := range v.placed {
		x, y := l.x+ox, l.y+oy
		v.drawTextSized(dst, l.s, x+v.scale, y+v.scale, size, labelShadow)
		v.drawTextSized(dst, l.s, x, y, size, labelColor)
	}
}
