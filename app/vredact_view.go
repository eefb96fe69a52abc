package app

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// videoBoxKind is what a box over a video frame stands for.
type videoBoxKind int

const (
	boxFace    videoBoxKind = iota // a face track that will be covered
	boxKept                        // a face track left visible on purpose
	boxArea                        // an area added by hand
	boxFinding                     // a face the check found outside every redaction
	boxDrawing                     // the area being drawn
)

// videoBox is one box drawn over the frame, in pixels of the full-size
// upright frame.
type videoBox struct {
	rect     image.Rectangle
	kind     videoBoxKind
	selected bool
}

// videoBoxColour is each kind's outline: covered faces in the theme's
// error red, kept ones grey, hand-drawn areas blue, findings yellow.
func videoBoxColour(k videoBoxKind) color.Color {
	switch k {
	case boxKept:
		return color.NRGBA{200, 200, 200, 230}
	case boxArea, boxDrawing:
		return color.NRGBA{60, 150, 255, 240}
	case boxFinding:
		return color.NRGBA{255, 214, 0, 255}
	}
	return theme.Color(theme.ColorNameError)
}

// videoView shows one frame of the video and boxes over it. Dragging on it
// draws a new area (onDraw); a click tells onTap the pixel under the
// pointer. All geometry is fitImage's, as in the photo editor.
type videoView struct {
	widget.BaseWidget

	img   image.Image // the frame shown (a display copy), nil for none
	W, H  int         // full-size upright frame
	boxes []videoBox

	onDraw func(r image.Rectangle)
	onTap  func(p image.Point)
	onKey  func(*fyne.KeyEvent)

	// drag state: the press and the current corner, in view units
	pressAt  fyne.Position
	pressed  bool
	drawing  bool
	drawFrom image.Point
	drawTo   image.Point
	canDraw  bool
}

func newVideoView() *videoView {
	v := &videoView{}
	v.ExtendBaseWidget(v)
	return v
}

// SetFrame shows a frame (display copy) of a w×h video.
func (v *videoView) SetFrame(img image.Image, w, h int) {
	v.img, v.W, v.H = img, w, h
	v.Refresh()
}

// SetBoxes replaces the boxes drawn over the frame.
func (v *videoView) SetBoxes(b []videoBox) {
	v.boxes = b
	v.Refresh()
}

func (v *videoView) mapping() viewMap { return fitImage(v.W, v.H, v.Size()) }

// MouseDown records where a drag starts (Fyne's first drag event already
// carries a moved position).
func (v *videoView) MouseDown(ev *desktop.MouseEvent) {
	v.pressAt, v.pressed = ev.Position, true
}

// MouseUp ends a press without a drag.
func (v *videoView) MouseUp(*desktop.MouseEvent) { v.pressed = false }

// Dragged draws the new area from the press to the pointer.
func (v *videoView) Dragged(ev *fyne.DragEvent) {
	if !v.canDraw || v.W == 0 {
		return
	}
	m := v.mapping()
	if !v.drawing {
		start := v.pressAt
		if !v.pressed {
			start = ev.Position.Subtract(ev.Dragged)
		}
		v.drawing = true
		v.drawFrom = m.ToImage(start)
	}
	v.drawTo = m.ToImage(ev.Position)
	v.Refresh()
}

// DragEnd hands the drawn area over, if it is big enough to mean one.
func (v *videoView) DragEnd() {
	if !v.drawing {
		return
	}
	v.drawing, v.pressed = false, false
	r := spanRect(v.drawFrom, v.drawTo, image.Rect(0, 0, v.W, v.H))
	v.Refresh()
	if r.Dx() >= 4 && r.Dy() >= 4 && v.onDraw != nil {
		v.onDraw(r)
	}
}

// Tapped selects what lies under the pointer.
func (v *videoView) Tapped(ev *fyne.PointEvent) {
	if v.onTap != nil && v.W > 0 {
		v.onTap(v.mapping().ToImage(ev.Position))
	}
}

