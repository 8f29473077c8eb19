// Package render draws the scatter plot on an Ebiten canvas: the point layer,
// the colour legend, the hover tooltip and the diagnostics banner, and turns
// the page's pointer, wheel and key events (input.go) into camera moves and
// hover picks.
//
// It takes flat slices (positions, colours) and strings, never parse/ types.
// The point layer is drawn into an offscreen image, with a margin around the
// screen, only when points, colours or the zoom change; a pan moves that
// image, redrawn once the pan stops. Frames where nothing changed draw nothing.
package render

import (
	"image"
	"image/color"
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/embproj/projector/render/view"
)

// Background is the canvas colour of the current theme (theme.go).
var Background = darkTheme.background

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

	hover int // index of the hovered point, -1 for none

	// The state of each of the viewer's jobs, in the file that does it.
	overlayState        // overlay.go: legend, banner, tooltip
	selectionState      // select.go: emphasis, gestures, clicks
	labelState          // labels.go
	themeState          // theme.go
	inputState          // input.go
	layerState          // the cached point layer (here and splat.go)
	spritesOn      bool // sprites.go: points drawn as their thumbnails

	// Drawing state.
	scale      float64 // device pixels per CSS pixel
	width      int     // screen size in device pixels
	height     int
	frameDirty bool
	text       *textCache
	firstFrame func() // nil once called
}

// layerState is the cached point layer, drawn only when the points, their
// colours or the camera's zoom change.
type layerState struct {
	layer      *ebiten.Image // the point layer, redrawn when layerDirty (see layerCam)
	layerDirty bool
	// layerCam is the camera the layer was drawn with; the layer is layerMX
	// and layerMY device pixels larger than the screen on each side, so a pan
	// moves the image, redrawn only when the pan stops or runs past that margin.
	layerCam         view.Camera
	layerMX, layerMY int
	// lcam is the camera the layer is being drawn with (drawPoints).
	lcam view.Camera
	// Big layers are drawn on the CPU over several frames (splat.go): the
	// redraw under way; layerDone once a layer has been drawn at all.
	splat     view.Splat
	job       *layerJob
	layerDone bool
	lastStep  time.Time     // when the layer job last advanced
	maxBudget time.Duration // its longest slice (SetLayerBudget)
	// The disc every point is drawn with, and the quads of a batch.
	disc     *ebiten.Image
	vertices []ebiten.Vertex
	indices  []uint16
}

// NewViewer returns a viewer with no points.
func NewViewer() *Viewer {
	v := &Viewer{hover: -1, autoFit: true, scale: 1, frameDirty: true, text: newTextCache(nil)}
	v.focus, v.layerDirty, v.disc = -1, true, newDisc(32)
	return v
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
	v.src, v.srcDims, v.srcColors = pos, dims, colors
	v.adaptColors(false)
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
		v.picker.SetDrawOrder(v.order) // 3D: the nearer of overlapping points wins
		v.pickerStale, v.pickerBuilt = false, time.Now()
	}
	return v.picker
}

// pick returns the point under world (wx, wy): the one drawn on top among
// those whose disc covers it, else the nearest within 10 CSS px, or -1.
func (v *Viewer) pick(wx, wy float64) int {
	cover := PointRadius(v.Len()) * v.scale / v.cam.Scale
	return v.hoverPicker().NearestOnTop(wx, wy, 10*v.scale/v.cam.Scale, cover)
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
	v.legendTitle, v.srcLegend = title, entries
	v.adaptColors(false)
	if v.autoFit {
		v.fit() // the legend is kept clear of the data
		v.layerDirty = true
	}
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
	// Clear of the page's panels and of the legend drawn on the canvas,
	// which counts as covering the top or the right edge, whichever leaves
	// the data larger.
	v.cam.Insets = v.insets.Scaled(v.scale)
	lb, legend := v.legendLayout()
	lx, ly, lh := lb.x0, lb.y0, lb.h
	if !legend {
		v.fitScale = v.cam.Fit(b, 40*v.scale)
		return
	}
	best := v.cam
	best.Scale = -1
	for _, side := range []string{"top", "right"} {
		c := v.cam
		c.Insets = c.Insets.Union(view.InsetsOf(c.Width, c.Height,
			[]view.Panel{{Rect: view.Bounds{MinX: lx, MinY: 0, MaxX: c.Width, MaxY: ly + lh}, Side: side}}))
		if c.Fit(b, 40*v.scale); c.Scale > best.Scale {
			best = c
		}
	}
	v.cam, v.fitScale = best, best.Scale
}

// userMoved records that the user took the camera over (and zoomed or
// turned it: the layer is redrawn).
func (v *Viewer) userMoved() {
	v.autoFit = false
	v.layerDirty, v.frameDirty = true, true
}

// userPanned records a pan: the cached layer moves, redrawn only when it no
// longer covers the screen or once the pan has stopped (settleLayer).
func (v *Viewer) userPanned() {
	v.autoFit = false
	v.frameDirty = true
	v.lastPan = time.Now()
}

