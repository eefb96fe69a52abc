package app

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"os"
	"runtime"

	"fyne.io/fyne/v2"
)

// errNoDisplay is what a user sees when the window cannot be opened: started
// over SSH, from a text console, or with a stale DISPLAY.
var errNoDisplay = errors.New("no screen to open the window on (is this a graphical session? the commands in 'veil help' work without one)")

// openWindow creates the main window, or fails with one line. Without a
// reachable display GLFW logs a platform error and Fyne then panics deep in
// its driver with a stack trace; neither tells the user anything useful.
func openWindow(a fyne.App, title string) (w fyne.Window, err error) {
	if needsDisplay(runtime.GOOS) && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return nil, errNoDisplay
	}
	// Fyne's log lines from creating the window are held back, then shown
	// only if the window opened (they may matter then; on failure the one
	// line below says it all).
	var held bytes.Buffer
	log.SetOutput(&held)
	defer func() {
		log.SetOutput(os.Stderr)
		if r := recover(); r != nil {
			w, err = nil, fmt.Errorf("%w: DISPLAY=%q could not be reached", errNoDisplay, os.Getenv("DISPLAY"))
			return
		}
		os.Stderr.Write(held.Bytes())
	}()
	return a.NewWindow(title), nil
}

// needsDisplay reports whether windows on goos need an X11 or Wayland
// display named in the environment.
func needsDisplay(goos string) bool {
	switch goos {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return true
	}
	return false
}
