//go:build linux

package outfile

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// errNoUnnamed says the folder's file system cannot make unnamed files.
var errNoUnnamed = errors.New("no O_TMPFILE here")

var procFD = sync.OnceValue(func() bool {
	_, err := os.Stat("/proc/self/fd")
	return err == nil
})

// openUnnamed opens an unnamed O_TMPFILE inode in dir: it has no name at all
// until linkUnnamed gives it the final one, so a killed process leaves
// nothing behind. It returns errNoUnnamed where that is not possible (file
// systems without O_TMPFILE, or no /proc to link through).
func openUnnamed(dir string) (*os.File, error) {
	if !procFD() {
		return nil, errNoUnnamed
	}
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EISDIR) || errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EINVAL) {
			return nil, errNoUnnamed
		}
		return nil, &os.PathError{Op: "create", Path: dir, Err: err}
	}
	return os.NewFile(uintptr(fd), dir), nil
}

// linkUnnamed gives an unnamed file the name path; it fails (EEXIST) rather
// than replace anything.
func linkUnnamed(f *os.File, path string) error {
	proc := fmt.Sprintf("/proc/self/fd/%d", f.Fd())
	if err := unix.Linkat(unix.AT_FDCWD, proc, unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW); err != nil {
		return &os.LinkError{Op: "link", Old: proc, New: path, Err: err}
	}
	return nil
}

// datasync makes f's data (and the size needed to read it) durable, and
// nothing else: unlike syncfs it leaves other programs' unwritten data on
// the same file system alone, and unlike fsync it skips timestamps.
func datasync(f *os.File) error {
	for {
		err := unix.Fdatasync(int(f.Fd()))
		if err != unix.EINTR {
			if err != nil {
				return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: err}
			}
			return nil
		}
	}
}

// dropCache asks the kernel to forget the cached pages of the first n bytes
// of f (clean after datasync), so that reading it back fetches what the
// storage holds rather than what this process just put in memory. Where the
// kernel declines, the read-back still compares every byte.
func dropCache(f *os.File, n int64) {
	_ = unix.Fadvise(int(f.Fd()), 0, n, unix.FADV_DONTNEED)
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

// setDirect turns reads that bypass the system's cache (O_DIRECT) on or
// off for f, and reports whether it could.
func setDirect(f *os.File, on bool) bool {
	fd := int(f.Fd())
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return false
	}
	if on {
		fl |= unix.O_DIRECT
	} else {
		fl &^= unix.O_DIRECT
	}
	_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFL, fl)
	return err == nil
}

// startWriteback starts writing n bytes of f at off to storage and returns
// at once (sync_file_range with SYNC_FILE_RANGE_WRITE); datasync still
// waits for all of it. It is only a hint: errors surface at datasync.
func startWriteback(f *os.File, off, n int64) {
	_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
