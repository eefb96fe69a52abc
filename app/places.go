package app

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
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

// places lists the side bar: Home, Desktop, Pictures and Downloads (where the
// user's XDG user-dirs file says they are, in whatever language they are
// named), each drive mounted under the media folders, and the whole
// computer. Only folders that exist are listed, each once.
func places(home, configDir string, media []string) []place {
	var ps []place
	add := func(k placeKind, label, path string, icon fyne.Resource) { ps = addPlace(ps, k, label, path, icon) }
	if home != "" {
		add(placeHome, lang.L("Home"), home, theme.HomeIcon())
		dirs := map[string]string{}
		if configDir != "" {
			if b, err := os.ReadFile(filepath.Join(configDir, "user-dirs.dirs")); err == nil {
				dirs = parseUserDirs(string(b), home)
			}
		}
		for _, d := range []struct {
			kind        placeKind
			key, folder string
			label       string
			icon        fyne.Resource
		}{
			{placeDesktop, "XDG_DESKTOP_DIR", "Desktop", lang.L("Desktop"), theme.DesktopIcon()},
			{placePictures, "XDG_PICTURES_DIR", "Pictures", lang.L("Pictures"), theme.FileImageIcon()},
			{placeDownloads, "XDG_DOWNLOAD_DIR", "Downloads", lang.L("Downloads"), theme.DownloadIcon()},
		} {
			p, ok := dirs[d.key]
			if !ok {
				p = filepath.Join(home, d.folder)
			}
			add(d.kind, d.label, p, d.icon)
		}
	}
	for _, m := range media {
		ents, _ := os.ReadDir(m) // usually absent: no drive was ever mounted
		for _, e := range ents {
			if !strings.HasPrefix(e.Name(), ".") {
				add(placeDrive, e.Name(), filepath.Join(m, e.Name()), theme.StorageIcon())
			}
		}
	}
	add(placeRoot, lang.L("Computer"), string(filepath.Separator), theme.ComputerIcon())
	return ps
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

// parseUserDirs reads an XDG user-dirs.dirs file: lines such as
// XDG_PICTURES_DIR="$HOME/Bilder". A folder set to Home itself means the
// user turned it off; it maps to "" so no default is guessed instead.
func parseUserDirs(text, home string) map[string]string {
	dirs := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.Unquote(v)
		if err != nil {
			continue
		}
		if rest, ok := strings.CutPrefix(v, "$HOME"); ok {
			v = home + rest
		}
		if !filepath.IsAbs(v) {
			continue
		}
		v = filepath.Clean(v)
		if v == filepath.Clean(home) {
			v = ""
		}
		dirs[k] = v
	}
	return dirs
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
