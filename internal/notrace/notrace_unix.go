//go:build unix

package notrace

import (
	"errors"
	"os"
	"path/filepath"
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

// redirects are the variables Start points into the private folder dir.
func redirects(dir string) [][2]string {
	return [][2]string{
		{"XDG_CONFIG_HOME", filepath.Join(dir, "config")},
		{"XDG_CACHE_HOME", filepath.Join(dir, "cache")},
		{"XDG_DATA_HOME", filepath.Join(dir, "data")},
		{"XDG_STATE_HOME", filepath.Join(dir, "state")},
		{"MESA_SHADER_CACHE_DISABLE", "true"},
		{"MESA_GLSL_CACHE_DISABLE", "true"},
		{"__GL_SHADER_DISK_CACHE", "0"}, // NVIDIA's driver cache
	}
}

// ownedByUs reports whether the file at path belongs to this process's user.
func ownedByUs(path string, st os.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Getuid()
}

// watchEndSession does nothing on Unix: a logout ends the session's
// processes with SIGHUP or SIGTERM, which OnSignal hears.
func (n *Session) watchEndSession(quit func()) uintptr { return 0 }
