package video

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/redact"
)

// Defaults for RenderOptions.
const (
	// DefaultCRF is libx264's constant quality: 18 is visually close to the
	// source, which evidence needs.
	DefaultCRF = 18
	// DefaultPreset trades file size for speed; on two cores "veryfast"
	// encodes 1080p at roughly real time / 2.
	DefaultPreset = "veryfast"
)

// RenderOptions tune Render.
type RenderOptions struct {
	// KeepAudio keeps the first sound track (re-encoded, see encodeArgs).
	// Voices and background sound identify people and places too, so it
	// is off by default.
	KeepAudio bool
	// CRF and Preset are libx264's quality and speed (0, "": the defaults).
	CRF    int
	Preset string
	// Format is the container: "mp4" (also for .m4v), "mov" or "3gp".
	Format string
}

// OutputFormat returns the container for an output named name: ".mp4" and
// ".m4v" are MP4, ".mov" QuickTime, ".3gp" 3GPP. Others are refused.
func OutputFormat(name string) (string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".mp4", ".m4v":
		return "mp4", nil
	case ".mov":
		return "mov", nil
	case ".3gp":
		return "3gp", nil
	}
	return "", fmt.Errorf("a redacted video is written as .mp4, .m4v, .mov or .3gp, not %q", filepath.Ext(name))
}

// Rendered tells what Render wrote.
type Rendered struct {
	Frames int
	// Redacted counts frames with at least one region burnt in; Regions
	// counts regions over all frames.
	Redacted, Regions int
	// Audio is set when a sound track was copied.
	Audio bool
}

// encodeArgs are FFmpeg's output options for the redacted video.
func encodeArgs(a *Analysis, opt RenderOptions) []string {
	crf, preset := opt.CRF, opt.Preset
	if crf <= 0 {
		crf = DefaultCRF
	}
	if preset == "" {
		preset = DefaultPreset
	}
	args := []string{
		"-map", "0:v:0",
		"-c:v", "libx264", "-preset", preset, "-crf", strconv.Itoa(crf), "-pix_fmt", "yuv420p",
		// The frames' own timestamps, in the source's time base, to the
		// container unchanged: variable frame rates stay as they were.
		"-fps_mode", "passthrough", "-copyts", "-enc_time_base", "-1",
		"-video_track_timescale", strconv.FormatInt(a.TimeBase.Den, 10),
		// x264 writes its version and settings in an SEI message: none
		// are kept, and the container gets no metadata, chapters, handler
		// or encoder names. (An empty encoder tag makes FFmpeg write its
		// own, "Lavc libx264", as the compressor name: a space writes none.
		// Part 1's inspector finds nothing in such a file.)
		"-bsf:v", "filter_units=remove_types=6",
		"-map_metadata", "-1", "-map_chapters", "-1",
		"-fflags", "+bitexact", "-flags:v", "+bitexact", "-empty_hdlr_name", "1",
		"-metadata:s:v:0", "language=und", "-metadata:s:v:0", "encoder= ",
	}
	if opt.KeepAudio && a.Audio != nil {
		// The sound is re-encoded, never copied: an encoder's own data
		// travels inside the coded sound (FFmpeg's AAC names its version
		// in the first frame, others may name theirs), where no container
		// check looks. 192 kb/s AAC keeps speech and ambience intact.
		args = append(args, "-map", "1:a:0", "-c:a", "aac", "-b:a", "192k", "-flags:a", "+bitexact", "-metadata:s:a:0", "encoder= ")
	}
	return args
}

// frameShift is what is added to every frame's timestamp (in the
// source's time base) as the copy is written. NUT, like MP4, has no
// negative timestamps: a stream starting before zero is shifted, as a
// whole, to start at it. A video alone in the copy starts at zero: one that
// started after its sound (an edit list's empty edit, a Matroska file's
// late video) kept that offset only beside the sound, which is not there.
func frameShift(a *Analysis, withSound bool) int64 {
	if withSound {
		return -min(a.Frames[0].PTS, 0)
	}
	return -a.Frames[0].PTS
}

