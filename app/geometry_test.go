package app

import (
	"image"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

func TestFitImage(t *testing.T) {
	tests := map[string]struct {
		w, h  int
		box   fyne.Size
		scale float32
		off   fyne.Position
	}{
		"wide image in square box":  {400, 200, fyne.NewSize(200, 200), 0.5, fyne.NewPos(0, 50)},
		"tall image in wide box":    {100, 400, fyne.NewSize(400, 200), 0.5, fyne.NewPos(175, 0)},
		"exact fit":                 {300, 200, fyne.NewSize(300, 200), 1, fyne.NewPos(0, 0)},
		"small image is enlarged":   {10, 10, fyne.NewSize(100, 50), 5, fyne.NewPos(25, 0)},
		"empty box maps to nothing": {10, 10, fyne.NewSize(0, 0), 0, fyne.NewPos(0, 0)},
		"empty image":               {0, 10, fyne.NewSize(100, 100), 0, fyne.NewPos(0, 0)},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			m := fitImage(tt.w, tt.h, tt.box)
			if m.Scale != tt.scale || m.Off != tt.off {
				t.Errorf("fitImage(%d, %d, %v) = scale %v off %v, want %v %v", tt.w, tt.h, tt.box, m.Scale, m.Off, tt.scale, tt.off)
			}
		})
	}
}

func TestViewImageRoundTrip(t *testing.T) {
	m := fitImage(6000, 4000, fyne.NewSize(900, 700)) // scale 0.15, off (0, 50)
	tests := map[string]struct {
		view fyne.Position
		img  image.Point
	}{
		"top-left corner":      {fyne.NewPos(0, 50), image.Pt(0, 0)},
		"centre":               {fyne.NewPos(450, 350), image.Pt(3000, 2000)},
		"bottom-right pixel":   {fyne.NewPos(899.99, 649.99), image.Pt(5999, 3999)},
		"above the image":      {fyne.NewPos(10, 10), image.Pt(66, -267)},
		"letterbox is outside": {fyne.NewPos(0, 0), image.Pt(0, -334)},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := m.ToImage(tt.view); got != tt.img {
				t.Errorf("ToImage(%v) = %v, want %v", tt.view, got, tt.img)
			}
		})
	}
	r := image.Rect(1000, 2000, 1600, 2400)
	pos, size := m.ToView(r)
	if got := m.ToImage(pos); got != r.Min {
		t.Errorf("ToImage(ToView(%v).pos) = %v", r, got)
	}
	if abs32(size.Width-90) > 1e-3 || abs32(size.Height-60) > 1e-3 {
		t.Errorf("ToView size = %v, want 90x60", size)
	}
}

func TestHitTest(t *testing.T) {
	m := viewMap{Scale: 1, W: 1000, H: 1000}
	rects := []image.Rectangle{image.Rect(100, 100, 300, 300), image.Rect(250, 250, 400, 400)}
	tests := map[string]struct {
		p    fyne.Position
		idx  int
		grab handle
	}{
		"miss":                         {fyne.NewPos(50, 50), -1, handleNone},
		"inside first":                 {fyne.NewPos(150, 150), 0, handleMove},
		"overlap picks topmost (last)": {fyne.NewPos(270, 270), 1, handleMove},
		"top-left corner":              {fyne.NewPos(102, 98), 0, handleNW},
		"bottom-right corner of top":   {fyne.NewPos(405, 395), 1, handleSE},
		"top edge":                     {fyne.NewPos(200, 95), 0, handleN},
		"left edge":                    {fyne.NewPos(92, 200), 0, handleW},
		"right edge just outside":      {fyne.NewPos(409, 330), 1, handleE},
		"bottom edge":                  {fyne.NewPos(150, 305), 0, handleS},
		"top-right":                    {fyne.NewPos(300, 100), 0, handleNE},
		"bottom-left":                  {fyne.NewPos(250, 400), 1, handleSW},
		"beyond tolerance":             {fyne.NewPos(415, 330), -1, handleNone},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			i, h := hitTest(rects, m, tt.p, 10)
			if i != tt.idx || h != tt.grab {
				t.Errorf("hitTest(%v) = %d, %d; want %d, %d", tt.p, i, h, tt.idx, tt.grab)
			}
		})
	}
}

func TestDragRect(t *testing.T) {
	b := image.Rect(0, 0, 1000, 800)
	r := image.Rect(100, 100, 300, 200)
	tests := map[string]struct {
		h    handle
		d    image.Point
		want image.Rectangle
	}{
		"move":                       {handleMove, image.Pt(50, -20), image.Rect(150, 80, 350, 180)},
		"move stops at left edge":    {handleMove, image.Pt(-500, 0), image.Rect(0, 100, 200, 200)},
		"move stops at bottom-right": {handleMove, image.Pt(5000, 5000), image.Rect(800, 700, 1000, 800)},
		"grow south-east":            {handleSE, image.Pt(30, 40), image.Rect(100, 100, 330, 240)},
		"shrink north-west":          {handleNW, image.Pt(20, 10), image.Rect(120, 110, 300, 200)},
		"east edge only":             {handleE, image.Pt(10, 99), image.Rect(100, 100, 310, 200)},
		"north edge only":            {handleN, image.Pt(99, -10), image.Rect(100, 90, 300, 200)},
		"keeps minimum size":         {handleE, image.Pt(-1000, 0), image.Rect(100, 100, 110, 200)},
		"west cannot cross east":     {handleW, image.Pt(1000, 0), image.Rect(290, 100, 300, 200)},
		"resize clamps to bounds":    {handleSW, image.Pt(-500, 900), image.Rect(0, 100, 300, 800)},
		"none changes nothing":       {handleNone, image.Pt(5, 5), r},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := dragRect(r, tt.h, tt.d, b, 10); got != tt.want {
				t.Errorf("dragRect(%v, %d, %v) = %v, want %v", r, tt.h, tt.d, got, tt.want)
			}
		})
	}
}

