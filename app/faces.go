package app

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2/lang"
)

// startDetect looks for faces in the background, on the detection copy;
// found faces become regions (in full-resolution pixels), added as one
// undoable step.
func (u *ui) startDetect(gen int, d *document) {
	ctx := u.ctx
	work := d.work
	d.work = nil // the detector's copy is not kept once it has run
	u.busyStart(lang.L("Looking for faces…"))
	u.goJob(func() {
		boxes, err := u.eng.detect(ctx, work)
		if err == nil {
			size := work.Bounds().Size()
			for i, b := range boxes {
				boxes[i] = scaleRect(b, size, image.Pt(d.W, d.H))
			}
		}
		work = nil
		releaseMemory()
		u.do(func() {
			if gen != u.gen {
				return
			}
			u.detected = true
			u.timings.mark("detected")
			if err != nil {
				u.busyStop(fmt.Sprintf(lang.L("Face finding did not run (%v). Add areas by dragging on the photo."), err))
				return
			}
			rs := append([]region(nil), u.hist.Regions()...)
			for _, b := range boxes {
				r := u.newRegion(b.Intersect(image.Rect(0, 0, d.W, d.H)))
				r.Found = true
				if !r.Rect.Empty() {
					rs = append(rs, r)
				}
			}
			if len(boxes) > 0 {
				u.hist.Set(rs)
				u.editor.Refresh()
			}
			u.busyStop(faceMessage(len(boxes)))
			u.regionsChanged()
		})
	})
}

func faceMessage(n int) string {
	switch n {
	case 0:
		return lang.L("No faces found. Drag on the photo to mark anything you want covered.")
	case 1:
		return lang.L("1 face found and marked for covering. Check the photo: drag to mark anything the finder missed.")
	}
	return fmt.Sprintf(lang.L("%d faces found and marked for covering. Check the photo: drag to mark anything the finder missed."), n)
}
