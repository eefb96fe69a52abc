// Command veil-cli is Veil's command line alone, without the desktop app: the
// console program shipped beside the windowed veil.exe on Windows (a Windows
// program is either windowed or console), and a CLI that builds without cgo
// for any OS.
package main

import (
	"os"

	"codeberg.org/veil/veil/cli"
)

func main() {
	cli.Program = "veil-cli"
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
