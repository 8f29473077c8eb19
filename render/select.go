package render

import (
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/embproj/projector/render/view"
)

// Emphasis values (as session.Emphasis* gives them): how a point is drawn.
const (
	EmphasisNone      uint8 = iota // as usual
	EmphasisDimmed                 // faded: something else is selected or matched
	EmphasisMatch                  // matches the search: full colour, a yellow ring
	EmphasisNeighbour              // a neighbour of the selected point: a cyan ring
	EmphasisSelected               // selected: larger, a white ring
)

// DragMode is what a left-button drag (or a one-finger drag) does in 2D.
type DragMode int

// Drag modes. Whatever the mode, ctrl/⌘+drag draws a box and alt+drag a lasso.
const (
	DragPan   DragMode = iota // pan (turn in 3D)
	DragBox                   // select the points inside a rectangle
	DragLasso                 // select the points inside a free-hand outline
)

// Selection is what a click, box or lasso asked for: Rows (point indices;
// empty for a click on empty space) and whether shift was held (add to or
// toggle in the selection instead of replacing it). Box reports a region
// (add) rather than a click (toggle).
type Selection struct {
	Rows   []int
	Shift  bool
	Region bool
}

// gesture is a selection drag in progress: a box or lasso in screen pixels.
type gesture struct {
	mode         DragMode // DragBox or DragLasso
	x0, y0       float64
	x1, y1       float64
	lasso        view.Lasso
	shift, alive bool
}

// Modifiers are the modifier keys held when a button went down, as the
// browser reported them with the pointer event (Ebiten's key state misses
// a shift pressed just before a click).
type Modifiers struct{ Shift, Ctrl, Alt bool }

// SetPressModifiers records the modifiers of the latest button press; they
// decide what the press does (shift adds, ctrl draws a box, alt a lasso).
func (v *Viewer) SetPressModifiers(m Modifiers) { v.mods, v.modsSet = m, true }

// pressModifiers returns the modifiers of the press being handled: what the
// page reported, or else Ebiten's key state.
func (v *Viewer) pressModifiers() Modifiers {
	if v.modsSet {
		return v.mods
	}
	return Modifiers{Shift: shiftHeld(),
		Ctrl: ebiten.IsKeyPressed(ebiten.KeyControl) || ebiten.IsKeyPressed(ebiten.KeyMeta),
		Alt:  ebiten.IsKeyPressed(ebiten.KeyAlt)}
}

// SetDragMode sets what a plain left drag does.
func (v *Viewer) SetDragMode(m DragMode) { v.dragMode = m }

// TakeSelections returns the selections asked for since the last call.
func (v *Viewer) TakeSelections() []Selection {
	s := v.selections
	v.selections = nil
	return s
}

// SetEmphasis sets how each point is drawn (one Emphasis value per point;
// nil: all as usual), the single selected point focus (-1: none) and its
// neighbours, joined to it by lines when lines is set. The slices are
// retained, not copied.
func (v *Viewer) SetEmphasis(em []uint8, focus int, neighbours []int32, lines bool) {
	v.emphasis, v.focus, v.neighbours, v.neighbourLines = em, focus, neighbours, lines
	v.layerDirty, v.frameDirty = true, true
}

// startGesture begins a box or lasso at (x, y) when the mode or a modifier
// asks for one; it reports whether it did.
func (v *Viewer) startGesture(x, y int) bool {
	mode, mods := v.dragMode, v.pressModifiers()
	switch {
	case mods.Ctrl:
		mode = DragBox
	case mods.Alt:
		mode = DragLasso
	}
	if mode == DragPan {
		return false
	}
	fx, fy := float64(x), float64(y)
	v.gest = gesture{mode: mode, x0: fx, y0: fy, x1: fx, y1: fy, lasso: view.Lasso{fx, fy}, shift: mods.Shift, alive: true}
	return true
}

// moveGesture extends the box or lasso to (x, y).
func (v *Viewer) moveGesture(x, y int) {
	g := &v.gest
	fx, fy := float64(x), float64(y)
	if fx == g.x1 && fy == g.y1 {
		return
	}
	g.x1, g.y1 = fx, fy
	if n := len(g.lasso); math.Hypot(fx-g.lasso[n-2], fy-g.lasso[n-1]) >= 2*v.scale {
		g.lasso = append(g.lasso, fx, fy)
	}
	v.frameDirty = true
}

// endGesture ends the outline of a box or lasso; the page reports the
// exact outline (SelectRegion), which Ebiten's polling only samples.
func (v *Viewer) endGesture() {
	v.gest.alive = false
	v.frameDirty = true
}

// SelectRegion selects the points inside a box (two corners) or a lasso
// (its vertices), given as x0, y0, x1, y1, … in CSS pixels; shift adds
// them to the selection.
func (v *Viewer) SelectRegion(lasso bool, pts []float64, shift bool) {
	dev := make([]float64, len(pts))
	for i, p := range pts {
		dev[i] = p * v.scale
	}
	var r view.Region = view.Lasso(dev)
	if !lasso {
		if len(dev) < 4 {
			return
		}
		n := len(dev)
		r = view.Box{X0: dev[0], Y0: dev[1], X1: dev[n-2], Y1: dev[n-1]}
	}
	v.selections = append(v.selections, Selection{Rows: view.Inside(r, v.pos, v.dims, &v.cam), Shift: shift, Region: true})
}

