package render

import (
	"image/color"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/embproj/projector/render/view"
)

// Big layers: from splatFrom points on, the point layer is drawn on the CPU
// (view.Splat) and uploaded as pixels, not handed to the GPU as a quad per
// point: the vertex data of 100,000 points is about 20 MB a frame, and in a
// software-rendered WebGL (headless Chromium, machines without a GPU) a
// redraw of 100,000 quads took 0.4 to 1.6 s. The CPU drawing runs in time
// slices of layerBudget per frame, so a redraw of 1,000,000 points spreads
// over several frames; meanwhile the last finished layer is shown, moved and
// scaled to the current camera (so pan and zoom answer at once).
const (
	splatFrom   = 20000
	layerBudget = 16 * time.Millisecond
)

// SetLayerBudget lets the CPU redraw take up to d a frame when frames come
// slowly (a quarter of the time since the last one, at least 16 ms): the
// software-rendered canvas of a busy 2-core machine paces frames at 0.1 to
// 0.5 s with the page's thread idle most of that time, and a redraw of
// 1,000,000 points in 16 ms slices then takes many seconds. The page
// allows it once nothing else needs the frames (no data loading).
func (v *Viewer) SetLayerBudget(d time.Duration) { v.maxBudget = d }

// layerJob is a redraw of the point layer under way on the CPU: it queues
// the points (k), then the emphasised ones on top (f), then draws the
// queued discs band by band (band, at).
type layerJob struct {
	cam    view.Camera // the camera it draws for (the layer's size)
	screen view.Camera // the screen's camera then (the layer's layerCam once done)
	k      int         // the next point (drawing order) to queue
	front  []int32     // the emphasised points met so far
	f      int         // the next of front to queue, once sorted
	band   int         // the band being drawn
	at     int         // the next disc of that band
	// n, dims and emph are the point count, stride and emphasis length it
	// started with: another dataset or emphasis makes it start again.
	n, dims, emph int
	sorted        bool
}

// layerCamera is the camera the layer is drawn with: the screen's, the
// size of the layer (which has margins around the screen).
func (v *Viewer) layerCamera() view.Camera {
	lc := v.cam
	lc.Width, lc.Height = float64(v.width+2*v.layerMX), float64(v.height+2*v.layerMY)
	return lc
}

// updateLayer brings the point layer up to date: at once with quads for a
// few points, else by advancing (or, when something changed, starting)
// the CPU redraw for about layerBudget.
func (v *Viewer) updateLayer() {
	n := v.Len()
	if n < splatFrom || (v.spritesOn && v.HasSprites()) {
		v.job = nil
		if v.layerDirty {
			v.drawPoints(v.layer, v.layerCamera())
			v.layerDirty, v.layerCam, v.layerDone = false, v.cam, true
		}
		return
	}
	// A change while a redraw is under way waits for it to finish (the
	// finished layer is then shown moved to the current camera, and the
	// next redraw starts): restarting at every change would never finish
	// while the camera or the points keep moving.
	if j := v.job; j != nil && (j.n != n || j.dims != v.dims || j.emph != len(v.emphasis)) {
		v.job = nil // other points: what was drawn so far is of no use
	}
	if v.job == nil {
		if !v.layerDirty {
			return
		}
		v.layerDirty = false
		lc := v.layerCamera()
		v.job = &layerJob{cam: lc, screen: v.cam, front: v.front[:0], n: n, dims: v.dims, emph: len(v.emphasis)}
		v.splat.Resize(int(lc.Width), int(lc.Height))
		v.splat.Reset()
		v.splat.Fill(Background)
	}
	now := time.Now()
	budget := max(layerBudget, min(v.maxBudget, now.Sub(v.lastStep)/4))
	v.lastStep = now
	if v.stepLayer(now, now.Add(budget)) {
		v.job = nil
	}
	v.frameDirty = true
}

