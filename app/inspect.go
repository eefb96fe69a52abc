package app

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/inspect"
	"codeberg.org/veil/veil/redact"
)

// shapeChoices and styleChoices are the pickers' options, in order.
var (
	shapeChoices = []redact.Shape{redact.Rect, redact.Ellipse}
	styleChoices = []redact.Style{redact.Solid, redact.Pixelate, redact.Blur}
)

// categoryTitle is a category in plain words, for a photo or a video.
func categoryTitle(k fileKind, c metadata.Category) string {
	if k == kindVideo {
		switch c {
		case metadata.Location:
			return lang.L("Where it was filmed")
		case metadata.People:
			return lang.L("People: names and detected faces")
		case metadata.Time:
			return lang.L("When it was filmed")
		}
	}
	switch c {
	case metadata.Location:
		return lang.L("Where it was taken")
	case metadata.People:
		return lang.L("Names of people")
	case metadata.Device:
		return lang.L("The camera or phone")
	case metadata.Time:
		return lang.L("When it was taken")
	case metadata.Software:
		return lang.L("Software and editing")
	case metadata.HiddenImages:
		return lang.L("Hidden pictures inside the file")
	case metadata.Trailers:
		return lang.L("Data hidden after the picture")
	}
	return lang.L("Other details")
}

func severityIcon(s metadata.Severity) fyne.Resource {
	switch s {
	case metadata.High:
		return theme.NewErrorThemedResource(theme.WarningIcon())
	case metadata.Medium:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	}
	return theme.InfoIcon()
}

// startInspect asks the metadata engine what the file reveals and what a
// clean copy would remove, in the background.
func (u *ui) startInspect(gen int, d *document) {
	u.goJob(func() {
		rep, err := u.eng.inspect(d.Data)
		res, cerr := u.eng.clean(d.Data, metadata.Options{Mode: metadata.All})
		u.do(func() {
			if gen != u.gen {
				return
			}
			u.report, u.cleaned, u.cleanErr = rep, res, cerr
			u.showReport(kindPhoto, rep, err, res, cerr)
			u.timings.mark("report shown")
		})
	})
}

// reportBatch is how many rows of the report join the panel per frame.
// Fyne draws every text of a panel (off-screen ones too) into a texture on
// the UI goroutine the first time it paints it: the 60-odd rows of a camera
// photo all at once stall the window while faces are being found.
const reportBatch = 8

// reportPause lets a frame be drawn between batches.
const reportPause = 30 * time.Millisecond

// showReport fills the "What it reveals" panel: a one-sentence summary, the
// findings by category (most revealing first within each), what a clean
// copy removes, and the technical names under "Details". The rows are built
// at once and shown a few per frame.
func (u *ui) showReport(k fileKind, rep *metadata.Report, err error, res *metadata.Result, cerr error) {
	u.reportGen++
	gen := u.reportGen
	box := u.inspectBox
	rows := reportRows(k, rep, err, res, cerr)
	first := min(len(rows), reportBatch)
	box.Objects = append(box.Objects[:0], rows[:first]...)
	box.Refresh()
	rest := rows[first:]
	if len(rest) == 0 {
		return
	}
	u.goJob(func() {
		for len(rest) > 0 {
			time.Sleep(reportPause)
			n := min(len(rest), reportBatch)
			batch := rest[:n]
			rest = rest[n:]
			stale := false
			u.do(func() {
				if u.reportGen != gen {
					stale = true
					return
				}
				box.Objects = append(box.Objects, batch...)
				box.Refresh()
			})
			if stale {
				return
			}
		}
	})
}

