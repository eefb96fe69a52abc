// Package app is Veil's desktop user interface, and the only package that knows Fyne.
//
// It drives the engines (photo, metadata, redact, fingerprint, outfile) and
// adds no logic of its own to theirs. Every engine call runs in a goroutine;
// results reach widgets through fyne.Do. Before Fyne starts, Run redirects
// every file Fyne, its font index and the GL driver would write into a private
// folder that is removed on every way out (see internal/notrace).
package app

import (
	"context"
	"fmt"
	"image"
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/veil/veil/assets"
	"codeberg.org/veil/veil/internal/notrace"
	"codeberg.org/veil/veil/metadata"
)

// AppID is the application identifier in FyneApp.toml (for packaging). It
// is deliberately not given to Fyne at run time: without an ID Fyne keeps its
// preferences (the file dialog's last folder, for one) in memory only and
// starts no file watcher that could recreate the private folder after it is
// removed.
const AppID = "org.veil.app"

// Run starts the desktop app with the given files opened and returns the exit status.
func Run(files []string) int {
	tr, err := notrace.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "veil:", err)
		return 1
	}
	defer tr.Remove()
	limitMemory()
	loadTranslations()
	icon := fyne.NewStaticResource("icon.png", assets.Icon)
	// A name but no ID: Fyne then neither reads FyneApp.toml nor persists
	// preferences.
	fyneapp.SetMetadata(fyne.AppMetadata{Name: "Veil", Icon: icon})
	a := fyneapp.New()
	a.SetIcon(icon)
	st := loadSettings(tr.RealConfig)
	applyTheme(a)
	w, err := openWindow(a, "Veil")
	if err != nil {
		fmt.Fprintln(os.Stderr, "veil:", err)
		return 1
	}
	u := newUI(a, w, defaultEngines(), tr, os.Exit)
	// The system's own clipboard where Veil must write it itself (Windows:
	// copies kept out of clipboard history), and its copied-file lists.
	u.clip.cb = systemClipboard(w, u.clip.cb)
	u.clipFiles = copiedFiles
	u.settings = st
	u.applySettings()
	tr.OnSignal(func() {
		// Clean up even if the UI thread is stuck; the signal means "go now".
		go func() { time.Sleep(500 * time.Millisecond); tr.Remove(); os.Exit(1) }()
		fyne.Do(u.quickExit)
	})
	w.Resize(fyne.NewSize(1200, 780))
	// Files from the command line open once the window is up, so that it
	// appears at once and the photo's work does not compete with its first paint.
	a.Lifecycle().SetOnStarted(func() {
		u.timings.mark("window shown")
		if err := u.openPaths(files); err != nil {
			u.showError(err)
		}
	})
	u.timings.mark("show")
	stop := make(chan struct{})
	probe := u.timings.startStallProbe(fyne.DoAndWait, stop)
	w.ShowAndRun()
	close(stop)
	probe.report()
	u.shutdown()
	return 0
}

