package app

import (
	"image"
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	xdraw "golang.org/x/image/draw"
)

// grabTolerance is how close (in view units) to an outline the pointer must be
// to resize instead of move: generous, so edges are easy to catch.
const grabTolerance = 10

// regionEditor shows the photo and the regions over it, and lets the user
// add, select, move, resize and delete regions with the mouse or keyboard.
// All geometry goes through geometry.go; the editor only keeps state.
type regionEditor struct {
	widget.BaseWidget

	hist     *history
	onChange func() // after every committed edit (and undo/redo)
	onKey    func(*fyne.KeyEvent)
	// otherShortcut handles the shortcuts the editor does not use itself.
	otherShortcut func(fyne.Shortcut)
	// newRegion returns the shape and style for a region the user draws.
	newRegion func(image.Rectangle) region
	// background runs f off the UI goroutine and do brings its result back
	// (goJob and u.do); the photo is scaled to the view there.
	background func(f func())
	do         func(f func())

	img image.Image // display copy (nil: nothing open)
	// preFit is img already scaled to the view's pixel size (preFitFor),
	// made in the background with the display copy, so that the first
	// paint uploads a view-sized texture instead of the 2048 px copy.
	preFit    image.Image
	preFitFor image.Point
	result    image.Image // the redacted display copy, when showing "after"
	W, H      int         // full-resolution upright size
	selected  int
	focused   bool
	hovered   bool
	shiftOn   bool

	// drag state
	pressed  bool
	dragging bool
	start    fyne.Position
	grab     handle
	orig     image.Rectangle
	before   []region
	anchor   image.Point
	created  bool
}

func newRegionEditor(h *history) *regionEditor {
	e := &regionEditor{hist: h, selected: -1}
	e.ExtendBaseWidget(e)
	return e
}

// SetImage shows a new photo (display copy) of full size w×h and clears the
// selection.
func (e *regionEditor) SetImage(img *image.NRGBA, w, h int) {
	e.SetImageFitted(img, nil, image.Point{}, w, h)
}

// SetResult shows img (the redacted display copy) instead of the photo, or
// the photo again when img is nil.
func (e *regionEditor) SetResult(img *image.NRGBA) {
	e.result = nil
	if img != nil {
		e.result = img
	}
	e.Refresh()
}

// Selected is the index of the selected region, or -1.
func (e *regionEditor) Selected() int {
	if e.selected >= len(e.hist.Regions()) {
		e.selected = -1
	}
	return e.selected
}

// Select selects region i (-1 for none).
func (e *regionEditor) Select(i int) {
	if i < -1 || i >= len(e.hist.Regions()) {
		i = -1
	}
	e.selected = i
	e.Refresh()
}

func (e *regionEditor) mapping() viewMap { return fitImage(e.W, e.H, e.Size()) }

func (e *regionEditor) rects() []image.Rectangle {
	rs := e.hist.Regions()
	out := make([]image.Rectangle, len(rs))
	for i, r := range rs {
		out[i] = r.Rect
	}
	return out
}

func (e *regionEditor) minSide() int {
	m := e.mapping()
	if m.Scale <= 0 {
		return 4
	}
	return max(4, int(8/m.Scale))
}

// commit records the drag or key edit as one undo step.
func (e *regionEditor) commit(before, after []region) {
	e.hist.Replace(before)
	e.hist.Set(after)
	e.Refresh()
	if e.onChange != nil {
		e.onChange()
	}
}

// AddRegion adds r as one undo step and selects it.
func (e *regionEditor) AddRegion(r region) {
	rs := append(slices.Clone(e.hist.Regions()), r)
	e.hist.Set(rs)
	e.selected = len(rs) - 1
	e.Refresh()
	if e.onChange != nil {
		e.onChange()
	}
}

// DeleteSelected removes the selected region.
func (e *regionEditor) DeleteSelected() {
	i := e.Selected()
	if i < 0 {
		return
	}
	rs := slices.Delete(slices.Clone(e.hist.Regions()), i, i+1)
	e.hist.Set(rs)
	e.selected = min(i, len(rs)-1)
	e.Refresh()
	if e.onChange != nil {
		e.onChange()
	}
}

// MouseDown starts a drag: on a region it grabs a handle, elsewhere it
// anchors a new region.
func (e *regionEditor) MouseDown(ev *desktop.MouseEvent) {
	if e.img == nil || ev.Button != desktop.MouseButtonPrimary {
		return
	}
	e.begin(ev.Position)
	e.pressed = true
}

// MouseUp ends a press that did not become a drag.
func (e *regionEditor) MouseUp(*desktop.MouseEvent) { e.pressed = false }

