//go:build !windows

package outfile

import "os"

// nameNoReplace gives the file at hidden the name path too, failing with
// fs.ErrExist if path exists: a hard link cannot replace a name.
func nameNoReplace(hidden, path string) error { return os.Link(hidden, path) }
