package clean

import (
	"context"
	"path/filepath"

	"codeberg.org/veil/veil/internal/ffmpeg"
)

// remuxError is a refusal FFmpeg may lift: the video is in a container
// the rewrite does not read (Matroska, AVI, an MPEG transport stream, a
// fragmented MP4) but its streams may fit in a plain MP4.
type remuxError struct {
	err     error
	demuxer string // FFmpeg's demuxer, allowed for this input only
}

func (e *remuxError) Error() string { return e.err.Error() }
func (e *remuxError) Unwrap() error { return e.err }

func remuxable(err error, demuxer string) error { return &remuxError{err: err, demuxer: demuxer} }

// remux has FFmpeg copy the video and audio streams of in (subtitles,
// data and attachments stay behind) into a plain MP4 beside out, returned
// open for reading and without a name.
func remux(ctx context.Context, in, out, demuxer string) (*ffmpeg.Copy, error) {
	return ffmpeg.CopyToMP4(ctx, in, demuxer, filepath.Dir(out), []string{"-map", "0:v?", "-map", "0:a?"})
}
