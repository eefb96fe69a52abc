package outfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// tempFile is an output on its way to its name: a file in the output's
// folder that is unnamed (O_TMPFILE) or hidden under a temporary name until
// commit, and removed by discard otherwise.
type tempFile struct {
	*os.File
	path   string // the final name
	dir    string
	hidden string // the temporary name on the portable path; "" when unnamed
	opt    Options
	n      int64 // bytes written
	// started is how many bytes from the start are on their way to storage.
	started int64
	named   bool
}

// Test hooks: take the hidden-name path everywhere; change the file between
// its sync and its read-back.
var (
	testForcePortable  bool
	testBeforeReadBack func(*os.File)
)

// create checks that path may be written and opens its temporary file.
func create(path string, opt Options) (*tempFile, error) {
	if opt.Input != "" && sameFile(opt.Input, path) {
		return nil, ErrSameAsInput
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if !opt.Replace {
		if _, err := os.Lstat(path); err == nil {
			return nil, fmt.Errorf("%w: %s", ErrExists, path)
		}
	}
	t := &tempFile{path: path, dir: dir, opt: opt}
	// linkat cannot replace an existing name, rename can: replacing takes
	// the hidden-name path.
	if !opt.Replace && !testForcePortable {
		f, err := openUnnamed(dir)
		if err == nil {
			t.File = f
			return t, nil
		}
		if !errors.Is(err, errNoUnnamed) {
			return nil, err
		}
	}
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return nil, err
	}
	t.File, t.hidden = f, f.Name()
	return t, nil
}

// writebackChunk is how much written data may wait in the system's cache
// before its writing to storage is started.
const writebackChunk = 8 << 20

// Write appends p to the temporary file. Every writebackChunk bytes it
// starts (without waiting for) the writing of what came before to storage,
// so that the disk works while the rest is produced, and the sync before
// the read-back finds little left to do: a large output is written at the
// disk's pace rather than after it.
func (t *tempFile) Write(p []byte) (int, error) {
	n, err := t.File.Write(p)
	t.n += int64(n)
	if t.n-t.started >= writebackChunk {
		startWriteback(t.File, t.started, t.n-t.started)
		t.started = t.n
	}
	return n, err
}

// sync gives the file its final mode (before it has a name, so it is never
// visible wider) and makes its data durable: the data must be on disk before
// the name can point at it.
func (t *tempFile) sync() error {
	if err := t.Chmod(t.opt.perm()); err != nil {
		return err
	}
	return datasync(t.File)
}

// readBack returns the file's whole content as the storage returns it. The
// file must be exactly as long as what was written.
func (t *tempFile) readBack() ([]byte, error) {
	dropCache(t.File, t.n)
	if testBeforeReadBack != nil {
		testBeforeReadBack(t.File)
	}
	buf := make([]byte, t.n+1)
	k, err := t.ReadAt(buf, 0)
	if err != io.EOF {
		if err == nil {
			err = errors.New("the file is longer than what was written")
		}
		return nil, err
	}
	return buf[:k], nil
}

// commit gives the verified file its name, never over an existing file
// unless Options.Replace, and syncs (or schedules the sync of) the folder.
func (t *tempFile) commit() error {
	var err error
	closed := false
	switch {
	case t.hidden == "":
		err = linkUnnamed(t.File, t.path)
	default:
		// Windows renames and links only closed files; the data is synced and
		// checked already, so close first everywhere.
		if err := t.Close(); err != nil {
			return err
		}
		closed = true
		if t.opt.Replace {
			err = os.Rename(t.hidden, t.path)
		} else {
			// Fails if path appeared meanwhile, so nothing is ever clobbered.
			err = nameNoReplace(t.hidden, t.path)
		}
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: %s", ErrExists, t.path)
	}
	if err != nil {
		return err
	}
	t.named = true
	if !closed {
		if err := t.Close(); err != nil {
			return err
		}
	}
	if t.opt.DeferDirSync {
		deferDirSync(t.dir)
		return nil
	}
	return syncDir(t.dir)
}

// discard closes the file and removes its temporary name; an unnamed file
// vanishes with its last descriptor. After commit it only tidies up.
func (t *tempFile) discard() {
	t.Close()
	if t.hidden != "" && (!t.named || !t.opt.Replace) {
		// After a committed link, the hidden name is a second name of the
		// output; after a rename or move it no longer exists.
		os.Remove(t.hidden)
	}
}