// Cursor is a crosshair where areas can be drawn.
func (v *videoView) Cursor() desktop.Cursor {
	if v.canDraw {
		return desktop.CrosshairCursor
	}
	return desktop.DefaultCursor
}

// KeyDown passes keys on to the quick-exit gesture.
func (v *videoView) KeyDown(e *fyne.KeyEvent) {
	if v.onKey != nil {
		v.onKey(e)
	}
}

// KeyUp is required by desktop.Keyable.
func (v *videoView) KeyUp(*fyne.KeyEvent) {}

func (v *videoView) CreateRenderer() fyne.WidgetRenderer {
	r := &videoViewRenderer{v: v, frame: canvas.NewImageFromImage(nil),
		bg: canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))}
	r.frame.FillMode = canvas.ImageFillStretch
	r.frame.ScaleMode = canvas.ImageScaleFastest
	return r
}

type videoViewRenderer struct {
	v       *videoView
	bg      *canvas.Rectangle
	frame   *canvas.Image
	shown   image.Image
	outline []*canvas.Rectangle
	objs    []fyne.CanvasObject
}

// drawn lists the boxes with the one being drawn.
func (r *videoViewRenderer) drawn() []videoBox {
	bs := r.v.boxes
	if r.v.drawing {
		d := spanRect(r.v.drawFrom, r.v.drawTo, image.Rect(0, 0, r.v.W, r.v.H))
		bs = append(append([]videoBox(nil), bs...), videoBox{rect: d, kind: boxDrawing, selected: true})
	}
	return bs
}

func (r *videoViewRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	m := fitImage(r.v.W, r.v.H, size)
	pos, sz := m.ToView(m.Bounds())
	r.frame.Move(pos)
	r.frame.Resize(sz)
	for i, b := range r.drawn() {
		if 2*i+1 >= len(r.outline) {
			break
		}
		p, s := m.ToView(b.rect.Intersect(m.Bounds()))
		for _, o := range r.outline[2*i : 2*i+2] {
			o.Move(p)
			o.Resize(s)
		}
	}
}

func (r *videoViewRenderer) MinSize() fyne.Size { return fyne.NewSize(320, 200) }

func (r *videoViewRenderer) Refresh() {
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	if r.v.img != r.shown {
		r.shown = r.v.img
		r.frame.Image = asRGBA(r.v.img)
		r.frame.Refresh()
	}
	r.frame.Hidden = r.v.img == nil
	bs := r.drawn()
	r.outline = r.outline[:0]
	for _, b := range bs {
		// A dark line under a coloured one shows on any picture.
		under := canvas.NewRectangle(color.Transparent)
		under.StrokeColor = color.NRGBA{0, 0, 0, 180}
		under.StrokeWidth = 4
		over := canvas.NewRectangle(color.Transparent)
		over.StrokeColor = videoBoxColour(b.kind)
		over.StrokeWidth = 2
		if b.selected {
			over.StrokeWidth = 3
			under.StrokeWidth = 6
		}
		r.outline = append(r.outline, under, over)
	}
	r.Layout(r.v.Size())
	canvas.Refresh(r.v)
}

func (r *videoViewRenderer) Objects() []fyne.CanvasObject {
	r.objs = append(r.objs[:0], r.bg, r.frame)
	for _, o := range r.outline {
		r.objs = append(r.objs, o)
	}
	return r.objs
}

func (r *videoViewRenderer) Destroy() {}

// tapArea makes any object a button: a thumbnail of the frame strip.
type tapArea struct {
	widget.BaseWidget
	obj    fyne.CanvasObject
	tapped func()
}

func newTapArea(obj fyne.CanvasObject, tapped func()) *tapArea {
	t := &tapArea{obj: obj, tapped: tapped}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped runs the action.
func (t *tapArea) Tapped(*fyne.PointEvent) { t.tapped() }

// Cursor shows it can be clicked.
func (t *tapArea) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (t *tapArea) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.obj) }
