package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	xdraw "golang.org/x/image/draw"

	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/outfile"
	"codeberg.org/veil/veil/redact"
	"codeberg.org/veil/veil/redact/video"
)

// videoEngines are the video calls the panel makes (the engines table's
// counterpart for videos); tests replace single fields.
type videoEngines struct {
	runner  func() (*ffmpeg.Runner, error)
	analyze func(ctx context.Context, ff *ffmpeg.Runner, path string, opt video.AnalyzeOptions, progress func(video.Progress)) (*video.Analysis, error)
	redact  func(ctx context.Context, ff *ffmpeg.Runner, a *video.Analysis, plan *video.Plan, path string, opt video.RenderOptions, progress func(video.Progress), note func(found, tracks int)) (*video.Output, []*video.Track, error)
	follow  func(ctx context.Context, ff *ffmpeg.Runner, a *video.Analysis, r image.Rectangle, first, last int, progress func(video.Progress)) ([]image.Rectangle, error)
}

func defaultVideoEngines() videoEngines {
	return videoEngines{runner: ffmpeg.New, analyze: video.Analyze, redact: video.Redact, follow: video.FollowArea}
}

// Display sizes.
const (
	// videoViewSide is the long side of the frame shown while editing.
	videoViewSide = 960
	// stripThumbs is how many thumbnails the frame strip shows, and
	// stripHeight their height.
	stripThumbs = 10
	stripHeight = 54
)

// vredactPanel is the "Video" view: a frame with the faces found in it, a
// strip of frames and a timeline of face tracks, lists of faces and areas,
// and saving a redacted copy that is checked before it gets its name.
type vredactPanel struct {
	u       *ui
	eng     videoEngines
	content fyne.CanvasObject

	// The open video. gen changes on every open; work for an earlier
	// video is dropped when it reports back.
	gen    int
	ctx    context.Context
	cancel context.CancelFunc
	path   string
	ff     *ffmpeg.Runner
	a      *video.Analysis
	plan   *video.Plan
	thumbs map[int]*image.NRGBA // a few frames, small, for the strip and for quick scrubbing

	cur      int         // the frame shown
	frame    image.Image // its display copy
	frameFor int         // the frame index frame shows (-1: none yet)
	fetching bool        // a frame is being decoded
	want     int         // the frame to decode next (-1: none)
	selTrack int         // a track's ID, or 0
	selArea  int         // an index into plan.Areas, or -1

	// Saving: running while an encode or check runs; pending is a checked
	// output waiting for the user's word on what the check found.
	running  bool
	saveStop context.CancelFunc
	pending  *video.Output
	findings []video.Finding
	finding  int

	// widgets
	title      *widget.Label
	view       *videoView
	slider     *widget.Slider
	clock      *widget.Label
	strip      *fyne.Container
	timeline   *videoTimeline
	tracks     *widget.List
	areas      *widget.List
	status     *widget.Label
	progress   *widget.ProgressBar
	hint       *widget.Label
	styleSel   *keySelect
	keepAudio  *keyCheck
	showResult *keyCheck
	follow     *keyCheck
	startHere  *keyButton
	endHere    *keyButton
	removeArea *keyButton
	saveBtn    *keyButton
	stopBtn    *keyButton
	review     *fyne.Container
	listTabs   *container.AppTabs
	facesTab   *container.TabItem
	areasTab   *container.TabItem
	sound      *fyne.Container // the Keep the sound tick and its note, for videos with sound
}

func newVredactPanel(u *ui) *vredactPanel {
	p := &vredactPanel{u: u, eng: defaultVideoEngines(), frameFor: -1, want: -1, selArea: -1}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.content = p.build()
	p.updateControls()
	return p
}