// ui is the state of one window. Its fields are touched only on Fyne's UI
// goroutine; background work gets copies and reports back through fyne.Do.
type ui struct {
	app      fyne.App
	win      fyne.Window
	eng      engines
	trace    *notrace.Session
	exit     func(int)
	now      func() time.Time
	clip     *guardedClipboard
	shift    shiftCounter
	quitOnce sync.Once
	settings settings
	timings  *timings
	// pickSave asks where to save a copy and pickFolder for a folder
	// (chooseSave and chooseFolder; tests answer directly).
	pickSave   func(dir, suggested string, save func(path string))
	pickFolder func(start string, chosen func(dir string))
	// clipImage reads a picture from the system clipboard (readClipImage;
	// tests put their own there). It blocks, so it runs in the background.
	clipImage func() ([]byte, error)
	// clipFiles lists files copied in the system's file manager that the
	// clipboard's text does not name (Explorer's file lists); nil in tests.
	clipFiles func() []string
	// keys holds the window's shortcuts for widgets that pass theirs on.
	keys fyne.ShortcutHandler

	jobs sync.WaitGroup // background work, so tests can wait for it
	// writes counts streamed writes of large files under way (a video's
	// clean copy), which quick exit gives a moment to remove their
	// temporary file.
	writes sync.WaitGroup
	// do runs f on the UI goroutine: fyne.Do. (Fyne's test driver runs f
	// at once on the caller's goroutine; tests serialise it instead.)
	do func(f func())

	// The open photo or video. gen changes on every open; results of work
	// started for an earlier file are dropped. doc is the open photo, vdoc
	// the open video; at most one of them is set.
	gen      int
	ctx      context.Context
	cancel   context.CancelFunc
	doc      *document
	vdoc     *videoDoc
	report   *metadata.Report
	cleaned  *metadata.Result
	cleanErr error
	hist     history
	detected bool
	busyN    int

	editor      *regionEditor
	placeholder fyne.CanvasObject
	vpane       *videoPane
	// redactVideo opens the video at path for face redaction. It is the
	// one place where the video redaction panel hooks in (it sets it); while
	// it is nil the video view shows no "Redact faces…" button.
	redactVideo func(path string)
	redactBtn   *keyButton
	tools       fyne.CanvasObject
	status      *widget.Label
	busy        *pulse
	title       *widget.Label
	shapeSel    *keySelect
	styleSel    *keySelect
	afterCheck  *keyCheck
	locOnly     *keyCheck
	undoBtn     *keyButton
	redoBtn     *keyButton
	deleteBtn   *keyButton
	saveClean   *keyButton
	saveRedact  *keyButton
	inspectBox  *fyne.Container
	// reportGen counts reports shown, so a stale report stops filling the panel.
	reportGen int
	hashPanel *hashPanel
	batch     *batchPanel
	tabs      *container.AppTabs
	sideTabs  *container.AppTabs
	photoTab  *container.TabItem
	batchTab  *container.TabItem
	// vredact is the video redaction panel (vredact.go), in its own tab
	// shown once a video is opened for redaction.
	vredact    *vredactPanel
	vredactTab *container.TabItem
}

// newUI builds Veil's interface into w. trace may be nil (tests); exit ends
// the process (os.Exit in the real app).
func newUI(a fyne.App, w fyne.Window, eng engines, tr *notrace.Session, exit func(int)) *ui {
	u := &ui{app: a, win: w, eng: eng, trace: tr, exit: exit, now: time.Now, timings: newTimings(), do: fyne.Do}
	u.ctx, u.cancel = context.WithCancel(context.Background())
	u.clip = newGuardedClipboard(a.Clipboard())
	u.clip.do = func(f func()) { u.do(f) }
	u.pickSave, u.pickFolder = u.chooseSave, u.chooseFolder
	u.clipImage = readClipImage
	w.SetTitle("Veil")
	w.SetContent(withWarmUp(u.build()))
	w.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { u.dropped(uris) })
	w.SetCloseIntercept(func() {
		u.shutdown()
		a.Quit()
	})
	c := w.Canvas()
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		if u.editor.img != nil {
			u.editor.TypedKey(e)
		}
	})
	c.SetOnTypedRune(func(r rune) {
		if u.editor.img != nil {
			u.editor.TypedRune(r)
		}
	})
	if dc, ok := c.(desktop.Canvas); ok {
		dc.SetOnKeyDown(u.keyDown)
	}
	ctrl := func(k fyne.KeyName) *desktop.CustomShortcut {
		return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
	}
	// Each shortcut is registered with the window and with u.keys: Fyne
	// gives a shortcut only to the focused widget when that widget takes
	// shortcuts, so the photo editor passes on the ones it does not use.
	shortcut := func(s fyne.Shortcut, f func()) {
		c.AddShortcut(s, func(fyne.Shortcut) { f() })
		u.keys.AddShortcut(s, func(fyne.Shortcut) { f() })
	}
	shortcut(&fyne.ShortcutUndo{}, u.editor.Undo)
	shortcut(&fyne.ShortcutRedo{}, u.editor.Redo)
	shortcut(&fyne.ShortcutPaste{}, u.paste)
	shortcut(ctrl(fyne.KeyO), u.chooseOpen)
	shortcut(ctrl(fyne.KeyS), u.saveRedacted)
	shortcut(ctrl(fyne.KeyQ), func() { u.shutdown(); a.Quit() })
	u.editor.otherShortcut = u.keys.TypedShortcut
	return u
}

// shutdown is the normal way out: stop work, take our hashes off the
// clipboard and remove the private folder.
func (u *ui) shutdown() {
	u.cancelAll()
	u.clip.ClearOurs()
	u.trace.Remove()
}