func (e *regionEditor) begin(p fyne.Position) {
	m := e.mapping()
	e.start = p
	e.before = slices.Clone(e.hist.Regions())
	e.created = false
	i, h := hitTest(e.rects(), m, p, grabTolerance)
	if i >= 0 {
		e.selected, e.grab, e.orig = i, h, e.hist.Regions()[i].Rect
		e.Refresh()
		return
	}
	e.grab = handleNone
	a := m.ToImage(p)
	e.anchor = image.Pt(clampInt(a.X, 0, e.W), clampInt(a.Y, 0, e.H))
}

// Dragged moves, resizes or draws. Under GLFW Position is the current
// pointer; Fyne's test driver sends one event whose Dragged is the whole
// delta, so without a preceding MouseDown the start is Position - Dragged.
func (e *regionEditor) Dragged(ev *fyne.DragEvent) {
	if e.img == nil {
		return
	}
	if !e.pressed && !e.dragging {
		e.begin(ev.Position.Subtract(ev.Dragged))
	}
	e.dragging = true
	m := e.mapping()
	rs := slices.Clone(e.before)
	switch {
	case e.grab != handleNone:
		d := m.Delta(fyne.NewDelta(ev.Position.X-e.start.X, ev.Position.Y-e.start.Y))
		rs[e.selected].Rect = dragRect(e.orig, e.grab, d, m.Bounds(), e.minSide())
		rs[e.selected].Found = false
	default:
		r := spanRect(e.anchor, m.ToImage(ev.Position), m.Bounds())
		if !e.created && (r.Dx() < e.minSide() || r.Dy() < e.minSide()) {
			return
		}
		r = dragRect(r, handleSE, image.Point{}, m.Bounds(), e.minSide())
		nr := region{}
		if e.newRegion != nil {
			nr = e.newRegion(r)
		}
		nr.Rect = r
		rs = append(rs, nr)
		e.created = true
		e.selected = len(rs) - 1
	}
	e.hist.Replace(rs)
	e.Refresh()
}

// DragEnd records the whole drag as one undo step.
func (e *regionEditor) DragEnd() {
	if !e.dragging {
		return
	}
	e.dragging, e.pressed = false, false
	after := slices.Clone(e.hist.Regions())
	if !slices.Equal(after, e.before) {
		e.commit(e.before, after)
	}
}

// Tapped selects the region under the pointer (or none) and takes focus.
func (e *regionEditor) Tapped(ev *fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
		c.Focus(e)
	}
	if e.img == nil {
		return
	}
	i, _ := hitTest(e.rects(), e.mapping(), ev.Position, grabTolerance)
	e.Select(i)
}

// Cursor is a crosshair for drawing regions.
func (e *regionEditor) Cursor() desktop.Cursor {
	if e.img == nil {
		return desktop.DefaultCursor
	}
	return desktop.CrosshairCursor
}

// FocusGained shows the focus outline.
func (e *regionEditor) FocusGained() { e.focused = true; e.Refresh() }

// FocusLost hides it.
func (e *regionEditor) FocusLost() { e.focused, e.shiftOn = false, false; e.Refresh() }

// KeyDown tracks Shift (arrows resize while it is held) and forwards every
// press to the window's quick-exit gesture.
func (e *regionEditor) KeyDown(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		e.shiftOn = true
	}
	if e.onKey != nil {
		e.onKey(ev)
	}
}

// KeyUp releases Shift.
func (e *regionEditor) KeyUp(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		e.shiftOn = false
	}
}

// TypedKey edits with the keyboard: arrows move the selected region (resize
// with Shift), Delete removes it, Escape clears the selection.
func (e *regionEditor) TypedKey(ev *fyne.KeyEvent) {
	if e.img == nil {
		return
	}
	step := max(1, max(e.W, e.H)/100)
	var d image.Point
	switch ev.Name {
	case fyne.KeyLeft:
		d.X = -step
	case fyne.KeyRight:
		d.X = step
	case fyne.KeyUp:
		d.Y = -step
	case fyne.KeyDown:
		d.Y = step
	case fyne.KeyDelete, fyne.KeyBackspace:
		e.DeleteSelected()
		return
	case fyne.KeyEscape:
		e.Select(-1)
		return
	case fyne.KeyPageDown:
		e.cycle(1)
		return
	case fyne.KeyPageUp:
		e.cycle(-1)
		return
	default:
		return
	}
	i := e.Selected()
	if i < 0 {
		return
	}
	before := slices.Clone(e.hist.Regions())
	after := slices.Clone(before)
	after[i].Rect = nudgeRect(before[i].Rect, d, e.shiftOn, image.Rect(0, 0, e.W, e.H), e.minSide())
	after[i].Found = false
	e.commit(before, after)
}