func (p *vredactPanel) build() fyne.CanvasObject {
	u := p.u
	p.title = widget.NewLabel("")
	p.title.TextStyle.Bold = true
	p.title.Truncation = fyne.TextTruncateEllipsis

	p.view = newVideoView()
	p.view.onDraw = p.drawn
	p.view.onTap = p.tappedFrame
	p.view.onKey = u.keyDown
	p.slider = widget.NewSlider(0, 1)
	p.slider.Step = 1
	p.slider.OnChanged = func(v float64) { p.seek(int(v)) }
	p.clock = widget.NewLabel("0:00.000")
	p.strip = container.NewGridWithColumns(stripThumbs)
	p.timeline = newVideoTimeline()
	p.timeline.onTap = p.tappedTimeline
	p.timeline.onKey = u.keyDown
	p.hint = wrapLabel("")
	left := container.NewBorder(nil,
		container.NewVBox(container.NewBorder(nil, nil, nil, p.clock, p.slider), p.strip, p.timeline, p.hint),
		nil, nil, p.view)

	p.tracks = widget.NewList(p.trackCount, p.newTrackRow, p.updateTrackRow)
	p.tracks.OnSelected = p.trackSelected
	p.areas = widget.NewList(func() int { return p.areaCount() }, func() fyne.CanvasObject { return widget.NewLabel("") }, p.updateAreaRow)
	p.areas.OnSelected = func(id widget.ListItemID) { p.selectArea(id) }
	p.startHere = u.button(lang.L("Starts here"), nil, func() { p.setAreaEnd(true) })
	p.endHere = u.button(lang.L("Ends here"), nil, func() { p.setAreaEnd(false) })
	p.follow = u.check(lang.L("Follows what it covers"), func(on bool) { p.setFollow(on) })
	p.removeArea = u.button(lang.L("Remove area"), theme.DeleteIcon(), p.deleteArea)
	areaTools := container.NewGridWithColumns(2, p.startHere, p.endHere, p.follow, p.removeArea)

	p.styleSel = u.selector([]string{lang.L("Solid (safest)"), lang.L("Pixelate")}, func(string) { p.planChanged() })
	p.styleSel.SetSelectedIndex(0)
	p.keepAudio = u.check(lang.L("Keep the sound"), nil)
	p.showResult = u.check(lang.L("Show result"), func(bool) { p.redraw() })
	p.saveBtn = u.button(lang.L("Save redacted video…"), theme.DocumentSaveIcon(), p.save)
	p.saveBtn.Importance = widget.HighImportance
	p.stopBtn = u.button(lang.L("Cancel"), theme.CancelIcon(), p.stopSave)
	p.status = wrapLabel("")
	p.progress = widget.NewProgressBar()
	p.review = container.NewVBox()

	facesHint := wrapLabel(lang.L("Untick a face to leave it visible."))
	facesHint.Importance = widget.LowImportance
	areasHint := wrapLabel(lang.L("Drag on the picture to cover more."))
	areasHint.Importance = widget.LowImportance
	p.facesTab = container.NewTabItem(lang.L("Faces"), container.NewBorder(facesHint, nil, nil, nil, p.tracks))
	p.areasTab = container.NewTabItem(lang.L("Areas"), container.NewBorder(areasHint, areaTools, nil, nil, p.areas))
	p.listTabs = container.NewAppTabs(p.facesTab, p.areasTab)
	soundNote := wrapLabel(lang.L("Sound is removed unless you keep it: voices and sounds can identify people and places."))
	soundNote.Importance = widget.LowImportance
	p.sound = container.NewVBox(p.keepAudio, soundNote)
	save := container.NewVBox(container.NewGridWithColumns(2, p.styleSel, p.showResult), p.sound, p.saveBtn,
		container.NewBorder(nil, nil, nil, p.stopBtn, p.progress), p.status, p.review)
	side := container.NewBorder(nil, container.NewPadded(save), nil, nil, p.listTabs)
	split := container.NewHSplit(left, side)
	split.Offset = 0.66
	closeBtn := u.button(lang.L("Close"), theme.CancelIcon(), p.close)
	top := container.NewBorder(nil, nil, nil, closeBtn, p.title)
	return container.NewBorder(container.NewPadded(top), nil, nil, nil, split)
}

// Cancel stops the open video's work and drops an output not yet saved
// (quick exit, closing the window, opening another video).
func (p *vredactPanel) Cancel() {
	p.cancel()
	if p.saveStop != nil {
		p.saveStop()
	}
	if p.pending != nil {
		p.pending.Discard()
		p.pending = nil
	}
}

// show opens the video at path in the panel's tab (added on first use):
// the video view's "Redact faces…" action.
func (p *vredactPanel) show(path string) {
	u := p.u
	if u.vredactTab == nil {
		u.vredactTab = container.NewTabItemWithIcon(lang.L("Redact video"), theme.VisibilityOffIcon(), p.content)
	}
	if !slices.Contains(u.tabs.Items, u.vredactTab) {
		u.tabs.Append(u.vredactTab)
	}
	u.tabs.Select(u.vredactTab)
	p.Open(path)
}

// close stops any work on the video (an encode not finished saves
// nothing), forgets it and takes the panel's tab away.
func (p *vredactPanel) close() {
	p.Cancel()
	p.gen++ // work still reporting back is dropped
	p.path, p.a, p.plan, p.ff, p.thumbs = "", nil, nil, nil, nil
	p.frame, p.frameFor, p.running, p.saveStop, p.findings = nil, -1, false, nil, nil
	p.view.SetFrame(nil, 0, 0)
	p.view.SetBoxes(nil)
	p.timeline.Set(0, 0, nil)
	p.strip.RemoveAll()
	p.review.RemoveAll()
	p.tracks.Refresh()
	p.areas.Refresh()
	p.setStatus("", -1)
	p.updateControls()
	u := p.u
	if u.vredactTab != nil {
		u.tabs.Remove(u.vredactTab)
		u.tabs.Select(u.photoTab)
	}
}

