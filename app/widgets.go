package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Fyne delivers key presses only to the focused widget when one has focus,
// and its buttons, checks and selects drop Shift. These thin wrappers forward
// key-down events to the window's quick-exit gesture so that Shift ×3 works
// wherever the keyboard focus is.

type keyButton struct {
	widget.Button
	onKey func(*fyne.KeyEvent)
}

func (u *ui) button(label string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{onKey: u.keyDown}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// KeyDown forwards to the quick-exit gesture.
func (b *keyButton) KeyDown(e *fyne.KeyEvent) { b.onKey(e) }

// KeyUp is required by desktop.Keyable.
func (b *keyButton) KeyUp(*fyne.KeyEvent) {}

type keyCheck struct {
	widget.Check
	onKey func(*fyne.KeyEvent)
}

func (u *ui) check(label string, changed func(bool)) *keyCheck {
	c := &keyCheck{onKey: u.keyDown}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

// KeyDown forwards to the quick-exit gesture.
func (c *keyCheck) KeyDown(e *fyne.KeyEvent) { c.onKey(e) }

// KeyUp is required by desktop.Keyable.
func (c *keyCheck) KeyUp(*fyne.KeyEvent) {}

type keySelect struct {
	widget.Select
	onKey func(*fyne.KeyEvent)
}

func (u *ui) selector(options []string, changed func(string)) *keySelect {
	s := &keySelect{onKey: u.keyDown}
	s.Options, s.OnChanged = options, changed
	for _, o := range options { // size the picker for its longest choice
		if len([]rune(o)) > len([]rune(s.PlaceHolder)) {
			s.PlaceHolder = o
		}
	}
	s.ExtendBaseWidget(s)
	return s
}

// KeyDown forwards to the quick-exit gesture.
func (s *keySelect) KeyDown(e *fyne.KeyEvent) { s.onKey(e) }

// KeyUp is required by desktop.Keyable.
func (s *keySelect) KeyUp(*fyne.KeyEvent) {}

type keyEntry struct {
	widget.Entry
	onKey func(*fyne.KeyEvent)
}

func (u *ui) entry() *keyEntry {
	e := &keyEntry{onKey: u.keyDown}
	e.ExtendBaseWidget(e)
	return e
}

// KeyDown keeps the entry's own Shift handling (selection) and forwards to
// the quick-exit gesture.
func (e *keyEntry) KeyDown(ev *fyne.KeyEvent) {
	e.Entry.KeyDown(ev)
	e.onKey(ev)
}

// wrapLabel is a label that wraps at word boundaries, for sentences.
func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}
