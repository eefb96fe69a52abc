package app

import (
	"context"
	"image"
	"runtime"
	"time"

	"codeberg.org/veil/veil/fingerprint"
	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/clean"
	"codeberg.org/veil/veil/metadata/inspect"
	"codeberg.org/veil/veil/metadata/verify"
	"codeberg.org/veil/veil/photo"
	"codeberg.org/veil/veil/redact"
)

// engines are the calls the app makes into Veil's engines. The app adds no
// logic of its own: each field is one engine function. Tests replace single
// fields (a fake detector, a slow cleaner) to drive the interface.
type engines struct {
	// preview decodes a display copy no larger than maxSide (stored orientation).
	preview func(b []byte, maxSide int) (image.Image, photo.Format, error)
	// decode decodes the full image (stored orientation).
	decode  func(b []byte) (image.Image, photo.Format, error)
	inspect func(b []byte) (*metadata.Report, error)
	clean   func(b []byte, o metadata.Options) (*metadata.Result, error)
	verify  func(b []byte, o metadata.Options) error
	// detect finds faces in an upright image and returns the areas to cover,
	// in pixels from its top-left corner.
	detect func(ctx context.Context, upright image.Image) ([]image.Rectangle, error)
	apply  func(img image.Image, rs []redact.Region) (*image.NRGBA, error)
	// redact burns regions into the upright image in place (the caller hands
	// it over) and encodes a verified file.
	redact func(owned *image.NRGBA, rs []redact.Region, f photo.Format) ([]byte, error)

	// Videos. Veil never holds a video's bytes (it can be many GB): each
	// engine reads the file itself.

	// probe reads a video's streams and poster one upright frame of it, at
	// most maxSide across, through FFmpeg. Without FFmpeg both return
	// ffmpeg.ErrNotInstalled.
	probe  func(ctx context.Context, path string) (*ffmpeg.Info, error)
	poster func(ctx context.Context, path string, at time.Duration, maxSide int) (*image.NRGBA, error)
	// hashFile hashes a file from disk: a video is streamed (MD5 and
	// SHA-256, vPDQ on request) with progress through opt.Progress.
	hashFile func(ctx context.Context, path string, opt fingerprint.Options) fingerprint.Result
	// inspectVideo reports what a video reveals.
	inspectVideo func(ctx context.Context, path string) (*metadata.Report, error)
	// cleanVideo writes a clean copy of the video at in to out, streaming,
	// and gives it that name only once the written file passed the
	// independent verifier; progress gets bytes done of total.
	cleanVideo func(ctx context.Context, in, out string, opt metadata.Options, progress func(done, total int64)) (*metadata.Result, error)
}

// defaultEngines wires the real engines.
func defaultEngines() engines {
	return engines{
		preview: func(b []byte, maxSide int) (image.Image, photo.Format, error) {
			if needsHeadroom(b) {
				defer withHeadroom()()
			}
			return photo.DecodePreview(b, maxSide)
		},
		decode: func(b []byte) (image.Image, photo.Format, error) {
			if needsHeadroom(b) {
				defer withHeadroom()()
			}
			return photo.Decode(b)
		},
		inspect: inspect.File,
		clean:   clean.File,
		verify:  verify.File,
		detect:  detectFaces,
		apply:   redact.Apply,
		redact:  redact.RedactOwned,

		probe:        probeVideo,
		poster:       posterFrame,
		hashFile:     hashOne,
		inspectVideo: inspect.Video,
		cleanVideo:   clean.Video,
	}
}

// probeVideo reads a video's streams with the system's FFmpeg.
func probeVideo(ctx context.Context, path string) (*ffmpeg.Info, error) {
	ff, err := ffmpeg.New()
	if err != nil {
		return nil, err
	}
	return ff.Probe(ctx, path, ffmpeg.ProbeOptions{})
}

// posterFrame decodes one upright frame with the system's FFmpeg.
func posterFrame(ctx context.Context, path string, at time.Duration, maxSide int) (*image.NRGBA, error) {
	ff, err := ffmpeg.New()
	if err != nil {
		return nil, err
	}
	return ff.Poster(ctx, path, ffmpeg.PosterOptions{At: at, MaxSide: maxSide})
}

// hashOne hashes one file and stops when ctx ends.
func hashOne(ctx context.Context, path string, opt fingerprint.Options) fingerprint.Result {
	return fingerprint.HashAll(ctx, []string{path}, opt, 1, nil)[0]
}

// detectFaces finds faces with the redaction settings. One core stays free
// for the window: with every core busy, the UI goroutine, the software GL
// renderer and the X server wait behind the detector and the window stalls.
func detectFaces(ctx context.Context, upright image.Image) ([]image.Rectangle, error) {
	return redact.FindFaces(ctx, upright, runtime.NumCPU()-1)
}
