package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/veil/veil/fingerprint"
	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/metadata/inspect"
)

// A video opens in the same window as a photo, in place of the region
// editor: a poster frame, its facts, what it reveals, Save clean copy and
// Hash for reporting. The photo's document (u.doc) is nil while a video is
// open (u.vdoc), so every photo tool is inert.

// videoDoc is one open video. Veil never holds a video's bytes: a video can
// be many gigabytes, so every engine reads the file itself, streaming.
type videoDoc struct {
	Path string
	Name string
	Size int64
	// Info is what FFmpeg read of its streams; nil without FFmpeg, or when
	// FFmpeg could not or would not read the file.
	Info *ffmpeg.Info
	// Poster is an upright frame for the screen, at most displayMaxSide
	// across; nil when none could be made (PreviewErr says why).
	Poster     *image.NRGBA
	PreviewErr error
	// Unreadable is set when the metadata engine could not read the movie
	// (damaged, truncated): no clean copy is offered. A container it does
	// not read itself (MKV, AVI, MTS, a fragmented MP4) is not unreadable:
	// the cleaner copies its streams into an MP4 through FFmpeg and checks
	// that.
	Unreadable error
}

// fileKind is what a file to open turned out to be.
type fileKind int

const (
	kindPhoto fileKind = iota
	kindVideo
)

// sniffFile tells a photo from a video by the file's first bytes (and its
// name, for containers whose bytes do not say), as veil hash does, and
// returns its size. It reads no more than the start of the file. A file it
// cannot read is taken for a photo, whose reader then names the problem.
func sniffFile(path string) (fileKind, int64) {
	// O_NONBLOCK: a named pipe must not hang the open.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return kindPhoto, 0
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return kindPhoto, 0
	}
	head := make([]byte, fingerprint.SniffLen)
	n, _ := io.ReadFull(f, head)
	if fingerprint.IsVideo(head[:n], path) {
		return kindVideo, st.Size()
	}
	return kindPhoto, st.Size()
}

// posterTime is where the poster frame is taken: a second in (the very
// first frame of a phone video is often dark), earlier in a short clip.
func posterTime(info *ffmpeg.Info) time.Duration {
	if info == nil {
		return 0
	}
	return min(time.Second, info.Duration/3)
}