// Click selects the point under (x, y) in CSS pixels (within 10 px), or
// nothing (a click on empty space); shift adds or removes it instead. The
// page detects clicks and taps itself (pointer events), because a press
// and release within one of Ebiten's ticks are never seen by its polling.
func (v *Viewer) Click(x, y float64, shift bool) {
	var rows []int
	if v.Len() > 0 {
		wx, wy := v.cam.ScreenToWorld(x*v.scale, y*v.scale)
		if i := v.hoverPicker().Nearest(wx, wy, 10*v.scale/v.cam.Scale); i >= 0 {
			rows = []int{i}
		}
	}
	v.selections = append(v.selections, Selection{Rows: rows, Shift: shift})
}

// CenterOn moves the camera so point i is in the middle of the screen.
func (v *Viewer) CenterOn(i int) {
	if i < 0 || i >= v.Len() {
		return
	}
	x, y := float64(v.pos[i*v.dims]), float64(v.pos[i*v.dims+1])
	if math.IsNaN(x) || math.IsNaN(y) {
		return
	}
	v.cam.CenterX, v.cam.CenterY = x, y
	v.userMoved()
}

// drawGesture outlines the box or lasso being dragged.
func (v *Viewer) drawGesture(dst *ebiten.Image) {
	g := v.gest
	if !g.alive {
		return
	}
	w := float32(1.5 * v.scale)
	c := color.RGBA{0xff, 0xd5, 0x4f, 0xff}
	if g.mode == DragBox {
		b := view.Box{X0: g.x0, Y0: g.y0, X1: g.x1, Y1: g.y1}.Bounds()
		vector.DrawFilledRect(dst, float32(b.MinX), float32(b.MinY), float32(b.MaxX-b.MinX), float32(b.MaxY-b.MinY), color.RGBA{0x40, 0x35, 0x10, 0x40}, false)
		vector.StrokeRect(dst, float32(b.MinX), float32(b.MinY), float32(b.MaxX-b.MinX), float32(b.MaxY-b.MinY), w, c, true)
		return
	}
	l := g.lasso
	for i := 2; i+1 < len(l); i += 2 {
		vector.StrokeLine(dst, float32(l[i-2]), float32(l[i-1]), float32(l[i]), float32(l[i+1]), w, c, true)
	}
	if n := len(l); n >= 4 {
		vector.StrokeLine(dst, float32(l[n-2]), float32(l[n-1]), float32(l[0]), float32(l[1]), w/2, c, true)
	}
}

// maxRings bounds how many emphasised points get a ring drawn around them;
// beyond it they are only drawn larger (rings are separate draw calls).
const maxRings = 2000

var (
	ringSelected  = color.RGBA{0xff, 0xff, 0xff, 0xff}
	ringNeighbour = color.RGBA{0x4d, 0xd0, 0xe1, 0xff}
	ringMatch     = color.RGBA{0xff, 0xd5, 0x4f, 0xff}
	lineNeighbour = color.RGBA{0x4d, 0xd0, 0xe1, 0x70}
)

// dimmed fades c for a point that is not emphasised while others are.
func dimmed(c color.RGBA) color.RGBA {
	// 40% of the colour over the background: faded, still visible.
	mix := func(x, bg uint8) uint8 { return uint8((uint16(x)*2 + uint16(bg)*3) / 5) }
	return color.RGBA{mix(c.R, Background.R), mix(c.G, Background.G), mix(c.B, Background.B), c.A}
}

// drawEmphasised draws the emphasised points (front, in drawing order) on
// top of the others: neighbour lines first, then the points larger, then
// rings around the first maxRings of them.
func (v *Viewer) drawEmphasised(dst *ebiten.Image, b *quadBatch, front []int32, r float32) {
	at := func(i int) (float32, float32) {
		x, y := v.cam.WorldToScreen(float64(v.pos[i*v.dims]), float64(v.pos[i*v.dims+1]))
		return float32(x), float32(y)
	}
	if v.neighbourLines && v.focus >= 0 && v.focus < v.Len() {
		fx, fy := at(v.focus)
		for _, j := range v.neighbours {
			if int(j) < v.Len() {
				x, y := at(int(j))
				vector.StrokeLine(dst, fx, fy, x, y, float32(v.scale), lineNeighbour, true)
			}
		}
	}
	big := r * 1.5
	for _, i := range front {
		c := view.OtherColor
		if int(i) < len(v.colors) {
			c = v.colors[i]
		}
		b.add(v.pos[int(i)*v.dims], v.pos[int(i)*v.dims+1], big, c)
	}
	b.flush()
	// Rings for the last maxRings (the selection is last: it matters most).
	w := float32(1.5 * v.scale)
	for _, i := range front[max(0, len(front)-maxRings):] {
		x, y := at(int(i))
		ring := ringMatch
		switch v.emphasis[i] {
		case EmphasisSelected:
			ring = ringSelected
		case EmphasisNeighbour:
			ring = ringNeighbour
		}
		v.strokeRing(dst, x, y, big+w, w, ring)
	}
}
