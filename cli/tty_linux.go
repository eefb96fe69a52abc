package cli

import (
	"os"

	"golang.org/x/sys/unix"
)

// isTTY tells a terminal from other character devices such as /dev/null,
// where progress lines would only cost time.
func isTTY(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
