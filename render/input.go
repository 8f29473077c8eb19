package render

import (
	"math"
	"time"

	"github.com/embproj/projector/render/view"
)

// The page delivers input as events (wasm/ queues the browser's pointer,
// wheel and keydown events and hands them over in Update), not by polling
// Ebiten's per-tick state: a press and a move within one tick keep their
// order and positions, and a key pressed for 5 ms still counts.

// PointerKind is what happened to a pointer.
type PointerKind int

// Pointer event kinds.
const (
	PointerDown  PointerKind = iota // a button pressed or a finger down
	PointerMove                     // moved, pressed or not
	PointerUp                       // released (or cancelled)
	PointerLeave                    // the mouse left the canvas (or went over a panel)
)

// PointerEvent is one browser pointer event.
type PointerEvent struct {
	Kind PointerKind
	ID   int     // the browser's pointerId
	X, Y float64 // CSS pixels from the canvas's top-left corner
	// Button is the button pressed or released: 0 main, 1 middle, 2 secondary.
	Button int
	// Buttons is the event's bitmask of held buttons; a mouse move with none
	// held ends a drag whose release was missed.
	Buttons int
	Shift   bool // the shift key was held
	Ctrl    bool // ctrl or ⌘ was held (a drag draws a box)
	Alt     bool // alt was held (a drag draws a lasso)
	Touch   bool // a finger or pen, which has no hover
}

// inputState is the pointers' state, in device pixels.
type inputState struct {
	pointers         map[int]pointer // the pressed pointers by pointer id
	dragging         bool            // one pointer pressed: it pans or turns the view
	pinchDist        float64         // two pointers: their distance and midpoint
	pinchX, pinchY   float64
	cursorX, cursorY float64     // the mouse, for hover
	cursorIn         bool        // the mouse is over the canvas
	insets           view.Insets // CSS pixels covered by panels
	lastPan          time.Time
}

// pointer is a pressed pointer.
type pointer struct {
	x, y   float64 // device pixels
	button int
}

// orbitSpeed is radians of turn per CSS pixel of drag.
const orbitSpeed = 0.01

// Pointer handles one pointer event. One pressed pointer drags: it pans the
// view, or in 3D turns it (shift or a button other than the main one pans).
// Two pressed pointers (fingers) pinch: zoom and pan together. A press
// released where it went down is a click (or tap) that selects; with the
// box or lasso drag mode, or ctrl/alt held, a drag selects (select.go).
func (v *Viewer) Pointer(e PointerEvent) {
	if math.IsNaN(e.X) || math.IsNaN(e.Y) || math.IsInf(e.X, 0) || math.IsInf(e.Y, 0) {
		return
	}
	x, y := e.X*v.scale, e.Y*v.scale
	if !e.Touch {
		v.cursorX, v.cursorY, v.cursorIn = x, y, e.Kind != PointerLeave
	}
	if v.pointers == nil {
		v.pointers = map[int]pointer{}
	}
	switch e.Kind {
	case PointerDown:
		if v.selectionDown(e, x, y) {
			return // a box or lasso, not a drag
		}
		v.pointers[e.ID] = pointer{x, y, e.Button}
		v.startGesture()
	case PointerMove:
		if v.selectionMove(e, x, y) {
			return
		}
		p, ok := v.pointers[e.ID]
		if !ok {
			return
		}
		if !e.Touch && e.Buttons == 0 {
			delete(v.pointers, e.ID)
			v.startGesture()
			return
		}
		if len(v.pointers) == 1 {
			v.drag(x-p.x, y-p.y, p.button, e.Shift)
		}
		p.x, p.y = x, y
		v.pointers[e.ID] = p
		if len(v.pointers) == 2 {
			v.pinch()
		}
	case PointerUp:
		if v.selectionUp(e, x, y) {
			return
		}
		if _, ok := v.pointers[e.ID]; ok {
			delete(v.pointers, e.ID)
			v.startGesture()
		}
	}
}

// startGesture begins what the pressed pointers now do (from where they are,
// so a finger lifted from a pinch does not make the view jump).
func (v *Viewer) startGesture() {
	v.dragging = len(v.pointers) > 0
	v.pinchDist = 0
	if len(v.pointers) == 2 {
		v.pinch()
	}
	v.frameDirty = true // the hover ring hides while dragging
}

// drag moves the view by (dx, dy) device pixels of a drag with button.
func (v *Viewer) drag(dx, dy float64, button int, shift bool) {
	if dx == 0 && dy == 0 {
		return
	}
	if v.srcDims == 3 && button == 0 && !shift {
		v.rotate(dx*orbitSpeed/v.scale, dy*orbitSpeed/v.scale)
		return
	}
	v.cam.Pan(dx, dy)
	v.userPanned()
}

