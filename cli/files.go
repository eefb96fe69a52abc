package cli

import (
	"fmt"
	"os"
)

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
	return err == nil && st.Mode()&os.ModeCharDevice != 0 && isTTY(file)
}