// cancelAll stops background work for the open photo and the batch.
func (u *ui) cancelAll() {
	if u.cancel != nil {
		u.cancel()
	}
	if u.batch != nil {
		u.batch.Cancel()
	}
	if u.vredact != nil {
		u.vredact.Cancel() // an encode stops; a checked copy not yet saved is dropped
	}
}

// build lays out the window: a top bar with the always-visible quick exit,
// then the photo view (editor and side panels) and the batch view as tabs.
func (u *ui) build() fyne.CanvasObject {
	openBtn := u.button(lang.L("Open photo or video…"), theme.FolderOpenIcon(), u.chooseOpen)
	openBtn.Importance = widget.HighImportance
	pasteBtn := u.button(lang.L("Paste"), theme.ContentPasteIcon(), u.paste)
	// The shortcut is part of the button's label so that every user sees it.
	quit := u.button(lang.L("Quick exit (Shift ×3)"), theme.LogoutIcon(), u.quickExit)
	quit.Importance = widget.DangerImportance
	about := u.button(lang.L("About"), theme.InfoIcon(), u.showAbout)
	settingsBtn := u.button(lang.L("Settings"), theme.SettingsIcon(), u.showSettings)
	top := container.NewBorder(nil, nil, container.NewHBox(openBtn, pasteBtn), container.NewHBox(settingsBtn, about, quit))

	u.photoTab = container.NewTabItemWithIcon(lang.L("Photo"), theme.FileImageIcon(), u.buildPhoto())
	u.batch = newBatchPanel(u)
	u.batchTab = container.NewTabItemWithIcon(lang.L("Many files"), theme.ListIcon(), u.batch.content)
	u.tabs = container.NewAppTabs(u.photoTab, u.batchTab)
	u.vredact = newVredactPanel(u)
	u.redactVideo = u.vredact.show
	return container.NewBorder(container.NewPadded(top), nil, nil, nil, u.tabs)
}

func (u *ui) buildPhoto() fyne.CanvasObject {
	u.editor = newRegionEditor(&u.hist)
	u.editor.onKey = u.keyDown
	u.editor.onChange = u.regionsChanged
	u.editor.newRegion = u.newRegion
	u.editor.background = u.goJob
	u.editor.do = func(f func()) { u.do(f) }

	hint := wrapLabel(lang.L("Open a photo or a video to begin. You can also drag one onto this window, or paste it."))
	hint.Alignment = fyne.TextAlignCenter
	bigOpen := u.button(lang.L("Open photo or video…"), theme.FolderOpenIcon(), u.chooseOpen)
	bigOpen.Importance = widget.HighImportance
	u.placeholder = container.NewCenter(container.NewVBox(
		widget.NewIcon(theme.FileImageIcon()), hint, container.NewCenter(bigOpen)))

	u.title = widget.NewLabel("")
	u.title.TextStyle.Bold = true
	u.title.Truncation = fyne.TextTruncateEllipsis
	u.busy = newPulse(func(f func()) { u.do(f) })
	u.busy.Hide()
	u.status = widget.NewLabel("")
	u.status.Wrapping = fyne.TextWrapWord

	addBtn := u.button(lang.L("Add area"), theme.ContentAddIcon(), func() { u.editor.TypedRune('n') })
	u.deleteBtn = u.button(lang.L("Remove area"), theme.DeleteIcon(), u.editor.DeleteSelected)
	u.undoBtn = u.button("", theme.ContentUndoIcon(), u.editor.Undo)
	u.redoBtn = u.button("", theme.ContentRedoIcon(), u.editor.Redo)
	u.shapeSel = u.selector([]string{lang.L("Rectangle"), lang.L("Oval")}, func(string) { u.styleChanged() })
	u.shapeSel.SetSelectedIndex(0)
	u.styleSel = u.selector([]string{lang.L("Solid (safest)"), lang.L("Pixelate"), lang.L("Blur (weakest)")}, func(string) { u.styleChanged() })
	u.styleSel.SetSelectedIndex(0)
	u.afterCheck = u.check(lang.L("Show result"), func(bool) { u.refreshAfter() })
	u.tools = container.NewVBox(
		container.NewHBox(addBtn, u.deleteBtn, u.undoBtn, u.redoBtn, u.afterCheck),
		container.NewHBox(u.shapeSel, u.styleSel))
	u.vpane = u.newVideoPane()

	u.locOnly = u.check(lang.L("Only remove location"), nil)
	u.saveClean = u.button(lang.L("Save clean copy…"), theme.DocumentSaveIcon(), u.saveCleanCopy)
	u.saveRedact = u.button(lang.L("Save redacted copy…"), theme.DocumentSaveIcon(), u.saveRedacted)
	u.saveRedact.Importance = widget.HighImportance
	u.redactBtn = u.button(lang.L("Redact faces…"), theme.VisibilityOffIcon(), u.redactFaces)
	u.redactBtn.Hide()

	u.inspectBox = container.NewVBox(wrapLabel(lang.L("Open a photo or a video to see what it reveals.")))
	u.hashPanel = newHashPanel(u)
	inspectTab := container.NewTabItem(lang.L("What it reveals"), container.NewVScroll(container.NewPadded(u.inspectBox)))
	hashTab := container.NewTabItem(lang.L("Hash for reporting"), u.hashPanel.content)
	u.sideTabs = container.NewAppTabs(inspectTab, hashTab)
	u.sideTabs.OnSelected = func(t *container.TabItem) {
		if t == hashTab {
			u.hashPanel.Start()
		}
	}
	saveRow := container.NewVBox(u.locOnly, u.saveClean, u.saveRedact, u.redactBtn)
	side := container.NewBorder(nil, container.NewPadded(saveRow), nil, nil, u.sideTabs)

	statusRow := container.NewBorder(nil, nil, u.busy, nil, u.status)
	left := container.NewBorder(container.NewBorder(nil, nil, nil, nil, u.title), container.NewVBox(u.tools, statusRow), nil, nil,
		container.NewStack(u.editor, u.vpane.content, u.placeholder))
	split := container.NewHSplit(left, side)
	split.Offset = 0.64
	u.updateControls()
	return split
}

