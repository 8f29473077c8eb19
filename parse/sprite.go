package parse

import (
	"bytes"
	"image"
	_ "image/gif" // sprite sheets may be GIF
	_ "image/jpeg"
	_ "image/png"
	"math"
)

// maxSpriteSide is the largest texture side WebGL2 guarantees on common hardware (px).
const maxSpriteSide = 8192

// sprite checks a sprite sheet against N points from its header only
// (image.DecodeConfig) and returns it, or nil when it cannot be used. Problems are
// warnings: the points draw without thumbnails.
func (l *loader) sprite(f File, cell []int, n int) *Sprite {
	r := l.r
	cfg, format, err := image.DecodeConfig(bytes.NewReader(f.Data))
	if err != nil {
		r.warnf(CodeSpriteSize, f.Name, 0, "Use a PNG or JPEG sprite sheet.", "", "The sprite %s cannot be read as an image: %v.", f.Name, err)
		return nil
	}
	_ = format
	w, h := cfg.Width, cfg.Height
	s := &Sprite{File: f.Name, Data: f.Data, Width: w, Height: h}
	if len(cell) == 0 {
		// Infer the TensorBoard layout: ceil(sqrt(N)) square cells per row.
		per := int(math.Ceil(math.Sqrt(float64(n))))
		if per > 0 && w == h && w%per == 0 {
			cell = []int{w / per, w / per}
			r.infof(CodeSpriteSize, f.Name, 0, "The sprite %s has no singleImageDim; %d×%d px cells (%d per row) were assumed.", f.Name, cell[0], cell[1], per)
		} else {
			r.warnf(CodeSpriteSize, f.Name, 0, "Give sprite.singleImageDim in the config.", "", "The size of one thumbnail in %s (%d×%d px) is unknown.", f.Name, w, h)
			return nil
		}
	}
	if len(cell) != 2 || cell[0] <= 0 || cell[1] <= 0 {
		r.warnf(CodeSpriteSize, f.Name, 0, "Set singleImageDim to [width, height] in pixels.", "", "singleImageDim %v of the sprite %s is not two positive sizes.", cell, f.Name)
		return nil
	}
	s.CellWidth, s.CellHeight = cell[0], cell[1]
	if s.CellWidth > w || s.CellHeight > h {
		r.warnf(CodeSpriteSize, f.Name, 0, "Check singleImageDim.", "", "A thumbnail (%d×%d px) is larger than the whole sprite %s (%d×%d px).", s.CellWidth, s.CellHeight, f.Name, w, h)
		return nil
	}
	if w > maxSpriteSide || h > maxSpriteSide {
		r.warnf(CodeSpriteSize, f.Name, 0, "Use smaller thumbnails.", "", "The sprite %s is %d×%d px; browsers guarantee textures up to %d px a side, so it may not show.", f.Name, w, h, maxSpriteSide)
	}
	if w%s.CellWidth != 0 || h%s.CellHeight != 0 {
		r.warnf(CodeSpriteGrid, f.Name, 0, "Check singleImageDim against the sheet.", "",
			"The sprite %s (%d×%d px) is not a whole number of %d×%d px thumbnails (%d px left over across, %d down).",
			f.Name, w, h, s.CellWidth, s.CellHeight, w%s.CellWidth, h%s.CellHeight)
	}
	s.Columns = w / s.CellWidth
	cells := s.Columns * (h / s.CellHeight)
	if cells < n {
		r.warnf(CodeSpriteTooFew, f.Name, 0, "", "", "The sprite %s holds %d thumbnails (%d×%d) for %d points; points from %d on have none.",
			f.Name, cells, s.Columns, h/s.CellHeight, n, cells+1)
	}
	return s
}
