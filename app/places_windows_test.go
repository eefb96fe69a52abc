package app

import (
	"os"
	"strings"
	"testing"
)

// TestSystemPlacesWindows: the side bar has Home and the drives, each a
// folder, the drives as C:\ with Explorer's kind of name.
func TestSystemPlacesWindows(t *testing.T) {
	tu := newTestUI(t)
	ps := tu.systemPlaces()
	home, drives := false, 0
	for _, p := range ps {
		switch p.Kind {
		case placeHome:
			home = true
		case placeDrive:
			drives++
			if len(p.Path) != 3 || p.Path[1:] != `:\` || !strings.Contains(p.Label, p.Path[:2]) {
				t.Errorf("drive %q labelled %q", p.Path, p.Label)
			}
		case placeRoot:
			t.Errorf("a single root %q on Windows", p.Path)
		}
		if st, err := os.Stat(p.Path); err != nil || !st.IsDir() {
			t.Errorf("%s (%s) is not a folder: %v", p.Label, p.Path, err)
		}
	}
	if !home || drives == 0 {
		t.Errorf("home %v, %d drives; want both: %+v", home, drives, ps)
	}
}
