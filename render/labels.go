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

// SetLabels sets the text of point i's label (nil or on false: no labels).
func (v *Viewer) SetLabels(label func(i int) string, on bool) {
	v.label, v.labelsOn = label, on
	v.layerDirty, v.frameDirty = true, true
}

// drawLabels draws the labels over the point layer.
func (v *Viewer) drawLabels(dst *ebiten.Image, r float32) {
	n := v.Len()
	if !v.labelsOn || v.label == nil || n == 0 {
		return
	}
	size := labelSize * v.scale
	h := size * LineSpacing
	v.placer.Reset(float64(v.width), float64(v.height), h)
	place := func(i int, force bool) {
		x, y := v.cam.WorldToScreen(float64(v.pos[i*v.dims]), float64(v.pos[i*v.dims+1]))
		if !force && (x < 0 || y < 0 || x > float64(v.width) || y > float64(v.height)) {
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
			v.drawTextSized(dst, s, b.MinX+v.scale, b.MinY+v.scale, size, labelShadow)
			v.drawTextSized(dst, s, b.MinX, b.MinY, size, labelColor)
		}
	}
	// The emphasised points last in front are the most important (the
	// selection): label them first.
	forced := 0
	for k := len(v.front) - 1; k >= 0 && forced < maxForcedLabels; k-- {
		if i := int(v.front[k]); v.emphasis[i] == EmphasisSelected || v.emphasis[i] == EmphasisNeighbour {
			place(i, true)
			forced++
		}
	}
	for k := 0; k < min(n, maxLabelTries) && v.placer.Len() < forced+maxLabels; k++ {
		i := view.Spread(k, n)
		if len(v.emphasis) == n && v.emphasis[i] == EmphasisDimmed {
			continue // faded points keep quiet
		}
		place(i, false)
	}
}
