package testenv

import (
	"os"
	"strings"
	"testing"
)

// TestStartXvfb: two servers at once get two displays, each listening, and
// each is stopped cleanly at the end of its test (no lock or socket left).
func TestStartXvfb(t *testing.T) {
	var displays []string
	t.Run("two at once", func(t *testing.T) {
		for range 2 {
			d := StartXvfb(t, "64x64x24")
			if _, err := os.Stat(socketOf(d)); err != nil {
				t.Errorf("%s: no socket: %v", d, err)
			}
			displays = append(displays, d)
		}
		if displays[0] == displays[1] {
			t.Errorf("both servers on %s", displays[0])
		}
	})
	for _, d := range displays {
		if _, err := os.Stat(socketOf(d)); err == nil {
			t.Errorf("%s: socket left after the test", d)
		}
		if _, err := os.Stat("/tmp/.X" + strings.TrimPrefix(d, ":") + "-lock"); err == nil {
			t.Errorf("%s: lock file left after the test", d)
		}
	}
}

func socketOf(display string) string {
	return "/tmp/.X11-unix/X" + strings.TrimPrefix(display, ":")
}
