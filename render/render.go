// Package render draws the scatter plot on an Ebiten canvas: the point layer,
// the colour legend, the hover tooltip and the diagnostics banner, and turns
// mouse, wheel, touch and keyboard input into camera moves and hover picks.
//
// It takes flat slices (positions, colours) and strings, never parse/ types.
// The point layer is drawn into an offscreen image only when points, colours
// or the camera change; frames where nothing changed draw nothing at all.
package render

import (
	"image"
	"image/color"
	"math"
	"slices"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/embproj/projector/render/view"
)

// Background is the canvas colour.
var Background = color.RGBA{0x16, 0x18, 0x1d, 0xff}

// Severity of a banner line; errors are red, warnings amber, info grey.
type Severity int

// Banner severities.
const (
	SeverityInfo Severity = iota
	SeverityWarning
	SeverityError
)

// BannerLine is one message of the diagnostics banner.
type BannerLine struct {
	Severity Severity
	Text     string
}

// Viewer is the interactive scatter plot. The zero value is not usable; call NewViewer.
// Its methods must be called from Ebiten's Update/Draw/Layout (one goroutine).
type Viewer struct {
	// src holds the layout as given: n points with stride srcDims (2 or 3).
	src     []float32
	srcDims int
	// pos is what is drawn and picked: src itself in 2D, or its projection
	// by orbit in 3D (n×2), drawn in order (far to near).
	pos    []float32
	dims   int
	orbit  view.Orbit
	proj   []float32 // the 3D projection buffer, reused
	order  []int32
	colors []color.RGBA // one per point
	// picker indexes pos for hover; rebuilt lazily (pickerStale) and at most
	// every pickerEvery while the layout keeps changing.
	picker      *view.Picker
	pickerStale bool
	pickerBuilt time.Time

	cam      view.Camera
	fitScale float64 // the scale that fits the data; zoom limits are relative to it
	autoFit  bool    // keep fitting the data until the user moves the camera

	legendTitle string
	legend      []view.Category
	banner      []BannerLine
	tooltip     func(i int) []string
	thumbs      *ebiten.Image                       // sprite sheet, or nil
	thumbSrc    image.Image                         // what thumbs was made from
	thumbCell   func(i int) (image.Rectangle, bool) // point i's cell in thumbs

	hover int // index of the hovered point, -1 for none

	// Selection (select.go): per-point emphasis, the single selected
	// point and its neighbours, the emphasised points in drawing order,
	// the drag mode, a box or lasso being dragged, and the selections
	// asked for since TakeSelections.
	emphasis       []uint8
	focus          int
	neighbours     []int32
	neighbourLines bool
	front          []int32
	dragMode       DragMode
	gest           gesture
	selections     []Selection
	// Labels (labels.go): the text of each point, whether they are shown,
	// and the placer that keeps them apart.
	label    func(i int) string
	labelsOn bool
	placer   view.LabelPlacer
	// mods are the modifiers the page reported with the latest press
	// (modsSet once it has).
	mods    Modifiers
	modsSet bool

	// Input state.
	dragging       bool
	dragButton     ebiten.MouseButton
	lastX, lastY   int
	pinchDist      float64
	pinchX, pinchY float64
	touches        []ebiten.TouchID

	// Drawing state.
	scale      float64 // device pixels per CSS pixel
	width      int     // screen size in device pixels
	height     int
	layer      *ebiten.Image // the point layer, redrawn when layerDirty
	layerDirty bool
	// Big layers are drawn on the CPU over several frames (splat.go):
	// the redraw under way, and the camera of the finished layer.
	splat      view.Splat
	job        *layerJob
	layerCam   view.Camera
	layerDone  bool
	ring       *ringSprite   // the emphasis rings' sprite (splat.go)
	lastStep   time.Time     // when the layer job last advanced
	maxBudget  time.Duration // its longest slice (SetLayerBudget)
	frameDirty bool
	disc       *ebiten.Image
	vertices   []ebiten.Vertex
	indices    []uint16
	text       *textCache
	firstFrame func() // nil once called
	// bannerBottom is where the banner drawn last ends (device pixels).
	bannerBottom float64
	// The banner's lines wrapped to bannerWrapW device pixels (reset by
	// SetBanner and resize).
	bannerWrapped [][]string
	bannerWrapW   float64
}

