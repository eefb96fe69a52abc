//go:build linux

package outfile

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// writeAtomic writes through an unnamed O_TMPFILE inode, which has no name at
// all until linkat gives it the final one: a killed process leaves nothing.
// File systems without O_TMPFILE fall back to a hidden temp name.
func writeAtomic(dir, path string, data []byte, replace bool, perm os.FileMode) error {
	if replace {
		// linkat cannot replace an existing name; rename can.
		return writePortable(dir, path, data, true, perm)
	}
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
	if err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EISDIR) || errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EINVAL) {
			return writePortable(dir, path, data, replace, perm)
		}
		return &os.PathError{Op: "create", Path: dir, Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return err
	}
	// The data must be on disk before the file gets its name. One syncfs
	// shared by every writer waiting at that moment (a group commit) costs
	// the same as one fsync, so a batch pays for a few commits, not one a file.
	if err := fsGroup.sync(fd); err != nil {
		return err
	}
	// Set the final mode before the file gets a name, so it is never visible wider.
	if err := f.Chmod(perm); err != nil {
		return err
	}
	proc := fmt.Sprintf("/proc/self/fd/%d", fd)
	if err := unix.Linkat(unix.AT_FDCWD, proc, unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW); err != nil {
		if errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("%w: %s", ErrExists, path)
		}
		if errors.Is(err, unix.ENOENT) { // /proc not mounted
			return writePortable(dir, path, data, replace, perm)
		}
		return &os.LinkError{Op: "link", Old: proc, New: path, Err: err}
	}
	return nil
}

var (
	umaskOnce sync.Once
	umaskBits os.FileMode
)

// umask reads the process umask once: reading it means setting it, which must
// not race with other goroutines creating files.
func umask() os.FileMode {
	umaskOnce.Do(func() {
		m := unix.Umask(0o022)
		unix.Umask(m)
		umaskBits = os.FileMode(m)
	})
	return umaskBits
}

// groupSync lets concurrent writers share one syncfs: a writer waits for a
// sync that started after its own data was written, starting one itself if
// none is running.
type groupSync struct {
	mu      sync.Mutex
	cond    *sync.Cond
	started uint64 // number of the last sync started
	done    uint64 // number of the last sync finished
	running bool
	do      func(fd int) error
}

var fsGroup = newGroupSync()

func newGroupSync() *groupSync {
	g := &groupSync{do: func(fd int) error {
		if err := unix.Syncfs(fd); err != nil {
			return unix.Fsync(fd) // e.g. a file system without syncfs
		}
		return nil
	}}
	g.cond = sync.NewCond(&g.mu)
	return g
}

func (g *groupSync) sync(fd int) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	target := g.started + 1 // a sync already running may have begun before our write
	for g.done < target {
		if g.running {
			g.cond.Wait()
			continue
		}
		g.running = true
		g.started++
		n := g.started
		g.mu.Unlock()
		err := g.do(fd)
		g.mu.Lock()
		g.running = false
		g.done = n
		g.cond.Broadcast()
		if err != nil {
			return err
		}
	}
	return nil
}
