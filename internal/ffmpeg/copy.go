package ffmpeg

import (
	"context"
	"errors"
	"os"
	"runtime"
)

// copyArgs copy streams as they are, without the source's metadata,
// chapters or the muxer's own name.
var copyArgs = []string{"-c", "copy", "-map_metadata", "-1", "-map_chapters", "-1",
	"-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"}

// Copy is FFmpeg's MP4 copy of a video, open for reading. Close removes
// it.
type Copy struct {
	*os.File
	name string // "" once it has no name
}

// Close closes the copy and, where it still has a name, removes it.
func (c *Copy) Close() error {
	err := c.File.Close()
	if c.name != "" {
		if rerr := os.Remove(c.name); rerr != nil && !os.IsNotExist(rerr) && err == nil {
			err = rerr
		}
	}
	return err
}

// CopyToMP4 has FFmpeg copy streams of the file at in, read with demuxer
// (allowed for this input only), into a plain MP4: nothing is decoded. The
// MP4 is a temporary file in dir that has no name where the system allows
// (it is removed as soon as it is open; on Windows, where an open file
// cannot be removed, when it is closed), and is returned open for reading.
// args choose the streams ("-map 0:v?") and may bound them ("-frames:v 64").
func CopyToMP4(ctx context.Context, in, demuxer, dir string, args []string) (*Copy, error) {
	r, err := New()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, ".veil-tmp-remux-*")
	if err != nil {
		return nil, err
	}
	c := &Copy{File: f, name: f.Name()}
	if runtime.GOOS != "windows" && os.Remove(c.name) == nil {
		c.name = "" // unnamed from now on; the descriptor keeps it
	}
	job := Job{
		Inputs:     []Input{{Path: in, Formats: []string{demuxer}}},
		Args:       append(append([]string(nil), args...), copyArgs...),
		Format:     "mp4",
		OutputFile: f,
	}
	if err := r.Run(ctx, job); err != nil {
		c.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if st, err := f.Stat(); err != nil || st.Size() == 0 {
		c.Close()
		return nil, errors.New("FFmpeg wrote nothing")
	}
	return c, nil
}
