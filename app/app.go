// Package app is Veil's desktop user interface, and the only package that knows Fyne.
package app

import (
	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// AppID is the application identifier Fyne uses.
const AppID = "org.veil.app"

// Run starts the desktop app with the given files opened and returns the exit status.
func Run(files []string) int {
	a := fyneapp.NewWithID(AppID)
	w := a.NewWindow("Veil")
	New(a, w, files)
	w.Resize(fyne.NewSize(1024, 720))
	w.ShowAndRun()
	return 0
}

// New builds Veil's user interface into w.
func New(a fyne.App, w fyne.Window, files []string) {
	w.SetContent(container.NewCenter(widget.NewLabel("Veil")))
}