// NewViewer returns a viewer with no points.
func NewViewer() *Viewer {
	return &Viewer{hover: -1, focus: -1, autoFit: true, scale: 1, layerDirty: true, frameDirty: true, disc: newDisc(32),
		text: newTextCache(nil)}
}

// OnFirstFrame registers f to run once, right after the first frame that
// shows something (points or a banner) is drawn.
func (v *Viewer) OnFirstFrame(f func()) { v.firstFrame = f }

// SetPoints replaces the layout. pos holds n points with stride dims: 2 draws
// them as they are, 3 in perspective from an orbiting camera (drag to turn it).
// colors holds one colour per point (missing entries are drawn grey). The
// slices are retained, not copied: call SetPoints again after changing them.
// refit re-centres the camera on the data.
func (v *Viewer) SetPoints(pos []float32, dims int, colors []color.RGBA, refit bool) {
	if dims != v.srcDims && dims == 3 {
		v.orbit.Yaw, v.orbit.Pitch = 0.6, 0.35 // a first view that shows depth
	}
	if refit || len(pos) != len(v.src) || dims != v.srcDims {
		v.picker = nil // a new layout: index it at once
	}
	v.src, v.srcDims, v.colors = pos, dims, colors
	if refit {
		v.autoFit = true
	}
	if dims == 3 && (v.autoFit || v.orbit.Radius == 0) {
		v.orbit.FitSphere(pos)
	}
	v.project()
	if v.autoFit {
		v.fit()
	}
	if v.hover >= v.Len() {
		v.hover = -1
	}
	v.layerDirty, v.frameDirty = true, true
}

// project derives the drawn 2D positions from src.
func (v *Viewer) project() {
	if v.srcDims == 3 {
		v.proj, v.order = v.orbit.ProjectAll(v.src, v.proj, v.order)
		v.pos, v.dims = v.proj, 2
	} else {
		v.pos, v.dims, v.order = v.src, v.srcDims, nil
	}
	v.pickerStale = true
}

// pickerEvery bounds how often a changing layout is re-indexed for hover.
const pickerEvery = 500 * time.Millisecond

// hoverPicker returns the picker, re-indexing the layout when it changed
// (at most every pickerEvery; in between the index is a little stale, and
// hover still measures distances on the current positions).
func (v *Viewer) hoverPicker() *view.Picker {
	if v.pickerStale && (v.picker == nil || time.Since(v.pickerBuilt) >= pickerEvery) {
		v.picker = view.NewPicker(v.pos, v.dims)
		v.pickerStale, v.pickerBuilt = false, time.Now()
	}
	return v.picker
}

// rotate turns the 3D view (no-op in 2D).
func (v *Viewer) rotate(dyaw, dpitch float64) {
	if v.srcDims != 3 {
		return
	}
	v.orbit.Rotate(dyaw, dpitch)
	v.project()
	v.layerDirty, v.frameDirty = true, true
}

// Clear removes all points (for example while an error blocks the data).
func (v *Viewer) Clear() {
	v.SetPoints(nil, 2, nil, true)
	v.hover = -1
}

// Len is the number of points shown.
func (v *Viewer) Len() int {
	if v.dims < 2 {
		return 0
	}
	return len(v.pos) / v.dims
}

// SetLegend sets the legend title and entries (nil hides the legend).
func (v *Viewer) SetLegend(title string, entries []view.Category) {
	v.legendTitle, v.legend = title, entries
	v.frameDirty = true
}

