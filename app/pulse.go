package app

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// pulseStep is how often the busy indicator moves.
const pulseStep = 150 * time.Millisecond

// pulse is the busy indicator: three dots, one lit, stepping about seven
// times a second. Fyne's Activity animates at 60 frames a second and every
// frame repaints the whole window; with a software GL renderer (virtual
// machines, remote desktops, Xvfb) that took most of a core while faces were
// being found and made the window stall behind the detector.
type pulse struct {
	widget.BaseWidget
	do   func(func()) // runs on the UI goroutine
	dots [3]*canvas.Circle
	// mu guards lit, stop and the dots' colours: Start and Stop are called on
	// the UI goroutine in the app, but the ticker's updates arrive through do,
	// and tests drive the UI from their own goroutine.
	mu   sync.Mutex
	lit  int
	stop chan struct{}
}

func newPulse(do func(func())) *pulse {
	p := &pulse{do: do}
	for i := range p.dots {
		p.dots[i] = canvas.NewCircle(theme.Color(theme.ColorNameDisabled))
	}
	p.ExtendBaseWidget(p)
	return p
}

// Start sets the dots moving; it does nothing if they already are.
func (p *pulse) Start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		return
	}
	stop := make(chan struct{})
	p.stop = stop
	p.paintLocked()
	go func() {
		t := time.NewTicker(pulseStep)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			p.do(func() {
				p.mu.Lock()
				defer p.mu.Unlock()
				if p.stop == stop {
					p.lit = (p.lit + 1) % len(p.dots)
					p.paintLocked()
				}
			})
		}
	}()
}

// Stop halts the dots.
func (p *pulse) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		close(p.stop)
		p.stop = nil
	}
}

// running reports whether the dots are moving.
func (p *pulse) running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stop != nil
}

func (p *pulse) paint() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paintLocked()
}

func (p *pulse) paintLocked() {
	for i, d := range p.dots {
		c := theme.Color(theme.ColorNameDisabled)
		if i == p.lit {
			c = theme.Color(theme.ColorNamePrimary)
		}
		if d.FillColor != c {
			d.FillColor = c
			d.Refresh()
		}
	}
}

// CreateRenderer is part of fyne.Widget.
func (p *pulse) CreateRenderer() fyne.WidgetRenderer {
	objs := make([]fyne.CanvasObject, len(p.dots))
	for i, d := range p.dots {
		objs[i] = d
	}
	return &pulseRenderer{p: p, objs: objs}
}

type pulseRenderer struct {
	p    *pulse
	objs []fyne.CanvasObject
}

func (r *pulseRenderer) dot() float32 { return theme.Size(theme.SizeNameInlineIcon) / 3 }

func (r *pulseRenderer) Layout(size fyne.Size) {
	d := r.dot()
	gap := d / 2
	w := float32(len(r.objs))*d + float32(len(r.objs)-1)*gap
	x := (size.Width - w) / 2
	y := (size.Height - d) / 2
	for _, o := range r.objs {
		o.Resize(fyne.NewSquareSize(d))
		o.Move(fyne.NewPos(x, y))
		x += d + gap
	}
}

func (r *pulseRenderer) MinSize() fyne.Size {
	d := r.dot()
	n := float32(len(r.objs))
	return fyne.NewSize(n*d+(n-1)*d/2+theme.Padding()*2, d+theme.Padding()*2)
}

func (r *pulseRenderer) Refresh() {
	r.p.paint()
	r.Layout(r.p.Size())
	canvas.Refresh(r.p)
}

func (r *pulseRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *pulseRenderer) Destroy()                     {}
