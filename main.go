// Command veil makes photos safe to share or to report, on the user's own computer.
//
// With a subcommand (inspect, clean, hash, detect, redact, ...) it runs the command
// line; otherwise it opens the desktop app, with any files given opened in it.
package main

import (
	"os"

	// Initialises before Fyne (its path sorts first) to fix the locale Fyne reads.
	_ "codeberg.org/veil/veil/internal/envfix"

	"codeberg.org/veil/veil/app"
	"codeberg.org/veil/veil/cli"
)

func main() {
	if len(os.Args) > 1 && cli.IsCommand(os.Args[1]) {
		os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(app.Run(os.Args[1:]))
}
