package video

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"time"

	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/internal/mp4"
	"codeberg.org/veil/veil/redact"
	"codeberg.org/veil/veil/redact/detect"
)

// Defaults for AnalyzeOptions.
const (
	// DefaultDetectSide is the long side frames are scaled down to for the
	// detector: its whole-frame passes see 640 px, and its small-face
	// passes tile this size, which finds faces down to about 15 px in a
	// 1080p frame.
	DefaultDetectSide = 1280
	// DefaultSmallEvery and DefaultTurnedEvery space the detector's costly
	// passes: small faces (tiles) every 5th frame, faces lying sideways or
	// upside down every 15th. Tracking fills the frames between, where the
	// face was found on both sides.
	DefaultSmallEvery  = 5
	DefaultTurnedEvery = 15
)

// AnalyzeOptions tune Analyze. The zero value means the defaults.
type AnalyzeOptions struct {
	// DetectSide is the long side frames are scaled down to for the detector.
	DetectSide int
	// SmallEvery runs the small-face pass every Nth frame; negative: never.
	SmallEvery int
	// TurnedEvery runs the passes for faces lying sideways or upside down
	// every Nth frame; negative: never.
	TurnedEvery int
	// Threads bounds the goroutines detection uses (0: one per core).
	Threads int
	// Track overrides the tracking defaults (DefaultTrackOptions for the
	// video's frame rate) when MaxGap is set.
	Track TrackOptions
	// NoFaces skips face detection: only areas added by hand are redacted.
	NoFaces bool
	// Frame, if not nil, sees every frame as the detector does (upright,
	// scaled to DetectSide) before it is searched, for a viewer's
	// thumbnails. img is reused for the next frame: copy what must stay.
	Frame func(i int, img *image.NRGBA)
}

func (o AnalyzeOptions) detectSide() int {
	if o.DetectSide > 0 {
		return o.DetectSide
	}
	return DefaultDetectSide
}

func every(n, def int) int {
	switch {
	case n < 0:
		return 0
	case n == 0:
		return def
	}
	return n
}

// FrameTime is when one frame is shown.
type FrameTime struct {
	// PTS is its presentation timestamp in the video's time base.
	PTS int64
	// Time is PTS in time from the start of the stream.
	Time time.Duration
}

// Analysis is what Analyze found in a video: its frames and their times,
// the faces in each frame, and the tracks they form. Coordinates are pixels
// of the upright frame at full size.
type Analysis struct {
	// Path is the video file.
	Path string
	// Video is the video stream as ffprobe describes it.
	Video ffmpeg.Stream
	// Duration is the video stream's duration (the file's when the stream
	// gives none); FileDuration is the whole file's (sound included).
	Duration, FileDuration time.Duration
	// Size is the upright frame's size.
	Size image.Point
	// TimeBase is the unit of the frames' PTS.
	TimeBase ffmpeg.Rational
	Frames   []FrameTime
	// Faces[i] are the faces found in frame i.
	Faces  [][]Detection
	Tracks []*Track
	// Audio is the first audio stream, if the video has sound.
	Audio *ffmpeg.Stream
	// Options are the options Analyze ran with (defaults filled in).
	Options AnalyzeOptions
}

// FPS is the video's mean frame rate.
func (a *Analysis) FPS() float64 {
	n := len(a.Frames)
	if n < 2 {
		return a.Video.Rate()
	}
	span := a.Frames[n-1].Time - a.Frames[0].Time
	if span <= 0 {
		return a.Video.Rate()
	}
	return float64(n-1) / span.Seconds()
}

// FrameDuration is how long frame i is shown: until the next frame, or for
// the last one the mean frame interval.
func (a *Analysis) FrameDuration(i int) time.Duration {
	if i+1 < len(a.Frames) {
		return a.Frames[i+1].Time - a.Frames[i].Time
	}
	if fps := a.FPS(); fps > 0 {
		return time.Duration(float64(time.Second) / fps)
	}
	return 0
}

