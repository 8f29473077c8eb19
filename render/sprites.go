package render

import (
	"github.com/hajimehoshi/ebiten/v2"

	"github.com/embproj/projector/render/view"
)

// Sprites as points (TensorBoard's image mode): each point drawn as its
// thumbnail from the sprite sheet, its size following the zoom.

// SetSpritesAsPoints draws points as their thumbnails (when a sprite sheet
// is set) instead of discs.
func (v *Viewer) SetSpritesAsPoints(on bool) {
	v.spritesOn = on
	v.layerDirty, v.frameDirty = true, true
}

// HasSprites reports whether a sprite sheet is set.
func (v *Viewer) HasSprites() bool { return v.thumbs != nil && v.thumbCell != nil }

// spriteHalf is half a thumbnail's side in device pixels at the current zoom.
func (v *Viewer) spriteHalf() float32 {
	z := 1.0
	if v.fitScale > 0 {
		z = v.cam.Scale / v.fitScale
	}
	return float32(view.SpriteSide(z) * v.scale / 2)
}

// drawSprites draws every point as its thumbnail, dimmed ones faded, in
// batches of maxQuads; it returns false (drawing nothing) without a sheet.
func (v *Viewer) drawSprites(dst *ebiten.Image, em []uint8) bool {
	if !v.spritesOn || !v.HasSprites() {
		return false
	}
	n := v.Len()
	half := v.spriteHalf()
	c := v.lcam // the layer's camera
	s := float32(c.Scale)
	ox := float32(c.Width/2 - c.CenterX*c.Scale)
	oy := float32(c.Height/2 + c.CenterY*c.Scale)
	w, h := float32(c.Width), float32(c.Height)
	bounds := v.thumbs.Bounds()
	opts := &ebiten.DrawTrianglesOptions{Filter: ebiten.FilterLinear}
	quads := 0
	flush := func() {
		if quads > 0 {
			dst.DrawTriangles(v.vertices[:4*quads], v.indices[:6*quads], v.thumbs, opts)
			quads = 0
		}
	}
	for pass := 0; pass < 2; pass++ { // faded points first, the others over them
		for k := 0; k < n; k++ {
			i := k
			if v.order != nil {
				i = int(v.order[k])
			}
			faded := em != nil && em[i] == EmphasisDimmed
			if faded != (pass == 0) {
				continue
			}
			x := ox + v.pos[i*v.dims]*s
			y := oy - v.pos[i*v.dims+1]*s
			if !(x > -half && x < w+half && y > -half && y < h+half) {
				continue
			}
			cell, ok := v.thumbCell(i)
			if !ok || !cell.In(bounds) {
				continue
			}
			a := float32(1)
			if faded {
				a = 0.3
			}
			x0, y0, x1, y1 := float32(cell.Min.X), float32(cell.Min.Y), float32(cell.Max.X), float32(cell.Max.Y)
			q := v.vertices[4*quads : 4*quads+4 : 4*quads+4]
			q[0] = ebiten.Vertex{DstX: x - half, DstY: y - half, SrcX: x0, SrcY: y0, ColorR: a, ColorG: a, ColorB: a, ColorA: a}
			q[1] = ebiten.Vertex{DstX: x + half, DstY: y - half, SrcX: x1, SrcY: y0, ColorR: a, ColorG: a, ColorB: a, ColorA: a}
			q[2] = ebiten.Vertex{DstX: x - half, DstY: y + half, SrcX: x0, SrcY: y1, ColorR: a, ColorG: a, ColorB: a, ColorA: a}
			q[3] = ebiten.Vertex{DstX: x + half, DstY: y + half, SrcX: x1, SrcY: y1, ColorR: a, ColorG: a, ColorB: a, ColorA: a}
			quads++
			if quads == maxQuads {
				flush()
			}
		}
	}
	flush()
	return true
}
