package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	xdraw "golang.org/x/image/draw"

	"codeberg.org/veil/veil/fingerprint"
	"codeberg.org/veil/veil/internal/inputs"
	"codeberg.org/veil/veil/photo"
)

// openPaths opens what the command line or a drop named: one photo or
// video in the single-file view, several files or any folder in the batch
// view.
func (u *ui) openPaths(paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	if len(paths) == 1 {
		if st, err := os.Stat(paths[0]); err == nil && st.Mode().IsRegular() {
			u.openFile(paths[0])
			return nil
		}
	}
	files, err := mediaFiles(paths)
	u.batch.Add(files)
	u.tabs.Select(u.batchTab)
	return err
}

// chooseOpen shows Veil's file browser (browse.go) for one photo or video.
func (u *ui) chooseOpen() {
	u.browse(browseOpen, "", func(paths []string) { u.openFile(paths[0]) })
}

// dropped opens files dropped onto the window.
func (u *ui) dropped(uris []fyne.URI) {
	var paths []string
	for _, x := range uris {
		if x.Scheme() == "file" {
			paths = append(paths, x.Path())
		}
	}
	if err := u.openPaths(paths); err != nil {
		u.showError(err)
	}
}

// paste opens what the clipboard holds: files copied in a file manager
// (their paths or file:// addresses, as text) or else a picture copied from a
// browser, an image viewer or a screenshot tool. Files come first: opened
// from its file, a photo keeps what it reveals, so it can be inspected and
// cleaned; a copied picture is a new image without the original's metadata.
func (u *ui) paste() {
	var paths []string
	if u.clipFiles != nil {
		paths = u.clipFiles()
	}
	if len(paths) == 0 {
		paths = clipboardPaths(u.app.Clipboard().Content())
	}
	if len(paths) > 0 {
		if err := u.openPaths(paths); err != nil {
			u.showError(err)
		}
		return
	}
	read := u.clipImage
	u.goJob(func() {
		b, err := read()
		u.do(func() {
			if err != nil {
				u.showError(err)
				return
			}
			u.openReader(lang.L("Pasted picture"), bytes.NewReader(b))
		})
	})
}

// clipboardPaths picks the absolute paths and file:// addresses out of
// clipboard text, one per line.
func clipboardPaths(text string) []string {
	var paths []string
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, "file://"); ok {
			// File managers percent-encode the path ("My%20photo.jpg").
			p, err := url.PathUnescape(strings.TrimPrefix(rest, "localhost"))
			if err != nil {
				continue
			}
			line = fileURLPath(p)
		}
		if line != "" && filepath.IsAbs(line) {
			paths = append(paths, line)
		}
	}
	return paths
}

// fileURLPath turns the path of a file:// address into a file name: on
// Windows "/C:/Users/x.jpg" is C:\Users\x.jpg.
func fileURLPath(p string) string {
	if runtime.GOOS == "windows" && len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		p = p[1:]
	}
	return filepath.FromSlash(p)
}

// errNoClipboardPhoto is what paste says when there is nothing to open.
func errNoClipboardPhoto() error {
	return errors.New(lang.L("The clipboard holds no photo. Copy a photo or a photo file, then paste."))
}

// openFile opens a photo or a video. Reading and decoding happen in the
// background; the display copy (a video's poster frame) appears first, then
// the panels fill in.
func (u *ui) openFile(path string) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	u.timings.reset()
	u.timings.mark("open")
	u.beginOpen(baseName(path))
	gen, ctx := u.gen, u.ctx
	view := u.editorView()
	u.goJob(func() {
		if kind, size := sniffFile(path); kind == kindVideo {
			u.loadVideoFile(ctx, gen, path, size)
			return
		}
		b, err := photo.ReadFile(path)
		if err != nil {
			u.do(func() { u.openFailed(gen, path, err) })
			return
		}
		u.loadBytes(gen, path, baseName(path), b, view)
	})
}

// openReader opens a photo from a reader (tests, and any future source that
// is not a file).
func (u *ui) openReader(name string, r io.Reader) {
	u.beginOpen(name)
	gen := u.gen
	view := u.editorView()
	u.goJob(func() {
		b, err := io.ReadAll(io.LimitReader(r, photo.MaxFileSize+1))
		if err == nil && len(b) > photo.MaxFileSize {
			err = photo.ErrTooLarge
		}
		if err != nil {
			u.do(func() { u.openFailed(gen, name, err) })
			return
		}
		u.loadBytes(gen, "", name, b, view)
	})
}

