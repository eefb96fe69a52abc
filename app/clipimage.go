//go:build !windows

package app

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"codeberg.org/veil/veil/internal/xclip"
	"codeberg.org/veil/veil/photo"
)

// pasteTypes are the picture types asked of the clipboard, best first:
// PNG is lossless and what browsers, viewers and screenshot tools offer.
var pasteTypes = []string{"image/png", "image/jpeg", "image/webp", "image/gif", "image/tiff"}

// clipWait is how long the program holding the clipboard may take to answer
// each request.
const clipWait = 3 * time.Second

// readClipImage reads a picture from the system clipboard.
func readClipImage() ([]byte, error) {
	b, _, err := xclip.ReadImage(pasteTypes, photo.MaxFileSize, clipWait)
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, xclip.ErrEmpty), errors.Is(err, xclip.ErrNoImage), errors.Is(err, xclip.ErrNoDisplay):
		return nil, errNoClipboardPhoto()
	case errors.Is(err, xclip.ErrTooLarge):
		return nil, errors.New(lang.L("The picture on the clipboard is too large to open."))
	case errors.Is(err, xclip.ErrTimeout):
		return nil, errors.New(lang.L("The program holding the clipboard did not answer. Copy the picture again, then paste."))
	}
	return nil, errors.New(lang.L("The clipboard could not be read. Copy the picture again, then paste."))
}

// copiedFiles lists files copied in the file manager that the clipboard's
// text does not name: none here (Linux file managers copy file:// text).
func copiedFiles() []string { return nil }

// systemClipboard is the clipboard copied hashes go to: Fyne's own here.
func systemClipboard(_ fyne.Window, cb fyne.Clipboard) fyne.Clipboard { return cb }
