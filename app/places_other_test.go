//go:build !windows

package app

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestParseUserDirs(t *testing.T) {
	for name, tc := range map[string]struct {
		text string
		want map[string]string
	}{
		"home relative": {`XDG_PICTURES_DIR="$HOME/Bilder"`, map[string]string{"XDG_PICTURES_DIR": "/home/ana/Bilder"}},
		"absolute":      {`XDG_DOWNLOAD_DIR="/data/dl/"`, map[string]string{"XDG_DOWNLOAD_DIR": "/data/dl"}},
		"turned off":    {`XDG_DESKTOP_DIR="$HOME/"`, map[string]string{"XDG_DESKTOP_DIR": ""}},
		"comments and junk": {"# written by xdg-user-dirs-update\n\nXDG_MUSIC_DIR=Music\nnonsense\nXDG_PICTURES_DIR=\"relative/x\"",
			map[string]string{}},
	} {
		t.Run(name, func(t *testing.T) {
			got := parseUserDirs(tc.text, "/home/ana")
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPlaces(t *testing.T) {
	home, config, media := t.TempDir(), t.TempDir(), t.TempDir()
	touch(t, home, "Desktop/", "Bilder/", "Pictures/")
	touch(t, media, "USB STICK/", ".hidden/")
	os.WriteFile(filepath.Join(config, "user-dirs.dirs"), []byte(`XDG_PICTURES_DIR="$HOME/Bilder"`+"\n"), 0o644)
	var got []string
	for _, p := range places(home, config, []string{media, filepath.Join(media, "absent")}) {
		got = append(got, fmt.Sprintf("%d %s", p.Kind, p.Path))
	}
	want := []string{
		fmt.Sprintf("%d %s", placeHome, home),
		fmt.Sprintf("%d %s", placeDesktop, filepath.Join(home, "Desktop")),
		fmt.Sprintf("%d %s", placePictures, filepath.Join(home, "Bilder")), // the user's own, not the default
		fmt.Sprintf("%d %s", placeDrive, filepath.Join(media, "USB STICK")),
		fmt.Sprintf("%d /", placeRoot), // Downloads does not exist: not listed
	}
	if !slices.Equal(got, want) {
		t.Errorf("places\n%q\nwant\n%q", got, want)
	}
}
