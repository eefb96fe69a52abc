package outfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// both runs f on the unnamed-file path (where the system has it) and on the
// hidden-name path.
func both(t *testing.T, f func(t *testing.T)) {
	t.Run("unnamed", f)
	t.Run("hidden", func(t *testing.T) {
		testForcePortable = true
		defer func() { testForcePortable = false }()
		f(t)
	})
}

// entries lists dir's names, hidden ones included.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteCheckedCreatesCompleteFile(t *testing.T) {
	both(t, func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "sub", "a.jpg")
		var seen []byte
		check := func(b []byte) error { seen = append([]byte(nil), b...); return nil }
		if err := WriteChecked(p, []byte("hello"), Options{}, check); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != "hello" {
			t.Fatalf("read back %q, %v", got, err)
		}
		if string(seen) != "hello" {
			t.Errorf("check saw %q", seen)
		}
		if names := entries(t, filepath.Dir(p)); len(names) != 1 {
			t.Fatalf("folder holds %v, want only the output", names)
		}
	})
}

// TestWriteCheckedFailedCheckLeavesNothing: a copy that fails the caller's
// check never appears under its name, and no temporary file stays.
func TestWriteCheckedFailedCheckLeavesNothing(t *testing.T) {
	both(t, func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "a.jpg")
		bad := errors.New("still holds GPS")
		err := WriteChecked(p, []byte("data"), Options{}, func([]byte) error { return bad })
		if !errors.Is(err, ErrNotVerified) || !errors.Is(err, bad) {
			t.Fatalf("err = %v, want ErrNotVerified wrapping the check's error", err)
		}
		if names := entries(t, dir); len(names) != 0 {
			t.Fatalf("folder holds %v after a failed check", names)
		}
	})
}

// TestWriteCheckedCatchesChangedBytes: bytes that read back differently from
// what was written fail, and nothing is named.
func TestWriteCheckedCatchesChangedBytes(t *testing.T) {
	both(t, func(t *testing.T) {
		testBeforeReadBack = func(f *os.File) { f.WriteAt([]byte("X"), 1) }
		defer func() { testBeforeReadBack = nil }()
		dir := t.TempDir()
		checked := false
		err := WriteChecked(filepath.Join(dir, "a.png"), []byte("data"), Options{}, func([]byte) error { checked = true; return nil })
		if !errors.Is(err, ErrReadBack) || !errors.Is(err, ErrNotVerified) {
			t.Fatalf("err = %v, want ErrReadBack", err)
		}
		if checked {
			t.Error("the check ran on bytes that differ from what was written")
		}
		if names := entries(t, dir); len(names) != 0 {
			t.Fatalf("folder holds %v", names)
		}
	})
}

func TestWriteCheckedNeverClobbers(t *testing.T) {
	both(t, func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "a.jpg")
		os.WriteFile(p, []byte("original"), 0o644)
		if err := WriteChecked(p, []byte("new"), Options{}, nil); !errors.Is(err, ErrExists) {
			t.Fatalf("err = %v, want ErrExists", err)
		}
		if got, _ := os.ReadFile(p); string(got) != "original" {
			t.Fatalf("existing file changed to %q", got)
		}
		if err := WriteChecked(p, []byte("new"), Options{Replace: true, Input: p}, nil); !errors.Is(err, ErrSameAsInput) {
			t.Fatalf("writing over the input: err = %v, want ErrSameAsInput", err)
		}
		if err := WriteChecked(p, []byte("new"), Options{Replace: true}, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(p); string(got) != "new" {
			t.Fatalf("replace gave %q", got)
		}
		if names := entries(t, dir); len(names) != 1 {
			t.Fatalf("folder holds %v", names)
		}
	})
}