// pinch zooms and pans with the two pressed pointers, from their last distance and midpoint.
func (v *Viewer) pinch() {
	var ps [2]pointer
	i := 0
	for _, p := range v.pointers {
		if i < 2 {
			ps[i] = p
		}
		i++
	}
	mx, my := (ps[0].x+ps[1].x)/2, (ps[0].y+ps[1].y)/2
	d := math.Hypot(ps[1].x-ps[0].x, ps[1].y-ps[0].y)
	if v.pinchDist > 0 && d > 0 {
		v.cam.Pan(mx-v.pinchX, my-v.pinchY)
		v.cam.ZoomAt(mx, my, d/v.pinchDist, v.fitScale)
		v.userMoved()
	}
	v.pinchDist, v.pinchX, v.pinchY = d, mx, my
}

// Wheel zooms around (x, y) CSS pixels for a wheel event of deltaPx CSS
// pixels (view.WheelDelta converts other delta modes; positive zooms out).
// pinch marks a trackpad pinch (a wheel event with ctrlKey), which zooms faster.
func (v *Viewer) Wheel(x, y, deltaPx float64, pinch bool) {
	f := view.WheelZoomFactor(deltaPx, pinch)
	if f == 1 || math.IsNaN(x) || math.IsNaN(y) {
		return
	}
	v.cam.ZoomAt(x*v.scale, y*v.scale, f, v.fitScale)
	v.userMoved()
}

// keyZoom is the zoom of one press of + or -.
const keyZoom = 1.25

// Key handles one key press or auto-repeat, by the KeyboardEvent.key value:
// the arrows pan 60 CSS pixels (in 3D they turn the view; with shift they
// pan), + and = zoom in, - zooms out (around the middle of the free area),
// 0 and Home fit the data. It reports whether the key is one of these.
func (v *Viewer) Key(key string, shift bool) bool {
	step := 60 * v.scale
	pan := func(dx, dy float64) {
		if v.srcDims == 3 && !shift {
			v.rotate(-dx*orbitSpeed/v.scale/2, -dy*orbitSpeed/v.scale/2)
			return
		}
		v.cam.Pan(dx, dy)
		v.userPanned()
	}
	cx, cy := v.cam.FreeCenter()
	switch key {
	case "ArrowLeft":
		pan(step, 0)
	case "ArrowRight":
		pan(-step, 0)
	case "ArrowUp":
		pan(0, step)
	case "ArrowDown":
		pan(0, -step)
	case "+", "=":
		v.cam.ZoomAt(cx, cy, keyZoom, v.fitScale)
		v.userMoved()
	case "-", "_":
		v.cam.ZoomAt(cx, cy, 1/keyZoom, v.fitScale)
		v.userMoved()
	case "0", "Home":
		v.autoFit = true
		v.fit()
		v.layerDirty, v.frameDirty = true, true
	default:
		return false
	}
	return true
}

// SetInsets sets the canvas edges covered by page panels, in CSS pixels;
// fitting centres the data in what they leave free, and the view refits
// when the user has not moved it.
func (v *Viewer) SetInsets(in view.Insets) {
	if in == v.insets {
		return
	}
	v.insets = in
	v.cam.Insets = in.Scaled(v.scale)
	if v.autoFit {
		v.fit()
		v.layerDirty = true
	}
	v.frameDirty = true
}

// Camera returns the world point at the middle of the canvas and the zoom
// in CSS pixels per world unit (what #status's data-state.camera shows).
func (v *Viewer) Camera() (x, y, scale float64) {
	return v.cam.CenterX, v.cam.CenterY, v.cam.Scale / v.scale
}

// Orbit returns the turn of the 3D view in radians (yaw, pitch); 0, 0 in 2D.
func (v *Viewer) Orbit() (yaw, pitch float64) {
	if v.srcDims != 3 {
		return 0, 0
	}
	return v.orbit.Yaw, v.orbit.Pitch
}

// SetCamera moves the view as Camera and Orbit describe it: the world point
// (x, y) at the middle of the canvas, scale CSS pixels per world unit, and in
// 3D the turn (yaw, pitch, radians). The view then stays where it is put, as
// after the user moved it (no refit when points or panels change). A scale
// that is not positive is ignored.
func (v *Viewer) SetCamera(x, y, scale, yaw, pitch float64) {
	if !(scale > 0) || math.IsInf(scale, 0) || math.IsNaN(x+y) {
		return
	}
	v.cam.CenterX, v.cam.CenterY, v.cam.Scale = x, y, scale*v.scale
	if v.srcDims == 3 {
		v.orbit.Yaw, v.orbit.Pitch = 0, 0
		v.orbit.Rotate(yaw, pitch)
		v.project()
	}
	v.userMoved()
}

// updateHover picks the point under the mouse (none while dragging or when
// the mouse is off the canvas).
func (v *Viewer) updateHover() {
	h := -1
	if v.cursorIn && !v.dragging && v.Len() > 0 {
		wx, wy := v.cam.ScreenToWorld(v.cursorX, v.cursorY)
		h = v.hoverPicker().Nearest(wx, wy, 10*v.scale/v.cam.Scale)
	}
	if h != v.hover {
		v.hover = h
		v.frameDirty = true
	}
}
