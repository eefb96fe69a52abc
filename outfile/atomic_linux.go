//go:build linux

package outfile

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// writeAtomic writes through an unnamed O_TMPFILE inode, which has no name at
// all until linkat gives it the final one: a killed process leaves nothing.
// File systems without O_TMPFILE fall back to a hidden temp name.
func writeAtomic(dir, path string, data []byte, replace bool) error {
	if replace {
		// linkat cannot replace an existing name; rename can.
		return writePortable(dir, path, data, true)
	}
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
	if err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EISDIR) || errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EINVAL) {
			return writePortable(dir, path, data, replace)
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
	// umask does not apply to O_TMPFILE's mode the way it does to creat; be explicit.
	if err := f.Chmod(0o644 &^ umask()); err != nil {
		return err
	}
	proc := fmt.Sprintf("/proc/self/fd/%d", fd)
	if err := unix.Linkat(unix.AT_FDCWD, proc, unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW); err != nil {
		if errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("%w: %s", ErrExists, path)
		}
		if errors.Is(err, unix.ENOENT) { // /proc not mounted
			return writePortable(dir, path, data, replace)
		}
		return &os.LinkError{Op: "link", Old: proc, New: path, Err: err}
	}
	return nil
}

func umask() os.FileMode {
	m := unix.Umask(0)
	unix.Umask(m)
	return os.FileMode(m)
}
