package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/outfile"
	"codeberg.org/veil/veil/photo"
	"codeberg.org/veil/veil/redact"
)

// cleanOptions is what "Save clean copy" removes.
func (u *ui) cleanOptions() metadata.Options {
	if u.locOnly != nil && u.locOnly.Checked {
		return metadata.Options{Mode: metadata.LocationOnly}
	}
	return metadata.Options{Mode: metadata.All}
}

// saveCleanCopy makes a clean copy (metadata only, pixels untouched; the
// engine verifies its own output), asks where to save it, writes it and
// verifies what was written before it gets its name.
func (u *ui) saveCleanCopy() {
	if u.vdoc != nil {
		u.saveCleanVideo()
		return
	}
	d := u.doc
	if d == nil {
		return
	}
	opt := u.cleanOptions()
	u.busyStart(lang.L("Removing hidden information…"))
	u.goJob(func() {
		res, err := u.eng.clean(d.Data, opt)
		u.do(func() {
			if err != nil {
				u.busyStop("")
				u.showError(fmt.Errorf("%s: %w", d.Name, err))
				return
			}
			u.busyStop("")
			verify := func(b []byte) error { return u.eng.verify(b, opt) }
			u.pickSave(docFolder(d), outfile.NeutralName(res.Format.Ext()), func(path string) {
				u.writeVerified(d, path, res.Data, outfile.Options{}, verify, func(name string) string {
					return cleanMessage(kindPhoto, name, res)
				})
			})
		})
	})
}

// cleanMessage says what a saved clean copy of a photo or video is.
func cleanMessage(k fileKind, name string, res *metadata.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, lang.L("Saved a clean copy as %s and checked it."), name)
	if len(res.Removed) == 0 {
		b.WriteString("\n" + lang.L("There was no hidden information to remove."))
	} else {
		b.WriteString("\n" + lang.L("Removed:"))
		for i, r := range res.Removed {
			if i == 12 {
				fmt.Fprintf(&b, "\n• "+lang.L("and %d more"), len(res.Removed)-i)
				break
			}
			b.WriteString("\n• " + removedPhrase(r))
		}
	}
	switch {
	case res.Lossless && k == kindVideo:
		b.WriteString("\n" + lang.L("The picture and the sound are unchanged."))
	case res.Lossless:
		b.WriteString("\n" + lang.L("The picture itself is unchanged."))
	}
	return b.String()
}

// saveRedacted burns the regions into the full-resolution upright image (the
// engine encodes a fresh file without any metadata and verifies it), asks
// where to save it, writes it and verifies what was written before it gets
// its name.
func (u *ui) saveRedacted() {
	d := u.doc
	if d == nil {
		return
	}
	rs := engineRegions(u.hist.Regions())
	if len(rs) == 0 {
		u.showError(errors.New(lang.L("There is nothing to redact yet: drag on the photo to cover an area.")))
		return
	}
	removed := []string(nil)
	if u.cleaned != nil {
		removed = u.cleaned.Removed
	}
	u.busyStart(lang.L("Redacting…"))
	u.goJob(func() {
		// The full image is decoded here for this save alone, so the engine
		// may paint it in place; no variable keeps it, so it can be freed
		// as soon as the engine has encoded it (peak: one full-size image).
		out, err := redactFresh(u.eng, d, rs)
		releaseMemory()
		u.do(func() {
			u.busyStop("")
			if err != nil {
				u.showError(fmt.Errorf("%s: %w", d.Name, err))
				return
			}
			u.timings.mark("redacted and checked")
			verify := func(b []byte) error { return u.eng.verify(b, metadata.Options{Mode: metadata.All}) }
			u.pickSave(docFolder(d), outfile.NeutralName(photo.Sniff(out).Ext()), func(path string) {
				u.writeVerified(d, path, out, outfile.Options{}, verify, func(name string) string {
					msg := fmt.Sprintf(lang.L("Saved a redacted copy as %s and checked it: %d areas are covered for good."), name, len(rs))
					if len(removed) > 0 {
						msg += "\n" + fmt.Sprintf(lang.L("The copy also carries none of the photo's hidden information (%d items removed)."), len(removed))
					} else {
						msg += "\n" + lang.L("The copy carries no hidden information.")
					}
					return msg
				})
			})
		})
	})
}