// SetBanner sets the diagnostics banner lines (nil hides the banner).
func (v *Viewer) SetBanner(lines []BannerLine) {
	v.banner = lines
	v.bannerWrapped, v.bannerWrapW = nil, 0
	v.frameDirty = true
}

// SetTooltip sets the function giving the lines shown when point i is hovered.
func (v *Viewer) SetTooltip(f func(i int) []string) {
	v.tooltip = f
	v.frameDirty = true
}

// SetThumbnails sets the sprite sheet whose cell (by cell(i)) is shown in
// point i's tooltip; a nil sheet removes thumbnails.
// The same sheet again is not uploaded again.
func (v *Viewer) SetThumbnails(sheet image.Image, cell func(i int) (image.Rectangle, bool)) {
	if sheet != v.thumbSrc || cell == nil {
		if v.thumbs != nil {
			v.thumbs.Deallocate()
			v.thumbs = nil
		}
		v.thumbSrc = nil
		if sheet != nil && cell != nil {
			v.thumbs, v.thumbSrc = ebiten.NewImageFromImage(sheet), sheet
		}
	}
	v.thumbCell = cell
	v.frameDirty = true
}

func (v *Viewer) fit() {
	b, ok := view.BoundsOf(v.pos, v.dims)
	if v.srcDims == 3 {
		// The sphere around the data, so turning it keeps the zoom.
		r := v.orbit.Radius
		b, ok = view.Bounds{MinX: -r, MinY: -r, MaxX: r, MaxY: r}, r > 0
	}
	if !ok {
		b = view.Bounds{MinX: -1, MinY: -1, MaxX: 1, MaxY: 1}
	}
	v.fitScale = v.cam.Fit(b, 40*v.scale)
}

// userMoved records that the user took the camera over.
func (v *Viewer) userMoved() {
	v.autoFit = false
	v.layerDirty, v.frameDirty = true, true
}

// Update handles input: drag or arrow keys pan (in 3D they turn the view,
// and shift+drag, right-drag or shift+arrows pan), wheel, pinch or +/- zoom
// around the cursor, 0 or Home fits the data, and the cursor picks the
// hovered point. It never fails.
func (v *Viewer) Update() error {
	v.handleMouse()
	v.handleTouches()
	v.handleKeys()
	v.updateHover()
	return nil
}

// orbitSpeed is radians of turn per CSS pixel of drag.
const orbitSpeed = 0.01

func shiftHeld() bool {
	return ebiten.IsKeyPressed(ebiten.KeyShiftLeft) || ebiten.IsKeyPressed(ebiten.KeyShiftRight)
}

func (v *Viewer) handleMouse() {
	x, y := ebiten.CursorPosition()
	if v.gest.alive {
		if ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) {
			v.moveGesture(x, y)
		} else {
			v.endGesture()
		}
		return
	}
	for _, b := range []ebiten.MouseButton{ebiten.MouseButtonLeft, ebiten.MouseButtonRight, ebiten.MouseButtonMiddle} {
		if inpututil.IsMouseButtonJustPressed(b) {
			if b == ebiten.MouseButtonLeft {
				if v.startGesture(x, y) {
					return
				}
			}
			v.dragging, v.dragButton = true, b
			v.lastX, v.lastY = x, y
		}
	}
	if v.dragging {
		if !ebiten.IsMouseButtonPressed(v.dragButton) {
			v.dragging = false
		} else if x != v.lastX || y != v.lastY {
			dx, dy := float64(x-v.lastX), float64(y-v.lastY)
			v.lastX, v.lastY = x, y
			if v.srcDims == 3 && v.dragButton == ebiten.MouseButtonLeft && !shiftHeld() {
				v.rotate(dx*orbitSpeed/v.scale, dy*orbitSpeed/v.scale)
			} else {
				v.cam.Pan(dx, dy)
				v.userMoved()
			}
		}
	}
	if _, dy := ebiten.Wheel(); dy != 0 {
		// Browsers report about ±1 per wheel notch after Ebiten's scaling;
		// trackpads report smaller steps. Clamp a single event's zoom.
		dy = math.Max(-5, math.Min(5, dy))
		v.cam.ZoomAt(float64(x), float64(y), math.Pow(1.2, dy), v.fitScale)
		v.userMoved()
	}
}

