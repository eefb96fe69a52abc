package ffmpeg

import (
	"context"
	"errors"
	"image"
	"time"
)

// PosterOptions choose the picture Poster returns.
type PosterOptions struct {
	// At is the time of the frame to show; past the end (or when no frame
	// decodes there) the first frame is used.
	At time.Duration
	// MaxSide shrinks the picture so neither side exceeds it (0: full size).
	MaxSide int
	// Formats are demuxers allowed besides DefaultFormats.
	Formats []string
}

// Poster returns one frame of the main video stream, upright as players
// show it, for a preview.
func (r *Runner) Poster(ctx context.Context, path string, opt PosterOptions) (*image.NRGBA, error) {
	var img *image.NRGBA
	grab := func(at time.Duration) error {
		return r.Frames(ctx, path, FrameOptions{
			Formats: opt.Formats, Pixels: RGBA, AutoRotate: true, MaxSide: opt.MaxSide, Start: at, Limit: 1,
		}, func(f *Frame) error {
			img = &image.NRGBA{Pix: append([]byte(nil), f.Pix...), Stride: f.Stride, Rect: image.Rect(0, 0, f.Width, f.Height)}
			return nil
		})
	}
	err := grab(opt.At)
	if err == nil && img == nil && opt.At > 0 {
		err = grab(0)
	}
	if err != nil {
		return nil, err
	}
	if img == nil {
		return nil, &Error{Reason: "no picture in it could be decoded", kind: errors.Join(ErrDamaged, ErrNoVideo)}
	}
	return img, nil
}
