package app

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/veil/veil/fingerprint"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/outfile"
	"codeberg.org/veil/veil/photo"
)

// batchState is where one file of a batch stands.
type batchState int

const (
	batchWaiting batchState = iota
	batchWorking
	batchDone
	batchFailed
	batchCancelled
)

// batchItem is one file in the batch list.
type batchItem struct {
	Path   string
	State  batchState
	Detail string // output name, hash summary or the error
}

// batchPanel is the "Many photos" view: a list of files with per-file
// status, a progress bar, cancel, and clean all or hash all.
type batchPanel struct {
	u       *ui
	content fyne.CanvasObject

	items   []batchItem
	hashes  []fingerprint.Result
	running bool
	cancel  context.CancelFunc

	list     *widget.List
	summary  *widget.Label
	progress *widget.ProgressBar
	cleanBtn *keyButton
	hashBtn  *keyButton
	stopBtn  *keyButton
	clearBtn *keyButton
	report   *keyButton
	locOnly  *keyCheck
}

func newBatchPanel(u *ui) *batchPanel {
	b := &batchPanel{u: u}
	b.list = widget.NewList(
		func() int { return len(b.items) },
		func() fyne.CanvasObject {
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			detail := widget.NewLabel("")
			detail.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.FileImageIcon()), nil,
				container.NewGridWithColumns(2, name, detail))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			it := b.items[i]
			c := o.(*fyne.Container)
			grid := c.Objects[0].(*fyne.Container)
			icon := c.Objects[1].(*widget.Icon)
			grid.Objects[0].(*widget.Label).SetText(filepath.Base(it.Path))
			grid.Objects[1].(*widget.Label).SetText(stateText(it))
			icon.SetResource(stateIcon(it.State))
		},
	)
	addFiles := u.button(lang.L("Add photos…"), theme.ContentAddIcon(), b.chooseFile)
	addFolder := u.button(lang.L("Add a folder…"), theme.FolderOpenIcon(), func() {
		u.pickFolder("", func(dir string) { b.AddPaths([]string{dir}) })
	})
	b.clearBtn = u.button(lang.L("Clear list"), theme.ContentClearIcon(), b.Clear)
	b.summary = widget.NewLabel(lang.L("Add photos or a folder, or drop them onto this window."))
	b.progress = widget.NewProgressBar()
	b.locOnly = u.check(lang.L("Only remove location"), nil)
	b.cleanBtn = u.button(lang.L("Clean all…"), theme.DocumentSaveIcon(), b.chooseCleanAll)
	b.cleanBtn.Importance = widget.HighImportance
	b.hashBtn = u.button(lang.L("Hash all"), theme.ListIcon(), b.HashAll)
	b.stopBtn = u.button(lang.L("Cancel"), theme.CancelIcon(), b.Cancel)
	b.report = u.button(lang.L("Save hash report…"), theme.DocumentSaveIcon(), b.saveReport)
	top := container.NewHBox(addFiles, addFolder, b.clearBtn)
	bottom := container.NewVBox(b.summary, b.progress,
		container.NewBorder(nil, nil, b.locOnly, container.NewHBox(b.stopBtn, b.report, b.hashBtn, b.cleanBtn)))
	b.content = container.NewBorder(container.NewPadded(top), container.NewPadded(bottom), nil, nil, b.list)
	b.update()
	return b
}

func stateText(it batchItem) string {
	switch it.State {
	case batchWorking:
		return lang.L("Working…")
	case batchDone, batchFailed:
		return it.Detail
	case batchCancelled:
		return lang.L("Cancelled")
	}
	return lang.L("Waiting")
}

func stateIcon(s batchState) fyne.Resource {
	switch s {
	case batchDone:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case batchFailed:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case batchWorking:
		return theme.ViewRefreshIcon()
	case batchCancelled:
		return theme.CancelIcon()
	}
	return theme.FileImageIcon()
}

// update enables the buttons for the current state.
func (b *batchPanel) update() {
	has := len(b.items) > 0
	setEnabled(b.cleanBtn, has && !b.running)
	setEnabled(b.hashBtn, has && !b.running)
	setEnabled(b.clearBtn, has && !b.running)
	setEnabled(b.stopBtn, b.running)
	setEnabled(b.report, !b.running && len(b.hashes) > 0)
	b.list.Refresh()
}

// Add appends files (duplicates are skipped).
func (b *batchPanel) Add(files []string) {
	if b.running {
		return
	}
	for _, f := range files {
		if !slices.ContainsFunc(b.items, func(it batchItem) bool { return it.Path == f }) {
			b.items = append(b.items, batchItem{Path: f})
		}
	}
	b.summary.SetText(fmt.Sprintf(lang.L("%d photos in the list."), len(b.items)))
	b.hashes = nil
	b.update()
}

// AddPaths adds files and the images inside folders.
func (b *batchPanel) AddPaths(paths []string) {
	files, err := mediaFiles(paths)
	b.Add(files)
	if err != nil {
		b.u.showError(err)
	}
}

// Clear empties the list.
func (b *batchPanel) Clear() {
	if b.running {
		return
	}
	b.items, b.hashes = nil, nil
	b.progress.SetValue(0)
	b.summary.SetText(lang.L("Add photos or a folder, or drop them onto this window."))
	b.update()
}

// chooseFile shows Veil's file browser for one or more photos.
func (b *batchPanel) chooseFile() {
	b.u.browse(browseAdd, "", b.Add)
}

// Cancel stops a running batch after the files in progress; files not
// started are marked cancelled. Finished outputs stay (each is complete and
// verified).
func (b *batchPanel) Cancel() {
	if b.cancel != nil {
		b.cancel()
	}
}

