package app

import (
	"os"
	"slices"

	"fyne.io/fyne/v2"
)

// placeKind says what a side-bar place is, so the browser can pick its
// starting folder without comparing translated labels.
type placeKind int

const (
	placeHome placeKind = iota
	placeDesktop
	placePictures
	placeDownloads
	placeDrive
	placeRoot
	placeDocuments
)

// place is one shortcut in the file browser's side bar.
type place struct {
	Kind  placeKind
	Label string
	Path  string
	Icon  fyne.Resource
}

// addPlace appends a place for path to ps when path is a folder not yet
// listed.
func addPlace(ps []place, k placeKind, label, path string, icon fyne.Resource) []place {
	if path == "" || slices.ContainsFunc(ps, func(p place) bool { return p.Path == path }) {
		return ps
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		ps = append(ps, place{Kind: k, Label: label, Path: path, Icon: icon})
	}
	return ps
}

// homeDir is the user's home folder, or "" when there is none.
func homeDir() string {
	h, _ := os.UserHomeDir()
	return h
}

// userConfigDir is where the user's own configuration lives: Run points
// XDG_CONFIG_HOME at the private folder, so the real one comes from before.
func (u *ui) userConfigDir() string {
	if u.trace != nil {
		return u.trace.RealConfig
	}
	d, _ := os.UserConfigDir()
	return d
}
