// Package outfile writes Veil's outputs safely: atomically (a crash leaves no
// partial file under the final name), never over an existing file, never over
// the input, with fresh timestamps and no extended attributes copied from
// anywhere, and only after the written bytes were read back and checked. It
// is the only way Veil writes a file to disk, through [WriteChecked] (or
// [Create] for outputs streamed to disk).
package outfile

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// ErrExists is returned when the output name is taken and Options.Replace is false.
var ErrExists = errors.New("output file already exists")

// ErrSameAsInput is returned when the output would be the input file itself.
var ErrSameAsInput = errors.New("output would overwrite the original")

// ErrNotVerified is wrapped by the error of a copy that was written but did
// not read back as written or failed the caller's check. Such a copy never
// gets its name: it is discarded before anyone can open it.
var ErrNotVerified = errors.New("the written copy failed verification and was discarded")

// ErrReadBack is wrapped (with [ErrNotVerified]) when the bytes read back from
// the written file differ from the bytes written.
var ErrReadBack = errors.New("the file read back differs from what was written")

// tempPrefix marks Veil's temporary files, so a later run can sweep any that a
// killed process left behind.
const tempPrefix = ".veil-tmp-"

// Options control WriteChecked.
type Options struct {
	// Replace allows replacing an existing output (never the input).
	Replace bool
	// Input is the original file's path, which must never be written.
	Input string
	// DeferDirSync leaves syncing the folder (which makes the new name itself
	// survive a power cut) to a later SyncDirs call, so a batch syncs each
	// folder once instead of once a file. The file's data is synced either way:
	// a name never points at incomplete data.
	DeferDirSync bool
	// Mode is the new file's permission bits before the umask; 0 means 0644.
	// Hash reports use 0600: a list of someone's hashes is sensitive too.
	Mode os.FileMode
}

func (o Options) perm() os.FileMode {
	if o.Mode == 0 {
		return 0o644 &^ umask()
	}
	return o.Mode.Perm() &^ umask()
}

// WriteChecked stores data as path, and only if the stored copy can be
// trusted. It writes a temporary file in path's folder (unnamed, with
// O_TMPFILE, where the system has it; else under a hidden name), makes its
// data durable, reads it back, compares the bytes with data and runs check
// (when not nil) on the bytes read back; only then does the file get its
// name. When any step fails, or the process dies on the way, nothing exists
// under path: at worst a hidden temporary file does, which SweepTemp removes.
//
// Errors from a failed comparison or check wrap [ErrNotVerified]; the check's
// own error is wrapped too, so callers can still match it with errors.Is.
//
// Every output is synced on its own (fdatasync), never with the whole file
// system: other programs' unwritten data is theirs to flush. Writers in a
// batch overlap their syncs by calling WriteChecked from several goroutines.
//
// Outputs too large to hold in memory (videos) take the same path through
// [Create] and [Stream.Commit].
func WriteChecked(path string, data []byte, opt Options, check func(written []byte) error) error {
	t, err := create(path, opt)
	if err != nil {
		return err
	}
	defer t.discard()
	if _, err := t.Write(data); err != nil {
		return err
	}
	if err := t.sync(); err != nil {
		return err
	}
	back, err := t.readBack()
	switch {
	case err != nil:
		return fmt.Errorf("%w: reading it back: %w", ErrNotVerified, err)
	case !bytes.Equal(back, data):
		return fmt.Errorf("%w: %w", ErrNotVerified, ErrReadBack)
	}
	if check != nil {
		if err := check(back); err != nil {
			return fmt.Errorf("%w: %w", ErrNotVerified, err)
		}
	}
	return t.commit()
}

var pending struct {
	sync.Mutex
	dirs map[string]bool
}

func deferDirSync(dir string) {
	pending.Lock()
	defer pending.Unlock()
	if pending.dirs == nil {
		pending.dirs = map[string]bool{}
	}
	pending.dirs[dir] = true
}

// SyncDirs syncs every folder that received a file written with DeferDirSync.
func SyncDirs() {
	pending.Lock()
	dirs := pending.dirs
	pending.dirs = nil
	pending.Unlock()
	for d := range dirs {
		syncDir(d)
	}
}

// SweepTemp removes temporary files that an interrupted run left in dir.
// It returns how many it removed.
func SweepTemp(dir string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) && e.Type().IsRegular() {
			if os.Remove(filepath.Join(dir, e.Name())) == nil {
				n++
			}
		}
	}
	return n
}

func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(sa, sb)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	// Some file systems cannot sync a directory; the data itself is already synced.
	_ = d.Sync()
	return nil
}

// NeutralName returns a name that says nothing about the original: "photo-"
// and 8 random hex digits, with ext (".jpg").
func NeutralName(ext string) string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return "photo-" + hex.EncodeToString(b[:]) + ext
}

// Available returns path, or path with " (2)", " (3)"... before the extension,
// whichever does not exist yet.
func Available(path string) string {
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return path
	}
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext)
	for i := 2; ; i++ {
		p := fmt.Sprintf("%s (%d)%s", base, i, ext)
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return p
		}
	}
}
