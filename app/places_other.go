//go:build !windows

package app

import (
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
)

// systemPlaces is the file browser's side bar here: see places.
func (u *ui) systemPlaces() []place { return places(homeDir(), u.userConfigDir(), mediaRoots()) }

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

// mediaRoots are where desktops mount removable drives for this user.
func mediaRoots() []string {
	name := os.Getenv("USER")
	if cu, err := user.Current(); err == nil {
		name = cu.Username
	}
	if name == "" {
		return nil
	}
	return []string{filepath.Join("/media", name), filepath.Join("/run/media", name)}
}
