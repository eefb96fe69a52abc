package app

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/veil/veil/fingerprint"
)

// Veil's own file browser replaces Fyne's file and folder dialogs. Those are
// modal overlays that cover the window's quick-exit button and cannot take
// one of their own, and they store their last folder in preferences. This
// one carries the quick-exit button, remembers nothing on disk and lists
// folders in the background, so a folder of 10,000 photos does not freeze
// the window.

// browseMode is what the browser is asked to choose.
type browseMode int

const (
	browseOpen   browseMode = iota // one photo to open
	browseAdd                      // photos for the batch list, several at once
	browseFolder                   // a folder
)

// lastFolder is the folder the browser last listed, remembered for this run
// only (never on disk), so the next browser starts where the user was.
var lastFolder string

// browser is one open file browser. Like the rest of ui, it is touched only
// on the UI goroutine; the folder listing runs in the background and comes
// back through u.do.
type browser struct {
	u      *ui
	mode   browseMode
	chosen func(paths []string)
	dlg    *dialog.CustomDialog

	dir     string
	entries []browseEntry
	gen     int             // counts listings; a slower earlier one is dropped
	cursor  int             // the selected row, -1 for none
	reveal  string          // the row to select once listed (the folder we came up from)
	marked  map[string]bool // browseAdd: the ticked files, by path

	list  *fileList
	ring  *canvas.Rectangle
	where *pathEntry
	note  *widget.Label
	up    *keyButton
	ok    *keyButton
	cols  fyne.Size // widths of the size and date columns
	lineH float32
}

// browse shows the file browser and calls chosen with what the user picked:
// one photo, one or more photos, or one folder. It starts in start when that
// is a folder, else beside the open photo, else where the last browser was,
// else in Pictures or Home.
func (u *ui) browse(mode browseMode, start string, chosen func(paths []string)) *browser {
	b := &browser{u: u, mode: mode, chosen: chosen, cursor: -1, marked: map[string]bool{}}
	ps := u.systemPlaces()
	title, okText, hint := lang.L("Open a photo or a video"), lang.L("Open"), lang.L("Double-click a photo or a video to open it, or a folder to look inside.")
	switch mode {
	case browseAdd:
		title, okText, hint = lang.L("Add files"), lang.L("Add"), lang.L("Click photos and videos to tick them, then choose Add. Double-click a folder to look inside.")
	case browseFolder:
		title, okText, hint = lang.L("Choose a folder"), "", lang.L("Double-click to go into a folder, then use the button below to choose the folder you are in.")
	}

	probe := widget.NewLabel("2026-12-31 23:59")
	b.lineH = probe.MinSize().Height
	b.cols = fyne.NewSize(widget.NewLabel("999.9 MB").MinSize().Width, probe.MinSize().Width)
	b.list = &fileList{b: b}
	b.list.Length = func() int { return len(b.entries) }
	b.list.CreateItem = b.newRow
	b.list.UpdateItem = b.updateRow
	b.list.OnSelected = func(id widget.ListItemID) { b.cursor = id; b.updateOK() }
	b.list.ExtendBaseWidget(b.list)
	b.ring = canvas.NewRectangle(color.Transparent)
	b.ring.StrokeWidth = 2
	b.ring.CornerRadius = theme.InputRadiusSize()

	b.where = &pathEntry{escape: func() { b.dlg.Hide() }}
	b.where.onKey = u.keyDown
	b.where.ExtendBaseWidget(b.where)
	b.where.OnSubmitted = b.typed
	b.up = u.button(lang.L("Up"), theme.MoveUpIcon(), b.goUp)
	b.note = widget.NewLabel("")
	b.note.Wrapping = fyne.TextWrapWord
	b.note.Hide()

	side := container.NewVBox()
	for _, p := range ps {
		btn := u.button(p.Label, p.Icon, func() { b.open(p.Path) })
		btn.Alignment = widget.ButtonAlignLeading
		btn.Importance = widget.LowImportance
		side.Add(btn)
	}
	top := container.NewVBox(container.NewBorder(nil, nil, b.up, nil, b.where), wrapLabel(hint))
	files := container.NewBorder(nil, b.note, nil, nil, container.NewStack(b.ring, container.NewPadded(b.list)))
	body := container.NewBorder(top, nil, container.NewVScroll(side), nil, files)

	b.dlg = dialog.NewCustomWithoutButtons(title, u.withExit(body), u.win)
	cancel := u.button(lang.L("Cancel"), theme.CancelIcon(), b.dlg.Hide)
	b.ok = u.button(okText, theme.ConfirmIcon(), b.confirm)
	b.ok.Importance = widget.HighImportance
	b.dlg.SetButtons([]fyne.CanvasObject{cancel, b.ok})
	b.dlg.Resize(browseSize(u.win.Canvas().Size()))

	b.open(b.startFolder(start, ps))
	b.dlg.Show()
	u.win.Canvas().Focus(b.list)
	return b
}