// TypedRune: "n" adds a region in the middle, "[" and "]" select the
// previous or next region.
func (e *regionEditor) TypedRune(r rune) {
	if e.img == nil {
		return
	}
	switch r {
	case 'n', 'N', '+':
		rect := centredRect(image.Rect(0, 0, e.W, e.H))
		nr := region{}
		if e.newRegion != nil {
			nr = e.newRegion(rect)
		}
		nr.Rect = rect
		e.AddRegion(nr)
	case ']':
		e.cycle(1)
	case '[':
		e.cycle(-1)
	}
}

func (e *regionEditor) cycle(dir int) {
	n := len(e.hist.Regions())
	if n == 0 {
		return
	}
	e.Select(((e.Selected()+dir)%n + n) % n)
}

// TypedShortcut handles undo and redo while the editor has focus and passes
// every other shortcut (paste, open, save, quit) on to the window's.
func (e *regionEditor) TypedShortcut(s fyne.Shortcut) {
	switch s.(type) {
	case *fyne.ShortcutUndo:
		e.Undo()
	case *fyne.ShortcutRedo:
		e.Redo()
	default:
		if e.otherShortcut != nil {
			e.otherShortcut(s)
		}
	}
}

// Undo reverts the last edit.
func (e *regionEditor) Undo() {
	if e.hist.Undo() {
		e.Select(min(e.selected, len(e.hist.Regions())-1))
		if e.onChange != nil {
			e.onChange()
		}
	}
}

// Redo re-applies the last undone edit.
func (e *regionEditor) Redo() {
	if e.hist.Redo() {
		e.Select(min(e.selected, len(e.hist.Regions())-1))
		if e.onChange != nil {
			e.onChange()
		}
	}
}

// CreateRenderer draws the photo, the region outlines and the focus ring.
func (e *regionEditor) CreateRenderer() fyne.WidgetRenderer {
	r := &editorRenderer{e: e, photo: canvas.NewImageFromImage(nil)}
	r.photo.FillMode = canvas.ImageFillStretch
	// Fastest: Fyne does no scaling of its own (its smooth mode runs a
	// CatmullRom resample of the whole display copy on the UI goroutine, a
	// 300 ms stall for 2048 px); the renderer hands it a copy already at the
	// view's pixel size, made in the background, and the GPU only scales
	// while that copy is being made.
	r.photo.ScaleMode = canvas.ImageScaleFastest
	r.focus = canvas.NewRectangle(color.Transparent)
	r.focus.StrokeWidth = 2
	r.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	return r
}

type editorRenderer struct {
	e      *regionEditor
	bg     *canvas.Rectangle
	photo  *canvas.Image
	shown  image.Image // the source being shown (photo or result)
	fitFor image.Point // pixel size the current fitted copy was made for
	fitGen int
	focus  *canvas.Rectangle
	boxes  []fyne.CanvasObject
	layout []fyne.CanvasObject
}

func (r *editorRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.focus.Resize(size)
	m := fitImage(r.e.W, r.e.H, size)
	pos, sz := m.ToView(m.Bounds())
	r.photo.Move(pos)
	r.photo.Resize(sz)
	r.layoutBoxes(m)
	r.fit(sz)
}

// fit makes, in the background, a copy of the shown image at the pixel size
// it is drawn at, and shows it when ready (unless something newer was asked
// for meanwhile).
func (r *editorRenderer) fit(sz fyne.Size) {
	src := r.shown
	if src == nil || r.e.background == nil {
		return
	}
	scale := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(r.e); c != nil {
		scale = c.Scale()
	}
	px := image.Pt(int(sz.Width*scale+0.5), int(sz.Height*scale+0.5))
	b := src.Bounds()
	if px.X <= 0 || px.Y <= 0 || px == r.fitFor || px.X >= b.Dx() || px.Y >= b.Dy() {
		return // nothing to gain: the GPU enlarges or shows 1:1
	}
	r.fitFor = px
	r.fitGen++
	gen := r.fitGen
	r.e.background(func() {
		dst := image.NewRGBA(image.Rectangle{Max: px})
		xdraw.BiLinear.Scale(dst, dst.Bounds(), src, b, xdraw.Src, nil)
		r.e.do(func() {
			if gen != r.fitGen || src != r.shown {
				return
			}
			r.photo.Image = dst
			r.photo.Refresh()
		})
	})
}

func (r *editorRenderer) MinSize() fyne.Size { return fyne.NewSize(320, 240) }

