package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMeasure(t *testing.T) {
	dir := t.TempDir()
	src := `package p

func short() int { return 1 }

func withTable() map[string]int {
	m := map[string]int{
		"a": 1,
		"b": 2,
		"c": 3,
	}
	return m
}

func withFuncs() []func() int {
	return []func() int{
		func() int {
			return 1
		},
	}
}

type T struct{}

func (t *T) method() {
	_ = t
}
`
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "p_test.go"), []byte("package p\nfunc TestX() {\n}\n"), 0o644)
	fs, err := Scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range fs {
		got[f.Name] = f.Lines
	}
	want := map[string]int{"short": 1, "withTable": 5, "withFuncs": 7, "(*T).method": 3}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("%s: %d lines, want %d (all: %v)", name, got[name], n, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("measured %v", got)
	}
}

// TestNoLongFunctions keeps the functions of the packages that parse hostile
// files (metadata, photo, internal) under 150 lines, data tables aside.
func TestNoLongFunctions(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, dir := range []string{"metadata", "photo", "internal"} {
		fs, err := Scan(filepath.Join(root, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.Lines > 150 {
				t.Errorf("%s:%d %s is %d lines long: split it (see scripts/longfuncs.sh)", strings.TrimPrefix(f.File, root+"/"), f.Line, f.Name, f.Lines)
			}
		}
	}
}