// videoPicture reads a video's facts and poster frame through FFmpeg.
// Without FFmpeg, or when FFmpeg refuses the file, err says why there is
// no picture; the video is open all the same (its metadata and hashes need
// no FFmpeg).
func videoPicture(ctx context.Context, eng engines, path string) (*ffmpeg.Info, *image.NRGBA, error) {
	info, err := eng.probe(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := info.Video(); !ok {
		return info, nil, errors.New(lang.L("it has no picture to show"))
	}
	poster, err := eng.poster(ctx, path, posterTime(info), displayMaxSide)
	return info, poster, err
}

// previewProblem is the line shown in place of a poster frame.
func previewProblem(err error) string {
	switch {
	case errors.Is(err, ffmpeg.ErrNotInstalled):
		return noFFmpegText()
	case errors.Is(err, ffmpeg.ErrRefused):
		return lang.L("Veil shows previews of MP4, MOV, M4V, 3GP, MKV, WebM, AVI and MTS videos only. This file can still be hashed for reporting.")
	}
	return fmt.Sprintf(lang.L("Veil cannot show this video: %v"), err)
}

// videoFacts is the video's one-line description: length, picture size as
// shown, frame rate, codecs and file size.
func videoFacts(v *videoDoc) string {
	parts := []string{}
	if v.Info != nil {
		if v.Info.Duration > 0 {
			parts = append(parts, clock(v.Info.Duration))
		}
		if s, ok := v.Info.Video(); ok {
			w, h := s.DisplaySize()
			parts = append(parts, fmt.Sprintf("%d×%d", w, h))
			if r := s.AvgFrameRate.Float(); r > 0 {
				parts = append(parts, fmt.Sprintf(lang.L("%s frames a second"), strconv.FormatFloat(math.Round(r*100)/100, 'f', -1, 64)))
			}
			if s.Codec != "" {
				parts = append(parts, strings.ToUpper(s.Codec))
			}
		}
		audio := false
		for _, s := range v.Info.Streams {
			audio = audio || s.Type == "audio"
		}
		if audio {
			parts = append(parts, lang.L("with sound"))
		} else {
			parts = append(parts, lang.L("no sound"))
		}
	}
	parts = append(parts, sizeText(v.Size))
	return strings.Join(parts, " · ")
}

// clock writes a duration as a player does: 0:07, 12:34, 1:02:03.
func clock(d time.Duration) string {
	s := int64((d + time.Second/2) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// videoPane is the left pane while a video is open: the poster frame (or
// the reason there is none), the video's facts, and the progress of a long
// operation on it with its Cancel button.
type videoPane struct {
	content    fyne.CanvasObject
	poster     *canvas.Image
	problem    *widget.Label
	problemBox fyne.CanvasObject
	facts      *widget.Label
	task       *taskRow
}

func (u *ui) newVideoPane() *videoPane {
	vv := &videoPane{}
	vv.poster = canvas.NewImageFromImage(nil)
	vv.poster.FillMode = canvas.ImageFillContain
	vv.poster.ScaleMode = canvas.ImageScaleFastest
	vv.problem = wrapLabel("")
	vv.problem.Alignment = fyne.TextAlignCenter
	vv.problem.Hide()
	vv.facts = widget.NewLabel("")
	vv.facts.Truncation = fyne.TextTruncateEllipsis
	vv.task = u.newTaskRow()
	icon := widget.NewIcon(theme.MediaVideoIcon())
	vv.problemBox = container.NewCenter(container.NewVBox(container.NewCenter(icon), container.NewGridWrap(fyne.NewSize(420, 120), vv.problem)))
	vv.problemBox.Hide()
	vv.content = container.NewBorder(nil, container.NewVBox(vv.facts, vv.task.box), nil, nil,
		container.NewStack(vv.poster, vv.problemBox))
	vv.content.Hide()
	return vv
}

// show puts v on screen: its poster frame, or the reason there is none.
func (vv *videoPane) show(v *videoDoc) {
	vv.facts.SetText(videoFacts(v))
	if v.Poster != nil {
		vv.poster.Image = v.Poster
		vv.poster.Show()
		vv.poster.Refresh()
		vv.problemBox.Hide()
		return
	}
	vv.poster.Image = nil
	vv.poster.Hide()
	vv.problem.SetText(previewProblem(v.PreviewErr))
	vv.problem.Show()
	vv.problemBox.Show()
}

// loading shows v while its picture is being made.
func (vv *videoPane) loading(v *videoDoc) {
	vv.facts.SetText(videoFacts(v))
	vv.poster.Image = nil
	vv.poster.Hide()
	vv.problem.SetText(lang.L("Making a picture of the video…"))
	vv.problem.Show()
	vv.problemBox.Show()
}

// clear empties the view (a new file is opening).
func (vv *videoPane) clear() {
	vv.task.Cancel()
	vv.poster.Image = nil
	vv.poster.Refresh()
	vv.problemBox.Hide()
	vv.facts.SetText("")
}

// showKind sets the window up for a photo or a video: the region editor
// and its tools, or the video view; the tab's name and the save buttons
// that apply.
func (u *ui) showKind(k fileKind) {
	if k == kindVideo {
		u.editor.Hide()
		u.tools.Hide()
		u.vpane.content.Show()
		u.locOnly.Hide()
		u.saveRedact.Hide()
		if u.redactVideo != nil {
			u.redactBtn.Show()
		}
		u.photoTab.Text, u.photoTab.Icon = lang.L("Video"), theme.MediaVideoIcon()
	} else {
		u.vpane.content.Hide()
		u.editor.Show()
		u.tools.Show()
		u.locOnly.Show()
		u.saveRedact.Show()
		u.redactBtn.Hide()
		u.photoTab.Text, u.photoTab.Icon = lang.L("Photo"), theme.FileImageIcon()
	}
	u.hashPanel.setKind(k)
	u.tabs.Refresh()
}

// loadVideoFile runs on a background goroutine. It opens the video view at
// once (on the UI goroutine: what the file reveals, its hashes, Save clean
// copy), then makes the poster frame through FFmpeg and shows it.
func (u *ui) loadVideoFile(ctx context.Context, gen int, path string, size int64) {
	// The video is open at once: what it reveals and its hashes do not
	// wait for FFmpeg, which can take seconds on a large file.
	v := &videoDoc{Path: path, Name: baseName(path), Size: size}
	u.do(func() {
		if gen != u.gen {
			return
		}
		u.vdoc = v
		u.showKind(kindVideo)
		u.vpane.loading(v)
		u.updateControls()
		u.startVideoInspect(gen, v)
		if u.sideTabs.SelectedIndex() == 1 {
			u.hashPanel.Start()
		}
	})
	info, poster, err := videoPicture(ctx, u.eng, path)
	u.do(func() {
		if gen != u.gen {
			return
		}
		v.Info, v.Poster, v.PreviewErr = info, poster, err
		u.vpane.show(v)
		u.timings.mark("first frame")
		u.busyStop("")
	})
}

// redactFaces hands the open video to the video redaction panel
// (u.redactVideo), the one way into it from this view.
func (u *ui) redactFaces() {
	if u.vdoc == nil || u.redactVideo == nil {
		return
	}
	u.redactVideo(u.vdoc.Path)
}

// startVideoInspect asks the video metadata engine what the file reveals,
// in the background.
func (u *ui) startVideoInspect(gen int, v *videoDoc) {
	ctx := u.ctx
	u.goJob(func() {
		rep, err := u.eng.inspectVideo(ctx, v.Path)
		u.do(func() {
			if gen != u.gen {
				return
			}
			u.report = rep
			if err != nil && !errors.Is(err, inspect.ErrVideoUnsupported) {
				v.Unreadable = err
				u.updateControls()
			}
			u.showReport(kindVideo, rep, err, nil, nil)
			u.timings.mark("report shown")
		})
	})
}