// Open starts on a video: its faces are found in the background, with
// progress; the first frame shows as soon as it is decoded.
func (p *vredactPanel) Open(path string) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	p.Cancel()
	p.gen++
	gen := p.gen
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.path, p.a, p.plan, p.ff = path, nil, nil, nil
	p.thumbs = map[int]*image.NRGBA{}
	p.cur, p.frame, p.frameFor, p.want, p.fetching = 0, nil, -1, -1, false
	p.selTrack, p.selArea, p.findings, p.running = 0, -1, nil, false
	p.title.SetText(baseName(path))
	p.view.SetFrame(nil, 0, 0)
	p.view.SetBoxes(nil)
	p.timeline.Set(0, 0, nil)
	p.strip.RemoveAll()
	p.review.RemoveAll()
	p.setStatus(lang.L("Finding faces in every frame…"), 0)
	p.updateControls()
	ctx, eng := p.ctx, p.eng
	p.u.goJob(func() {
		ff, err := eng.runner()
		if err != nil {
			p.u.do(func() { p.openFailed(gen, err) })
			return
		}
		every := 0 // thumbnail spacing, once the frame count is known
		var first bool
		opt := video.AnalyzeOptions{Threads: max(1, runtime.NumCPU()-1), Frame: func(i int, img *image.NRGBA) {
			if i == 0 || (every > 0 && i%every == 0) {
				th := thumbnail(img, stripHeight*2)
				var big image.Image
				if !first {
					first, big = true, displayCopy(img)
				}
				p.u.do(func() { p.gotThumb(gen, i, th, big, img.Rect.Size()) })
			}
		}}
		a, err := eng.analyze(ctx, ff, path, opt, func(pr video.Progress) {
			if every == 0 && pr.Total > 0 {
				every = max(1, pr.Total/stripThumbs)
			}
			p.u.do(func() { p.analyzing(gen, pr) })
		})
		p.u.do(func() {
			if err != nil {
				p.openFailed(gen, err)
				return
			}
			p.analyzed(gen, ff, a)
		})
	})
}

func (p *vredactPanel) openFailed(gen int, err error) {
	if gen != p.gen || ctxDone(p.ctx) {
		return
	}
	p.setStatus("", -1)
	p.updateControls()
	p.u.showError(fmt.Errorf("%s: %w", baseName(p.path), err))
}