// begin marks every file waiting and starts the progress bar.
func (b *batchPanel) begin() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	b.running = true
	b.hashes = nil
	for i := range b.items {
		b.items[i].State, b.items[i].Detail = batchWaiting, ""
	}
	b.progress.Max = float64(len(b.items))
	b.progress.SetValue(0)
	b.update()
	return ctx
}

func (b *batchPanel) finish(ctx context.Context, what string) {
	b.running = false
	ok, failed, cancelled := 0, 0, 0
	for i := range b.items {
		switch b.items[i].State {
		case batchDone:
			ok++
		case batchFailed:
			failed++
		default:
			b.items[i].State = batchCancelled
			cancelled++
		}
	}
	msg := fmt.Sprintf(what, ok, len(b.items))
	if failed > 0 {
		msg += " " + fmt.Sprintf(lang.L("%d could not be done (see the list)."), failed)
	}
	if cancelled > 0 {
		msg += " " + fmt.Sprintf(lang.L("%d cancelled."), cancelled)
	}
	b.summary.SetText(msg)
	b.cancel()
	b.update()
}

// chooseCleanAll asks for the output folder, then cleans every file into it.
func (b *batchPanel) chooseCleanAll() {
	start := ""
	if len(b.items) > 0 {
		start = filepath.Dir(b.items[0].Path)
	}
	b.u.pickFolder(start, b.CleanAll)
}

// cleanWriters bounds the verified writes of "Clean all" under way while
// the next photo is cleaned. Cleaning goes one photo at a time, so memory
// stays at one decode; each write then mostly waits for its own sync, and
// those waits overlap instead of adding up.
const cleanWriters = 4

// CleanAll writes a verified clean copy of every file into dir, under a
// neutral name, never over anything.
func (b *batchPanel) CleanAll(dir string) {
	if b.running || len(b.items) == 0 {
		return
	}
	ctx := b.begin()
	opt := metadata.Options{Mode: metadata.All}
	if b.locOnly.Checked {
		opt.Mode = metadata.LocationOnly
	}
	eng := b.u.eng
	paths := make([]string, len(b.items))
	for i, it := range b.items {
		paths[i] = it.Path
	}
	b.summary.SetText(lang.L("Cleaning…"))
	b.u.goJob(func() {
		var done atomic.Int64
		report := func(i int, name string, err error) {
			n := done.Add(1)
			b.u.do(func() {
				if err != nil {
					b.set(i, batchFailed, err.Error())
				} else {
					b.set(i, batchDone, "→ "+name)
				}
				b.progress.SetValue(float64(n))
			})
		}
		slots := make(chan struct{}, cleanWriters)
		var writes sync.WaitGroup
		for i, p := range paths {
			if ctx.Err() != nil {
				break
			}
			b.u.do(func() { b.set(i, batchWorking, "") })
			res, err := cleanBytes(eng, p, opt)
			if err != nil {
				report(i, "", err)
				continue
			}
			slots <- struct{}{}
			writes.Add(1)
			b.u.goJob(func() {
				defer func() { <-slots; writes.Done() }()
				name, err := saveClean(eng, p, dir, res, opt)
				report(i, name, err)
			})
		}
		writes.Wait()
		outfile.SyncDirs()
		b.u.do(func() { b.finish(ctx, lang.L("Cleaned %d of %d photos; each copy was checked.")) })
	})
}

// cleanBytes reads one file and cleans it in memory.
func cleanBytes(eng engines, path string, opt metadata.Options) (*metadata.Result, error) {
	b, err := photo.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return eng.clean(b, opt)
}

// saveClean writes a cleaned copy of the file at path into dir under a
// neutral name; it gets that name only once the bytes read back from disk
// pass eng.verify.
func saveClean(eng engines, path, dir string, res *metadata.Result, opt metadata.Options) (string, error) {
	out := outfile.Available(filepath.Join(dir, outfile.NeutralName(res.Format.Ext())))
	check := func(written []byte) error { return eng.verify(written, opt) }
	if err := outfile.WriteChecked(out, res.Data, outfile.Options{Input: path, DeferDirSync: true}, check); err != nil {
		return "", saveError(err)
	}
	return filepath.Base(out), nil
}

func (b *batchPanel) set(i int, s batchState, detail string) {
	if i < len(b.items) {
		b.items[i].State, b.items[i].Detail = s, detail
		b.list.RefreshItem(i)
	}
}

// HashAll hashes every file (two at a time) from its original bytes.
func (b *batchPanel) HashAll() {
	if b.running || len(b.items) == 0 {
		return
	}
	ctx := b.begin()
	paths := make([]string, len(b.items))
	for i, it := range b.items {
		paths[i] = it.Path
	}
	b.summary.SetText(lang.L("Hashing…"))
	b.u.goJob(func() {
		res := fingerprint.HashAll(ctx, paths, fingerprint.Options{Dihedral: true}, 2, func(done, total int) {
			b.u.do(func() { b.progress.SetValue(float64(done)) })
		})
		b.u.do(func() {
			var kept []fingerprint.Result
			for i, r := range res {
				switch {
				case r.Error == "cancelled":
				case r.Error != "":
					b.set(i, batchFailed, r.Error)
				default:
					b.set(i, batchDone, hashSummary(r))
					kept = append(kept, r)
				}
			}
			b.finish(ctx, lang.L("Hashed %d of %d photos."))
			b.hashes = kept
			b.update()
		})
	})
}

func (b *batchPanel) saveReport() {
	if len(b.hashes) == 0 {
		return
	}
	b.u.exportReport(b.hashes, 0, false, filepath.Dir(b.items[0].Path))
}
