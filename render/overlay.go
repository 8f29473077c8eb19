package render

import (
	"fmt"
	"image"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/embproj/projector/render/view"
)

var (
	// The theme's (theme.go).
	panelColor, textColor, dimText = darkTheme.panel, darkTheme.text, darkTheme.dim
	bannerBG                       = darkTheme.banner
	severityWord                   = map[Severity]string{SeverityError: "Error", SeverityWarning: "Warning", SeverityInfo: "Note"}
)

// overlayState is what is drawn over the points: the legend, the
// diagnostics banner (and where it ends, bannerBottom; its lines wrapped
// to bannerWrapW device pixels, reset by SetBanner and resize), and the
// hover tooltip with its sprite sheet.
type overlayState struct {
	legendTitle   string
	legend        []view.Category
	banner        []BannerLine
	bannerBottom  float64
	bannerWrapped [][]string
	bannerWrapW   float64
	tooltip       func(i int) []string
	thumbs        *ebiten.Image                       // sprite sheet, or nil
	thumbSrc      image.Image                         // what thumbs was made from
	thumbCell     func(i int) (image.Rectangle, bool) // point i's cell in thumbs
}

// legendBox is the legend as laid out: its rows (label and, for
// categories, the count drawn dim after it) and its box in device pixels.
type legendBox struct {
	labels, counts []string
	x0, y0, w, h   float64
}

// legendLayout lays out the legend in the top-right corner of the area the
// panels leave free; ok is false when no legend is drawn.
func (v *Viewer) legendLayout() (lb legendBox, ok bool) {
	if len(v.legend) == 0 || v.Len() == 0 {
		return lb, false
	}
	s, lh := v.scale, v.lineHeight()
	pad := 8 * s
	maxLabel := min(200*s, float64(v.width)*0.45)
	lb.labels = make([]string, len(v.legend))
	lb.counts = make([]string, len(v.legend))
	w := v.textWidth(v.legendTitle)
	for i, e := range v.legend {
		lb.labels[i] = v.ellipsize(e.Label, maxLabel)
		rw := v.textWidth(lb.labels[i])
		if e.Count > 0 { // gradient marks have no count
			lb.counts[i] = fmt.Sprintf("(%d)", e.Count)
			rw += v.legendGap() + v.textWidth(lb.counts[i])
		}
		w = max(w, rw+lh)
	}
	lb.w, lb.h = w+2*pad, lh*float64(len(lb.labels)+1)+2*pad
	in := v.insets.Scaled(s)
	lb.x0 = max(0, float64(v.width)-in.Right-lb.w-12*s)
	lb.y0 = in.Top + 12*s
	return lb, true
}

// drawLegend draws the colour key: a dot, the label and, for categories,
// the count in dim text after it.
func (v *Viewer) drawLegend(dst *ebiten.Image) {
	lb, ok := v.legendLayout()
	if !ok {
		return
	}
	lh, pad := v.lineHeight(), 8*v.scale
	x0, y0 := lb.x0, lb.y0
	vector.DrawFilledRect(dst, float32(x0), float32(y0), float32(lb.w), float32(lb.h), panelColor, false)
	v.drawText(dst, v.legendTitle, x0+pad, y0+pad, dimText)
	for i, e := range v.legend {
		y := y0 + pad + lh*float64(i+1)
		vector.DrawFilledCircle(dst, float32(x0+pad+lh*0.35), float32(y+lh*0.5), float32(lh*0.3), e.Color, true)
		x := x0 + pad + lh
		v.drawText(dst, lb.labels[i], x, y, textColor)
		if lb.counts[i] != "" {
			v.drawText(dst, lb.counts[i], x+v.textWidth(lb.labels[i])+v.legendGap(), y, dimText)
		}
	}
}

// legendGap is the space between a legend label and its count (device pixels).
func (v *Viewer) legendGap() float64 { return 6 * v.scale }

// bannerLayout returns where the banner goes (device pixels: left, top,
// width) and its lines wrapped to that width.
func (v *Viewer) bannerLayout() (x, y, w float64, lines []BannerLine, wrapped [][]string) {
	s := v.scale
	x, y = 12*s, 12*s
	w = float64(v.width) - 24*s
	if len(v.legend) > 0 && v.Len() > 0 {
		w -= 220 * s // leave the legend visible
	}
	w = max(w, 200*s)
	if v.bannerWrapW != w || len(v.bannerWrapped) != len(v.banner) {
		// Wrapped once per banner and width, not per frame.
		v.bannerWrapped = v.bannerWrapped[:0]
		for _, l := range v.banner {
			prefix := severityWord[l.Severity] + ": "
			v.bannerWrapped = append(v.bannerWrapped, v.wrap(prefix+l.Text, w-20*s))
		}
		v.bannerWrapW = w
	}
	return x, y, w, v.banner, v.bannerWrapped
}

