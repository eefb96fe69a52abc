//go:build unix

package notrace

import (
	"errors"
	"os"
	"syscall"
)

// exitSignals are the signals that ask the process to end.
var exitSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// processAlive reports whether process pid still runs (a signal 0 reaches
// it, or exists but belongs to someone else).
func processAlive(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// ownedByUs reports whether the file belongs to this process's user.
func ownedByUs(st os.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Getuid()
}