// thumbnail scales img to height h.
func thumbnail(img *image.NRGBA, h int) *image.NRGBA {
	b := img.Rect
	w := max(1, b.Dx()*h/max(1, b.Dy()))
	t := image.NewNRGBA(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(t, t.Rect, img, b, xdraw.Src, nil)
	return t
}

// displayCopy copies a frame for the view, no larger than videoViewSide.
func displayCopy(img *image.NRGBA) *image.NRGBA {
	w, h := displaySize(img.Rect.Dx(), img.Rect.Dy(), videoViewSide)
	d := image.NewNRGBA(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(d, d.Rect, img, img.Rect, xdraw.Src, nil)
	return d
}

// gotThumb keeps a thumbnail; the first frame also shows at once.
func (p *vredactPanel) gotThumb(gen, i int, th *image.NRGBA, big image.Image, full image.Point) {
	if gen != p.gen {
		return
	}
	p.thumbs[i] = th
	if big != nil && p.frame == nil {
		p.frame, p.frameFor = big, 0
		p.view.SetFrame(big, big.Bounds().Dx(), big.Bounds().Dy())
	}
	p.rebuildStrip()
}

func (p *vredactPanel) analyzing(gen int, pr video.Progress) {
	if gen != p.gen || p.a != nil {
		return
	}
	p.setStatus(progressText(pr), fraction(pr))
}

// analyzed shows the faces found: every track is covered by default.
func (p *vredactPanel) analyzed(gen int, ff *ffmpeg.Runner, a *video.Analysis) {
	if gen != p.gen {
		return
	}
	p.ff, p.a = ff, a
	p.plan = video.NewPlan(a, p.style(), redact.Rect)
	p.slider.Max = float64(max(1, len(a.Frames)-1))
	p.slider.Value = 0
	p.slider.Refresh()
	// The first frame was shown at the detector's size: give it the
	// full frame's coordinates.
	p.view.SetFrame(p.frame, a.Size.X, a.Size.Y)
	p.rebuildStrip()
	p.tracks.Refresh()
	p.areas.Refresh()
	n := len(a.Tracks)
	msg := lang.L("No face was found. Drag on the picture to cover an area by hand.")
	if n > 0 {
		msg = countText(n, lang.L("1 face followed through the video, to be covered. Untick it to leave it visible; drag on the picture to cover more."),
			lang.L("%d faces followed through the video, all to be covered. Untick a face to leave it visible; drag on the picture to cover more."))
	}
	p.setStatus(msg, -1)
	p.seek(0)
	p.updateControls()
}

// style is the chosen redaction style.
func (p *vredactPanel) style() redact.Style {
	if p.styleSel.SelectedIndex() == 1 {
		return redact.Pixelate
	}
	return redact.Solid
}

// planChanged applies the style and redraws.
func (p *vredactPanel) planChanged() {
	if p.plan != nil {
		p.plan.Style = p.style()
	}
	p.redraw()
}

// seek shows frame i: the nearest thumbnail at once, the frame itself when
// decoded (one decode at a time; the latest wish wins).
func (p *vredactPanel) seek(i int) {
	if p.a == nil {
		return
	}
	i = min(max(i, 0), len(p.a.Frames)-1)
	p.cur = i
	if int(p.slider.Value) != i {
		p.slider.Value = float64(i)
		p.slider.Refresh()
	}
	p.clock.SetText(video.Clock(p.a.Frames[i].Time))
	if i != p.frameFor {
		if th := p.nearestThumb(i); th != nil && p.frame == nil {
			p.frame = th
		}
		p.want = i
		p.fetch()
	}
	p.redraw()
}

// nearestThumb is the thumbnail closest in time to frame i.
func (p *vredactPanel) nearestThumb(i int) *image.NRGBA {
	best, bestD := (*image.NRGBA)(nil), -1
	for k, th := range p.thumbs {
		if d := max(k-i, i-k); bestD < 0 || d < bestD {
			best, bestD = th, d
		}
	}
	return best
}

// fetch decodes the wanted frame in the background.
func (p *vredactPanel) fetch() {
	if p.fetching || p.want < 0 || p.a == nil {
		return
	}
	i, gen, ctx, ff, a := p.want, p.gen, p.ctx, p.ff, p.a
	p.want, p.fetching = -1, true
	p.u.goJob(func() {
		img, err := a.Picture(ctx, ff, i, videoViewSide)
		p.u.do(func() {
			if gen != p.gen {
				return
			}
			p.fetching = false
			if err == nil {
				p.frame, p.frameFor = img, i
				if i == p.cur {
					p.redraw()
				}
			}
			p.fetch()
		})
	})
}

// redraw puts the current frame, its boxes and the timeline on screen.
func (p *vredactPanel) redraw() {
	if p.a == nil {
		return
	}
	var shown image.Image = p.frame
	if p.showResult.Checked && p.frame != nil && p.frameFor == p.cur {
		shown = p.preview()
	}
	p.view.SetFrame(shown, p.a.Size.X, p.a.Size.Y)
	p.view.canDraw = !p.running && p.pending == nil
	var boxes []videoBox
	if !p.showResult.Checked {
		for _, t := range p.plan.Tracks {
			if r, ok := t.At(p.cur); ok {
				k := boxFace
				if p.plan.Keep[t.ID] {
					k = boxKept
				}
				boxes = append(boxes, videoBox{rect: r, kind: k, selected: t.ID == p.selTrack})
			}
		}
		for i, ar := range p.plan.Areas {
			if r, ok := ar.At(p.cur); ok {
				boxes = append(boxes, videoBox{rect: r, kind: boxArea, selected: i == p.selArea})
			}
		}
	}
	for k, f := range p.findings {
		if f.Frame == p.cur {
			boxes = append(boxes, videoBox{rect: f.Cover, kind: boxFinding, selected: k == p.finding})
		}
	}
	p.view.SetBoxes(boxes)
	p.timeline.Set(len(p.a.Frames), p.cur, p.rows())
}

// preview is the current frame as it will be saved.
func (p *vredactPanel) preview() image.Image {
	src, ok := p.frame.(*image.NRGBA)
	if !ok {
		return p.frame
	}
	out := image.NewNRGBA(src.Rect)
	copy(out.Pix, src.Pix)
	var rs []redact.Region
	for _, r := range p.plan.Regions(p.cur) {
		r.Rect = scaleRect(r.Rect, p.a.Size, src.Rect.Size())
		rs = append(rs, r)
	}
	if _, err := redact.Burn(out, rs); err != nil {
		return p.frame
	}
	return out
}

// rows are the timeline's rows: tracks, then areas.
func (p *vredactPanel) rows() []timelineRow {
	var rows []timelineRow
	for _, t := range p.plan.Tracks {
		k := boxFace
		if p.plan.Keep[t.ID] {
			k = boxKept
		}
		rows = append(rows, timelineRow{first: t.First, last: t.Last(), kind: k, selected: t.ID == p.selTrack})
	}
	for i, ar := range p.plan.Areas {
		rows = append(rows, timelineRow{first: ar.First, last: ar.Last, kind: boxArea, selected: i == p.selArea})
	}
	if len(p.findings) > 0 {
		var marks []int
		for _, f := range p.findings {
			marks = append(marks, f.Frame)
		}
		rows = append(rows, timelineRow{first: 0, last: -1, kind: boxFinding, marks: marks})
	}
	return rows
}

// rebuildStrip lays out the thumbnails, each a button to its moment.
func (p *vredactPanel) rebuildStrip() {
	p.strip.RemoveAll()
	keys := make([]int, 0, len(p.thumbs))
	for k := range p.thumbs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		img := canvas.NewImageFromImage(asRGBA(p.thumbs[k]))
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(stripHeight*3/4, stripHeight)) // narrow windows letterbox them
		frame := k
		p.strip.Add(newTapArea(img, func() { p.seek(frame) }))
	}
	p.strip.Refresh()
}