// TestWriteCheckedNameTakenMeanwhile: a name that appears between the check
// for it and the link is not replaced.
func TestWriteCheckedNameTakenMeanwhile(t *testing.T) {
	both(t, func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "a.jpg")
		err := WriteChecked(p, []byte("mine"), Options{}, func([]byte) error {
			return os.WriteFile(p, []byte("theirs"), 0o644)
		})
		if !errors.Is(err, ErrExists) {
			t.Fatalf("err = %v, want ErrExists", err)
		}
		if got, _ := os.ReadFile(p); string(got) != "theirs" {
			t.Fatalf("the other file became %q", got)
		}
		if names := entries(t, dir); len(names) != 1 {
			t.Fatalf("folder holds %v", names)
		}
	})
}

func TestSweepTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "b.png")
	if err := WriteChecked(p, []byte("x"), Options{}, nil); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, tempPrefix+"123"), []byte("partial"), 0o600)
	if n := SweepTemp(dir); n != 1 {
		t.Fatalf("swept %d, want 1", n)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal("sweep removed a real output")
	}
}

func TestNames(t *testing.T) {
	n := NeutralName(".jpg")
	if !strings.HasPrefix(n, "photo-") || !strings.HasSuffix(n, ".jpg") || len(n) != len("photo-12345678.jpg") {
		t.Fatalf("NeutralName = %q", n)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "x.jpg")
	if Available(p) != p {
		t.Fatal("free name changed")
	}
	os.WriteFile(p, nil, 0o644)
	if got := Available(p); got != filepath.Join(dir, "x (2).jpg") {
		t.Fatalf("Available = %q", got)
	}
}

func TestModes(t *testing.T) {
	both(t, func(t *testing.T) {
		dir := t.TempDir()
		for name, tt := range map[string]struct {
			opt  Options
			want os.FileMode
		}{
			"default": {Options{}, 0o644 &^ umask()},
			"private": {Options{Mode: 0o600}, 0o600},
			"replace": {Options{Mode: 0o600, Replace: true}, 0o600},
		} {
			p := filepath.Join(dir, name)
			if err := WriteChecked(p, []byte("x"), tt.opt, nil); err != nil {
				t.Fatal(err)
			}
			st, _ := os.Stat(p)
			// Windows has no permission bits (only read-only): outputs there
			// are private by their folder's ACL.
			if runtime.GOOS != "windows" && st.Mode().Perm() != tt.want {
				t.Errorf("%s: mode %v, want %v", name, st.Mode().Perm(), tt.want)
			}
		}
	})
}

func TestDeferDirSync(t *testing.T) {
	dir := t.TempDir()
	for i, name := range []string{"a.jpg", "b.jpg"} {
		if err := WriteChecked(filepath.Join(dir, name), []byte{byte(i)}, Options{DeferDirSync: true}, nil); err != nil {
			t.Fatal(err)
		}
	}
	pending.Lock()
	n := len(pending.dirs)
	pending.Unlock()
	if n != 1 {
		t.Fatalf("%d folders pending, want 1", n)
	}
	SyncDirs()
	if len(pending.dirs) != 0 {
		t.Fatal("SyncDirs left folders pending")
	}
}

func TestWriteCheckedEmptyAndLarge(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB
	for name, data := range map[string][]byte{"empty": nil, "big": big} {
		p := filepath.Join(dir, name)
		if err := WriteChecked(p, data, Options{}, nil); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, data) {
			t.Errorf("%s: %d bytes on disk, want %d", name, len(got), len(data))
		}
	}
}

// BenchmarkWriteChecked writes 256 KiB outputs from as many goroutines as
// veil clean runs (4 a core), each synced, read back and compared.
func BenchmarkWriteChecked(b *testing.B) {
	dir := b.TempDir()
	data := bytes.Repeat([]byte("veil"), 64<<10)
	var n atomic.Int64
	b.SetBytes(int64(len(data)))
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p := filepath.Join(dir, fmt.Sprintf("%d.jpg", n.Add(1)))
			if err := WriteChecked(p, data, Options{DeferDirSync: true}, nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
	SyncDirs()
}
