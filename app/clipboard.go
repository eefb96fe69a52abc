package app

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// clipboardLife is how long a copied hash stays on the clipboard.
const clipboardLife = 60 * time.Second

// guardedClipboard puts text on the clipboard and takes it off again after
// clipboardLife and when Veil exits, but only if the clipboard still holds
// what Veil put there: something the user copied since is left alone.
type guardedClipboard struct {
	cb    fyne.Clipboard
	after func(time.Duration, func()) *time.Timer
	do    func(func()) // runs on the UI goroutine

	mu    sync.Mutex
	ours  string
	timer *time.Timer
}

func newGuardedClipboard(cb fyne.Clipboard) *guardedClipboard {
	return &guardedClipboard{cb: cb, after: time.AfterFunc, do: fyne.Do}
}

// Copy places s on the clipboard for clipboardLife.
func (g *guardedClipboard) Copy(s string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.cb.SetContent(s)
	g.ours = s
	if g.timer != nil {
		g.timer.Stop()
	}
	g.timer = g.after(clipboardLife, func() { g.do(g.clearIfOurs) })
}

func (g *guardedClipboard) clearIfOurs() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ours != "" && g.cb.Content() == g.ours {
		g.cb.SetContent("")
	}
	g.ours = ""
}

// ClearOurs takes Veil's content off the clipboard (normal exit): text
// the user copied from elsewhere since is left alone.
func (g *guardedClipboard) ClearOurs() {
	g.mu.Lock()
	if g.timer != nil {
		g.timer.Stop()
	}
	g.mu.Unlock()
	g.clearIfOurs()
}

// ClearAll empties the clipboard whatever it holds (quick exit): a hash
// copied from Veil may have been pasted and copied again elsewhere, and an
// empty clipboard is the safe state on a shared computer.
func (g *guardedClipboard) ClearAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.timer != nil {
		g.timer.Stop()
	}
	g.cb.SetContent("")
	g.ours = ""
}