// reportRows builds the rows of the "What it reveals" panel about a photo
// or a video.
func reportRows(k fileKind, rep *metadata.Report, err error, res *metadata.Result, cerr error) []fyne.CanvasObject {
	var rows []fyne.CanvasObject
	switch {
	case k == kindVideo && errors.Is(err, inspect.ErrVideoUnsupported): // the reason names Veil
		return append(rows, wrapLabel(fmt.Sprintf(lang.L("%v. Veil cannot list what it reveals. For an MKV, WebM, AVI or MTS video, or a fragmented MP4, Save clean copy still works: FFmpeg copies the picture and sound into a new MP4 (nothing is re-encoded), and Veil checks that copy like any other. Any video can be hashed for reporting."), err)))
	case k == kindVideo && err != nil:
		return append(rows, wrapLabel(fmt.Sprintf(lang.L("Veil could not read this video: %v. It cannot be cleaned, but it can still be hashed for reporting."), err)))
	}
	if err != nil {
		return append(rows, wrapLabel(fmt.Sprintf(lang.L("Veil could not read this file's hidden information: %v"), err)))
	}
	high := 0
	for _, f := range rep.Findings {
		if f.Severity == metadata.High {
			high++
		}
	}
	head := reportHead(k, len(rep.Findings), high)
	h := wrapLabel(head)
	h.TextStyle.Bold = true
	rows = append(rows, h)

	details := container.NewVBox()
	for _, g := range rep.ByCategory() {
		title := widget.NewLabel(categoryTitle(k, g.Category))
		title.TextStyle.Bold = true
		rows = append(rows, container.NewBorder(nil, nil, widget.NewIcon(severityIcon(g.Worst)), nil, title))
		for _, f := range g.Findings {
			l := wrapLabel(fieldName(f.Field) + ": " + shorten(valueText(f.Value), 160))
			l.SizeName = theme.SizeNameText
			rows = append(rows, container.NewBorder(nil, nil, indent(), nil, l))
			details.Add(wrapLabel(fmt.Sprintf("%s · %s · %s · %s", f.Where, f.Field, severityName(f.Severity), shorten(f.Value, 300))))
		}
	}
	rows = append(rows, widget.NewSeparator())
	switch {
	case cerr != nil:
		rows = append(rows, wrapLabel(fmt.Sprintf(lang.L("A clean copy cannot be made: %v"), cerr)))
	case res != nil && len(res.Removed) > 0:
		t := widget.NewLabel(lang.L("Saving a clean copy removes:"))
		t.TextStyle.Bold = true
		rows = append(rows, t)
		for _, r := range res.Removed {
			rows = append(rows, wrapLabel("• "+removedPhrase(r)))
		}
		if res.Lossless {
			rows = append(rows, wrapLabel(lang.L("The picture itself is kept exactly as it is.")))
		}
	case res != nil:
		rows = append(rows, wrapLabel(lang.L("A clean copy would be the same as this file: there is nothing to remove.")))
	}
	if len(details.Objects) > 0 {
		rows = append(rows, widget.NewAccordion(widget.NewAccordionItem(lang.L("Details"), details)))
	}
	return rows
}

// reportHead is the report's first sentence: how much the file reveals.
func reportHead(k fileKind, n, high int) string {
	if k == kindVideo {
		switch {
		case n == 0:
			return lang.L("This video carries no hidden information that Veil knows of.")
		case high > 0:
			return fmt.Sprintf(lang.L("This video carries %d pieces of hidden information. %d of them could identify you or a place."), n, high)
		}
		return fmt.Sprintf(lang.L("This video carries %d pieces of hidden information."), n)
	}
	switch {
	case n == 0:
		return lang.L("This photo carries no hidden information that Veil knows of.")
	case high > 0:
		return fmt.Sprintf(lang.L("This photo carries %d pieces of hidden information. %d of them could identify you or a place."), n, high)
	}
	return fmt.Sprintf(lang.L("This photo carries %d pieces of hidden information."), n)
}

func shorten(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// refreshAfter shows the redaction applied to the display copy (the
// "after" view) or the photo itself. The real redaction of the full image
// happens on save.
func (u *ui) refreshAfter() {
	if u.doc == nil || !u.afterCheck.Checked || len(u.hist.Regions()) == 0 {
		u.editor.SetResult(nil)
		return
	}
	d := u.doc
	gen := u.gen
	disp := d.Display
	full := image.Pt(d.W, d.H)
	size := disp.Bounds().Size()
	rs := engineRegions(u.hist.Regions())
	for i := range rs {
		rs[i].Rect = scaleRect(rs[i].Rect, full, size)
	}
	u.goJob(func() {
		out, err := u.eng.apply(disp, rs)
		u.do(func() {
			if gen != u.gen || !u.afterCheck.Checked {
				return
			}
			if err != nil {
				u.status.SetText(err.Error())
				return
			}
			u.editor.SetResult(out)
		})
	})
}

// indent is a fixed gap that sets findings under their category title.
func indent() fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(24, 1))
	return r
}
