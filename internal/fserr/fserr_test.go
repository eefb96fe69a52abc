package fserr

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestReason(t *testing.T) {
	dir := t.TempDir()
	_, missing := os.Open(filepath.Join(dir, "gone.jpg"))
	_, isDir := os.ReadFile(dir)
	for name, tt := range map[string]struct {
		err  error
		want string
	}{
		"missing":    {missing, "no such file"},
		"wrapped":    {fmt.Errorf("reading: %w", missing), "no such file"},
		"permission": {&fs.PathError{Op: "open", Path: "/x", Err: syscall.EACCES}, "permission denied"},
		"directory":  {isDir, "is a directory"},
		"other":      {errors.New("corrupt JPEG data"), "corrupt JPEG data"},
	} {
		if got := Reason(tt.err); got != tt.want {
			t.Errorf("%s: Reason(%v) = %q, want %q", name, tt.err, got, tt.want)
		}
	}
}
