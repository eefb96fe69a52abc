package notrace

import (
	"os"
	"path/filepath"
	"strconv"
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
	t.Setenv("TMPDIR", tmp)
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "MESA_SHADER_CACHE_DISABLE", "MESA_GLSL_CACHE_DISABLE", "__GL_SHADER_DISK_CACHE"} {
		t.Setenv(k, "") // restored after the test
	}
	n, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(n.Dir)
	if err != nil || st.Mode().Perm() != 0o700 || filepath.Dir(n.Dir) != tmp {
		t.Fatalf("private folder %s: %v %v", n.Dir, st.Mode(), err)
	}
	cfg, _ := os.UserConfigDir()
	cache, _ := os.UserCacheDir()
	if filepath.Dir(cfg) != n.Dir || filepath.Dir(cache) != n.Dir {
		t.Errorf("config %s and cache %s are not inside %s", cfg, cache, n.Dir)
	}
	if os.Getenv("MESA_SHADER_CACHE_DISABLE") != "true" {
		t.Error("Mesa shader cache not disabled")
	}
	os.MkdirAll(filepath.Join(cfg, "fyne"), 0o700)
	n.Remove()
	n.Remove() // twice is fine
	if _, err := os.Stat(n.Dir); !os.IsNotExist(err) {
		t.Errorf("private folder still there: %v", err)
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("temp folder not empty: %v", ents)
	}
}