// trackSelected moves to the track's first sighting and marks it.
func (p *vredactPanel) trackSelected(id widget.ListItemID) {
	if p.plan == nil || id < 0 || id >= len(p.plan.Tracks) {
		return
	}
	t := p.plan.Tracks[id]
	p.selTrack, p.selArea = t.ID, -1
	p.listTabs.Select(p.facesTab)
	for k, kind := range t.Kinds {
		if kind == video.Detected {
			p.seek(t.First + k)
			break
		}
	}
	p.areas.UnselectAll()
	p.updateControls()
	p.redraw()
}

func (p *vredactPanel) trackCount() int {
	if p.plan == nil {
		return 0
	}
	return len(p.plan.Tracks)
}

func (p *vredactPanel) newTrackRow() fyne.CanvasObject {
	return p.u.check("", nil)
}

// updateTrackRow shows a track: ticked while it is covered.
func (p *vredactPanel) updateTrackRow(id widget.ListItemID, o fyne.CanvasObject) {
	c := o.(*keyCheck)
	t := p.plan.Tracks[id]
	first, last := p.a.Frames[t.First].Time, p.a.Frames[t.Last()].Time+p.a.FrameDuration(t.Last())
	what := lang.L("Face")
	if t.Second {
		what = lang.L("Face found by the check")
	}
	c.OnChanged = nil
	c.SetText(fmt.Sprintf("%s %d · %s–%s", what, t.ID, video.Clock(first), video.Clock(last)))
	c.SetChecked(!p.plan.Keep[t.ID])
	id2 := t.ID
	c.OnChanged = func(on bool) {
		if p.running || p.pending != nil {
			c.SetChecked(!p.plan.Keep[id2])
			return
		}
		if on {
			delete(p.plan.Keep, id2)
		} else {
			p.plan.Keep[id2] = true
		}
		p.redraw()
		p.updateControls()
	}
}

func (p *vredactPanel) areaCount() int {
	if p.plan == nil {
		return 0
	}
	return len(p.plan.Areas)
}

func (p *vredactPanel) updateAreaRow(id widget.ListItemID, o fyne.CanvasObject) {
	ar := p.plan.Areas[id]
	how := lang.L("fixed")
	if ar.Boxes != nil {
		how = lang.L("follows")
	}
	end := p.a.Frames[ar.Last].Time + p.a.FrameDuration(ar.Last)
	o.(*widget.Label).SetText(fmt.Sprintf("%s %d · %s–%s · %s", lang.L("Area"), id+1, video.Clock(p.a.Frames[ar.First].Time), video.Clock(end), how))
}

// drawn adds an area drawn on the current frame: from now to the end,
// fixed in place (Follows what it covers, Starts here and Ends here change
// that).
func (p *vredactPanel) drawn(r image.Rectangle) {
	if p.plan == nil || p.running || p.pending != nil {
		return
	}
	p.plan.Areas = append(p.plan.Areas, video.Area{First: p.cur, Last: len(p.a.Frames) - 1, Rect: r})
	p.areas.Refresh()
	p.listTabs.Select(p.areasTab)
	p.selectArea(len(p.plan.Areas) - 1)
	p.setStatus(lang.L("Area added from this moment to the end. Use Starts here / Ends here to change its time, or let it follow what it covers."), -1)
}

func (p *vredactPanel) selectArea(i int) {
	if p.plan == nil || i < 0 || i >= len(p.plan.Areas) {
		return
	}
	p.selArea, p.selTrack = i, 0
	p.tracks.UnselectAll()
	p.listTabs.Select(p.areasTab)
	p.areas.Select(i)
	ar := p.plan.Areas[i]
	if p.cur < ar.First || p.cur > ar.Last {
		p.seek(ar.First)
	}
	p.follow.OnChanged = nil
	p.follow.SetChecked(ar.Boxes != nil)
	p.follow.OnChanged = func(on bool) { p.setFollow(on) }
	p.updateControls()
	p.redraw()
}

