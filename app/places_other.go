//go:build !windows

package app

import (
	"os"
	"os/user"
	"path/filepath"
)

// systemPlaces is the file browser's side bar here: see places.
func (u *ui) systemPlaces() []place { return places(homeDir(), u.userConfigDir(), mediaRoots()) }

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
