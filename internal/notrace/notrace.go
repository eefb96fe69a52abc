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
	// saved are the redirected variables' values before Start, put back by
	// Remove.
	saved [][2]string
	unset []string
}

// Start sweeps folders left by crashed runs, creates a fresh 0700
// private folder and points the variables that say where configuration,
// caches and temporary files go into it (redirects: XDG_CONFIG_HOME,
// XDG_CACHE_HOME and Mesa's shader cache on Unix; %APPDATA%, %LOCALAPPDATA%
// and %TEMP% on Windows). It must run before the Fyne app is created: Fyne,
// go-text's font index and Mesa read these variables lazily.
func Start() (*Session, error) {
	realConfig, _ := os.UserConfigDir()
	sweepPrivate(os.TempDir())
	dir, err := os.MkdirTemp("", privatePrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return nil, fmt.Errorf("private folder: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		removeTree(dir)
		return nil, fmt.Errorf("private folder: %w", err)
	}
	n := &Session{Dir: dir, RealConfig: realConfig, stop: make(chan struct{})}
	for _, kv := range redirects(dir) {
		if old, ok := os.LookupEnv(kv[0]); ok {
			n.saved = append(n.saved, [2]string{kv[0], old})
		} else {
			n.unset = append(n.unset, kv[0])
		}
		if err := os.Setenv(kv[0], kv[1]); err != nil {
			n.restoreEnv()
			removeTree(dir)
			return nil, err
		}
	}
	// Programs expect the temporary folder to exist.
	if err := os.MkdirAll(os.TempDir(), 0o700); err != nil {
		n.restoreEnv()
		removeTree(dir)
		return nil, fmt.Errorf("private folder: %w", err)
	}
	return n, nil
}

// restoreEnv puts the redirected variables back as they were before Start,
// so that nothing after Remove (tests that go on) points into a folder that
// is gone.
func (n *Session) restoreEnv() {
	for _, kv := range n.saved {
		os.Setenv(kv[0], kv[1])
	}
	for _, k := range n.unset {
		os.Unsetenv(k)
	}
}

// Remove deletes the private folder and puts the redirected variables back.
// It is safe to call more than once and from any goroutine.
func (n *Session) Remove() {
	if n == nil {
		return
	}
	n.once.Do(func() {
		close(n.stop)
		n.restoreEnv()
		// A file watcher of a library could recreate part of the tree just
		// after it is removed; check briefly that it stays gone.
		for i := 0; i < 4; i++ {
			removeTree(n.Dir)
			time.Sleep(time.Duration(i) * 5 * time.Millisecond)
			if _, err := os.Lstat(n.Dir); errors.Is(err, os.ErrNotExist) && i > 0 {
				return
			}
		}
	})
}

// OnSignal runs quit when the process is asked to end (SIGINT, SIGTERM or
// SIGHUP on Unix; Ctrl+C, logoff or shutdown on Windows), so that a Ctrl+C in
// a terminal or a logout still removes the private folder.
func (n *Session) OnSignal(quit func()) {
	n.watchEndSession(quit)
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
		if st, err := os.Lstat(p); err != nil || !ownedByUs(p, st) {
			continue
		}
		if removeTree(p) == nil {
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

// removeTree removes dir and everything in it. Where os.RemoveAll fails it
// removes the entries one by one, deepest first: os.RemoveAll on Windows
// deletes with POSIX semantics, which some file systems and Wine 8 refuse,
// while a plain delete of each file works there.
func removeTree(dir string) error {
	err := os.RemoveAll(dir)
	if err == nil {
		return nil
	}
	var paths []string
	filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		paths = append(paths, p)
		return nil
	})
	for i := len(paths) - 1; i >= 0; i-- {
		os.Remove(paths[i])
	}
	if _, serr := os.Lstat(dir); errors.Is(serr, os.ErrNotExist) {
		return nil
	}
	return err
}