// setAreaEnd moves the selected area's start or end to the current frame.
func (p *vredactPanel) setAreaEnd(start bool) {
	i := p.selArea
	if p.plan == nil || i < 0 || i >= len(p.plan.Areas) {
		return
	}
	ar := &p.plan.Areas[i]
	rect, ok := ar.At(min(max(p.cur, ar.First), ar.Last))
	if !ok {
		rect = ar.Rect
	}
	if start {
		ar.First = min(p.cur, ar.Last)
	} else {
		ar.Last = max(p.cur, ar.First)
	}
	followed := ar.Boxes != nil
	ar.Rect, ar.Boxes = rect, nil
	p.areas.RefreshItem(i)
	if followed {
		p.setFollow(true) // follow again over the new span
	}
	p.redraw()
}

// deleteArea removes the selected area.
func (p *vredactPanel) deleteArea() {
	i := p.selArea
	if p.plan == nil || i < 0 || i >= len(p.plan.Areas) {
		return
	}
	p.plan.Areas = slices.Delete(p.plan.Areas, i, i+1)
	p.selArea = -1
	p.areas.UnselectAll()
	p.areas.Refresh()
	p.updateControls()
	p.redraw()
}

// setFollow makes the selected area follow what it covers (the simple
// tracker, in the background) or stay fixed.
func (p *vredactPanel) setFollow(on bool) {
	i := p.selArea
	if p.plan == nil || i < 0 || i >= len(p.plan.Areas) {
		return
	}
	ar := p.plan.Areas[i]
	if !on {
		if r, ok := ar.At(ar.First); ok {
			p.plan.Areas[i].Rect = r
		}
		p.plan.Areas[i].Boxes = nil
		p.areas.RefreshItem(i)
		p.redraw()
		return
	}
	start, ok := ar.At(ar.First)
	if !ok {
		start = ar.Rect
	}
	gen, ctx, ff, a := p.gen, p.ctx, p.ff, p.a
	p.u.goJob(func() {
		boxes, err := p.eng.follow(ctx, ff, a, start, ar.First, ar.Last, func(pr video.Progress) {
			p.u.do(func() {
				if gen == p.gen && !p.running {
					p.setStatus(progressText(pr), fraction(pr))
				}
			})
		})
		p.u.do(func() {
			if gen != p.gen {
				return
			}
			if err != nil {
				p.setStatus("", -1)
				p.u.showError(err)
				return
			}
			// The area may have been changed or removed meanwhile.
			if i < len(p.plan.Areas) && p.plan.Areas[i].First == ar.First && p.plan.Areas[i].Last == ar.Last {
				p.plan.Areas[i].Boxes = boxes
				p.areas.RefreshItem(i)
			}
			p.setStatus(lang.L("The area now follows what it covers. Check it at a few moments."), -1)
			p.redraw()
		})
	})
}

// tappedFrame selects the face or area under the pointer.
func (p *vredactPanel) tappedFrame(pt image.Point) {
	if p.plan == nil {
		return
	}
	for i, ar := range p.plan.Areas {
		if r, ok := ar.At(p.cur); ok && pt.In(r) {
			p.selectArea(i)
			return
		}
	}
	for k, t := range p.plan.Tracks {
		if r, ok := t.At(p.cur); ok && pt.In(r) {
			p.tracks.Select(k)
			return
		}
	}
}

// tappedTimeline moves to the frame clicked and selects its row (row -2:
// scrubbing, nothing to select).
func (p *vredactPanel) tappedTimeline(frame, row int) {
	if p.plan == nil {
		return
	}
	p.seek(frame)
	switch {
	case row >= 0 && row < len(p.plan.Tracks):
		p.selTrack, p.selArea = p.plan.Tracks[row].ID, -1
		p.tracks.Select(row)
		p.seek(frame)
	case row >= len(p.plan.Tracks) && row < len(p.plan.Tracks)+len(p.plan.Areas):
		p.selectArea(row - len(p.plan.Tracks))
		p.seek(frame)
	}
}

// updateControls enables what can be used now.
func (p *vredactPanel) updateControls() {
	ready := p.a != nil && !p.running && p.pending == nil
	areaSel := ready && p.selArea >= 0 && p.plan != nil && p.selArea < len(p.plan.Areas)
	setEnabled(p.saveBtn, ready && p.plan != nil && !p.plan.Empty())
	for _, w := range []fyne.Disableable{p.startHere, p.endHere, p.removeArea, p.follow} {
		setEnabled(w, areaSel)
	}
	setEnabled(p.styleSel, ready)
	setEnabled(p.keepAudio, ready)
	if p.a != nil && p.a.Audio != nil {
		p.sound.Show()
	} else {
		p.sound.Hide()
	}
	p.countLists()
	setEnabled(p.slider, p.a != nil)
	if p.running {
		p.stopBtn.Show()
	} else {
		p.stopBtn.Hide()
	}
	switch {
	case p.a == nil:
		p.hint.SetText("")
	case p.pending != nil:
		p.hint.SetText(lang.L("Yellow: a face the check found outside the redactions."))
	default:
		p.hint.SetText(lang.L("Red: a face to be covered. Grey: a face left visible. Blue: an area you added. Drag on the picture to add an area."))
	}
}

