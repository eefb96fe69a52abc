package outfile

import (
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// nameNoReplace moves the file at hidden to path, failing with fs.ErrExist
// if path exists: MoveFileEx without MOVEFILE_REPLACE_EXISTING never
// replaces a name, in one step, on every Windows file system (FAT and exFAT
// USB sticks have no hard links).
func nameNoReplace(hidden, path string) error {
	from, err := windows.UTF16PtrFromString(hidden)
	if err != nil {
		return err
	}
	to, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	err = windows.MoveFileEx(from, to, windows.MOVEFILE_WRITE_THROUGH)
	if err == windows.ERROR_ALREADY_EXISTS || err == windows.ERROR_FILE_EXISTS {
		return &os.LinkError{Op: "move", Old: hidden, New: path, Err: fs.ErrExist}
	}
	if err != nil {
		return &os.LinkError{Op: "move", Old: hidden, New: path, Err: err}
	}
	return nil
}
