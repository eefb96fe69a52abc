//go:build !linux

package outfile

import (
	"errors"
	"os"
)

// errNoUnnamed says unnamed files are not available: outputs are written
// under a hidden temporary name and renamed or linked.
var errNoUnnamed = errors.New("no unnamed files on this system")

func openUnnamed(string) (*os.File, error) { return nil, errNoUnnamed }

func linkUnnamed(*os.File, string) error { return errNoUnnamed }

// datasync makes f's data durable (on macOS, os.File.Sync is F_FULLFSYNC).
func datasync(f *os.File) error { return f.Sync() }

func dropCache(*os.File, int64) {}

func umask() os.FileMode { return 0o022 }

// setDirect reports that reads cannot bypass the cache here: the read-back
// reads through it, after dropCache.
func setDirect(*os.File, bool) bool { return false }

// startWriteback is a hint the system does not take here.
func startWriteback(*os.File, int64, int64) {}
