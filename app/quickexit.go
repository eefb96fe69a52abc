package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// shiftWindow is how soon each Shift press must follow the previous one for
// three presses to count as the quick-exit gesture.
const shiftWindow = time.Second

// shiftCounter recognises Shift pressed three times in quick succession, the
// quick-exit gesture of GOV.UK's "Exit this page". Any other key in between
// starts the count again, so typing capitals does not trigger it.
type shiftCounter struct {
	n    int
	last time.Time
}

// Press records a key press at t and reports whether it completes the gesture.
func (s *shiftCounter) Press(key fyne.KeyName, t time.Time) bool {
	if key != desktop.KeyShiftLeft && key != desktop.KeyShiftRight {
		s.n = 0
		return false
	}
	if s.n > 0 && t.Sub(s.last) > shiftWindow {
		s.n = 0
	}
	s.n++
	s.last = t
	if s.n >= 3 {
		s.n = 0
		return true
	}
	return false
}

// quickExit hides the window at once, then clears our clipboard content,
// removes the private folder and ends the process. The exit itself goes
// through u.exit so tests can watch it without ending the test binary.
func (u *ui) quickExit() {
	u.quitOnce.Do(func() {
		u.win.Hide()
		u.cancelAll()
		u.clip.ClearAll()
		u.waitWrites(writeGrace)
		u.trace.Remove()
		u.timings.mark("quick exit")
		u.exit(0)
	})
}

// keyDown is the window-wide key hook: focused widgets forward their key
// presses here too (see keyForward), so the gesture works wherever focus is.
// Escape closes the topmost dialog or menu, as users expect; Fyne's dialogs
// close on it only when one of their own entries has the focus.
func (u *ui) keyDown(e *fyne.KeyEvent) {
	if u.shift.Press(e.Name, u.now()) {
		u.quickExit()
		return
	}
	if e.Name == fyne.KeyEscape {
		if top := u.win.Canvas().Overlays().Top(); top != nil {
			top.Hide()
		}
	}
}

// writeGrace is how long quick exit waits, with the window already hidden,
// for cancelled writes of large files to remove their temporary file. On
// Linux it is unnamed and vanishes with the process anyway; elsewhere it has
// a hidden name in the output's folder.
const writeGrace = 400 * time.Millisecond

// waitWrites waits until no file is being written, or for at most d.
func (u *ui) waitWrites(d time.Duration) {
	done := make(chan struct{})
	go func() { u.writes.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}

// withExit puts a quick-exit button above a dialog's content: Fyne's dialogs
// are modal, so the window's own button cannot be reached while one is open.
func (u *ui) withExit(content fyne.CanvasObject) fyne.CanvasObject {
	b := u.button(lang.L("Quick exit (Shift ×3)"), theme.LogoutIcon(), u.quickExit)
	b.Importance = widget.DangerImportance
	return container.NewBorder(container.NewHBox(layout.NewSpacer(), b), nil, nil, nil, content)
}
