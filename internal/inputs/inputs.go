// Package inputs turns what a user names (files and folders given on the
// command line, dropped on the window or pasted) into the files Veil works
// on. The command line and the desktop app both use it, so a folder holds
// the same files for both.
package inputs

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// File is one file named directly or found in a folder.
type File struct {
	Path string
	// Rel is the path relative to the folder it was found in ("" for a file
	// named directly), so outputs can mirror the folder's layout.
	Rel string
	// Err is set when the file or folder could not be read at all.
	Err error
}

// Expand turns files and folders into a list of files. Folders are walked
// recursively, each folder's files in name order; symbolic links are not
// followed, and hidden files and folders (dot names) are skipped. keep picks
// the files taken from folders by name (photo.IsImageName, for one); files
// named directly are always taken, so the user hears why one is refused.
func Expand(paths []string, keep func(name string) bool) []File {
	var out []File
	for _, a := range paths {
		st, err := os.Stat(a)
		if err != nil {
			out = append(out, File{Path: a, Err: err})
			continue
		}
		if !st.IsDir() {
			out = append(out, File{Path: a})
			continue
		}
		out = append(out, walk(a, keep)...)
	}
	return out
}

// walk lists the files kept in folder dir and its subfolders.
func walk(dir string, keep func(name string) bool) []File {
	var found []File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			found = append(found, File{Path: p, Err: err})
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && (keep == nil || keep(d.Name())) {
			rel, _ := filepath.Rel(dir, p)
			found = append(found, File{Path: p, Rel: rel})
		}
		return nil
	})
	if err != nil {
		found = append(found, File{Path: dir, Err: err})
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].Path < found[j].Path })
	return found
}

// Paths splits files into the paths that can be read and the errors of
// those that cannot.
func Paths(files []File) (paths []string, errs []error) {
	for _, f := range files {
		if f.Err != nil {
			errs = append(errs, f.Err)
		} else {
			paths = append(paths, f.Path)
		}
	}
	return paths, errs
}