func (v *Viewer) handleTouches() {
	v.touches = ebiten.AppendTouchIDs(v.touches[:0])
	if len(v.touches) != 2 {
		v.pinchDist = 0
		return
	}
	x0, y0 := ebiten.TouchPosition(v.touches[0])
	x1, y1 := ebiten.TouchPosition(v.touches[1])
	mx, my := float64(x0+x1)/2, float64(y0+y1)/2
	d := math.Hypot(float64(x1-x0), float64(y1-y0))
	if v.pinchDist > 0 && d > 0 {
		v.cam.Pan(mx-v.pinchX, my-v.pinchY)
		v.cam.ZoomAt(mx, my, d/v.pinchDist, v.fitScale)
		v.userMoved()
	}
	v.pinchDist, v.pinchX, v.pinchY = d, mx, my
}

func (v *Viewer) handleKeys() {
	step := 60 * v.scale
	pan := func(dx, dy float64) {
		if v.srcDims == 3 && !shiftHeld() {
			v.rotate(-dx*orbitSpeed/v.scale/2, -dy*orbitSpeed/v.scale/2)
			return
		}
		v.cam.Pan(dx, dy)
		v.userMoved()
	}
	if repeat(ebiten.KeyArrowLeft) {
		pan(step, 0)
	}
	if repeat(ebiten.KeyArrowRight) {
		pan(-step, 0)
	}
	if repeat(ebiten.KeyArrowUp) {
		pan(0, step)
	}
	if repeat(ebiten.KeyArrowDown) {
		pan(0, -step)
	}
	cx, cy := v.cam.Width/2, v.cam.Height/2
	if repeat(ebiten.KeyEqual) || repeat(ebiten.KeyNumpadAdd) {
		v.cam.ZoomAt(cx, cy, 1.25, v.fitScale)
		v.userMoved()
	}
	if repeat(ebiten.KeyMinus) || repeat(ebiten.KeyNumpadSubtract) {
		v.cam.ZoomAt(cx, cy, 0.8, v.fitScale)
		v.userMoved()
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyDigit0) || inpututil.IsKeyJustPressed(ebiten.KeyHome) {
		v.autoFit = true
		v.fit()
		v.layerDirty, v.frameDirty = true, true
	}
}

// repeat reports a key press and its auto-repeat (after 250 ms, every 50 ms at 60 ticks/s).
func repeat(k ebiten.Key) bool {
	d := inpututil.KeyPressDuration(k)
	return d == 1 || (d > 15 && d%3 == 0)
}

func (v *Viewer) updateHover() {
	h := -1
	if x, y := ebiten.CursorPosition(); !v.dragging && v.Len() > 0 && (x > 0 || y > 0) {
		wx, wy := v.cam.ScreenToWorld(float64(x), float64(y))
		h = v.hoverPicker().Nearest(wx, wy, 10*v.scale/v.cam.Scale)
	}
	if h != v.hover {
		v.hover = h
		v.frameDirty = true
	}
}

// LayoutF makes the canvas match the window in device pixels, so points and
// text stay sharp on high-DPI screens.
func (v *Viewer) LayoutF(outsideWidth, outsideHeight float64) (float64, float64) {
	s := ebiten.Monitor().DeviceScaleFactor()
	if s <= 0 {
		s = 1
	}
	w, h := int(math.Ceil(outsideWidth*s)), int(math.Ceil(outsideHeight*s))
	if w < 1 {
		w = 1
	}
	if h < 1 {
		h = 1
	}
	if w != v.width || h != v.height || s != v.scale {
		v.resize(w, h, s)
	}
	return float64(w), float64(h)
}

