package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// input is one file named on the command line or found in a folder.
type input struct {
	path string
	// rel is the path relative to the folder it was found in ("" for a file
	// named directly), so outputs can mirror the folder's layout.
	rel string
	// err is set when the argument could not be read at all.
	err error
}

// expandInputs turns the command line's files and folders into a list of files.
// Folders are walked recursively (symbolic links are not followed, hidden files
// and folders are skipped); keep filters the files found in folders (files
// named directly are always kept, so the user hears why one is refused).
func expandInputs(args []string, keep func(name string) bool) []input {
	var out []input
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			out = append(out, input{path: a, err: err})
			continue
		}
		if !st.IsDir() {
			out = append(out, input{path: a})
			continue
		}
		var found []input
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				found = append(found, input{path: p, err: err})
				return nil
			}
			if p != a && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && (keep == nil || keep(d.Name())) {
				rel, _ := filepath.Rel(a, p)
				found = append(found, input{path: p, rel: rel})
			}
			return nil
		})
		if err != nil {
			out = append(out, input{path: a, err: err})
		}
		sort.Slice(found, func(i, j int) bool { return found[i].path < found[j].path })
		out = append(out, found...)
	}
	return out
}

// imageExts are the extensions picked up when walking a folder for images.
var imageExts = map[string]bool{
	".jpg": true, ".jpeg": true, ".jpe": true, ".jfif": true, ".png": true, ".webp": true, ".gif": true,
	".tif": true, ".tiff": true, ".heic": true, ".heif": true, ".hif": true, ".avif": true,
}

// isImageName reports whether a file found in a folder looks like an image.
func isImageName(name string) bool { return imageExts[strings.ToLower(filepath.Ext(name))] }

// fileError formats the one line a user sees for a file that failed.
func fileError(path string, err error) string {
	return fmt.Sprintf("%s: %v", path, err)
}

// isTerminal reports whether f is an interactive terminal (for progress lines).
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
