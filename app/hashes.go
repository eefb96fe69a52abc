package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// hashPanel is the "Hash for reporting" panel.
type hashPanel struct {
	u       *ui
	content fyne.CanvasObject
}

func newHashPanel(u *ui) *hashPanel {
	return &hashPanel{u: u, content: widget.NewLabel("")}
}

// Start hashes the open photo if it has not been hashed yet.
func (h *hashPanel) Start() {}

// Reset forgets the previous photo's hashes.
func (h *hashPanel) Reset() {}
