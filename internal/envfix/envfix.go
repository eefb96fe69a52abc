// Package envfix normalises the process environment before any other package
// initialises. Its import path sorts before fyne.io, so Go (1.21+) runs its init
// first: Fyne's translation package reads the locale during its own init and
// logs errors for POSIX locale names ("C", "C.UTF-8", "POSIX"), which would
// otherwise spill Fyne noise onto the command line's stderr.
package envfix

import (
	"os"
	"strings"
)

func init() {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		base, _, _ := strings.Cut(v, ".")
		if base == "C" || base == "POSIX" {
			// Same meaning (no particular language) in a form locale parsers accept.
			os.Setenv(k, "en_US."+strings.TrimPrefix(strings.TrimPrefix(v, base), "."))
			if os.Getenv(k) == "en_US." {
				os.Setenv(k, "en_US")
			}
		}
	}
}
