package view

import (
	"image/color"
	"math"
	"testing"
)

func TestSplatDiscColourAndArea(t *testing.T) {
	var s Splat
	s.Resize(40, 30)
	bg := color.RGBA{0x16, 0x18, 0x1d, 0xff}
	s.Fill(bg)
	c := color.RGBA{0xe0, 0x40, 0x20, 0xff}
	const r = 4
	s.Disc(20.3, 14.8, r, c)
	at := func(x, y int) []byte { return s.Pix[4*(y*s.W+x) : 4*(y*s.W+x)+4] }
	if p := at(20, 14); p[0] != c.R || p[1] != c.G || p[2] != c.B || p[3] != 0xff {
		t.Errorf("the centre pixel is %v, want the colour %v", p, c)
	}
	if p := at(2, 2); p[0] != bg.R || p[1] != bg.G || p[2] != bg.B || p[3] != 0xff {
		t.Errorf("a far pixel is %v, want the background", p)
	}
	// The red channel's excess over the background integrates the coverage.
	var area float64
	for y := 0; y < s.H; y++ {
		for x := 0; x < s.W; x++ {
			area += float64(at(x, y)[0]-bg.R) / float64(c.R-bg.R)
		}
	}
	if want := math.Pi * r * r; math.Abs(area-want) > 0.05*want {
		t.Errorf("disc area %.1f px², want about %.1f", area, want)
	}
}

func TestSplatTransparentIsPremultiplied(t *testing.T) {
	var s Splat
	s.Resize(9, 9)
	s.Fill(color.RGBA{})
	s.Disc(4.5, 4.5, 2, color.RGBA{0xff, 0x80, 0x00, 0x80})
	for i := 0; i < len(s.Pix); i += 4 {
		if a := s.Pix[i+3]; s.Pix[i] > a || s.Pix[i+1] > a || s.Pix[i+2] > a {
			t.Fatalf("pixel %d is %v: a channel exceeds alpha (not premultiplied)", i/4, s.Pix[i:i+4])
		}
	}
	if a := s.Pix[4*(4*9+4)+3]; a < 0x7e || a > 0x81 {
		t.Errorf("the centre's alpha is %#x, want the colour's 0x80", a)
	}
}

func TestSplatClipsAtTheEdgesAndSkipsNaN(t *testing.T) {
	var s Splat
	s.Resize(10, 10)
	s.Fill(color.RGBA{0, 0, 0, 0xff})
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	for _, p := range [][2]float32{{0, 0}, {9.9, 9.9}, {-3, 5}, {12, 5}, {5, -100}, {float32(math.NaN()), 3}, {float32(math.Inf(1)), 3}} {
		s.Disc(p[0], p[1], 3, white)
	}
	if s.Pix[0] != 0xff || s.Pix[4*(9*10+9)] != 0xff {
		t.Errorf("corner discs not drawn: %v %v", s.Pix[0:4], s.Pix[4*(9*10+9):4*(9*10+9)+4])
	}
	s.Resize(0, 0)
	s.Fill(white)
	s.Disc(0, 0, 3, white) // no pixels: nothing to do, no panic
}

// BenchmarkSplat draws the discs of 1,000,000 random points (radius 1.75
// px) into a 1280×800 buffer, the point layer of a million-point dataset.
func BenchmarkSplat(b *testing.B) {
	pos := randomLayout(1000000)
	var s Splat
	s.Resize(1280, 800)
	c := color.RGBA{0x4e, 0x79, 0xa7, 0xff}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Fill(color.RGBA{0x16, 0x18, 0x1d, 0xff})
		for k := 0; k < len(pos); k += 2 {
			s.Add(640+pos[k]*20, 400+pos[k+1]*20, 1.75, c)
		}
		s.Flush()
	}
}

// Add and Flush draw, band by band, exactly what Disc draws disc by disc.
func TestSplatFlushEqualsDiscs(t *testing.T) {
	var a, b Splat
	a.Resize(97, 75)
	b.Resize(97, 75)
	a.Fill(color.RGBA{0x16, 0x18, 0x1d, 0xff})
	b.Fill(color.RGBA{0x16, 0x18, 0x1d, 0xff})
	pos := randomLayout(3000)
	for k := 0; k < len(pos); k += 2 {
		x, y, r := 48+pos[k]*4, 37+pos[k+1]*4, float32(1+k%3)
		c := Palette[k%len(Palette)]
		c.A = uint8(100 + k%156)
		a.Disc(x, y, r, c)
		b.Add(x, y, r, c)
	}
	b.Add(float32(math.NaN()), 3, 2, Palette[0])
	b.Flush()
	for i := range a.Pix {
		if a.Pix[i] != b.Pix[i] {
			t.Fatalf("pixel %d (%d, %d) differs: Disc %v, Flush %v", i/4, i/4%97, i/4/97, a.Pix[i/4*4:i/4*4+4], b.Pix[i/4*4:i/4*4+4])
		}
	}
}
