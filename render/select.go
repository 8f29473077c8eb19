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

// selectionState is how the selection is drawn and made: per-point
// emphasis, the single selected point and its neighbours, the emphasised
// points in drawing order, the drag mode, a box or lasso being dragged, a
// press that may still be a click, the selections asked for since
// TakeSelections, and the textures of rings and solid lines.
type selectionState struct {
	emphasis       []uint8
	focus          int
	neighbours     []int32
	neighbourLines bool
	front          []int32
	dragMode       DragMode
	gest           gesture
	click          press
	selections     []Selection
	ring, whiteImg *ebiten.Image
}

// gesture is a selection drag in progress: a box or lasso in device
// pixels, by the pointer id that draws it.
type gesture struct {
	mode         DragMode // DragBox or DragLasso
	id           int
	x0, y0       float64
	x1, y1       float64
	lasso        view.Lasso
	shift, alive bool
}

// press is a main-button press that is still a click: it has not moved
// more than clickSlop and no second pointer came.
type press struct {
	id          int
	x, y        float64 // device pixels
	shift, live bool
}

// clickSlop is how far (CSS px) a press may move and still be a click or tap.
const clickSlop = 5

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

// selectionDown starts a box or lasso for a main-button press when the
// drag mode or a modifier (ctrl/⌘: box, alt: lasso) asks for one, and
// reports whether it did; otherwise it notes a possible click.
func (v *Viewer) selectionDown(e PointerEvent, x, y float64) bool {
	if e.Button != 0 || len(v.pointers) > 0 || v.gest.alive {
		v.click.live = false // a second finger: a pinch, not a tap
		return false
	}
	mode := v.dragMode
	switch {
	case e.Ctrl:
		mode = DragBox
	case e.Alt:
		mode = DragLasso
	}
	if mode == DragPan {
		v.click = press{id: e.ID, x: x, y: y, shift: e.Shift, live: true}
		return false
	}
	v.gest = gesture{mode: mode, id: e.ID, x0: x, y0: y, x1: x, y1: y, lasso: view.Lasso{x, y}, shift: e.Shift, alive: true}
	v.frameDirty = true
	return true
}

// selectionMove extends a box or lasso, or ends a click that moved; it
// reports whether the event belonged to a box or lasso.
func (v *Viewer) selectionMove(e PointerEvent, x, y float64) bool {
	if v.click.live && e.ID == v.click.id && math.Hypot(x-v.click.x, y-v.click.y) > clickSlop*v.scale {
		v.click.live = false
	}
	g := &v.gest
	if !g.alive || e.ID != g.id {
		return false
	}
	g.x1, g.y1 = x, y
	if n := len(g.lasso); math.Hypot(x-g.lasso[n-2], y-g.lasso[n-1]) >= 2*v.scale {
		g.lasso = append(g.lasso, x, y)
	}
	v.frameDirty = true
	return true
}

// selectionUp ends a box or lasso (selecting what it encloses) or a click
// (picking the point under it); it reports whether the event was a box's
// or lasso's.
func (v *Viewer) selectionUp(e PointerEvent, x, y float64) bool {
	if g := v.gest; g.alive && e.ID == g.id {
		v.gest.alive = false
		v.frameDirty = true
		var r view.Region = view.Box{X0: g.x0, Y0: g.y0, X1: x, Y1: y}
		if g.mode == DragLasso {
			r = append(g.lasso, x, y)
		}
		v.selections = append(v.selections, Selection{Rows: view.Inside(r, v.pos, v.dims, &v.cam), Shift: g.shift, Region: true})
		return true
	}
	if c := v.click; c.live && e.ID == c.id {
		v.click.live = false
		v.Click(x/v.scale, y/v.scale, c.shift)
	}
	return false
}

