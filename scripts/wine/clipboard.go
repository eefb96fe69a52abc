//go:build ignore

// clipboard is a test-only Windows program that make test-windows runs
// under wine beside Veil's app: it prints what the Windows clipboard holds,
// one "name: value" line each, so the GUI stage can check what Veil put
// there (a copied hash with its privacy marks) and that Veil took it off
// again. Built with GOOS=windows into build/wine; never shipped.
//
//	formats: the formats on the clipboard, registered ones by name
//	text: the Unicode text, quoted
//	<privacy format>: its DWORD, for each of the three Windows defines
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"strings"

	"codeberg.org/veil/veil/internal/winclip"
)

func main() {
	names, err := winclip.Formats()
	if err != nil {
		fmt.Fprintln(os.Stderr, "clipboard:", err)
		os.Exit(1)
	}
	fmt.Printf("formats: %s\n", strings.Join(names, " "))
	text, _ := winclip.Text()
	fmt.Printf("text: %q\n", text)
	for _, f := range []string{"ExcludeClipboardContentFromMonitorProcessing", "CanIncludeInClipboardHistory", "CanUploadToCloudClipboard"} {
		b, err := winclip.FormatData(f)
		switch {
		case err != nil:
			fmt.Printf("%s: error %v\n", f, err)
		case b == nil:
			fmt.Printf("%s: absent\n", f)
		case len(b) >= 4:
			fmt.Printf("%s: %d\n", f, binary.LittleEndian.Uint32(b))
		default:
			fmt.Printf("%s: %d bytes\n", f, len(b))
		}
	}
}
