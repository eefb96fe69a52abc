package outfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteCreatesCompleteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "a.jpg")
	if err := Write(p, []byte("hello"), Options{}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != "hello" {
		t.Fatalf("read back %q, %v", got, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Fatalf("folder holds %d entries, want only the output", len(entries))
	}
}

func TestWriteNeverClobbers(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.jpg")
	os.WriteFile(p, []byte("original"), 0o644)
	if err := Write(p, []byte("new"), Options{}); !errors.Is(err, ErrExists) {
		t.Fatalf("err = %v, want ErrExists", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "original" {
		t.Fatalf("existing file changed to %q", got)
	}
	if err := Write(p, []byte("new"), Options{Replace: true, Input: p}); !errors.Is(err, ErrSameAsInput) {
		t.Fatalf("writing over the input: err = %v, want ErrSameAsInput", err)
	}
	if err := Write(p, []byte("new"), Options{Replace: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "new" {
		t.Fatalf("replace gave %q", got)
	}
}

func TestPortableFallbackAndSweep(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "b.png")
	if err := writePortable(dir, p, []byte("x"), false, 0o644); err != nil {
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
		if err := Write(p, []byte("x"), tt.opt); err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(p)
		if st.Mode().Perm() != tt.want {
			t.Errorf("%s: mode %v, want %v", name, st.Mode().Perm(), tt.want)
		}
	}
}

func TestDeferDirSync(t *testing.T) {
	dir := t.TempDir()
	for i, name := range []string{"a.jpg", "b.jpg"} {
		if err := Write(filepath.Join(dir, name), []byte{byte(i)}, Options{DeferDirSync: true}); err != nil {
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