// browseSize is the browser's size: roomy, but inside the window.
func browseSize(win fyne.Size) fyne.Size {
	return fyne.NewSize(min(940, win.Width-40), min(640, win.Height-40))
}

// startFolder is the first of start, the open photo's folder, the last
// folder listed, Pictures and Home that is a folder.
func (b *browser) startFolder(start string, ps []place) string {
	cands := []string{start}
	if d := b.u.doc; d != nil && d.Path != "" {
		cands = append(cands, filepath.Dir(d.Path))
	}
	cands = append(cands, lastFolder)
	for _, k := range []placeKind{placePictures, placeHome} {
		if i := slices.IndexFunc(ps, func(p place) bool { return p.Kind == k }); i >= 0 {
			cands = append(cands, ps[i].Path)
		}
	}
	for _, c := range cands {
		if c == "" {
			continue
		}
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
	}
	return string(filepath.Separator)
}

// open lists dir. The listing runs in the background; until it arrives the
// list is empty and says so.
func (b *browser) open(dir string) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	b.gen++
	gen := b.gen
	b.dir = dir
	b.entries = nil
	b.cursor = -1
	b.list.UnselectAll()
	b.list.Refresh()
	b.where.SetText(dir)
	b.setNote(lang.L("Reading this folder…"))
	setEnabled(b.up, filepath.Dir(dir) != dir)
	b.updateOK()
	b.u.goJob(func() {
		es, err := readFolder(dir)
		b.u.do(func() { b.listed(gen, es, err) })
	})
}

// listed shows a finished listing, unless another folder was opened since.
func (b *browser) listed(gen int, es []browseEntry, err error) {
	if gen != b.gen {
		return
	}
	b.entries = es
	switch {
	case err != nil:
		b.setNote(folderProblem(err))
	case len(es) == 0:
		b.setNote(lang.L("No folders, photos or videos here."))
	default:
		b.setNote("")
		lastFolder = b.dir
	}
	b.list.Refresh()
	// The first row starts selected so that Enter works at once, except
	// when choosing a folder: a highlighted subfolder would look chosen.
	sel := 0
	if b.mode == browseFolder {
		sel = -1
	}
	if i := slices.IndexFunc(es, func(e browseEntry) bool { return e.Name == b.reveal }); i >= 0 {
		sel = i
	}
	b.reveal = ""
	if sel >= 0 {
		b.pick(sel)
	}
	b.updateOK()
}

func (b *browser) setNote(s string) {
	b.note.SetText(s)
	if s == "" {
		b.note.Hide()
	} else {
		b.note.Show()
	}
}

// goUp opens the parent folder with the folder we came from selected.
func (b *browser) goUp() {
	parent := filepath.Dir(b.dir)
	if parent == b.dir {
		return
	}
	b.reveal = filepath.Base(b.dir)
	b.open(parent)
}

// pick moves the selection to row id (clamped to the list).
func (b *browser) pick(id int) {
	if len(b.entries) == 0 {
		return
	}
	id = max(0, min(id, len(b.entries)-1))
	b.list.Select(id)
	b.list.ScrollTo(id)
}

// tap is a click on a row: select it and, when ticking photos, tick it.
func (b *browser) tap(id int) {
	b.u.win.Canvas().Focus(b.list)
	b.pick(id)
	if b.mode == browseAdd && id < len(b.entries) && !b.entries[id].Dir {
		b.toggle(id)
	}
}

// toggle ticks or unticks the photo in row id (browseAdd).
func (b *browser) toggle(id int) {
	p := filepath.Join(b.dir, b.entries[id].Name)
	if b.marked[p] {
		delete(b.marked, p)
	} else {
		b.marked[p] = true
	}
	b.list.RefreshItem(id)
	b.updateOK()
}

