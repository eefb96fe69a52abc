//go:build linux

package e2e

import (
	"strings"
	"testing"
)

// TestQuietUnderPOSIXLocales guards internal/envfix: with a POSIX locale
// name such as C.UTF-8 (the default of containers and many servers), Fyne's
// lang package logs three "Error parsing user locale" lines during its init,
// before main runs. envfix rewrites the locale first only because its import
// path sorts ahead of Fyne's packages; a module path that sorts later, or an
// import that stops being blank-imported from main, brings the noise back.
func TestQuietUnderPOSIXLocales(t *testing.T) {
	for _, env := range []string{"LANG=C.UTF-8", "LC_ALL=C.UTF-8", "LANG=C", "LANG=POSIX"} {
		t.Run(env, func(t *testing.T) {
			r := runCmdEnv(t, hangLimit, t.TempDir(), []string{env}, veilBin, "version")
			if r.code != 0 || !strings.HasPrefix(r.stdout, "veil ") {
				t.Fatalf("veil version: exit %d, stdout %q", r.code, r.stdout)
			}
			if r.stderr != "" {
				t.Errorf("veil version wrote to stderr under %s:\n%s", env, r.stderr)
			}
		})
	}
}
