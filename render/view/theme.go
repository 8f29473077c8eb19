package view

import (
	"image/color"
	"math"
)

// Luminance is the WCAG relative luminance of c (0 black … 1 white).
func Luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// Contrast is the WCAG contrast ratio of two colours (1 … 21).
func Contrast(a, b color.RGBA) float64 {
	la, lb := Luminance(a), Luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// MinContrast is the contrast every point colour keeps against the
// background of either theme.
const MinContrast = 3

// OnLight returns c darkened, keeping its hue, until it has MinContrast
// against bg (a light background); colours that already do are returned
// as they are. The palettes are made for the dark theme; this keeps every
// one of them visible on the light one.
func OnLight(c, bg color.RGBA) color.RGBA {
	if Contrast(c, bg) >= MinContrast {
		return c
	}
	lo, hi := 0.0, 1.0 // scale factors of the colour: lo passes, hi fails
	scale := func(f float64) color.RGBA {
		return color.RGBA{uint8(float64(c.R) * f), uint8(float64(c.G) * f), uint8(float64(c.B) * f), c.A}
	}
	for k := 0; k < 20; k++ {
		m := (lo + hi) / 2
		if Contrast(scale(m), bg) >= MinContrast {
			lo = m
		} else {
			hi = m
		}
	}
	return scale(lo)
}