// stepLayer advances the layer job, started this frame at start, until
// deadline and reports whether it finished (the layer then shows it).
func (v *Viewer) stepLayer(start, deadline time.Time) bool {
	j := v.job
	n := v.Len()
	r := float32(PointRadius(n) * v.scale)
	v.lcam = j.cam
	b := v.newBatch(nil, nil, float32(v.disc.Bounds().Dx()))
	b.sp = &v.splat
	em := v.emphasis
	if len(em) != n {
		em = nil
	}
	const chunk = 1 << 11 // points or discs between looks at the clock: a few ms in js/wasm
	for j.k < n {
		to := min(n, j.k+chunk)
		j.front = v.addPoints(&b, em, j.k, to, r, j.front)
		j.k = to
		if time.Now().After(deadline) {
			return false
		}
	}
	if !j.sorted {
		// Matches, then neighbours, then the selection on top (as drawPoints).
		j.front = sortByEmphasis(j.front, em)
		j.sorted = true
	}
	big := r * 1.5
	for j.f < len(j.front) {
		to := min(len(j.front), j.f+chunk)
		for _, i := range j.front[j.f:to] {
			b.add(v.pos[int(i)*v.dims], v.pos[int(i)*v.dims+1], big, v.colorOf(int(i)))
		}
		j.f = to
		if time.Now().After(deadline) {
			return false
		}
	}
	for ; j.band < v.splat.Bands(); j.band, j.at = j.band+1, 0 {
		for m := v.splat.BandLen(j.band); j.at < m; {
			to := min(m, j.at+chunk)
			v.splat.DrawBand(j.band, j.at, to)
			j.at = to
			if time.Now().After(deadline) {
				return false
			}
		}
	}
	if time.Since(start) > layerBudget/4 {
		return false // the upload, lines and rings on a frame of their own
	}
	v.splat.Reset()
	v.layer.WritePixels(v.splat.Pix)
	v.front = j.front
	v.layerCam, v.layerDone = j.screen, true
	// The lines and rings as the job's camera saw the points (the user may
	// have moved it since); the points are in the pixels already.
	if len(v.front) > 0 {
		skip := v.newBatch(v.layer, nil, 0)
		skip.skip = true
		v.drawEmphasised(v.layer, &skip, v.front, r)
	}
	v.labelRadius, v.labelsStale = r, true
	return true
}

// sortByEmphasis orders front by em (ascending, stable) in linear time:
// emphasis takes a handful of values.
func sortByEmphasis(front []int32, em []uint8) []int32 {
	if len(front) < 2 || em == nil {
		return front
	}
	var count [257]int
	for _, i := range front {
		count[int(em[i])+1]++
	}
	for e := 1; e < len(count); e++ {
		count[e] += count[e-1]
	}
	out := make([]int32, len(front))
	for _, i := range front {
		out[count[em[i]]] = i
		count[em[i]]++
	}
	return out
}

// colorOf is point i's colour (grey when the colours do not cover it).
func (v *Viewer) colorOf(i int) color.RGBA {
	if i < len(v.colors) {
		return v.colors[i]
	}
	return view.OtherColor
}

// drawLayer draws the point layer on screen: moved by whole pixels when it
// was drawn at the current zoom (exact is then true, and (ox, oy) is where
// its top-left corner lands), else moved and scaled from the camera it was
// drawn for, a preview until the redraw under way ends.
func (v *Viewer) drawLayer(screen *ebiten.Image) (ox, oy float64, exact bool) {
	if !v.layerDone {
		screen.Fill(Background)
		return 0, 0, false
	}
	if tx, ty, covers := v.layerOffset(); covers {
		ox, oy = tx-float64(v.layerMX), ty-float64(v.layerMY)
		var op ebiten.DrawImageOptions
		op.GeoM.Translate(ox, oy)
		screen.DrawImage(v.layer, &op)
		return ox, oy, true
	}
	lc, c := v.layerCam, v.cam
	k := c.Scale / lc.Scale
	lw, lh := float64(v.width+2*v.layerMX), float64(v.height+2*v.layerMY)
	var op ebiten.DrawImageOptions
	op.GeoM.Translate(-lw/2, -lh/2)
	op.GeoM.Scale(k, k)
	op.GeoM.Translate(c.Width/2+(lc.CenterX-c.CenterX)*c.Scale, c.Height/2-(lc.CenterY-c.CenterY)*c.Scale)
	op.Filter = ebiten.FilterLinear
	screen.Fill(Background)
	screen.DrawImage(v.layer, &op)
	return 0, 0, false
}