func TestSpanAndScaleRect(t *testing.T) {
	b := image.Rect(0, 0, 100, 100)
	if got := spanRect(image.Pt(80, 90), image.Pt(20, 10), b); got != image.Rect(20, 10, 80, 90) {
		t.Errorf("spanRect backwards = %v", got)
	}
	if got := spanRect(image.Pt(-20, 50), image.Pt(150, 60), b); got != image.Rect(0, 50, 100, 60) {
		t.Errorf("spanRect clipped = %v", got)
	}
	tests := map[string]struct {
		r, want  image.Rectangle
		from, to image.Point
	}{
		"down by 3, outward":    {image.Rect(300, 300, 600, 900), image.Rect(100, 99, 200, 300), image.Pt(6000, 4000), image.Pt(2000, 1333)},
		"rounds outward":        {image.Rect(1, 1, 5, 5), image.Rect(0, 0, 3, 3), image.Pt(10, 10), image.Pt(5, 5)},
		"up":                    {image.Rect(10, 10, 20, 20), image.Rect(100, 100, 200, 200), image.Pt(100, 100), image.Pt(1000, 1000)},
		"clipped to target":     {image.Rect(0, 0, 10, 10), image.Rect(0, 0, 5, 5), image.Pt(9, 9), image.Pt(5, 5)},
		"empty source is empty": {image.Rect(0, 0, 10, 10), image.Rectangle{}, image.Pt(0, 0), image.Pt(5, 5)},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := scaleRect(tt.r, tt.from, tt.to); got != tt.want {
				t.Errorf("scaleRect(%v, %v, %v) = %v, want %v", tt.r, tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestDisplaySizeAndCentred(t *testing.T) {
	tests := []struct{ w, h, max, ww, wh int }{
		{6000, 4000, 2048, 2048, 1365},
		{4000, 6000, 2048, 1365, 2048},
		{800, 600, 2048, 800, 600},
		{5000, 1, 2048, 2048, 1},
	}
	for _, tt := range tests {
		if w, h := displaySize(tt.w, tt.h, tt.max); w != tt.ww || h != tt.wh {
			t.Errorf("displaySize(%d, %d, %d) = %d, %d; want %d, %d", tt.w, tt.h, tt.max, w, h, tt.ww, tt.wh)
		}
	}
	if got := centredRect(image.Rect(0, 0, 400, 200)); got != image.Rect(175, 75, 225, 125) {
		t.Errorf("centredRect = %v", got)
	}
	if got := nudgeRect(image.Rect(0, 0, 10, 10), image.Pt(5, 5), true, image.Rect(0, 0, 12, 12), 2); got != image.Rect(0, 0, 12, 12) {
		t.Errorf("nudgeRect resize = %v", got)
	}
}

func TestHistory(t *testing.T) {
	var h history
	a := []region{{}}
	a[0].Rect = image.Rect(0, 0, 1, 1)
	b := append([]region(nil), a...)
	b = append(b, region{})
	h.Set(a)
	h.Set(b)
	if len(h.Regions()) != 2 || !h.CanUndo() || h.CanRedo() {
		t.Fatalf("after two edits: %d regions, undo %v redo %v", len(h.Regions()), h.CanUndo(), h.CanRedo())
	}
	h.Undo()
	if len(h.Regions()) != 1 || !h.CanRedo() {
		t.Fatalf("after undo: %d regions", len(h.Regions()))
	}
	h.Undo()
	if len(h.Regions()) != 0 || h.Undo() {
		t.Fatalf("after second undo: %d regions, more undo possible", len(h.Regions()))
	}
	h.Redo()
	h.Redo()
	if len(h.Regions()) != 2 || h.Redo() {
		t.Fatalf("after redo: %d regions", len(h.Regions()))
	}
	h.Undo()
	h.Set(nil) // a new edit drops the redo list
	if h.CanRedo() {
		t.Error("redo kept after a new edit")
	}
}

func TestShiftCounter(t *testing.T) {
	t0 := time.Unix(0, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	type press struct {
		key fyne.KeyName
		at  int
	}
	shift, other := desktop.KeyShiftLeft, fyne.KeyA
	tests := map[string]struct {
		presses []press
		want    bool
	}{
		"three quick":            {[]press{{shift, 0}, {shift, 300}, {desktop.KeyShiftRight, 600}}, true},
		"two only":               {[]press{{shift, 0}, {shift, 300}}, false},
		"too slow":               {[]press{{shift, 0}, {shift, 1200}, {shift, 2400}}, false},
		"slow start then quick":  {[]press{{shift, 0}, {shift, 2000}, {shift, 2500}, {shift, 3000}}, true},
		"typing in between":      {[]press{{shift, 0}, {other, 100}, {shift, 200}, {shift, 300}}, false},
		"other keys do not fire": {[]press{{other, 0}, {other, 10}, {other, 20}}, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var s shiftCounter
			got := false
			for _, p := range tt.presses {
				got = s.Press(p.key, ms(p.at))
			}
			if got != tt.want {
				t.Errorf("gesture = %v, want %v", got, tt.want)
			}
		})
	}
}
