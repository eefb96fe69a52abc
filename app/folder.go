package app

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2/lang"
)

// browseEntry is one row of the browser: a subfolder, a photo or a video.
type browseEntry struct {
	Name string
	Dir  bool
	Size int64
	Mod  time.Time
}

// readFolder lists dir's subfolders, then its photos and videos, each group by
// name ignoring case. Hidden entries (dot names) are left out; symbolic
// links count as what they point to, and broken ones are left out.
func readFolder(dir string) ([]browseEntry, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := make([]browseEntry, 0, len(des))
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, ".") || (de.Type().IsRegular() && !isMediaName(name)) {
			continue // skipped before the per-entry stat: most of a big folder may be other files
		}
		var info fs.FileInfo
		if de.Type()&fs.ModeSymlink != 0 {
			info, err = os.Stat(filepath.Join(dir, name))
		} else {
			info, err = de.Info()
		}
		if err != nil {
			continue // removed meanwhile, or a broken link
		}
		switch {
		case info.IsDir():
			out = append(out, browseEntry{Name: name, Dir: true, Mod: info.ModTime()})
		case info.Mode().IsRegular() && isMediaName(name):
			out = append(out, browseEntry{Name: name, Size: info.Size(), Mod: info.ModTime()})
		}
	}
	slices.SortFunc(out, func(a, b browseEntry) int {
		if a.Dir != b.Dir {
			if a.Dir {
				return -1
			}
			return 1
		}
		if c := naturalCompare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

// naturalCompare orders names as people and file managers do: runs of
// digits by their value, so IMG_2 comes before IMG_10. Names equal in that
// order (IMG_2, IMG_002) fall back to plain order, so the order is total.
func naturalCompare(a, b string) int {
	if c := naturalOrder(a, b); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func naturalOrder(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		ra, sa := utf8.DecodeRuneInString(a)
		rb, sb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return cmp.Compare(ra, rb)
		}
		a, b = a[sa:], b[sb:]
	}
	return cmp.Compare(len(a), len(b))
}

// digitRun is the length of the run of ASCII digits s starts with.
func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// folderProblem is the one calm line shown in place of a folder that cannot
// be listed.
func folderProblem(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return lang.L("You do not have permission to open this folder.")
	case errors.Is(err, fs.ErrNotExist) && !stillThere(err):
		return lang.L("This folder no longer exists.")
	}
	return lang.L("This folder cannot be read.")
}

// stillThere reports whether the path of a "not found" error exists after
// all: Windows says "path not found" when a file is listed as a folder.
func stillThere(err error) bool {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return false
	}
	_, serr := os.Lstat(pe.Path)
	return serr == nil
}

// sizeText renders a file size for the list.
func sizeText(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.0f KB", float64(n)/1000)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}