// Update re-picks the hovered point and re-renders the point layer once a
// pan has stopped. Input arrives through Pointer, Wheel and Key (see input.go).
// It never fails.
func (v *Viewer) Update() error {
	v.settleLayer()
	v.updateHover()
	return nil
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
	v.cam.Insets = v.insets.Scaled(s)
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
		v.layerMX, v.layerMY = layerMargin(v.width), layerMargin(v.height)
		v.layer = ebiten.NewImage(v.width+2*v.layerMX, v.height+2*v.layerMY)
		v.layerDirty, v.layerDone, v.job = true, false, nil
	}
	if _, _, covers := v.layerOffset(); !covers && v.layerDone && v.job == nil {
		v.layerDirty = true // zoomed, resized or panned past the margins
	}
	if v.layerDirty || v.job != nil {
		v.updateLayer() // at once for few points, over frames on the CPU for many (splat.go)
	}
	ox, oy, exact := v.drawLayer(screen)
	if exact {
		// Placed anew for a new layer, over frames if much text is new;
		// from the second frame on, so the first shows the points sooner
		// (the first text measured waits on the browser's fonts).
		if v.labelsStale && v.firstFrame == nil {
			v.labelsStale = !v.placeLabels(v.labelRadius)
		}
		v.drawLabels(screen, ox, oy) // they move with the layer
	}
	v.drawHover(screen)
	v.drawGesture(screen)
	v.drawLegend(screen)
	v.drawBanner(screen)
	v.drawTooltip(screen)
	v.frameDirty = v.labelsStale // placement continues next frame
	if v.firstFrame != nil && (v.Len() > 0 || len(v.banner) > 0) {
		v.firstFrame()
		v.firstFrame = nil
	}
}

// maxLayerSide bounds the layer's sides (device pixels), margins included,
// well within what WebGL textures allow.
const maxLayerSide = 4000

// layerMargin is the layer's extra width on each side of a screen side of n
// device pixels: a quarter of it, less when that would make the layer too big.
func layerMargin(n int) int {
	return max(0, min(n/4, (maxLayerSide-n)/2))
}

// layerOffset returns how far (whole device pixels) the cached layer must
// move to show the current camera, and whether it then still covers the
// screen (same zoom and size, the pan within its margins).
func (v *Viewer) layerOffset() (tx, ty float64, covers bool) {
	lc, c := v.layerCam, v.cam
	if lc.Scale != c.Scale || lc.Width != c.Width || lc.Height != c.Height {
		return 0, 0, false
	}
	tx = math.Round((lc.CenterX - c.CenterX) * c.Scale)
	ty = math.Round((c.CenterY - lc.CenterY) * c.Scale)
	return tx, ty, math.Abs(tx) <= float64(v.layerMX) && math.Abs(ty) <= float64(v.layerMY)
}

// panSettle is how long after the last pan the moved layer is redrawn.
const panSettle = 150 * time.Millisecond

// settleLayer redraws a moved layer once the pan has stopped and no pointer
// is down, so the next pan has its full margin again.
func (v *Viewer) settleLayer() {
	if v.layerDirty || len(v.pointers) > 0 || time.Since(v.lastPan) < panSettle {
		return
	}
	if tx, ty, _ := v.layerOffset(); tx != 0 || ty != 0 {
		v.layerDirty = true
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

// drawPoints draws every point into dst as cam sees it (cam's size is dst's).
func (v *Viewer) drawPoints(dst *ebiten.Image, cam view.Camera) {
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
	v.lcam = cam // the helpers below draw with it
	b := v.newBatch(dst, nil, float32(v.disc.Bounds().Dx()))
	em := v.emphasis
	if len(em) != n {
		em = nil
	}
	v.front = v.front[:0]
	if v.drawSprites(dst, em) {
		for i := 0; i < len(em); i++ { // rings and labels for the emphasised
			if em[i] >= EmphasisMatch {
				v.front = append(v.front, int32(i))
			}
		}
		v.front = sortByEmphasis(v.front, em)
		v.drawRings(dst, v.front, v.spriteHalf()*1.15)
		v.labelRadius, v.labelsStale = v.spriteHalf(), true
		return
	}
	v.front = v.addPoints(&b, em, 0, n, r, v.front[:0])
	b.flush()
	if len(v.front) > 0 {
		// Matches, then neighbours, then the selection on top.
		v.front = sortByEmphasis(v.front, em)
		v.drawEmphasised(dst, &b, v.front, r)
	}
	v.labelRadius, v.labelsStale = r, true
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

// newBatch returns a batch drawing textured quads of src (nil: the disc,
// side ds texels) into dst, as the layer camera lcam sees them.
func (v *Viewer) newBatch(dst, src *ebiten.Image, ds float32) quadBatch {
	c := v.lcam
	return quadBatch{v: v, dst: dst, src: src, opts: &ebiten.DrawTrianglesOptions{Filter: ebiten.FilterLinear},
		ds: ds, w: float32(c.Width), h: float32(c.Height),
		// The camera as float32: screen = (ox + x·s, oy − y·s).
		s:  float32(c.Scale),
		ox: float32(c.Width/2 - c.CenterX*c.Scale),
		oy: float32(c.Height/2 + c.CenterY*c.Scale)}
}

// quadBatch collects point discs into DrawTriangles calls of up to maxQuads,
// or, with sp, queues them for drawing on the CPU; with skip it drops them.
type quadBatch struct {
	v                   *Viewer
	dst                 *ebiten.Image
	src                 *ebiten.Image // the texture; nil: the disc
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
		src := b.src
		if src == nil {
			src = b.v.disc
		}
		b.dst.DrawTriangles(b.v.vertices[:4*b.quads], b.v.indices[:6*b.quads], src, b.opts)
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