// BannerBottom returns the bottom edge of the banner as last drawn, in CSS
// pixels from the top of the canvas (the page places its fix buttons there),
// or 0 when no banner is shown.
func (v *Viewer) BannerBottom() float64 {
	if len(v.banner) == 0 || v.scale == 0 {
		return 0
	}
	return v.bannerBottom / v.scale
}

// drawBanner draws the diagnostics in a stack of coloured boxes at the top.
func (v *Viewer) drawBanner(dst *ebiten.Image) {
	v.bannerBottom = 0
	if len(v.banner) == 0 {
		return
	}
	s, lh := v.scale, v.lineHeight()
	x, y, w, lines, wrapped := v.bannerLayout()
	const maxShown = 6
	for i, l := range lines {
		if i == maxShown {
			more := fmt.Sprintf("… and %d more (see the status line)", len(lines)-maxShown)
			vector.DrawFilledRect(dst, float32(x), float32(y), float32(w), float32(lh+12*s), bannerBG[SeverityInfo], false)
			v.drawText(dst, more, x+10*s, y+6*s, textColor)
			y += lh + 12*s
			break
		}
		h := lh*float64(len(wrapped[i])) + 12*s
		vector.DrawFilledRect(dst, float32(x), float32(y), float32(w), float32(h), bannerBG[l.Severity], false)
		for j, t := range wrapped[i] {
			v.drawText(dst, t, x+10*s, y+6*s+lh*float64(j), textColor)
		}
		y += h + 4*s
	}
	v.bannerBottom = y
}

// wrap splits s into lines no wider than width device pixels (view.Wrap).
func (v *Viewer) wrap(s string, width float64) []string { return view.Wrap(s, width, v.textWidth) }

// drawTooltip shows the hovered point's metadata next to the cursor.
func (v *Viewer) drawTooltip(dst *ebiten.Image) {
	if v.hover < 0 || v.hover >= v.Len() || v.tooltip == nil {
		return
	}
	lines := v.tooltip(v.hover)
	if len(lines) == 0 {
		return
	}
	s, lh := v.scale, v.lineHeight()
	pad := 6 * s
	w := 0.0
	maxW := max(min(480*s, float64(v.width)-100*s), 60*s)
	for i, l := range lines {
		lines[i] = v.ellipsize(l, maxW)
		w = max(w, v.textWidth(lines[i]))
	}
	// A thumbnail from the sprite sheet, left of the text.
	var thumb *ebiten.Image
	thumbSize := 0.0
	if v.thumbs != nil && v.thumbCell != nil {
		if r, ok := v.thumbCell(v.hover); ok && r.In(v.thumbs.Bounds()) {
			thumb = v.thumbs.SubImage(r).(*ebiten.Image)
			thumbSize = 64 * s
		}
	}
	textX := pad
	if thumb != nil {
		textX += thumbSize + pad
	}
	bw, bh := textX+w+pad, max(lh*float64(len(lines)), thumbSize)+2*pad
	sx, sy := v.cam.WorldToScreen(float64(v.pos[v.hover*v.dims]), float64(v.pos[v.hover*v.dims+1]))
	x, y := sx+14*s, sy+14*s
	if x+bw > float64(v.width) {
		x = sx - 14*s - bw
	}
	if y+bh > float64(v.height) {
		y = sy - 14*s - bh
	}
	vector.DrawFilledRect(dst, float32(x), float32(y), float32(bw), float32(bh), panelColor, false)
	if thumb != nil {
		b := thumb.Bounds()
		op := &ebiten.DrawImageOptions{}
		op.GeoM.Scale(thumbSize/float64(b.Dx()), thumbSize/float64(b.Dy()))
		op.GeoM.Translate(x+pad, y+pad)
		dst.DrawImage(thumb, op)
	}
	for i, l := range lines {
		c := textColor
		if i > 0 {
			c = dimText
		}
		v.drawText(dst, l, x+textX, y+pad+lh*float64(i), c)
	}
}
