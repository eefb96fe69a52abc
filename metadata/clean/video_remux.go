package clean

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"

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

// remuxArgs copy the video and audio streams (subtitles, data and
// attachments stay behind) without their metadata, chapters or the
// muxer's own name.
var remuxArgs = []string{"-map", "0:v?", "-map", "0:a?", "-c", "copy", "-map_metadata", "-1", "-map_chapters", "-1",
	"-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"}

// remux has FFmpeg copy the streams of in into a plain MP4 in a temporary
// file beside out, which has no name (it is removed as soon as it is open
// where the system allows) and is returned open for reading.
func remux(ctx context.Context, in, out, demuxer string) (*os.File, error) {
	r, err := ffmpeg.New()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(out), ".veil-tmp-remux-*")
	if err != nil {
		return nil, err
	}
	name := f.Name()
	if runtime.GOOS != "windows" {
		os.Remove(name) // unnamed from now on; the descriptor keeps it
	} else {
		defer os.Remove(name)
	}
	job := ffmpeg.Job{
		Inputs:     []ffmpeg.Input{{Path: in, Formats: []string{demuxer}}},
		Args:       remuxArgs,
		Format:     "mp4",
		OutputFile: f,
	}
	if err := r.Run(ctx, job); err != nil {
		f.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if st, err := f.Stat(); err != nil || st.Size() == 0 {
		f.Close()
		return nil, errors.New("FFmpeg wrote nothing")
	}
	return f, nil
}
