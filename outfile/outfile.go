// Package outfile writes Veil's outputs safely: atomically (a crash leaves no
// partial file under the final name), never over an existing file, never over
// the input, with fresh timestamps and no extended attributes copied from
// anywhere. It is the only way Veil writes an image to disk.
package outfile

import (
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

// tempPrefix marks Veil's temporary files, so a later run can sweep any that a
// killed process left behind.
const tempPrefix = ".veil-tmp-"

// Options control Write.
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

// Write stores data as path: into a temporary file in the same folder, synced,
// then linked or renamed to path. If the process dies, no file exists under
// path; at worst a hidden temporary file does, which SweepTemp removes.
func Write(path string, data []byte, opt Options) error {
	if opt.Input != "" && sameFile(opt.Input, path) {
		return ErrSameAsInput
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if !opt.Replace {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%w: %s", ErrExists, path)
		}
	}
	if err := writeAtomic(dir, path, data, opt.Replace, opt.perm()); err != nil {
		return err
	}
	if opt.DeferDirSync {
		pending.Lock()
		if pending.dirs == nil {
			pending.dirs = map[string]bool{}
		}
		pending.dirs[dir] = true
		pending.Unlock()
		return nil
	}
	return syncDir(dir)
}

var pending struct {
	sync.Mutex
	dirs map[string]bool
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

// writePortable is the temp-name + rename path used where O_TMPFILE is not available.
func writePortable(dir, path string, data []byte, replace bool, perm os.FileMode) error {
	tmp, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if replace {
		err = os.Rename(name, path)
	} else {
		// A hard link fails if path appeared meanwhile, so nothing is ever clobbered.
		if err = os.Link(name, path); err == nil {
			os.Remove(name)
		}
	}
	if err != nil {
		return err
	}
	ok = true
	return nil
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
