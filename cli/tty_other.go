//go:build !linux

package cli

import "os"

// isTTY: elsewhere every character device counts as a terminal.
func isTTY(*os.File) bool { return true }