// FrameAt returns the index of the frame shown at t (the last frame whose
// time is at or before t; the first frame for t before it).
func (a *Analysis) FrameAt(t time.Duration) int {
	lo, hi := 0, len(a.Frames)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if a.Frames[mid].Time <= t {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return max(lo, 0)
}

// Progress reports how far a pass has come.
type Progress struct {
	// Stage names the pass ("Finding faces", ...).
	Stage string
	// Done and Total count frames (Total is an estimate from the
	// container until the pass ends; 0 when unknown).
	Done, Total int
	// Left is the estimated time left in this pass (0 when unknown).
	Left time.Duration
}

// progressMeter turns frame counts into Progress with a time-left estimate.
type progressMeter struct {
	stage string
	total int
	start time.Time
	last  time.Time
	fn    func(Progress)
}

func newMeter(stage string, total int, fn func(Progress)) *progressMeter {
	now := time.Now()
	return &progressMeter{stage: stage, total: total, start: now, fn: fn}
}

// frame reports frame done (1-based count) at most four times a second, and
// always the last.
func (m *progressMeter) frame(done int) {
	if m.fn == nil {
		return
	}
	now := time.Now()
	if now.Sub(m.last) < 250*time.Millisecond && done != m.total {
		return
	}
	m.last = now
	p := Progress{Stage: m.stage, Done: done, Total: max(m.total, done)}
	if done > 0 && m.total > done {
		per := now.Sub(m.start) / time.Duration(done)
		p.Left = per * time.Duration(m.total-done)
	}
	m.fn(p)
}

// ErrNoFrames means no picture of the video could be decoded.
var ErrNoFrames = errors.New("no picture in it could be decoded")

// ErrUntimed means the video's frames carry no timestamps, so their timing
// cannot be kept.
var ErrUntimed = errors.New("its frames carry no timestamps")

// Analyze finds the faces in every frame of the video at path and links
// them into tracks. progress, if not nil, is called as frames are done.
func Analyze(ctx context.Context, ff *ffmpeg.Runner, path string, opt AnalyzeOptions, progress func(Progress)) (*Analysis, error) {
	a, err := probe(ctx, ff, path)
	if err != nil {
		return nil, err
	}
	opt.SmallEvery = every(opt.SmallEvery, DefaultSmallEvery)
	opt.TurnedEvery = every(opt.TurnedEvery, DefaultTurnedEvery)
	opt.DetectSide = opt.detectSide()
	a.Options = opt
	d, err := detect.New()
	if err != nil {
		return nil, err
	}
	if opt.Threads > 0 {
		d = d.WithThreads(opt.Threads)
	}
	stage := "Finding faces"
	if opt.NoFaces {
		stage = "Reading frames"
	}
	meter := newMeter(stage, expectedFrames(a), progress)
	err = ff.Frames(ctx, path, ffmpeg.FrameOptions{Pixels: ffmpeg.RGBA, AutoRotate: true, MaxSide: opt.DetectSide}, func(f *ffmpeg.Frame) error {
		i := len(a.Frames)
		if err := a.addFrame(f); err != nil {
			return err
		}
		if opt.Frame != nil {
			opt.Frame(i, &image.NRGBA{Pix: f.Pix, Stride: f.Stride, Rect: image.Rect(0, 0, f.Width, f.Height)})
		}
		var faces []Detection
		if !opt.NoFaces {
			var err error
			if faces, err = findFaces(ctx, d, f, i, a.Size, opt); err != nil {
				return err
			}
		}
		a.Faces = append(a.Faces, faces)
		meter.frame(i + 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(a.Frames) == 0 {
		return nil, ErrNoFrames
	}
	a.Tracks = Follow(a.Faces, a.trackOptions())
	return a, nil
}

// trackOptions are the tracking options for this video: the defaults for
// its frame rate unless Options.Track is set, with extensions at least as
// long as the spacing of the costly passes (a face those passes alone see
// is covered up to its first and last sighting).
func (a *Analysis) trackOptions() TrackOptions {
	o := a.Options.Track
	if o.MaxGap == 0 {
		o = DefaultTrackOptions(a.FPS())
	}
	o.Frame = image.Rectangle{Max: a.Size}
	o.Extend = max(o.Extend, a.Options.SmallEvery, a.Options.TurnedEvery/2)
	o.MaxGap = max(o.MaxGap, 2*a.Options.SmallEvery, a.Options.TurnedEvery+1)
	return o
}

// probe reads the video's streams and checks it can be redacted.
func probe(ctx context.Context, ff *ffmpeg.Runner, path string) (*Analysis, error) {
	// FFmpeg reads Matroska, AVI and transport streams too. Matroska and
	// WebM are redacted like movies. A transport stream's sound keeps the
	// camera's clock and its durations are estimates, and AVI stores no
	// presentation times: the frame-by-frame check of the written copy
	// would fail after the whole encode, so they are refused at once. Their
	// clean copy (an MP4, streams copied) is redacted like any movie.
	if what := containerOf(path); what != "" && mp4.Demuxer(what) != "matroska" {
		return nil, &ffmpeg.Error{Reason: fmt.Sprintf("it is %s; Veil redacts MP4, MOV, M4V, 3GP, MKV and WebM videos: save a clean copy first (an MP4, nothing re-encoded) and redact that", what)}
	}
	info, err := ff.Probe(ctx, path, ffmpeg.ProbeOptions{})
	if err != nil {
		return nil, err
	}
	v, ok := info.Video()
	if !ok {
		return nil, &ffmpeg.Error{Reason: "it has no video track"}
	}
	w, h := v.DisplaySize()
	if w <= 0 || h <= 0 {
		return nil, errors.New("its picture size is unknown")
	}
	if err := redact.CheckSize(w, h); err != nil {
		return nil, err
	}
	a := &Analysis{Path: path, Video: v, Duration: v.Duration, FileDuration: info.Duration, Size: image.Pt(w, h)}
	if a.Duration <= 0 {
		a.Duration = info.Duration
	}
	for _, s := range info.Streams {
		if s.Type == "audio" {
			s := s
			a.Audio = &s
			break
		}
	}
	return a, nil
}

// expectedFrames is the container's frame count, or one from the duration
// and rate, for progress before the end is reached.
func expectedFrames(a *Analysis) int {
	if a.Video.Frames > 0 && a.Video.Frames < 1<<31 {
		return int(a.Video.Frames)
	}
	if r := a.Video.Rate(); r > 0 && a.Duration > 0 {
		return int(math.Round(a.Duration.Seconds() * r))
	}
	return 0
}

// addFrame records a decoded frame's time, checking that the stream is one
// Veil can re-encode frame for frame: timestamps, increasing, in one time
// base.
func (a *Analysis) addFrame(f *ffmpeg.Frame) error {
	if !f.HasPTS || f.TimeBase.Num <= 0 || f.TimeBase.Den <= 0 {
		return ErrUntimed
	}
	if len(a.Frames) == 0 {
		a.TimeBase = f.TimeBase
	} else {
		if f.TimeBase != a.TimeBase {
			return errors.New("its time base changes mid-stream")
		}
		if prev := a.Frames[len(a.Frames)-1].PTS; f.PTS <= prev {
			return fmt.Errorf("its frame %d is not later than the one before (timestamps %d, %d)", len(a.Frames), prev, f.PTS)
		}
	}
	a.Frames = append(a.Frames, FrameTime{PTS: f.PTS, Time: f.Time})
	return nil
}

// The detector's thresholds: the check of a written video reports faces
// from CheckThreshold (the detector's default for redaction), and Analyze
// covers them from the lower FindThreshold. Encoding moves a score by a few
// hundredths, so a face or a pattern at the threshold in the source can
// cross it in the written video; with one threshold, each pass that covered
// the check's findings led the next check to another (a gold lace on a
// dress at 0.46 ended a 60 s clip's third pass). The margin between the two
// keeps what Analyze left visible clearly below what the check reports.
const (
	CheckThreshold = 0.45
	FindThreshold  = 0.40
)

// detectOptions are the detector's settings for frame i: the whole-frame
// passes (both views) on every frame, the small-face and turned passes on
// every SmallEvery-th and TurnedEvery-th frame, reporting faces from
// threshold.
func detectOptions(i int, opt AnalyzeOptions, threshold float32) detect.Options {
	o := detect.DefaultOptions()
	o.Threshold = threshold
	o.Tiles = opt.SmallEvery > 0 && i%opt.SmallEvery == 0
	o.Rotations = opt.TurnedEvery > 0 && i%opt.TurnedEvery == 0
	return o
}

// findFaces runs the detector on frame i (scaled for detection) and maps the
// faces to the full-size frame of size full.
func findFaces(ctx context.Context, d *detect.Detector, f *ffmpeg.Frame, i int, full image.Point, opt AnalyzeOptions) ([]Detection, error) {
	img := &image.NRGBA{Pix: f.Pix, Stride: f.Stride, Rect: image.Rect(0, 0, f.Width, f.Height)}
	faces, err := d.Detect(ctx, img, detectOptions(i, opt, FindThreshold))
	if err != nil {
		return nil, err
	}
	return scaleFaces(faces, img.Rect.Size(), full), nil
}

// scaleFaces maps the detector's faces from a frame of size from to one of
// size to, rounding outwards.
func scaleFaces(faces []detect.Face, from, to image.Point) []Detection {
	sx := float64(to.X) / float64(from.X)
	sy := float64(to.Y) / float64(from.Y)
	scale := func(r image.Rectangle) image.Rectangle {
		return image.Rect(int(math.Floor(float64(r.Min.X)*sx)), int(math.Floor(float64(r.Min.Y)*sy)),
			int(math.Ceil(float64(r.Max.X)*sx)), int(math.Ceil(float64(r.Max.Y)*sy)))
	}
	out := make([]Detection, len(faces))
	for k, fc := range faces {
		box, raw := scale(fc.Box), scale(fc.Raw)
		out[k] = Detection{Box: raw, Cover: redact.FaceRect(box, raw), Score: fc.Score}
	}
	return out
}

// containerOf names the container of the file at path when it is one
// mp4.OtherContainer knows, else "".
func containerOf(path string) string {
	f, size, err := mp4.OpenFile(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	return mp4.OtherContainer(f, size)
}
