// Package envfix normalises the process environment before Fyne initialises.
// Fyne's translation package reads the locale during its own init and logs
// errors for POSIX locale names (C.UTF-8), which would otherwise spill Fyne
// noise onto the command line's stderr before main runs.
//
// It runs first only because of its import path: Go (1.21+) initialises
// packages in import-path order once their own imports are done, and envfix
// imports nothing but the standard library, while codeberg.org/veil/veil
// sorts ahead of fyne.io and of every module Fyne's lang package uses. A
// module path that sorts later (zz.example/veil) brings the noise back; the
// e2e test TestQuietUnderPOSIXLocales fails if it does.
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