func (r *editorRenderer) Refresh() {
	e := r.e
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	want := e.img
	if e.result != nil {
		want = e.result
	}
	if want != r.shown {
		r.shown = want
		r.fitFor = image.Point{}
		switch {
		case want == nil:
			r.photo.Image = nil
		case want == e.img && e.preFit != nil:
			r.photo.Image, r.fitFor = e.preFit, e.preFitFor
		default:
			r.photo.Image = asRGBA(want)
		}
		r.photo.Refresh()
	}
	r.photo.Hidden = want == nil
	r.focus.StrokeColor = color.Transparent
	if e.focused {
		r.focus.StrokeColor = theme.Color(theme.ColorNameFocus)
	}
	r.focus.Refresh()
	r.buildBoxes()
	r.Layout(e.Size())
	canvas.Refresh(e)
}

// buildBoxes makes the outline objects for the current regions: a light and a
// dark line so they show on any photo, an ellipse for elliptical regions, and
// corner handles on the selected one.
func (r *editorRenderer) buildBoxes() {
	e := r.e
	r.boxes = r.boxes[:0]
	if e.img == nil || e.result != nil {
		return
	}
	accent := theme.Color(theme.ColorNamePrimary)
	for i, rg := range e.hist.Regions() {
		sel := i == e.Selected()
		outer := canvas.NewRectangle(color.Transparent)
		outer.StrokeColor = color.NRGBA{0, 0, 0, 200}
		outer.StrokeWidth = 4
		// A translucent fill shows what will be covered without hiding
		// what is underneath, so the user can check each box.
		inner := canvas.NewRectangle(color.NRGBA{0, 0, 0, 90})
		inner.StrokeColor = color.NRGBA{255, 255, 255, 230}
		inner.StrokeWidth = 2
		if sel {
			inner.StrokeColor = accent
			inner.StrokeWidth = 3
			inner.FillColor = color.NRGBA{0, 0, 0, 130}
		}
		r.boxes = append(r.boxes, outer, inner)
		if rg.Shape == 1 { // redact.Ellipse
			c := canvas.NewCircle(color.Transparent)
			c.StrokeColor = inner.StrokeColor
			c.StrokeWidth = 2
			r.boxes = append(r.boxes, c)
		}
		if sel {
			for k := 0; k < 4; k++ {
				h := canvas.NewRectangle(accent)
				h.StrokeColor = color.White
				h.StrokeWidth = 1
				r.boxes = append(r.boxes, h)
			}
		}
	}
}

func (r *editorRenderer) layoutBoxes(m viewMap) {
	e := r.e
	k := 0
	next := func() fyne.CanvasObject { o := r.boxes[k]; k++; return o }
	if len(r.boxes) == 0 {
		return
	}
	for i, rg := range e.hist.Regions() {
		pos, sz := m.ToView(rg.Rect)
		for _, o := range []fyne.CanvasObject{next(), next()} {
			o.Move(pos)
			o.Resize(sz)
		}
		if rg.Shape == 1 {
			o := next()
			o.Move(pos)
			o.Resize(sz)
		}
		if i == e.Selected() {
			const hs = 12
			for _, c := range []fyne.Position{pos, pos.AddXY(sz.Width, 0), pos.AddXY(0, sz.Height), pos.AddXY(sz.Width, sz.Height)} {
				o := next()
				o.Move(c.SubtractXY(hs/2, hs/2))
				o.Resize(fyne.NewSquareSize(hs))
			}
		}
	}
}

func (r *editorRenderer) Objects() []fyne.CanvasObject {
	r.layout = append(r.layout[:0], r.bg, r.photo)
	r.layout = append(r.layout, r.boxes...)
	return append(r.layout, r.focus)
}

func (r *editorRenderer) Destroy() {}

// asRGBA gives Fyne's GL painter the one layout it uploads without
// converting (anything else is redrawn into an *image.RGBA on the UI
// goroutine). An opaque *image.NRGBA has the same bytes, so it is
// re-labelled, not copied.
func asRGBA(img image.Image) image.Image {
	if n, ok := img.(*image.NRGBA); ok && n.Opaque() {
		return &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
	}
	return img
}

// SetImageFitted is SetImage with a copy of img already scaled to the
// view's pixel size px, shown first so that the first paint uploads a
// view-sized texture.
func (e *regionEditor) SetImageFitted(img *image.NRGBA, fitted image.Image, px image.Point, w, h int) {
	e.preFit, e.preFitFor = fitted, px
	e.img, e.result, e.W, e.H, e.selected = nil, nil, w, h, -1
	if img != nil { // a typed nil would look like a photo
		e.img = img
	}
	e.Refresh()
}