// redactFresh decodes d's full image and hands it to the redaction engine,
// which paints it in place.
func redactFresh(eng engines, d *document, rs []redact.Region) ([]byte, error) {
	up, err := loadUpright(eng, d)
	if err != nil {
		return nil, err
	}
	return eng.redact(photo.ToNRGBA(up), rs, redact.OutputFor(d.Format))
}

// writeVerified writes data through outfile.WriteChecked: never over an
// existing file or the original, read back and compared byte for byte and
// checked with verify before the file gets its name. Only then does it say
// the copy is done; a copy that fails is never left behind.
func (u *ui) writeVerified(d *document, path string, data []byte, opt outfile.Options, verify func([]byte) error, message func(name string) string) {
	if d != nil {
		opt.Input = d.Path
	}
	u.busyStart(lang.L("Saving and checking…"))
	u.goJob(func() {
		err := saveError(outfile.WriteChecked(path, data, opt, verify))
		u.do(func() {
			if err != nil {
				u.busyStop("")
				u.showError(fmt.Errorf("%s: %w", filepath.Base(path), err))
				return
			}
			u.timings.mark("saved and checked")
			u.busyStop(fmt.Sprintf(lang.L("Saved %s."), filepath.Base(path)))
			done := dialog.NewCustom(lang.L("Saved"), lang.L("OK"), u.withExit(wrapLabel(message(filepath.Base(path)))), u.win)
			done.Resize(fyne.NewSize(600, 320))
			done.Show()
		})
	})
}

// saveError says in the user's language when a copy read back differently
// from what was written; other errors pass as they are.
func saveError(err error) error {
	if errors.Is(err, outfile.ErrReadBack) {
		return errors.New(lang.L("the saved file differs from what was written"))
	}
	return err
}

// docFolder is where copies of d are offered to be saved: beside the original.
func docFolder(d *document) string {
	if d != nil {
		return folderOf(d.Path)
	}
	return folderOf("")
}

// openFolder is the folder of the open photo or video, where its copies and
// reports are offered to be saved.
func (u *ui) openFolder() string {
	if u.vdoc != nil {
		return folderOf(u.vdoc.Path)
	}
	return docFolder(u.doc)
}

// folderOf is path's folder, or Home for a file that has none (a pasted
// picture).
func folderOf(path string) string {
	if path != "" {
		return filepath.Dir(path)
	}
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return ""
}

// chooseSave is Veil's own save dialog: a folder and a name. Fyne's save
// dialog opens (and so truncates) the chosen file itself, which could hit the
// original; this one only returns a path, and outfile refuses to write over
// anything. Callers suggest a neutral name (not the original's, which often
// holds a date) and the original's folder.
func (u *ui) chooseSave(dir, suggested string, save func(path string)) {
	ext := filepath.Ext(suggested)
	folder := widget.NewLabel(dir)
	folder.Truncation = fyne.TextTruncateEllipsis
	name := u.entry()
	name.SetText(suggested)
	change := u.button(lang.L("Change folder…"), nil, func() {
		u.pickFolder(dir, func(p string) {
			dir = p
			folder.SetText(dir)
		})
	})
	form := container.NewVBox(
		widget.NewLabel(lang.L("Folder")), container.NewBorder(nil, nil, nil, change, folder),
		widget.NewLabel(lang.L("File name")), name,
		wrapLabel(lang.L("The original is never changed. An existing file is never replaced.")),
	)
	dlg := dialog.NewCustomConfirm(lang.L("Save a copy"), lang.L("Save"), lang.L("Cancel"), u.withExit(form), func(ok bool) {
		if !ok {
			return
		}
		n := strings.TrimSpace(name.Text)
		if n == "" || strings.ContainsRune(n, filepath.Separator) {
			u.showError(errors.New(lang.L("Please give the copy a file name.")))
			return
		}
		if filepath.Ext(n) == "" {
			n += ext
		}
		p := filepath.Join(dir, n)
		if _, err := os.Lstat(p); err == nil {
			u.showError(fmt.Errorf("%s: %w", n, outfile.ErrExists))
			return
		}
		save(p)
	}, u.win)
	name.OnSubmitted = func(string) { dlg.Confirm() }
	dlg.Resize(fyne.NewSize(600, 340))
	dlg.Show()
	u.win.Canvas().Focus(name)
}

// chooseFolder shows Veil's file browser for a folder.
func (u *ui) chooseFolder(start string, chosen func(dir string)) {
	u.browse(browseFolder, start, func(paths []string) { chosen(paths[0]) })
}