// beginOpen drops the previous photo or video and everything computed for it.
func (u *ui) beginOpen(name string) {
	u.cancel()
	u.gen++
	u.ctx, u.cancel = context.WithCancel(context.Background())
	u.doc, u.report, u.cleaned, u.cleanErr, u.detected = nil, nil, nil, nil, false
	u.vdoc = nil
	u.vpane.clear()
	u.reportGen++ // a previous photo's report stops filling the panel
	u.hist.Reset(nil)
	u.editor.SetImage(nil, 0, 0)
	u.afterCheck.SetChecked(false)
	u.hashPanel.Reset()
	u.showKind(kindPhoto)
	u.title.SetText(name)
	u.tabs.Select(u.photoTab)
	u.busyN = 0
	u.busyStart(lang.L("Opening…"))
	u.updateControls()
}

func (u *ui) openFailed(gen int, name string, err error) {
	if gen != u.gen {
		return
	}
	u.busyStop("")
	u.title.SetText("")
	u.showError(fmt.Errorf("%s: %w", baseName(name), err))
}

// loadBytes runs on a background goroutine: display copy first, then in
// parallel the inspection and the clean preview, and the full decode
// followed by face detection.
func (u *ui) loadBytes(gen int, path, name string, b []byte, view viewSize) {
	d, err := loadPreview(u.eng, path, name, b)
	if err != nil {
		u.do(func() { u.openFailed(gen, name, err) })
		return
	}
	fitted, px := fitToView(d.Display, d.W, d.H, view)
	u.do(func() {
		if gen != u.gen {
			return
		}
		u.doc = d
		u.editor.SetImageFitted(d.Display, fitted, px, d.W, d.H)
		u.timings.mark("first frame")
		u.busyStop("")
		u.updateControls()
		u.startInspect(gen, d)
		u.startDetect(gen, d)
		if u.sideTabs.Selected() != nil && u.sideTabs.SelectedIndex() == 1 {
			u.hashPanel.Start()
		}
	})
}

// mediaFiles expands dropped, pasted or chosen paths into the files to
// work on, as the command line does (internal/inputs): folders are walked
// for photos and videos, hidden files skipped; files named directly are kept.
func mediaFiles(paths []string) ([]string, error) {
	files, errs := inputs.Paths(inputs.Expand(paths, isMediaName))
	return files, errors.Join(errs...)
}

// isMediaName reports whether a file found in a folder is one Veil lists:
// a photo it reads or a video.
func isMediaName(name string) bool {
	return photo.IsImageName(name) || fingerprint.IsVideoName(name)
}

// showError shows one line naming the file and the problem. (Fyne's
// ShowError capitalises the message, which would misname "holiday.jpg".)
func (u *ui) showError(err error) {
	if err == nil {
		return
	}
	msg := wrapLabel(err.Error())
	d := dialog.NewCustom(lang.L("Veil could not do that"), lang.L("OK"), u.withExit(container.NewGridWrap(fyne.NewSize(460, msg.MinSize().Height*2), msg)), u.win)
	d.Show()
}

// ctxDone reports whether ctx was cancelled.
func ctxDone(ctx context.Context) bool { return ctx.Err() != nil }

// viewSize is the editor's size and the canvas scale, read on the UI
// goroutine when a photo starts opening.
type viewSize struct {
	Size  fyne.Size
	Scale float32
}

func (u *ui) editorView() viewSize {
	v := viewSize{Size: u.editor.Size(), Scale: 1}
	if c := fyne.CurrentApp().Driver().CanvasForObject(u.editor); c != nil {
		v.Scale = c.Scale()
	}
	return v
}

// fitToView scales the display copy to the pixel size it will be drawn at,
// or returns nil when that would not be smaller.
func fitToView(disp *image.NRGBA, w, h int, v viewSize) (image.Image, image.Point) {
	m := fitImage(w, h, v.Size)
	_, sz := m.ToView(m.Bounds())
	px := image.Pt(int(sz.Width*v.Scale+0.5), int(sz.Height*v.Scale+0.5))
	b := disp.Bounds()
	if px.X <= 0 || px.Y <= 0 || px.X >= b.Dx() || px.Y >= b.Dy() {
		return nil, image.Point{}
	}
	dst := image.NewRGBA(image.Rectangle{Max: px})
	xdraw.BiLinear.Scale(dst, dst.Bounds(), disp, b, xdraw.Src, nil)
	return dst, px
}