// newRegion gives a region drawn by the user the chosen shape and style.
func (u *ui) newRegion(r image.Rectangle) region {
	rg := region{}
	rg.Rect = r
	rg.Shape = shapeChoices[max(0, u.shapeSel.SelectedIndex())]
	rg.Style = styleChoices[max(0, u.styleSel.SelectedIndex())]
	return rg
}

// styleChanged applies the shape and style pickers to the selected region.
func (u *ui) styleChanged() {
	if u.editor == nil {
		return
	}
	i := u.editor.Selected()
	if i < 0 {
		return
	}
	rs := append([]region(nil), u.hist.Regions()...)
	nr := u.newRegion(rs[i].Rect)
	if rs[i].Shape == nr.Shape && rs[i].Style == nr.Style {
		return
	}
	rs[i].Shape, rs[i].Style = nr.Shape, nr.Style
	u.hist.Set(rs)
	u.editor.Refresh()
	u.regionsChanged()
}

// regionsChanged runs after every region edit.
func (u *ui) regionsChanged() {
	u.updateControls()
	if u.afterCheck.Checked {
		u.refreshAfter()
	}
}

// updateControls enables what can be used now.
func (u *ui) updateControls() {
	has := u.doc != nil
	setEnabled(u.saveClean, has || (u.vdoc != nil && u.vdoc.Unreadable == nil && !u.vpane.task.Running()))
	setEnabled(u.saveRedact, has && len(u.hist.Regions()) > 0)
	setEnabled(u.undoBtn, u.hist.CanUndo())
	setEnabled(u.redoBtn, u.hist.CanRedo())
	setEnabled(u.deleteBtn, u.editor != nil && u.editor.Selected() >= 0)
	if u.placeholder != nil {
		if has || u.vdoc != nil {
			u.placeholder.Hide()
		} else {
			u.placeholder.Show()
		}
	}
}

func setEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// goJob runs f in the background at a lower CPU priority (so that the
// window keeps its share of the CPU), counted so tests can wait for it.
func (u *ui) goJob(f func()) {
	u.jobs.Add(1)
	go func() {
		defer u.jobs.Done()
		lowPriority(f)
	}()
}

// busyStart shows the spinner with a message; busyStop hides it when the
// last job ends.
func (u *ui) busyStart(msg string) {
	u.busyN++
	u.status.SetText(msg)
	u.busy.Show()
	u.busy.Start()
}

func (u *ui) busyStop(msg string) {
	u.busyN = max(0, u.busyN-1)
	if u.busyN == 0 {
		u.busy.Stop()
		u.busy.Hide()
	}
	u.status.SetText(msg)
}
