package app

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/outfile"
)

// saveCleanVideo asks where to save, then streams a clean copy of the open
// video there. The engine writes it, has the independent verifier read the
// written file and only then gives it its name; Cancel, a new file opened
// or quick exit leave nothing behind.
func (u *ui) saveCleanVideo() {
	v := u.vdoc
	if v == nil || u.vpane.task.Running() {
		return
	}
	opt := metadata.Options{Mode: metadata.All}
	u.pickSave(folderOf(v.Path), neutralVideoName(v.Path), func(path string) {
		if u.vdoc != v { // another file was opened meanwhile
			return
		}
		t := u.vpane.task.Start(u.ctx, lang.L("Writing a clean copy…"))
		progress := func(done, total int64) {
			t.progress(done, total)
			if total > 0 && done == total {
				// The engine now reads the copy back and verifies it.
				t.say(lang.L("Checking the clean copy…"))
			}
		}
		u.updateControls()
		u.writes.Add(1)
		u.goJob(func() {
			defer u.writes.Done()
			res, err := u.eng.cleanVideo(t.ctx, v.Path, path, opt, progress)
			cancelled := t.ctx.Err() != nil
			u.do(func() {
				t.end()
				u.updateControls()
				switch {
				case err == nil:
					u.timings.mark("saved and checked")
					u.status.SetText(fmt.Sprintf(lang.L("Saved %s."), filepath.Base(path)))
					done := dialog.NewCustom(lang.L("Saved"), lang.L("OK"), u.withExit(wrapLabel(cleanMessage(kindVideo, filepath.Base(path), res))), u.win)
					done.Resize(fyne.NewSize(600, 320))
					done.Show()
				case cancelled:
					u.status.SetText(lang.L("Cancelled. No copy was saved."))
				default:
					u.status.SetText("")
					u.showError(fmt.Errorf("%s: %w", v.Name, saveError(err)))
				}
			})
		})
	})
}

// neutralVideoName is a name for a video's copy that says nothing about the
// original ("video-" and random digits), with the original's extension when
// the copy keeps its container; others (MKV, AVI, MTS) are copied into an
// MP4.
func neutralVideoName(orig string) string {
	ext := strings.ToLower(filepath.Ext(orig))
	if !metadata.IsVideoName(orig) {
		ext = ".mp4"
	}
	return "video-" + strings.TrimPrefix(outfile.NeutralName(ext), "photo-")
}
