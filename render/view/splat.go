package view

import (
	"image/color"
	"math"
)

// Splat draws anti-aliased discs into an RGBA pixel buffer on the CPU, for
// layers of so many points that handing every point to the GPU as a quad
// costs more than the pixels (the vertex data of 1,000,000 points is about
// 200 MB a frame; a 1280×800 buffer is 4 MB whatever the count).
//
// Pix holds W×H pixels, 4 bytes each, row-major, in premultiplied alpha
// (what ebiten.Image.WritePixels takes). The zero value has no pixels;
// call Resize.
type Splat struct {
	W, H int
	Pix  []byte
	// masks caches the coverage masks by radius; last is the one used last.
	masks map[float32]*discMask
	last  *discMask
	// bands holds the discs Add queued, per band of bandRows rows.
	bands  [][]splatDisc
	queued int
}

// splatDisc is a queued disc: centre, radius (pixels) and colour.
type splatDisc struct {
	x, y, r float32
	c       color.RGBA
}

// bandRows is the height of the bands the queued discs are drawn in, one
// band after another: a band of a 1280-pixel-wide buffer (160 kB) stays in
// the CPU's cache while its discs are drawn, where discs spread over the
// whole buffer would miss it on nearly every row.
const bandRows = 32

// Add queues a disc for DrawBand (see Disc), in the bands its rows touch
// (one, sometimes two).
func (s *Splat) Add(x, y, r float32, c color.RGBA) {
	if !(x > -r-1 && x < float32(s.W)+r+1 && y > -r-1 && y < float32(s.H)+r+1) { // also drops NaN
		return
	}
	d := splatDisc{x, y, r, c}
	lo := max(int(y-r-1), 0) / bandRows // clamped at 0, so truncation is floor
	hi := min(int(y+r+1)/bandRows, len(s.bands)-1)
	for b := lo; b <= hi; b++ {
		s.bands[b] = append(s.bands[b], d)
	}
	s.queued++
}

// Queued is the number of discs queued since the last Reset.
func (s *Splat) Queued() int { return s.queued }

// Bands is the number of bands DrawBand draws.
func (s *Splat) Bands() int { return len(s.bands) }

// Reset empties the queue.
func (s *Splat) Reset() {
	for b := range s.bands {
		s.bands[b] = s.bands[b][:0]
	}
	s.queued = 0
}

// Flush draws the queued discs, in the order queued, and empties the
// queue. The pixels are those of calling Disc for each in turn.
func (s *Splat) Flush() {
	for b := range s.bands {
		s.DrawBand(b, 0, len(s.bands[b]))
	}
	s.Reset()
}

// BandLen is the number of discs queued in band b.
func (s *Splat) BandLen(b int) int { return len(s.bands[b]) }

// DrawBand draws the discs from to to−1 queued in band b (rows
// b·bandRows on), in the order queued. Bands may be drawn in any order:
// each band's pixels are its own.
func (s *Splat) DrawBand(b, from, to int) {
	y0, y1 := b*bandRows, min((b+1)*bandRows, s.H)
	for i := from; i < to; i++ {
		d := &s.bands[b][i]
		s.disc(d.x, d.y, d.r, d.c, y0, y1)
	}
}

// subpixel is the number of sub-pixel positions per axis a disc is drawn at.
const subpixel = 4

// discMask is a disc of radius r: its coverage (0..255) of the pixels
// around its centre, one block per sub-pixel offset (subpixel² of them).
type discMask struct {
	r     float32
	cover [subpixel * subpixel]coverBlock
}

// coverBlock is the coverage of a w×h block of pixels (row-major) whose
// top-left pixel is (dx, dy) from the pixel holding the disc's centre.
type coverBlock struct {
	dx, dy, w, h int
	k            []uint8
}

// Resize makes the buffer w×h pixels (its contents are then undefined)
// and empties the queue.
func (s *Splat) Resize(w, h int) {
	w, h = max(w, 0), max(h, 0)
	if cap(s.Pix) < 4*w*h {
		s.Pix = make([]byte, 4*w*h)
	}
	s.W, s.H, s.Pix = w, h, s.Pix[:4*w*h]
	for len(s.bands) < (h+bandRows-1)/bandRows {
		s.bands = append(s.bands, nil)
	}
	s.bands = s.bands[:(h+bandRows-1)/bandRows]
	s.Reset()
}

// Fill sets every pixel to c (premultiplied: an opaque c as it is, a
// transparent one all zero).
func (s *Splat) Fill(c color.RGBA) {
	if len(s.Pix) == 0 {
		return
	}
	s.Pix[0], s.Pix[1], s.Pix[2], s.Pix[3] = c.R, c.G, c.B, c.A
	for n := 4; n < len(s.Pix); n *= 2 {
		copy(s.Pix[n:], s.Pix[:n])
	}
}