// activate is a double-click or Enter on row id: a folder opens, a photo is
// chosen (with any ticked ones).
func (b *browser) activate(id int) {
	if id < 0 || id >= len(b.entries) {
		return
	}
	e := b.entries[id]
	p := filepath.Join(b.dir, e.Name)
	if e.Dir {
		b.open(p)
		return
	}
	b.choose(p)
}

// choose ends the browser with the photo at p (plus any ticked ones); in
// folder mode a photo cannot be chosen.
func (b *browser) choose(p string) {
	switch b.mode {
	case browseOpen:
		b.finish([]string{p})
	case browseAdd:
		b.marked[p] = true
		b.finish(b.markedPaths())
	}
}

// confirm is the dialog's main button.
func (b *browser) confirm() {
	switch b.mode {
	case browseFolder:
		b.finish([]string{b.dir})
	case browseAdd:
		if len(b.marked) > 0 {
			b.finish(b.markedPaths())
			return
		}
		b.activate(b.cursor)
	default:
		b.activate(b.cursor)
	}
}

func (b *browser) markedPaths() []string {
	ps := make([]string, 0, len(b.marked))
	for p := range b.marked {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

func (b *browser) finish(paths []string) {
	lastFolder = b.dir
	b.dlg.Hide()
	b.chosen(paths)
}

// updateOK enables the main button when it would do something and, when
// ticking photos, says how many are ticked.
func (b *browser) updateOK() {
	switch b.mode {
	case browseFolder:
		// The button names the folder it will use: the one shown, not a
		// highlighted subfolder.
		b.ok.SetText(fmt.Sprintf(lang.L("Use “%s”"), shortName(filepath.Base(b.dir), 28)))
		setEnabled(b.ok, b.note.Text != lang.L("Reading this folder…") && b.entries != nil)
	case browseAdd:
		if n := len(b.marked); n > 0 {
			b.ok.SetText(fmt.Sprintf(lang.L("Add (%d)"), n))
		} else {
			b.ok.SetText(lang.L("Add"))
		}
		setEnabled(b.ok, len(b.marked) > 0 || b.cursor >= 0)
	default:
		setEnabled(b.ok, b.cursor >= 0)
	}
}

// typed goes to the folder, or chooses the photo, typed into the path line
// (relative to the folder shown; ~ is Home).
func (b *browser) typed(text string) {
	p := strings.TrimSpace(text)
	if p == "" {
		return
	}
	if h := homeDir(); h != "" && (p == "~" || strings.HasPrefix(p, "~/")) {
		p = h + p[1:]
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(b.dir, p)
	}
	st, err := os.Stat(p)
	switch {
	case err != nil:
		b.setNote(lang.L("There is no folder, photo or video by that name."))
	case st.IsDir():
		b.open(p)
	case b.mode == browseFolder:
		b.reveal = filepath.Base(p)
		b.open(filepath.Dir(p))
	default:
		b.choose(p)
	}
}

// key is the list's keyboard: arrows, Page Up/Down, Home/End move; Enter
// opens or chooses; Space ticks (or opens); Backspace goes up; Escape closes.
func (b *browser) key(e *fyne.KeyEvent) {
	page := 10
	switch e.Name {
	case fyne.KeyDown:
		b.pick(b.cursor + 1)
	case fyne.KeyUp:
		b.pick(b.cursor - 1)
	case fyne.KeyPageDown:
		b.pick(b.cursor + page)
	case fyne.KeyPageUp:
		b.pick(b.cursor - page)
	case fyne.KeyHome:
		b.pick(0)
	case fyne.KeyEnd:
		b.pick(len(b.entries) - 1)
	case fyne.KeyReturn, fyne.KeyEnter:
		b.activate(b.cursor)
	case fyne.KeySpace:
		if b.mode == browseAdd && b.cursor >= 0 && !b.entries[b.cursor].Dir {
			b.toggle(b.cursor)
		} else {
			b.activate(b.cursor)
		}
	case fyne.KeyBackspace:
		b.goUp()
	case fyne.KeyEscape:
		b.dlg.Hide()
	}
}

// jump selects the next row whose name starts with r, as file managers do.
func (b *browser) jump(r rune) {
	r = unicode.ToLower(r)
	n := len(b.entries)
	for i := 1; i <= n; i++ {
		j := (b.cursor + i) % n
		if first, _ := firstRune(b.entries[j].Name); unicode.ToLower(first) == r {
			b.pick(j)
			return
		}
	}
}

// shortName cuts name to at most n characters, marking the cut.
func shortName(name string, n int) string {
	if r := []rune(name); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return name
}

func firstRune(s string) (rune, bool) {
	for _, r := range s {
		return r, true
	}
	return 0, false
}

// focusChanged draws a ring round the list while it has the keyboard.
func (b *browser) focusChanged(on bool) {
	b.ring.StrokeColor = color.Transparent
	if on {
		b.ring.StrokeColor = theme.Color(theme.ColorNameFocus)
	}
	b.ring.Refresh()
}

// fileList is widget.List with a file browser's keys. It keeps the list's
// own focus highlight off (the selection is the cursor here) and forwards
// key presses to the quick-exit gesture.
type fileList struct {
	widget.List
	b *browser
}

// TypedKey handles the browser's keys.
func (l *fileList) TypedKey(e *fyne.KeyEvent) { l.b.key(e) }

// TypedRune jumps to a name by its first letter.
func (l *fileList) TypedRune(r rune) { l.b.jump(r) }

// FocusGained shows the focus ring.
func (l *fileList) FocusGained() { l.b.focusChanged(true) }

// FocusLost hides the focus ring.
func (l *fileList) FocusLost() { l.b.focusChanged(false) }

// KeyDown forwards to the quick-exit gesture.
func (l *fileList) KeyDown(e *fyne.KeyEvent) { l.b.u.keyDown(e) }

// KeyUp is required by desktop.Keyable.
func (l *fileList) KeyUp(*fyne.KeyEvent) {}

// pathEntry is the path line: an entry that also closes the browser on
// Escape, as the list does.
type pathEntry struct {
	keyEntry
	escape func()
}

// TypedKey closes the browser on Escape and edits otherwise.
func (e *pathEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		e.escape()
		return
	}
	e.keyEntry.TypedKey(ev)
}

// fileRow is one row of the list: icon, name, size and date. It takes
// clicks itself, so that a double-click can open a folder. A click selects
// on the press: as a Tappable it would wait out the double-click delay first.
type fileRow struct {
	widget.BaseWidget
	b    *browser
	id   int
	icon *widget.Icon
	name *widget.Label
	size *widget.Label
	date *widget.Label
	box  *fyne.Container
}

func (b *browser) newRow() fyne.CanvasObject {
	r := &fileRow{b: b, icon: widget.NewIcon(theme.FolderIcon()),
		name: widget.NewLabel(""), size: widget.NewLabel(""), date: widget.NewLabel("")}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.size.Alignment = fyne.TextAlignTrailing
	info := container.NewHBox(
		container.NewGridWrap(fyne.NewSize(b.cols.Width, b.lineH), r.size),
		container.NewGridWrap(fyne.NewSize(b.cols.Height, b.lineH), r.date))
	r.box = container.NewBorder(nil, nil, r.icon, info, r.name)
	r.ExtendBaseWidget(r)
	return r
}

func (b *browser) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*fileRow)
	r.id = id
	if id >= len(b.entries) {
		return
	}
	e := b.entries[id]
	r.name.SetText(e.Name)
	r.date.SetText(e.Mod.Format("2006-01-02 15:04"))
	switch {
	case e.Dir:
		r.icon.SetResource(theme.FolderIcon())
		r.size.SetText("")
	case b.mode == browseAdd && b.marked[filepath.Join(b.dir, e.Name)]:
		r.icon.SetResource(theme.CheckButtonCheckedIcon())
		r.size.SetText(sizeText(e.Size))
	case b.mode == browseAdd:
		r.icon.SetResource(theme.CheckButtonIcon())
		r.size.SetText(sizeText(e.Size))
	case fingerprint.IsVideoName(e.Name):
		r.icon.SetResource(theme.MediaVideoIcon())
		r.size.SetText(sizeText(e.Size))
	default:
		r.icon.SetResource(theme.FileImageIcon())
		r.size.SetText(sizeText(e.Size))
	}
}

// CreateRenderer draws the row's box.
func (r *fileRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

// MouseDown selects the row (and ticks a photo when ticking).
func (r *fileRow) MouseDown(e *desktop.MouseEvent) {
	if e.Button == desktop.MouseButtonPrimary {
		r.b.tap(r.id)
	}
}

// MouseUp is required by desktop.Mouseable.
func (r *fileRow) MouseUp(*desktop.MouseEvent) {}

// DoubleTapped opens a folder or chooses a photo.
func (r *fileRow) DoubleTapped(*fyne.PointEvent) { r.b.activate(r.id) }
