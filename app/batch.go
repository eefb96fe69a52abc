package app

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

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

// batchPanel is the "Many files" view: a list of photos and videos with
// per-file status, a progress bar, cancel, and clean all or hash all.
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
			return container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), nil,
				container.NewGridWithColumns(2, name, detail))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			it := b.items[i]
			c := o.(*fyne.Container)
			grid := c.Objects[0].(*fyne.Container)
			icon := c.Objects[1].(*widget.Icon)
			grid.Objects[0].(*widget.Label).SetText(filepath.Base(it.Path))
			grid.Objects[1].(*widget.Label).SetText(stateText(it))
			icon.SetResource(stateIcon(it))
		},
	)
	addFiles := u.button(lang.L("Add files…"), theme.ContentAddIcon(), b.chooseFile)
	addFolder := u.button(lang.L("Add a folder…"), theme.FolderOpenIcon(), func() {
		u.pickFolder("", func(dir string) { b.AddPaths([]string{dir}) })
	})
	b.clearBtn = u.button(lang.L("Clear list"), theme.ContentClearIcon(), b.Clear)
	b.summary = widget.NewLabel(lang.L("Add photos and videos or a folder, or drop them onto this window."))
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

func stateIcon(it batchItem) fyne.Resource {
	switch it.State {
	case batchDone:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case batchFailed:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case batchWorking:
		return theme.ViewRefreshIcon()
	case batchCancelled:
		return theme.CancelIcon()
	}
	if fingerprint.IsVideoName(it.Path) {
		return theme.MediaVideoIcon()
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
	b.summary.SetText(fmt.Sprintf(lang.L("%d files in the list."), len(b.items)))
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
	b.summary.SetText(lang.L("Add photos and videos or a folder, or drop them onto this window."))
	b.update()
}

// chooseFile shows Veil's file browser for one or more photos or videos.
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
// neutral name, never over anything. Photos are cleaned in memory one at a
// time, their writes overlapping; a video is streamed from its file to its
// copy, and the bar moves while it is.
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
	paths := b.paths()
	prog := b.newProgress(len(paths))
	b.summary.SetText(lang.L("Cleaning…"))
	b.u.goJob(func() {
		report := func(i int, name string, err error) {
			prog.set(i, 1)
			b.u.do(func() {
				if err != nil {
					b.set(i, batchFailed, err.Error())
				} else {
					b.set(i, batchDone, "→ "+name)
				}
			})
		}
		slots := make(chan struct{}, cleanWriters)
		var writes sync.WaitGroup
		for i, p := range paths {
			if ctx.Err() != nil {
				break
			}
			b.u.do(func() { b.set(i, batchWorking, "") })
			if kind, _ := sniffFile(p); kind == kindVideo {
				name, err := b.cleanVideo(ctx, p, dir, opt, func(done, total int64) {
					if total > 0 {
						prog.set(i, float64(done)/float64(total))
					}
				})
				if err != nil && ctx.Err() != nil {
					break // cancelled: finish marks it so
				}
				report(i, name, err)
				continue
			}
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
		b.u.do(func() { b.finish(ctx, lang.L("Cleaned %d of %d files; each copy was checked.")) })
	})
}

// cleanVideo streams a verified clean copy of the video at path into dir
// under a neutral name and returns that name.
func (b *batchPanel) cleanVideo(ctx context.Context, path, dir string, opt metadata.Options, progress func(done, total int64)) (string, error) {
	out := outfile.Available(filepath.Join(dir, neutralVideoName(path)))
	b.u.writes.Add(1)
	defer b.u.writes.Done()
	if _, err := b.u.eng.cleanVideo(ctx, path, out, opt, progress); err != nil {
		return "", saveError(err)
	}
	return filepath.Base(out), nil
}

// paths lists the files of the batch.
func (b *batchPanel) paths() []string {
	ps := make([]string, len(b.items))
	for i, it := range b.items {
		ps[i] = it.Path
	}
	return ps
}

// batchProgress is the progress bar of a batch: every finished file counts
// one, a file under way the part of it done (a long video moves the bar).
// Any goroutine may report; the bar is redrawn at most every progressEvery.
type batchProgress struct {
	b    *batchPanel
	mu   sync.Mutex
	part []float64
	last time.Time
}

func (b *batchPanel) newProgress(n int) *batchProgress {
	return &batchProgress{b: b, part: make([]float64, n)}
}

// set records that file i is frac done (1: finished).
func (p *batchProgress) set(i int, frac float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.part[i] = min(1, frac)
	now := time.Now()
	if frac < 1 && now.Sub(p.last) < progressEvery {
		return
	}
	p.last = now
	v := 0.0
	for _, f := range p.part {
		v += f
	}
	p.b.u.do(func() {
		if p.b.running {
			p.b.progress.SetValue(v)
		}
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

// hashWorkers is how many files Hash all reads at once.
const hashWorkers = 2

// HashAll hashes every file (two at a time) from its original bytes: photos
// decoded for PDQ, videos streamed from disk. Each row shows its hashes as
// soon as they are done.
func (b *batchPanel) HashAll() {
	if b.running || len(b.items) == 0 {
		return
	}
	ctx := b.begin()
	paths := b.paths()
	prog := b.newProgress(len(paths))
	eng := b.u.eng
	b.summary.SetText(lang.L("Hashing…"))
	b.u.goJob(func() {
		res := make([]fingerprint.Result, len(paths))
		ok := make([]bool, len(paths))
		jobs := make(chan int)
		var wg sync.WaitGroup
		for range min(hashWorkers, len(paths)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range jobs {
					if ctx.Err() != nil {
						continue // left waiting: finish marks it cancelled
					}
					b.u.do(func() { b.set(i, batchWorking, "") })
					opt := fingerprint.Options{Dihedral: true, Progress: func(p fingerprint.Progress) {
						if p.Total > 0 {
							prog.set(i, float64(p.Done)/float64(p.Total))
						}
					}}
					r := eng.hashFile(ctx, paths[i], opt)
					if ctx.Err() != nil {
						continue
					}
					res[i], ok[i] = r, r.Error == ""
					prog.set(i, 1)
					b.u.do(func() {
						if r.Error != "" {
							b.set(i, batchFailed, r.Error)
						} else {
							b.set(i, batchDone, hashSummary(r))
						}
					})
				}
			}()
		}
		for i := range paths {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		var kept []fingerprint.Result
		for i, r := range res {
			if ok[i] {
				kept = append(kept, r)
			}
		}
		b.u.do(func() {
			b.finish(ctx, lang.L("Hashed %d of %d files."))
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
