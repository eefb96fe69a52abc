package app

import (
	"fmt"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/veil/veil/fingerprint"
)

// vpdqSecondsPerHash is how often vPDQ hashes a frame: pytx's default, one
// a second, which is what organisations running Meta's matcher store.
const vpdqSecondsPerHash = 1

// startVideo hashes the open video's file, streamed from disk (MD5 and
// SHA-256, and Meta's vPDQ when asked), with progress and Cancel.
func (h *hashPanel) startVideo(v *videoDoc, withVPDQ bool) {
	u := h.u
	gen := u.gen
	h.running = true
	h.rows.RemoveAll()
	h.export.Disable()
	t := h.task.Start(u.ctx, lang.L("Reading the whole video for its hashes…"))
	opt := fingerprint.Options{}
	if withVPDQ {
		opt.VideoPDQ = &fingerprint.VideoPDQOptions{SecondsPerHash: vpdqSecondsPerHash}
	}
	step := fingerprint.StepReading
	opt.Progress = func(p fingerprint.Progress) {
		if p.Step != step { // one goroutine reports, in order
			step = p.Step
			u.do(func() {
				if h.task.Running() {
					h.task.label.SetText(lang.L("Decoding the video for its vPDQ hash…"))
				}
			})
		}
		t.progress(p.Done, p.Total)
	}
	u.goJob(func() {
		r := u.eng.hashFile(t.ctx, v.Path, opt)
		cancelled := t.ctx.Err() != nil
		u.do(func() {
			t.end()
			if gen != u.gen {
				return
			}
			h.running = false
			if cancelled {
				h.stopped(v)
				return
			}
			h.gen = gen
			h.result = &r
			h.showVideo(v, r)
		})
	})
}

// stopped says the hashing was cancelled and offers to start it again.
func (h *hashPanel) stopped(v *videoDoc) {
	h.rows.RemoveAll()
	h.rows.Add(wrapLabel(lang.L("Hashing was cancelled.")))
	again := h.u.button(lang.L("Compute the hashes"), theme.MediaPlayIcon(), func() { h.startVideo(v, false) })
	h.rows.Add(container.NewHBox(again))
}

// showVideo lays out a video's hashes: the MD5 the services take first,
// with what it can and cannot match in plain words, then SHA-256, and vPDQ
// on request.
func (h *hashPanel) showVideo(v *videoDoc, r fingerprint.Result) {
	h.rows.RemoveAll()
	if r.Error != "" {
		h.rows.Add(wrapLabel(fmt.Sprintf(lang.L("Not every hash could be computed: %s"), r.Error)))
	}
	if r.MD5 == "" {
		return
	}
	h.rows.Add(h.row(lang.L("StopNCII.org and Take It Down video hash (MD5 of the exact file)"), r.MD5))
	note := wrapLabel(lang.L("A video's MD5 matches only a byte-identical copy of that exact file. A copy sent through a messaging app, trimmed, converted or screen-recorded has different bytes and a different MD5: hash every copy you have. Never hash a cleaned or redacted copy for a report; report the original."))
	note.Importance = widget.WarningImportance
	h.rows.Add(note)
	h.rows.Add(h.row(lang.L("File fingerprint (SHA-256)"), r.SHA256))
	details := container.NewVBox()
	if r.VPDQ != nil {
		t := widget.NewLabel(lang.L("vPDQ (Meta's video hash, frame by frame)"))
		t.TextStyle.Bold = true
		details.Add(t)
		details.Add(wrapLabel(fmt.Sprintf(lang.L("%d frame hashes, one a second; %d of them good enough for matching. The report (JSON) holds them all."), len(r.VPDQ.Frames), r.VPDQ.Usable)))
	} else {
		add := h.u.button(lang.L("Add a vPDQ hash…"), theme.ContentAddIcon(), func() { h.startVideo(v, true) })
		details.Add(wrapLabel(lang.L("Some organisations match videos by Meta's vPDQ hash, a fingerprint of the frames that survives re-encoding. The reporting services above do not take it. Veil decodes the whole video for it, which takes a while.")))
		details.Add(container.NewHBox(add))
	}
	for _, w := range r.Warnings {
		details.Add(wrapLabel(w))
	}
	details.Add(wrapLabel(fmt.Sprintf(lang.L("Size: %d bytes"), r.Size)))
	acc := widget.NewAccordion(widget.NewAccordionItem(lang.L("Details"), details))
	if r.VPDQ != nil {
		acc.Open(0)
	}
	h.rows.Add(acc)
	h.export.Enable()
}
