// Package fserr words file-system errors for the one line a user reads
// about a file: the reason alone, since the caller shows the path beside it.
package fserr

import (
	"errors"
	"io/fs"
	"os"
)

// Reason returns why a file could not be used, in short words: "no such
// file", "permission denied", or the system's own reason without the
// operation and path that *fs.PathError adds ("open /x/y.jpg: ...").
func Reason(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		// Windows answers a read of a folder with "Incorrect function."
		if pe.Op == "read" {
			if st, serr := os.Stat(pe.Path); serr == nil && st.IsDir() {
				return "is a directory"
			}
		}
		return pe.Err.Error()
	}
	return err.Error()
}