// countLists puts the number of faces and areas in their tabs' names.
func (p *vredactPanel) countLists() {
	faces, areas := lang.L("Faces"), lang.L("Areas")
	if p.plan != nil {
		faces = fmt.Sprintf("%s (%d)", faces, len(p.plan.Tracks))
		areas = fmt.Sprintf("%s (%d)", areas, len(p.plan.Areas))
	}
	if p.facesTab.Text != faces || p.areasTab.Text != areas {
		p.facesTab.Text, p.areasTab.Text = faces, areas
		p.listTabs.Refresh()
	}
}

// setStatus shows a message and, for f in 0..1, a progress bar.
func (p *vredactPanel) setStatus(msg string, f float64) {
	p.status.SetText(msg)
	if f < 0 {
		p.progress.Hide()
		return
	}
	p.progress.SetValue(f)
	p.progress.Show()
}

func fraction(pr video.Progress) float64 {
	if pr.Total <= 0 {
		return 0
	}
	return float64(pr.Done) / float64(pr.Total)
}

// progressText says how far a stage has come and how long it has to go.
func progressText(pr video.Progress) string {
	stage := map[string]string{
		"Finding faces":          lang.L("Finding faces"),
		"Reading frames":         lang.L("Reading frames"),
		"Redacting and encoding": lang.L("Covering and encoding"),
		"Checking the result":    lang.L("Checking the result"),
		"Following the area":     lang.L("Following the area"),
	}[pr.Stage]
	if stage == "" {
		stage = pr.Stage
	}
	s := stage
	if pr.Total > 0 {
		s += fmt.Sprintf(" %d%%", 100*pr.Done/pr.Total)
	}
	if pr.Left > 0 {
		s += fmt.Sprintf(lang.L(", about %s left"), roughTime(pr.Left))
	}
	return s
}

// roughTime says a duration the way a person would.
func roughTime(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf(lang.L("%d s"), max(1, int(d.Round(5*time.Second).Seconds())))
	case d < time.Hour:
		return fmt.Sprintf(lang.L("%d min"), int(d.Round(time.Minute).Minutes()))
	}
	return fmt.Sprintf(lang.L("%.1f h"), d.Hours())
}

// save asks where, then renders, checks and (if the check finds nothing
// left to cover) names the redacted copy.
func (p *vredactPanel) save() {
	if p.plan == nil || p.running || p.pending != nil {
		return
	}
	if p.plan.Empty() {
		p.u.showError(errors.New(lang.L("Nothing to cover: every face is left visible and no area was added.")))
		return
	}
	ext := strings.ToLower(filepath.Ext(p.path))
	if _, err := video.OutputFormat("x" + ext); err != nil {
		ext = ".mp4"
	}
	name := strings.Replace(outfile.NeutralName(ext), "photo-", "video-", 1)
	p.u.pickSave(filepath.Dir(p.path), name, func(out string) {
		if _, err := video.OutputFormat(out); err != nil {
			p.u.showError(err)
			return
		}
		p.render(out)
	})
}

// render runs the encode and check in the background.
func (p *vredactPanel) render(out string) {
	ctx, stop := context.WithCancel(p.ctx)
	p.running, p.saveStop, p.findings = true, stop, nil
	p.review.RemoveAll()
	p.updateControls()
	p.redraw()
	gen, ff, a := p.gen, p.ff, p.a
	// The encode works on its own copy of the plan: a second pass adds the
	// faces the check found to it, while the window keeps drawing p.plan.
	plan := *p.plan
	plan.Keep, plan.Areas = maps.Clone(p.plan.Keep), slices.Clone(p.plan.Areas)
	opt := video.RenderOptions{KeepAudio: p.keepAudio.Checked && a.Audio != nil}
	p.setStatus(lang.L("Covering and encoding…"), 0)
	var again string  // set on the UI goroutine when a second pass starts
	p.u.writes.Add(1) // quick exit gives the encode a moment to remove its temporary file
	p.u.goJob(func() {
		defer p.u.writes.Done()
		o, added, err := p.eng.redact(ctx, ff, a, &plan, out, opt, func(pr video.Progress) {
			p.u.do(func() {
				if gen == p.gen && p.running {
					p.setStatus(again+progressText(pr), fraction(pr))
				}
			})
		}, func(found, tracks int) {
			p.u.do(func() {
				again = countText(found, lang.L("The check of the written video found 1 face outside the covers; covering it too and writing it again."),
					lang.L("The check of the written video found %d faces outside the covers; covering them too and writing it again.")) + "\n"
			})
		})
		p.u.do(func() {
			stopped := ctx.Err() != nil
			stop()
			if gen != p.gen {
				if o != nil {
					o.Discard()
				}
				return
			}
			p.running, p.saveStop = false, nil
			p.plan.Tracks = plan.Tracks // with those the check added
			p.tracks.Refresh()
			p.finished(stopped, o, added, err)
		})
	})
}

