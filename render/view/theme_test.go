package view

import (
	"image/color"
	"testing"
)

func TestOnLightKeepsEveryPaletteVisible(t *testing.T) {
	light := color.RGBA{0xf7, 0xf7, 0xf5, 0xff}
	colours := append([]color.RGBA{OtherColor}, Palette...)
	for k := 0; k <= 100; k++ {
		colours = append(colours, Ramp(float64(k)/100))
	}
	for _, c := range colours {
		got := OnLight(c, light)
		if Contrast(got, light) < MinContrast {
			t.Errorf("%v → %v: contrast %.2f on the light background", c, got, Contrast(got, light))
		}
		if Contrast(c, light) >= MinContrast && got != c {
			t.Errorf("%v already had contrast %.2f but was changed to %v", c, Contrast(c, light), got)
		}
		// The hue stays: the channels keep their order.
		if (c.R > c.G) != (got.R > got.G) && c.R != c.G && got.R != got.G {
			t.Errorf("%v → %v changed its hue", c, got)
		}
	}
	if Contrast(color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255}) < 20.9 {
		t.Fatal("black on white is not 21:1")
	}
}
