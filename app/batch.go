package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// batchPanel is the "Many photos" view.
type batchPanel struct {
	u       *ui
	content fyne.CanvasObject
}

func newBatchPanel(u *ui) *batchPanel {
	return &batchPanel{u: u, content: widget.NewLabel("")}
}

// Add queues files.
func (b *batchPanel) Add(files []string) {}

// Cancel stops a running batch.
func (b *batchPanel) Cancel() {}