func (v *Viewer) resize(w, h int, s float64) {
	// Keep the world point at the centre where it was.
	v.width, v.height = w, h
	v.cam.Width, v.cam.Height = float64(w), float64(h)
	if s != v.scale {
		v.scale = s
		v.text.clear() // every size changed
	}
	v.bannerWrapped, v.bannerWrapW = nil, 0
	if v.autoFit || v.cam.Scale == 0 {
		v.fit()
	}
	if v.layer != nil {
		v.layer.Deallocate()
	}
	v.layer = nil
	v.layerDirty, v.frameDirty = true, true
}

// PointRadius is the drawn radius of a point in CSS pixels for n points.
func PointRadius(n int) float64 {
	switch {
	case n <= 2000:
		return 3.5
	case n <= 20000:
		return 2.5
	default:
		return 1.75
	}
}

// Draw composes the frame. It returns at once, drawing nothing, when nothing
// changed since the last frame (the screen is not cleared between frames).
func (v *Viewer) Draw(screen *ebiten.Image) {
	if !v.frameDirty && !v.layerDirty && v.job == nil {
		return
	}
	v.text.trim() // evict text images, none of which is in use now
	if v.layer == nil {
		v.layer = ebiten.NewImage(v.width, v.height)
		v.layerDirty, v.layerDone, v.job = true, false, nil
	}
	if v.layerDirty || v.job != nil {
		v.updateLayer()
	}
	v.drawLayer(screen)
	v.drawHover(screen)
	v.drawGesture(screen)
	v.drawLegend(screen)
	v.drawBanner(screen)
	v.drawTooltip(screen)
	v.frameDirty = false
	if v.firstFrame != nil && (v.Len() > 0 || len(v.banner) > 0) {
		v.firstFrame()
		v.firstFrame = nil
	}
}

// newDisc returns a white anti-aliased disc of size×size pixels, the sprite
// every point is drawn with (tinted by vertex colour).
func newDisc(size int) *ebiten.Image {
	img := ebiten.NewImage(size, size)
	r := float32(size) / 2
	vector.DrawFilledCircle(img, r, r, r-1, color.White, true)
	return img
}

// maxQuads is how many points one DrawTriangles call can take with uint16 indices.
const maxQuads = 16383

func (v *Viewer) drawPoints(dst *ebiten.Image) {
	dst.Fill(Background)
	n := v.Len()
	if n == 0 {
		return
	}
	if len(v.indices) == 0 {
		// The same two triangles per quad for every batch.
		v.indices = make([]uint16, 6*maxQuads)
		for q := 0; q < maxQuads; q++ {
			b := uint16(4 * q)
			copy(v.indices[6*q:], []uint16{b, b + 1, b + 2, b + 1, b + 3, b + 2})
		}
		v.vertices = make([]ebiten.Vertex, 4*maxQuads)
	}
	r := float32(PointRadius(n) * v.scale)
	b := v.batch(dst, v.cam)
	em := v.emphasis
	if len(em) != n {
		em = nil
	}
	v.front = v.addPoints(&b, em, 0, n, r, v.front[:0])
	b.flush()
	if len(v.front) > 0 {
		// Matches, then neighbours, then the selection on top.
		slices.SortStableFunc(v.front, func(a, c int32) int { return int(em[a]) - int(em[c]) })
		v.drawEmphasised(dst, &b, v.front, r)
	}
	v.drawLabels(dst, r)
}

// batch returns a quadBatch drawing on dst as seen by cam.
func (v *Viewer) batch(dst *ebiten.Image, cam view.Camera) quadBatch {
	return quadBatch{v: v, dst: dst, opts: &ebiten.DrawTrianglesOptions{Filter: ebiten.FilterLinear},
		ds: float32(v.disc.Bounds().Dx()), w: float32(v.width), h: float32(v.height),
		// The camera as float32: screen = (ox + x·s, oy − y·s).
		s:  float32(cam.Scale),
		ox: float32(cam.Width/2 - cam.CenterX*cam.Scale),
		oy: float32(cam.Height/2 + cam.CenterY*cam.Scale)}
}

