// Package notrace keeps Veil from leaving traces on a shared computer: before
// the UI toolkit starts, it points the folders where Fyne, its font index and
// the GL driver keep configuration and caches into a private folder, and it
// removes that folder on every way out, sweeping those of crashed runs at the
// next start. It is process set-up, not UI: the desktop app calls Start
// first thing and Remove last.
package notrace

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// privatePrefix names Veil's private folders in the system temp folder. The
// process id follows it so that a later start can tell a crashed run's
// leftovers from a folder that another running Veil still uses.
const privatePrefix = "veil-"

// Session owns the private folder that Fyne's configuration, caches and
// preferences are redirected into, and removes it on every way out.
type Session struct {
	Dir string
	// RealConfig is the user's configuration folder before the redirect, used
	// only when the user opts in to remembered settings.
	RealConfig string

	once sync.Once
	stop chan struct{}
}

// Start sweeps folders left by crashed runs, creates a fresh 0700
// private folder and points XDG_CONFIG_HOME, XDG_CACHE_HOME and Mesa's shader
// cache away from the user's home. It must run before the Fyne app is created:
// Fyne, go-text's font index and Mesa read these variables lazily.
func Start() (*Session, error) {
	realConfig, _ := os.UserConfigDir()
	sweepPrivate(os.TempDir())
	dir, err := os.MkdirTemp("", privatePrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return nil, fmt.Errorf("private folder: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("private folder: %w", err)
	}
	for _, kv := range [][2]string{
		{"XDG_CONFIG_HOME", filepath.Join(dir, "config")},
		{"XDG_CACHE_HOME", filepath.Join(dir, "cache")},
		{"XDG_DATA_HOME", filepath.Join(dir, "data")},
		{"XDG_STATE_HOME", filepath.Join(dir, "state")},
		{"MESA_SHADER_CACHE_DISABLE", "true"},
		{"MESA_GLSL_CACHE_DISABLE", "true"},
		{"__GL_SHADER_DISK_CACHE", "0"}, // NVIDIA's driver cache
	} {
		if err := os.Setenv(kv[0], kv[1]); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	return &Session{Dir: dir, RealConfig: realConfig, stop: make(chan struct{})}, nil
}

// Remove deletes the private folder. It is safe to call more than once and
// from any goroutine.
func (n *Session) Remove() {
	if n == nil {
		return
	}
	n.once.Do(func() {
		close(n.stop)
		// A file watcher of a library could recreate part of the tree just
		// after it is removed; check briefly that it stays gone.
		for i := 0; i < 4; i++ {
			os.RemoveAll(n.Dir)
			time.Sleep(time.Duration(i) * 5 * time.Millisecond)
			if _, err := os.Lstat(n.Dir); errors.Is(err, os.ErrNotExist) && i > 0 {
				return
			}
		}
	})
}

// OnSignal runs quit when the process is asked to end (SIGINT, SIGTERM or
// SIGHUP on Unix), so that a Ctrl+C in a terminal or a logout still removes
// the private folder.
func (n *Session) OnSignal(quit func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, exitSignals...)
	go func() {
		defer signal.Stop(ch)
		select {
		case <-ch:
			quit()
		case <-n.stop:
		}
	}()
}

// sweepPrivate removes private folders of earlier runs whose process is gone
// (a crash or a power cut leaves one behind). Folders of running processes
// and anything not named like ours are left alone.
func sweepPrivate(tmp string) int {
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		pid, ok := privatePID(e.Name())
		if !ok || !e.IsDir() || processAlive(pid) {
			continue
		}
		p := filepath.Join(tmp, e.Name())
		if st, err := os.Lstat(p); err != nil || !ownedByUs(st) {
			continue
		}
		if os.RemoveAll(p) == nil {
			n++
		}
	}
	return n
}

// privatePID extracts the process id from a private folder's name
// ("veil-1234-567890").
func privatePID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, privatePrefix)
	if !ok {
		return 0, false
	}
	num, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(num)
	return pid, err == nil && pid > 0
}
