package app

import (
	"testing"

	"fyne.io/fyne/v2"
)

// TestEscapeClosesTopDialog: Escape closes the topmost dialog only, and does
// nothing without one.
func TestEscapeClosesTopDialog(t *testing.T) {
	tu := newTestUI(t)
	esc := &fyne.KeyEvent{Name: fyne.KeyEscape}
	tu.keyDown(esc) // no dialog: nothing to close, nothing breaks
	tu.showAbout()
	about := tu.win.Canvas().Overlays().Top()
	tu.onUI(tu.chooseOpen)
	tu.wait()
	browser := tu.win.Canvas().Overlays().Top()
	if about == nil || browser == nil || browser == about {
		t.Fatalf("dialogs not shown (about %v, browser %v)", about, browser)
	}
	tu.keyDown(esc)
	if top := tu.win.Canvas().Overlays().Top(); top != about {
		t.Fatalf("after one Escape the top overlay is %v, want the About box", top)
	}
	tu.keyDown(esc)
	if top := tu.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("after two Escapes %v is still open", top)
	}
	select {
	case <-tu.exited:
		t.Fatal("Escape ended Veil")
	default:
	}
}
