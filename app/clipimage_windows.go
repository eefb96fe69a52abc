package app

import (
	"errors"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"fyne.io/fyne/v2/lang"

	"codeberg.org/veil/veil/internal/winclip"
	"codeberg.org/veil/veil/photo"
)

// readClipImage reads a picture from the Windows clipboard: PNG (browsers,
// many programs) or the bitmap every picture copy has (screenshots, Paint).
func readClipImage() ([]byte, error) {
	b, err := winclip.Image(photo.MaxFileSize)
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, winclip.ErrEmpty), errors.Is(err, winclip.ErrNoImage):
		return nil, errNoClipboardPhoto()
	case errors.Is(err, winclip.ErrTooLarge):
		return nil, errors.New(lang.L("The picture on the clipboard is too large to open."))
	}
	return nil, errors.New(lang.L("The clipboard could not be read. Copy the picture again, then paste."))
}

// copiedFiles lists the files copied in Explorer (CF_HDROP).
func copiedFiles() []string {
	files, _ := winclip.Files()
	return files
}

// systemClipboard is the clipboard copied hashes go to: Windows' own,
// written by Veil so that every copy carries the marks that keep it out of
// clipboard history (Win+V), the cloud clipboard (other devices) and
// clipboard monitors. Fyne's clipboard would put plain text there.
func systemClipboard(w fyne.Window, cb fyne.Clipboard) fyne.Clipboard {
	return &winClipboard{win: w, fallback: cb}
}

type winClipboard struct {
	win      fyne.Window
	fallback fyne.Clipboard // reads only: never writes without the marks

	once sync.Once
	hwnd uintptr
}

// owner is Veil's window handle, which owns what Veil puts on the clipboard
// (its thread answers the clipboard's messages).
func (c *winClipboard) owner() uintptr {
	c.once.Do(func() {
		if nw, ok := c.win.(driver.NativeWindow); ok {
			nw.RunNative(func(ctx any) {
				if wc, ok := ctx.(driver.WindowsWindowContext); ok {
					c.hwnd = wc.HWND
				}
			})
		}
	})
	return c.hwnd
}

func (c *winClipboard) Content() string {
	s, err := winclip.Text()
	if err != nil {
		return c.fallback.Content()
	}
	return s
}

// SetContent puts s on the clipboard with the privacy marks; "" empties it.
func (c *winClipboard) SetContent(s string) {
	var err error
	if s == "" {
		err = winclip.Clear(c.owner())
	} else {
		_, err = winclip.SetPrivateText(c.owner(), s)
	}
	if err != nil {
		fyne.LogError("clipboard", err)
	}
}
