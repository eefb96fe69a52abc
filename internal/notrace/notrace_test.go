package notrace

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func TestPrivatePID(t *testing.T) {
	tests := map[string]struct {
		pid int
		ok  bool
	}{
		"veil-123-456":   {123, true},
		"veil-1-x":       {1, true},
		"veil-abc-1":     {0, false},
		"veil-123":       {0, false},
		"other-123-4":    {0, false},
		"veil--4":        {0, false},
		"veil-0-4":       {0, false},
		"veil-99999999-": {99999999, true},
	}
	for name, tt := range tests {
		pid, ok := privatePID(name)
		if pid != tt.pid || ok != tt.ok {
			t.Errorf("privatePID(%q) = %d, %v; want %d, %v", name, pid, ok, tt.pid, tt.ok)
		}
	}
}

func TestSweepPrivateKeepsLiveAndForeign(t *testing.T) {
	tmp := t.TempDir()
	dead := filepath.Join(tmp, "veil-2147480000-1") // no such process
	live := filepath.Join(tmp, "veil-"+strconv.Itoa(os.Getpid())+"-1")
	foreign := filepath.Join(tmp, "veilcache")
	for _, d := range []string{dead, live, foreign} {
		if err := os.MkdirAll(filepath.Join(d, "config"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if n := sweepPrivate(tmp); n != 1 {
		t.Errorf("sweepPrivate removed %d folders, want 1", n)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Error("a dead run's folder survived the sweep")
	}
	for _, d := range []string{live, foreign} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(d), err)
		}
	}
}

func TestStartNoTraceRedirectsAndRemoves(t *testing.T) {
	tmp := t.TempDir()
	for _, kv := range redirects("") {
		t.Setenv(kv[0], "") // restored after the test
	}
	for _, k := range []string{"TMPDIR", "TMP", "TEMP"} { // Unix, Windows
		t.Setenv(k, tmp)
	}
	n, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(n.Dir)
	if err != nil || filepath.Dir(n.Dir) != tmp {
		t.Fatalf("private folder %s: %v", n.Dir, err)
	}
	// Windows has no permission bits: there the folder is private because
	// %TEMP% is in the user's own profile.
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o700 {
		t.Errorf("private folder %s has mode %v", n.Dir, st.Mode())
	}
	cfg, _ := os.UserConfigDir()
	cache, _ := os.UserCacheDir()
	if filepath.Dir(cfg) != n.Dir || filepath.Dir(cache) != n.Dir {
		t.Errorf("config %s and cache %s are not inside %s", cfg, cache, n.Dir)
	}
	if runtime.GOOS == "windows" {
		if !strings.HasPrefix(os.TempDir(), n.Dir+string(filepath.Separator)) {
			t.Errorf("temporary folder %s is not inside %s", os.TempDir(), n.Dir)
		}
		if err := os.WriteFile(filepath.Join(os.TempDir(), "x.tmp"), []byte("x"), 0o600); err != nil {
			t.Errorf("the redirected temporary folder is not usable: %v", err)
		}
	} else if os.Getenv("MESA_SHADER_CACHE_DISABLE") != "true" {
		t.Error("Mesa shader cache not disabled")
	}
	os.MkdirAll(filepath.Join(cfg, "fyne"), 0o700)
	n.Remove()
	n.Remove() // twice is fine
	if _, err := os.Stat(n.Dir); !os.IsNotExist(err) {
		t.Errorf("private folder still there: %v", err)
	}
	if cfg2, _ := os.UserConfigDir(); strings.HasPrefix(cfg2, n.Dir) {
		t.Errorf("after Remove the configuration folder is still %s", cfg2)
	}
	if strings.HasPrefix(os.TempDir(), n.Dir) {
		t.Errorf("after Remove the temporary folder is still %s", os.TempDir())
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("temp folder not empty: %v", ents)
	}
}

// TestRemoveTree: a tree of folders and files goes, the folder itself too.
func TestRemoveTree(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "veil-1-1")
	for _, f := range []string{"config/fyne/a.json", "cache/fonts/index", "temp/x", "top"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := removeTree(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Errorf("%s still there: %v", dir, err)
	}
	if err := removeTree(dir); err != nil {
		t.Errorf("removing a folder that is gone: %v", err)
	}
}