// mask returns the coverage masks of a disc of radius r pixels.
func (s *Splat) mask(r float32) *discMask {
	if s.last != nil && s.last.r == r {
		return s.last
	}
	if m, ok := s.masks[r]; ok {
		s.last = m
		return m
	}
	if s.masks == nil {
		s.masks = map[float32]*discMask{}
	}
	half := int(math.Ceil(float64(r) + 0.5))
	side := 2*half + 1
	m := &discMask{r: r}
	const ss = 4 // supersamples per pixel per axis
	for oy := 0; oy < subpixel; oy++ {
		for ox := 0; ox < subpixel; ox++ {
			cx := float64(half) + 0.5 + float64(ox)/subpixel
			cy := float64(half) + 0.5 + float64(oy)/subpixel
			cov := make([]uint8, side*side)
			for py := 0; py < side; py++ {
				for px := 0; px < side; px++ {
					in := 0
					for sy := 0; sy < ss; sy++ {
						for sx := 0; sx < ss; sx++ {
							dx := float64(px) + (float64(sx)+0.5)/ss - cx
							dy := float64(py) + (float64(sy)+0.5)/ss - cy
							if dx*dx+dy*dy <= float64(r)*float64(r) {
								in++
							}
						}
					}
					cov[py*side+px] = uint8((in*255 + ss*ss/2) / (ss * ss))
				}
			}
			m.cover[oy*subpixel+ox] = trim(cov, side, half)
		}
	}
	s.masks[r], s.last = m, m
	return m
}

// trim returns the smallest block of the side×side coverage cov holding
// all its non-zero pixels, the disc's centre pixel at (half, half).
func trim(cov []uint8, side, half int) coverBlock {
	x0, y0, x1, y1 := side, side, -1, -1
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			if cov[y*side+x] != 0 {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return coverBlock{}
	}
	b := coverBlock{dx: x0 - half, dy: y0 - half, w: x1 - x0 + 1, h: y1 - y0 + 1}
	for y := y0; y <= y1; y++ {
		b.k = append(b.k, cov[y*side+x0:y*side+x1+1]...)
	}
	return b
}

// Disc draws a disc of radius r pixels centred at (x, y) (pixel units, the
// top-left corner of the buffer at 0, 0) in colour c (not premultiplied)
// over what is there; parts outside the buffer, and non-finite centres,
// are skipped. For many discs, Add and Flush are faster.
func (s *Splat) Disc(x, y, r float32, c color.RGBA) {
	if !(x > -r-1 && x < float32(s.W)+r+1 && y > -r-1 && y < float32(s.H)+r+1) { // also drops NaN
		return
	}
	s.disc(x, y, r, c, 0, s.H)
}

// disc is Disc for a finite centre, drawing only rows rowLo to rowHi−1.
func (s *Splat) disc(x, y, r float32, c color.RGBA, rowLo, rowHi int) {
	m := s.mask(r)
	// The pixel holding the centre, and the centre's offset in it.
	fx, fy := float32(math.Floor(float64(x))), float32(math.Floor(float64(y)))
	ox := min(int((x-fx)*subpixel), subpixel-1)
	oy := min(int((y-fy)*subpixel), subpixel-1)
	b := &m.cover[oy*subpixel+ox]
	x0, y0 := int(fx)+b.dx, int(fy)+b.dy
	px0, px1 := max(0, -x0), min(b.w, s.W-x0)
	py0, py1 := max(rowLo-y0, 0), min(b.h, rowHi-y0)
	ca := uint32(c.A)
	cr, cg, cb := uint32(c.R), uint32(c.G), uint32(c.B)
	for py := py0; py < py1; py++ {
		row := 4 * ((y0+py)*s.W + x0) // may be before the row's start: px ≥ px0 is not
		ks := b.k[py*b.w : py*b.w+b.w]
		for px := px0; px < px1; px++ {
			k := uint32(ks[px])
			if k == 0 {
				continue
			}
			i := row + 4*px
			p := s.Pix[i : i+4 : i+4]
			if k == 255 && ca == 255 {
				p[0], p[1], p[2], p[3] = c.R, c.G, c.B, 0xff
				continue
			}
			a := (k*ca + 127) / 255 // coverage × opacity, 0..255
			inv := 255 - a
			p[0] = uint8((cr*a + uint32(p[0])*inv + 127) / 255)
			p[1] = uint8((cg*a + uint32(p[1])*inv + 127) / 255)
			p[2] = uint8((cb*a + uint32(p[2])*inv + 127) / 255)
			p[3] = uint8((255*a + uint32(p[3])*inv + 127) / 255)
		}
	}
}
