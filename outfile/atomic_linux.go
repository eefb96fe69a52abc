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
	if err := f.Sync(); err != nil {
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
