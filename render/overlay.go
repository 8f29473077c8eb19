package render

import (
	"fmt"
	"image/color"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// fonts holds the faces used for overlays at one device scale.
type fonts struct {
	body       text.Face
	lineHeight float64 // device pixels
}

var parsedFont *opentype.Font

func newFonts(scale float64) *fonts {
	if parsedFont == nil {
		f, err := opentype.Parse(goregular.TTF)
		if err != nil {
			panic(fmt.Sprintf("render: the embedded Go Regular font does not parse: %v", err))
		}
		parsedFont = f
	}
	size := 13 * scale
	face, err := opentype.NewFace(parsedFont, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(fmt.Sprintf("render: Go Regular at %.1f px: %v", size, err))
	}
	return &fonts{body: text.NewGoXFace(face), lineHeight: size * 1.35}
}

var (
	panelColor = color.RGBA{0x0e, 0x10, 0x14, 0xe0}
	textColor  = color.RGBA{0xe8, 0xea, 0xed, 0xff}
	dimText    = color.RGBA{0xa0, 0xa6, 0xad, 0xff}
	bannerBG   = map[Severity]color.RGBA{
		SeverityError:   {0x8b, 0x1a, 0x1a, 0xf0},
		SeverityWarning: {0x7a, 0x55, 0x00, 0xf0},
		SeverityInfo:    {0x2a, 0x32, 0x3c, 0xf0},
	}
	severityWord = map[Severity]string{SeverityError: "Error", SeverityWarning: "Warning", SeverityInfo: "Note"}
)

func (v *Viewer) drawText(dst *ebiten.Image, s string, x, y float64, c color.Color) {
	op := &text.DrawOptions{}
	op.GeoM.Translate(x, y)
	op.ColorScale.ScaleWithColor(c)
	text.Draw(dst, s, v.font.body, op)
}

func (v *Viewer) textWidth(s string) float64 { return text.Advance(s, v.font.body) }

// legendLayout returns the legend's rows and box (device pixels: top-left
// corner and size); ok is false when no legend is drawn.
func (v *Viewer) legendLayout() (rows []string, x0, y0, bw, bh float64, ok bool) {
	if len(v.legend) == 0 || v.Len() == 0 || v.font == nil {
		return nil, 0, 0, 0, 0, false
	}
	s, lh := v.scale, v.font.lineHeight
	pad := 8 * s
	rows = make([]string, len(v.legend))
	w := v.textWidth(v.legendTitle)
	for i, e := range v.legend {
		rows[i] = ellipsize(e.Label, 28)
		if e.Count > 0 { // gradient marks have no count
			rows[i] += fmt.Sprintf("  (%d)", e.Count)
		}
		w = max(w, v.textWidth(rows[i])+lh)
	}
	bw, bh = w+2*pad, lh*float64(len(rows)+1)+2*pad
	return rows, float64(v.width) - bw - 12*s, 12 * s, bw, bh, true
}

// drawLegend draws the colour key in the top-right corner.
func (v *Viewer) drawLegend(dst *ebiten.Image) {
	rows, x0, y0, bw, bh, ok := v.legendLayout()
	if !ok {
		return
	}
	lh, pad := v.font.lineHeight, 8*v.scale
	vector.DrawFilledRect(dst, float32(x0), float32(y0), float32(bw), float32(bh), panelColor, false)
	v.drawText(dst, v.legendTitle, x0+pad, y0+pad, dimText)
	for i, e := range v.legend {
		y := y0 + pad + lh*float64(i+1)
		vector.DrawFilledCircle(dst, float32(x0+pad+lh*0.35), float32(y+lh*0.45), float32(lh*0.3), e.Color, true)
		v.drawText(dst, rows[i], x0+pad+lh, y, textColor)
	}
}

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
	for _, l := range v.banner {
		prefix := severityWord[l.Severity] + ": "
		wrapped = append(wrapped, v.wrap(prefix+l.Text, w-20*s))
	}
	return x, y, w, v.banner, wrapped
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
	s, lh := v.scale, v.font.lineHeight
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

// wrap splits s into lines no wider than width device pixels, breaking at spaces
// (and inside words longer than a line).
func (v *Viewer) wrap(s string, width float64) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Split(para, " ") {
			try := word
			if line != "" {
				try = line + " " + word
			}
			if v.textWidth(try) <= width || line == "" && v.textWidth(word) <= width {
				line = try
				continue
			}
			if line != "" {
				out = append(out, line)
			}
			// Break an over-long word by runes.
			line = ""
			for _, r := range word {
				if v.textWidth(line+string(r)) > width && line != "" {
					out = append(out, line)
					line = ""
				}
				line += string(r)
			}
		}
		out = append(out, line)
	}
	return out
}

// drawTooltip shows the hovered point's metadata next to the cursor.
func (v *Viewer) drawTooltip(dst *ebiten.Image) {
	if v.hover < 0 || v.hover >= v.Len() || v.tooltip == nil {
		return
	}
	lines := v.tooltip(v.hover)
	if len(lines) == 0 {
		return
	}
	s, lh := v.scale, v.font.lineHeight
	pad := 6 * s
	w := 0.0
	for i, l := range lines {
		lines[i] = ellipsize(l, 80)
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

// ellipsize shortens s to at most n runes, marking the cut with "…".
func ellipsize(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