// Click selects the point under (x, y) in CSS pixels (within 10 px), or
// nothing (a click on empty space); shift adds or removes it instead.
// Pointer calls it for a press released where it went down.
func (v *Viewer) Click(x, y float64, shift bool) {
	var rows []int
	if v.Len() > 0 {
		wx, wy := v.cam.ScreenToWorld(x*v.scale, y*v.scale)
		if i := v.pick(wx, wy); i >= 0 {
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
	ringSelected  = darkTheme.ring
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
// top of the others: neighbour lines first (one path, one draw call), then
// the points larger, then rings around the last maxRings of them.
func (v *Viewer) drawEmphasised(dst *ebiten.Image, b *quadBatch, front []int32, r float32) {
	if v.neighbourLines && v.focus >= 0 && v.focus < v.Len() {
		v.drawNeighbourLines(dst)
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
	v.drawRings(dst, front, big)
}

// drawNeighbourLines joins the selected point to each of its neighbours.
func (v *Viewer) drawNeighbourLines(dst *ebiten.Image) {
	at := func(i int) (float32, float32) {
		x, y := v.lcam.WorldToScreen(float64(v.pos[i*v.dims]), float64(v.pos[i*v.dims+1]))
		return float32(x), float32(y)
	}
	var path vector.Path
	fx, fy := at(v.focus)
	for _, j := range v.neighbours {
		if int(j) < v.Len() {
			x, y := at(int(j))
			path.MoveTo(fx, fy)
			path.LineTo(x, y)
		}
	}
	vs, is := path.AppendVerticesAndIndicesForStroke(nil, nil, &vector.StrokeOptions{Width: float32(v.scale)})
	if len(vs) == 0 || len(vs) > 65535 {
		return
	}
	cr, cg, cb, ca := lineNeighbour.RGBA()
	for k := range vs {
		vs[k].SrcX, vs[k].SrcY = 1, 1
		vs[k].ColorR, vs[k].ColorG, vs[k].ColorB, vs[k].ColorA = float32(cr)/0xffff, float32(cg)/0xffff, float32(cb)/0xffff, float32(ca)/0xffff
	}
	op := &ebiten.DrawTrianglesOptions{ColorScaleMode: ebiten.ColorScaleModePremultipliedAlpha, AntiAlias: true}
	dst.DrawTriangles(vs, is, v.white(), op)
}

// white is a white image for solid triangles (a 3×3 image's centre).
func (v *Viewer) white() *ebiten.Image {
	if v.whiteImg == nil {
		img := ebiten.NewImage(3, 3)
		img.Fill(color.White)
		v.whiteImg = img
	}
	return v.whiteImg
}

// ringSize is the side of the ring texture (px); its stroke is ringStroke of it.
const (
	ringSize   = 64
	ringStroke = 0.12
)

// newRing returns a white anti-aliased ring on ringSize×ringSize pixels,
// drawn as a textured quad (tinted by vertex colour) so thousands of rings
// are one draw call instead of one path each.
func newRing() *ebiten.Image {
	img := ebiten.NewImage(ringSize, ringSize)
	r := float32(ringSize) / 2
	w := float32(ringSize) * ringStroke
	vector.StrokeCircle(img, r, r, r-w/2-1, w, color.White, true)
	return img
}

// drawRings draws rings of inner radius r (device px) around the last
// maxRings of front (the selection is last: it matters most).
func (v *Viewer) drawRings(dst *ebiten.Image, front []int32, r float32) {
	if v.ring == nil {
		v.ring = newRing()
	}
	// The texture's ring runs from (1 − 2·ringStroke − 2/ringSize) to
	// (1 − 2/ringSize) of the quad's half side: size the quad so its inner
	// edge lies just outside r.
	inner := float32(1 - 2*ringStroke - 2.0/ringSize)
	half := (r + float32(0.5*v.scale)) / inner
	b := v.newBatch(dst, v.ring, float32(ringSize))
	for _, i := range front[max(0, len(front)-maxRings):] {
		ring := ringMatch
		switch v.emphasis[i] {
		case EmphasisSelected:
			ring = ringSelected
		case EmphasisNeighbour:
			ring = ringNeighbour
		}
		b.add(v.pos[int(i)*v.dims], v.pos[int(i)*v.dims+1], half, ring)
	}
	b.flush()
}