// finished reports an encode: saved and verified, stopped, failed, or
// checked with faces still found (then the user decides).
func (p *vredactPanel) finished(stopped bool, o *video.Output, added []*video.Track, err error) {
	switch {
	case stopped:
		if o != nil {
			o.Discard()
		}
		p.setStatus(lang.L("Stopped. Nothing was saved."), -1)
	case err != nil:
		p.setStatus("", -1)
		p.u.showError(fmt.Errorf("%s: %w", baseName(p.path), err))
	case len(o.Verification.Findings) > 0:
		p.pending, p.findings, p.finding = o, o.Verification.Findings, 0
		p.setStatus(countText(len(p.findings), lang.L("The check of the written video still finds 1 face outside the redactions (yellow). Look at it before you decide; nothing is saved yet."),
			lang.L("The check of the written video still finds %d faces outside the redactions (yellow). Look at each before you decide; nothing is saved yet.")), -1)
		p.showReview()
		p.seek(p.findings[0].Frame)
	default:
		p.commit(o, len(added))
	}
	p.updateControls()
	p.redraw()
}

// commit names a checked output and says what was verified.
func (p *vredactPanel) commit(o *video.Output, added int) {
	if err := o.Save(); err != nil {
		p.setStatus("", -1)
		p.u.showError(fmt.Errorf("%s: %w", baseName(o.Path()), err))
		return
	}
	v, r := o.Verification, o.Rendered
	msg := fmt.Sprintf(lang.L("Saved %s. Checked after writing: all %d frames at their times, %d covered areas in %d frames, no face found outside them, no metadata."),
		baseName(o.Path()), v.Frames, v.Regions, r.Redacted)
	if added > 0 {
		msg += " " + countText(added, lang.L("(The first check found 1 more face; it was covered too.)"),
			lang.L("(The first check found %d more faces; they were covered too.)"))
	}
	if len(v.Findings) > 0 {
		msg = fmt.Sprintf(lang.L("Saved %s as you chose, with %d faces the check found outside the redactions."), baseName(o.Path()), len(v.Findings))
		if len(v.Findings) == 1 {
			msg = fmt.Sprintf(lang.L("Saved %s as you chose, with 1 face the check found outside the redactions."), baseName(o.Path()))
		}
	}
	if !r.Audio {
		msg += " " + lang.L("No sound.")
	}
	p.setStatus(msg, -1)
}

// showReview offers the choices for faces the check still finds.
func (p *vredactPanel) showReview() {
	prev := p.u.button(lang.L("Previous"), theme.NavigateBackIcon(), func() { p.stepFinding(-1) })
	next := p.u.button(lang.L("Next"), theme.NavigateNextIcon(), func() { p.stepFinding(1) })
	anyway := p.u.button(lang.L("Save anyway"), theme.DocumentSaveIcon(), func() {
		o := p.pending
		p.pending, p.findings = nil, nil
		p.review.RemoveAll()
		p.commit(o, 0)
		p.updateControls()
		p.redraw()
	})
	discard := p.u.button(lang.L("Don't save"), theme.CancelIcon(), func() {
		p.pending.Discard()
		p.pending, p.findings = nil, nil
		p.review.RemoveAll()
		p.setStatus(lang.L("Not saved. Add areas over what the check found, then save again."), -1)
		p.updateControls()
		p.redraw()
	})
	cover := p.u.button(lang.L("Cover them too and save again"), theme.VisibilityOffIcon(), p.coverFindings)
	cover.Importance = widget.HighImportance
	p.review.Objects = []fyne.CanvasObject{container.NewHBox(prev, next), cover, container.NewHBox(discard, anyway)}
	p.review.Refresh()
}

// coverFindings adds what the check still found to the plan, as faces of
// their own (the user can untick any that is not a face), and writes the
// video again under the same name.
func (p *vredactPanel) coverFindings() {
	if p.pending == nil || p.running {
		return
	}
	out := p.pending.Path()
	p.pending.Discard()
	p.plan.AddFindings(p.a, p.findings)
	p.pending, p.findings = nil, nil
	p.review.RemoveAll()
	p.tracks.Refresh()
	p.render(out)
}

// stepFinding moves to the next or previous finding.
func (p *vredactPanel) stepFinding(d int) {
	if len(p.findings) == 0 {
		return
	}
	p.finding = (p.finding + d + len(p.findings)) % len(p.findings)
	p.seek(p.findings[p.finding].Frame)
}

// stopSave cancels a running encode; nothing gets a name.
func (p *vredactPanel) stopSave() {
	if p.saveStop != nil {
		p.saveStop()
	}
}

// countText is one of two translated texts: one for exactly one thing,
// many (with a %d for the count) otherwise.
func countText(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(many, n)
}