// addPoints adds the points from to to−1 (drawing order) of radius r to b,
// each in its colour (dimmed by em when others are emphasised), except the
// emphasised ones, which it appends to front (drawn on top later) and
// returns.
func (v *Viewer) addPoints(b *quadBatch, em []uint8, from, to int, r float32, front []int32) []int32 {
	for k := from; k < to; k++ {
		i := k
		if v.order != nil {
			i = int(v.order[k])
		}
		c := view.OtherColor
		if i < len(v.colors) {
			c = v.colors[i]
		}
		if em != nil {
			switch em[i] {
			case EmphasisNone:
			case EmphasisDimmed:
				c = dimmed(c)
			default:
				front = append(front, int32(i)) // drawn on top, below
				continue
			}
		}
		b.add(v.pos[i*v.dims], v.pos[i*v.dims+1], r, c)
	}
	return front
}

// quadBatch collects point discs into DrawTriangles calls of up to maxQuads,
// or, with sp, queues them for drawing on the CPU; with skip it drops them.
type quadBatch struct {
	v                   *Viewer
	dst                 *ebiten.Image
	opts                *ebiten.DrawTrianglesOptions
	ds, w, h, s, ox, oy float32
	quads               int
	sp                  *view.Splat
	skip                bool
}

// add queues a disc of radius r (device px) at world (x, y) in colour c,
// unless it is off screen (or NaN).
func (b *quadBatch) add(wx, wy, r float32, c color.RGBA) {
	x, y := b.ox+wx*b.s, b.oy-wy*b.s
	if !(x > -r && x < b.w+r && y > -r && y < b.h+r) || b.skip { // also drops NaN
		return
	}
	if b.sp != nil {
		b.sp.Add(x, y, r, c)
		return
	}
	cr, cg, cb, ca := float32(c.R)/255, float32(c.G)/255, float32(c.B)/255, float32(c.A)/255
	ds := b.ds
	q := b.v.vertices[4*b.quads : 4*b.quads+4 : 4*b.quads+4]
	q[0] = ebiten.Vertex{DstX: x - r, DstY: y - r, SrcX: 0, SrcY: 0, ColorR: cr, ColorG: cg, ColorB: cb, ColorA: ca}
	q[1] = ebiten.Vertex{DstX: x + r, DstY: y - r, SrcX: ds, SrcY: 0, ColorR: cr, ColorG: cg, ColorB: cb, ColorA: ca}
	q[2] = ebiten.Vertex{DstX: x - r, DstY: y + r, SrcX: 0, SrcY: ds, ColorR: cr, ColorG: cg, ColorB: cb, ColorA: ca}
	q[3] = ebiten.Vertex{DstX: x + r, DstY: y + r, SrcX: ds, SrcY: ds, ColorR: cr, ColorG: cg, ColorB: cb, ColorA: ca}
	b.quads++
	if b.quads == maxQuads {
		b.flush()
	}
}

// flush draws the queued discs.
func (b *quadBatch) flush() {
	if b.quads > 0 {
		b.dst.DrawTriangles(b.v.vertices[:4*b.quads], b.v.indices[:6*b.quads], b.v.disc, b.opts)
		b.quads = 0
	}
}

func (v *Viewer) drawHover(dst *ebiten.Image) {
	if v.hover < 0 || v.hover >= v.Len() {
		return
	}
	sx, sy := v.cam.WorldToScreen(float64(v.pos[v.hover*v.dims]), float64(v.pos[v.hover*v.dims+1]))
	r := float32(PointRadius(v.Len())*v.scale + 3*v.scale)
	vector.StrokeCircle(dst, float32(sx), float32(sy), r, float32(2*v.scale), color.White, true)
}
