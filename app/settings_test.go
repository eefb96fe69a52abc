package app

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestSettingsOnlyWrittenWhenOptedIn(t *testing.T) {
	cfg := t.TempDir()
	s := loadSettings(cfg)
	if s.Remember {
		t.Fatal("remembering is on by default")
	}
	s.Style = 2
	if err := s.save(); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(cfg); len(ents) != 0 {
		t.Fatalf("settings written without opting in: %v", ents)
	}
	s.Remember = true
	if err := s.save(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(cfg, "veil", "settings.json"))
	// Windows has no permission bits: there the profile's ACL keeps it private.
	if err != nil || runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Fatalf("opted-in settings file: %v %v", st, err)
	}
	back := loadSettings(cfg)
	if !back.Remember || back.Style != 2 {
		t.Errorf("loaded %+v", back)
	}
	back.Remember = false
	if err := back.save(); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(cfg); len(ents) != 0 {
		t.Errorf("opting out left %v behind", ents)
	}
	// A damaged or hostile file is ignored, not trusted.
	os.MkdirAll(filepath.Join(cfg, "veil"), 0o700)
	os.WriteFile(filepath.Join(cfg, "veil", "settings.json"), []byte(`{"remember":true,"style":99,"shape":-5}`), 0o600)
	if got := loadSettings(cfg); got.Style != len(styleChoices)-1 || got.Shape != 0 {
		t.Errorf("out-of-range settings not clamped: %+v", got)
	}
}
