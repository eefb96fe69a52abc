package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// timelineRow is one row of the timeline: a face track or an area, shown
// as the frames it covers.
type timelineRow struct {
	first, last int
	kind        videoBoxKind
	selected    bool
	// marks are single frames to point out on the row (findings).
	marks []int
}

// videoTimeline draws every track and area as a bar over the video's
// length, with the current frame as a line across. Clicking it moves to
// that moment and selects the row under the pointer.
type videoTimeline struct {
	widget.BaseWidget

	frames int
	cur    int
	rows   []timelineRow

	// onTap is told the frame and the row (or -1) under a click.
	onTap func(frame, row int)
	onKey func(*fyne.KeyEvent)
}

func newVideoTimeline() *videoTimeline {
	t := &videoTimeline{}
	t.ExtendBaseWidget(t)
	return t
}

// Set shows rows for a video of frames frames, with frame cur current.
func (t *videoTimeline) Set(frames, cur int, rows []timelineRow) {
	t.frames, t.cur, t.rows = frames, cur, rows
	t.Refresh()
}

// SetCurrent moves the current-frame line.
func (t *videoTimeline) SetCurrent(cur int) {
	t.cur = cur
	t.Refresh()
}

// Timeline geometry, in Fyne units.
const (
	timelineHeight = 110
	timelineMaxRow = 14
	timelinePad    = 4
)

// rowHeight is each row's height: as tall as timelineMaxRow, shrinking so
// that every row fits.
func (t *videoTimeline) rowHeight(h float32) float32 {
	n := max(1, len(t.rows))
	return min(timelineMaxRow, (h-2*timelinePad)/float32(n))
}

// frameAt is the frame under x; xAt where frame i starts.
func (t *videoTimeline) frameAt(x, w float32) int {
	if t.frames <= 0 || w <= 0 {
		return 0
	}
	return min(t.frames-1, max(0, int(x/w*float32(t.frames))))
}

func (t *videoTimeline) xAt(i int, w float32) float32 {
	if t.frames <= 0 {
		return 0
	}
	return float32(i) / float32(t.frames) * w
}

// Tapped moves to the frame under the pointer and picks its row.
func (t *videoTimeline) Tapped(ev *fyne.PointEvent) {
	if t.onTap == nil || t.frames == 0 {
		return
	}
	sz := t.Size()
	row := int((ev.Position.Y - timelinePad) / t.rowHeight(sz.Height))
	if row < 0 || row >= len(t.rows) {
		row = -1
	}
	t.onTap(t.frameAt(ev.Position.X, sz.Width), row)
}

// Dragged scrubs.
func (t *videoTimeline) Dragged(ev *fyne.DragEvent) {
	if t.onTap != nil && t.frames > 0 {
		t.onTap(t.frameAt(ev.Position.X, t.Size().Width), -2)
	}
}

// DragEnd is required by fyne.Draggable.
func (t *videoTimeline) DragEnd() {}

// KeyDown passes keys on to the quick-exit gesture.
func (t *videoTimeline) KeyDown(e *fyne.KeyEvent) {
	if t.onKey != nil {
		t.onKey(e)
	}
}

// KeyUp is required by desktop.Keyable.
func (t *videoTimeline) KeyUp(*fyne.KeyEvent) {}

// Cursor shows the timeline can be clicked.
func (t *videoTimeline) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (t *videoTimeline) CreateRenderer() fyne.WidgetRenderer {
	r := &timelineRenderer{t: t, bg: canvas.NewRectangle(color.Transparent), now: canvas.NewRectangle(color.Transparent)}
	return r
}

type timelineRenderer struct {
	t    *videoTimeline
	bg   *canvas.Rectangle
	now  *canvas.Rectangle
	bars []*canvas.Rectangle
	objs []fyne.CanvasObject
}

func (r *timelineRenderer) MinSize() fyne.Size { return fyne.NewSize(200, timelineHeight) }

func (r *timelineRenderer) Layout(size fyne.Size) {
	t := r.t
	r.bg.Resize(size)
	rh := t.rowHeight(size.Height)
	k := 0
	for i, row := range t.rows {
		y := timelinePad + float32(i)*rh
		x0, x1 := t.xAt(row.first, size.Width), t.xAt(row.last+1, size.Width)
		if k < len(r.bars) {
			r.bars[k].Move(fyne.NewPos(x0, y+1))
			r.bars[k].Resize(fyne.NewSize(max(2, x1-x0), max(2, rh-2)))
			k++
		}
		for _, m := range row.marks {
			if k < len(r.bars) {
				r.bars[k].Move(fyne.NewPos(t.xAt(m, size.Width)-1, y))
				r.bars[k].Resize(fyne.NewSize(3, rh))
				k++
			}
		}
	}
	r.now.Move(fyne.NewPos(t.xAt(t.cur, size.Width), 0))
	r.now.Resize(fyne.NewSize(2, size.Height))
}

func (r *timelineRenderer) Refresh() {
	t := r.t
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.now.FillColor = theme.Color(theme.ColorNameForeground)
	r.bars = r.bars[:0]
	for _, row := range t.rows {
		c := videoBoxColour(row.kind)
		bar := canvas.NewRectangle(c)
		if !row.selected {
			if n, ok := c.(color.NRGBA); ok {
				n.A = 150
				bar.FillColor = n
			}
		} else {
			bar.StrokeColor = theme.Color(theme.ColorNameForeground)
			bar.StrokeWidth = 1
		}
		r.bars = append(r.bars, bar)
		for range row.marks {
			r.bars = append(r.bars, canvas.NewRectangle(videoBoxColour(boxFinding)))
		}
	}
	r.Layout(t.Size())
	canvas.Refresh(t)
}

func (r *timelineRenderer) Objects() []fyne.CanvasObject {
	r.objs = append(r.objs[:0], r.bg)
	for _, b := range r.bars {
		r.objs = append(r.objs, b)
	}
	return append(r.objs, r.now)
}

func (r *timelineRenderer) Destroy() {}