// Render burns plan into every frame of a's video and has FFmpeg encode
// the result into out, an empty file (in Veil, an unnamed temporary file
// from outfile.Create). The frames are decoded again at full size; each
// must match the analysis (same count, same timestamps). progress, if not
// nil, is called as frames are done.
func Render(ctx context.Context, ff *ffmpeg.Runner, a *Analysis, plan *Plan, out *os.File, opt RenderOptions, progress func(Progress)) (*Rendered, error) {
	if opt.Format == "" {
		opt.Format = "mp4"
	}
	if len(a.Frames) == 0 {
		return nil, ErrNoFrames
	}
	pr, pw := io.Pipe()
	inputs := []ffmpeg.Input{{Stdin: pr, Format: "nut"}}
	res := &Rendered{}
	if opt.KeepAudio && a.Audio != nil {
		inputs = append(inputs, ffmpeg.Input{Path: a.Path})
		res.Audio = true
	}
	shift := frameShift(a, res.Audio)
	encoded := make(chan error, 1)
	go func() {
		err := ff.Run(ctx, ffmpeg.Job{Inputs: inputs, Args: encodeArgs(a, opt), Format: opt.Format, OutputFile: out})
		if err != nil {
			pr.CloseWithError(err)
		} else {
			pr.CloseWithError(io.ErrClosedPipe) // nothing more is read
		}
		encoded <- err
	}()
	nw, err := ffmpeg.NewNUTWriter(pw, ffmpeg.NUTVideo{Width: a.Size.X, Height: a.Size.Y, Format: ffmpeg.RGBA, TimeBase: a.TimeBase})
	if err != nil {
		pw.CloseWithError(err)
		<-encoded
		return nil, err
	}
	meter := newMeter("Redacting and encoding", len(a.Frames), progress)
	decodeErr := ff.Frames(ctx, a.Path, ffmpeg.FrameOptions{Pixels: ffmpeg.RGBA, AutoRotate: true}, func(f *ffmpeg.Frame) error {
		i := res.Frames
		if err := a.sameFrame(f, i); err != nil {
			return err
		}
		img := &image.NRGBA{Pix: f.Pix, Stride: f.Stride, Rect: image.Rect(0, 0, f.Width, f.Height)}
		n, err := redact.Burn(img, plan.Regions(i))
		if err != nil {
			return fmt.Errorf("frame %d: %w", i, err)
		}
		if n > 0 {
			res.Redacted++
			res.Regions += n
		}
		if err := nw.WriteFrame(f.PTS+shift, f.Pix); err != nil {
			return errEncoder
		}
		res.Frames++
		meter.frame(res.Frames)
		return nil
	})
	if decodeErr == nil && res.Frames != len(a.Frames) {
		decodeErr = fmt.Errorf("it gave %d frames the second time it was read, %d the first", res.Frames, len(a.Frames))
	}
	if decodeErr == nil {
		decodeErr = nw.Flush()
	}
	pw.CloseWithError(decodeErr) // nil: the end of the frames
	encErr := <-encoded
	switch {
	case errors.Is(decodeErr, errEncoder) && encErr != nil:
		return nil, fmt.Errorf("encoding: %w", encErr)
	case decodeErr != nil:
		return nil, decodeErr
	case encErr != nil:
		return nil, fmt.Errorf("encoding: %w", encErr)
	}
	return res, nil
}

// errEncoder means the encoder stopped taking frames; its own error says why.
var errEncoder = errors.New("the encoder stopped")

// sameFrame checks that decoded frame f is frame i of the analysis.
func (a *Analysis) sameFrame(f *ffmpeg.Frame, i int) error {
	switch {
	case i >= len(a.Frames):
		return fmt.Errorf("it gave more frames the second time it was read than the first (%d)", len(a.Frames))
	case !f.HasPTS || f.PTS != a.Frames[i].PTS || f.TimeBase != a.TimeBase:
		return fmt.Errorf("its frame %d has another timestamp the second time it was read", i)
	case f.Width != a.Size.X || f.Height != a.Size.Y:
		return fmt.Errorf("its frame %d is %d×%d, not %d×%d (changing picture sizes are not supported)", i, f.Width, f.Height, a.Size.X, a.Size.Y)
	}
	return nil
}
