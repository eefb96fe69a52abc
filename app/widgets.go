package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Fyne delivers key presses only to the focused widget when one has focus,
// and its buttons, checks and selects drop Shift. These thin wrappers forward
// key-down events to the window's quick-exit gesture so that Shift ×3 works
// wherever the keyboard focus is.

// quickExitKeys, embedded in a widget, makes it a desktop.Keyable that
// forwards every key-down to the quick-exit gesture.
type quickExitKeys struct {
	onKey func(*fyne.KeyEvent)
}

// KeyDown forwards to the quick-exit gesture.
func (k quickExitKeys) KeyDown(e *fyne.KeyEvent) { k.onKey(e) }

// KeyUp is required by desktop.Keyable.
func (quickExitKeys) KeyUp(*fyne.KeyEvent) {}

type keyButton struct {
	widget.Button
	quickExitKeys
}

func (u *ui) button(label string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{quickExitKeys: quickExitKeys{u.keyDown}}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

type keyCheck struct {
	widget.Check
	quickExitKeys
}

func (u *ui) check(label string, changed func(bool)) *keyCheck {
	c := &keyCheck{quickExitKeys: quickExitKeys{u.keyDown}}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

type keySelect struct {
	widget.Select
	quickExitKeys
}

func (u *ui) selector(options []string, changed func(string)) *keySelect {
	s := &keySelect{quickExitKeys: quickExitKeys{u.keyDown}}
	s.Options, s.OnChanged = options, changed
	for _, o := range options { // size the picker for its longest choice
		if len([]rune(o)) > len([]rune(s.PlaceHolder)) {
			s.PlaceHolder = o
		}
	}
	s.ExtendBaseWidget(s)
	return s
}

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
