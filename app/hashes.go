package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/veil/veil/fingerprint"
	"codeberg.org/veil/veil/fingerprint/pdq"
)

// hashPanel is the "Hash for reporting" panel: hashes of the untouched
// original, explained in plain words, copyable and exportable.
type hashPanel struct {
	u       *ui
	content fyne.CanvasObject

	gen     int // the generation hashed (0: none yet)
	running bool
	result  *fingerprint.Result

	intro    *widget.Label
	private  *widget.Label
	progress *widget.ProgressBarInfinite
	task     *taskRow // a video's hashing, which can take minutes
	rows     *fyne.Container
	format   *keySelect
	names    *keyCheck
	export   *keyButton
}

func newHashPanel(u *ui) *hashPanel {
	h := &hashPanel{u: u}
	h.intro = wrapLabel("")
	h.private = wrapLabel("")
	h.setKind(kindPhoto)
	h.task = u.newTaskRow()
	h.progress = widget.NewProgressBarInfinite()
	h.progress.Stop()
	h.progress.Hide()
	h.rows = container.NewVBox()
	h.format = u.selector([]string{"PDF", "JSON", "CSV"}, nil)
	h.format.SetSelectedIndex(0)
	h.names = u.check(lang.L("Include the file name"), nil)
	h.export = u.button(lang.L("Save report…"), theme.DocumentSaveIcon(), h.saveReport)
	h.export.Disable()
	note := wrapLabel(lang.L("Copied hashes are taken off the clipboard after 60 seconds and when Veil closes."))
	note.Importance = widget.LowImportance
	exportRow := container.NewBorder(nil, nil, nil, h.export, container.NewHBox(h.format, h.names))
	h.content = container.NewVScroll(container.NewPadded(container.NewVBox(
		h.intro, h.private, h.progress, h.task.box, h.rows, widget.NewSeparator(), exportRow, note)))
	return h
}

// setKind words the panel's introduction for a photo or a video.
func (h *hashPanel) setKind(k fileKind) {
	if k == kindVideo {
		h.intro.SetText(lang.L("A hash is a short fingerprint of a file. For videos, StopNCII.org (adults) and Take It Down (videos made under 18) take the MD5 of the exact file, and use it to find and block copies on the platforms that take part, without anyone seeing the video."))
		h.private.SetText(lang.L("Veil computes it here, from the video exactly as you opened it. The video never leaves this computer, and Veil never connects to the internet."))
		return
	}
	h.intro.SetText(lang.L("A hash is a short fingerprint of a photo. Reporting services such as StopNCII.org (adults) and Take It Down (photos taken under 18) use it to find and block copies on the platforms that take part, without anyone seeing the photo."))
	h.private.SetText(lang.L("Veil computes it here, from the photo exactly as you opened it. The photo never leaves this computer, and Veil never connects to the internet."))
}

// Reset forgets the previous file's hashes.
func (h *hashPanel) Reset() {
	h.task.Cancel()
	h.gen, h.result, h.running = 0, nil, false
	h.rows.RemoveAll()
	h.export.Disable()
	h.progress.Stop()
	h.progress.Hide()
}

// Start hashes the open photo's or video's original bytes, once per file.
func (h *hashPanel) Start() {
	u := h.u
	if h.running || h.gen == u.gen {
		return
	}
	if u.vdoc != nil {
		h.startVideo(u.vdoc, false)
		return
	}
	d := u.doc
	if d == nil {
		return
	}
	gen := u.gen
	h.running = true
	h.progress.Show()
	h.progress.Start()
	u.goJob(func() {
		r := fingerprint.HashBytes(d.Name, d.Data, fingerprint.Options{Dihedral: true})
		h.u.do(func() {
			if gen != u.gen {
				return
			}
			h.running = false
			h.gen = gen
			h.result = &r
			h.progress.Stop()
			h.progress.Hide()
			h.show(r)
		})
	})
}

// show lays out the hashes: the one a report needs first, each with a copy
// button, and the rest under "Details".
func (h *hashPanel) show(r fingerprint.Result) {
	h.rows.RemoveAll()
	if r.Error != "" {
		h.rows.Add(wrapLabel(fmt.Sprintf(lang.L("Not every hash could be computed: %s"), r.Error)))
	}
	if r.PDQ != "" {
		h.rows.Add(h.row(lang.L("Picture fingerprint (PDQ)"), r.PDQ))
		verdict := fmt.Sprintf(lang.L("Quality %d of 100: good enough for matching."), r.PDQQuality)
		imp := widget.SuccessImportance
		if r.PDQQuality < pdq.MinQuality {
			verdict = fingerprint.QualityWarning(r.PDQQuality)
			imp = widget.WarningImportance
		}
		v := wrapLabel(verdict)
		v.Importance = imp
		h.rows.Add(v)
	}
	h.rows.Add(h.row(lang.L("File fingerprint (MD5)"), r.MD5))
	h.rows.Add(h.row(lang.L("File fingerprint (SHA-256)"), r.SHA256))
	details := container.NewVBox()
	if r.PDQUpright != "" {
		details.Add(h.row(lang.L("PDQ of the picture as shown (it is stored turned)"), r.PDQUpright))
	}
	if len(r.PDQDihedral) > 0 {
		details.Add(wrapLabel(lang.L("PDQ of the picture turned and mirrored (some services ask for these):")))
		for i, x := range r.PDQDihedral {
			details.Add(h.row(fmt.Sprintf("%d", i+1), x))
		}
	}
	for _, w := range r.Warnings {
		details.Add(wrapLabel(w))
	}
	details.Add(wrapLabel(fmt.Sprintf(lang.L("Size: %d bytes"), r.Size)))
	h.rows.Add(widget.NewAccordion(widget.NewAccordionItem(lang.L("Details"), details)))
	h.export.Enable()
}

// row is a labelled hash with a copy button.
func (h *hashPanel) row(label, value string) fyne.CanvasObject {
	l := widget.NewLabel(label)
	l.TextStyle.Bold = true
	v := widget.NewLabel(value)
	v.TextStyle.Monospace = true
	v.Wrapping = fyne.TextWrapBreak
	cp := h.u.button(lang.L("Copy"), theme.ContentCopyIcon(), func() {
		h.u.clip.Copy(value)
		h.u.status.SetText(lang.L("Copied. It leaves the clipboard in 60 seconds."))
	})
	return container.NewBorder(l, nil, nil, cp, v)
}

// saveReport exports the hashes (of this photo) as the chosen format.
func (h *hashPanel) saveReport() {
	if h.result == nil {
		return
	}
	h.u.exportReport([]fingerprint.Result{*h.result}, h.format.SelectedIndex(), h.names.Checked, h.u.openFolder())
}

// hashSummary is a one-line status for a batch row.
func hashSummary(r fingerprint.Result) string {
	if r.Error != "" {
		return r.Error
	}
	if r.Kind == fingerprint.KindVideo {
		return lang.L("Video") + " · MD5 " + short(r.MD5)
	}
	s := "PDQ " + short(r.PDQ) + " · MD5 " + short(r.MD5)
	if r.PDQ != "" && r.PDQQuality < pdq.MinQuality {
		s += " · " + lang.L("low quality")
	}
	return s
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return strings.TrimSpace(h)
}
