// Package vpdq computes Meta's vPDQ video hash: the PDQ hash, quality and
// time of every frame of a video's first video stream (or of one frame per
// interval), as the reference vpdq-hash-video (facebook/ThreatExchange,
// vpdq/cpp) computes them, written for Veil from its description (see
// ../shared/docs/video.md §2). Decoding is FFmpeg's, run as a hardened
// subprocess (internal/ffmpeg); hashing is Veil's own PDQ.
//
// "Identical to the reference" depends on the pixels FFmpeg gives: with its
// plain C path (-cpuflags 0, the default here) the hashes equal Meta's
// published sample hashes bit for bit; FFmpeg's default SIMD path (the
// SIMD option) equals what the current reference prints when built on x86,
// which differs from the published hashes on about half the frames by up
// to 6 bits at quality 80 or more. The display matrix is ignored, as the
// reference ignores it: a portrait phone video is hashed sideways.
package vpdq

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"codeberg.org/veil/veil/fingerprint/pdq"
	"codeberg.org/veil/veil/internal/ffmpeg"
)

// Matching constants of Meta's pytx vPDQ (vpdq_util.py): frames of lower
// quality are left out of matching, frames within the distance match, and
// two videos match when this share of the query's unique frames do.
const (
	QualityThreshold   = 50
	DistanceThreshold  = 31
	QueryMatchPercent  = 80.0
	TargetMatchPercent = 0.0
)

// Feature is one hashed frame.
type Feature struct {
	Frame   int // 0-based index among the stream's decoded frames
	Hash    pdq.Hash
	Quality int
	// Timestamp is Frame divided by the frame rate in float32, as the
	// reference computes it (not the frame's presentation time).
	Timestamp float32
}

// String gives the feature as pytx serialises a VideoVPDQSignal entry,
// "hex,quality,timestamp", with the timestamp to 3 decimals as the
// reference prints it (pytx reads any decimal form).
func (f Feature) String() string {
	return f.Hash.String() + "," + strconv.Itoa(f.Quality) + "," + formatTimestamp(f.Timestamp)
}

// Line gives the feature as the reference CLI prints it:
// "frame,quality,hex,timestamp".
func (f Feature) Line() string {
	return strconv.Itoa(f.Frame) + "," + strconv.Itoa(f.Quality) + "," + f.Hash.String() + "," + formatTimestamp(f.Timestamp)
}

// formatTimestamp is C's "%.3f" of the float32 timestamp (which printf
// receives as the same value in double).
func formatTimestamp(t float32) string { return strconv.FormatFloat(float64(t), 'f', 3, 64) }

// Options choose which frames are hashed and how they are decoded.
type Options struct {
	// SecondsPerHash hashes one frame in every SecondsPerHash × frame rate
	// (pytx's default is 1); 0 hashes every frame.
	SecondsPerHash float64
	// SIMD decodes with FFmpeg's default (SIMD) pixel path instead of its
	// plain C path; see the package documentation.
	SIMD bool
	// Progress, if not nil, is called after each hashed frame with the
	// number of decoded frames so far and the number expected (0 when the
	// file does not say).
	Progress func(done, total int64)
}

// Result is a video's vPDQ hash.
type Result struct {
	Features []Feature
	// FrameRate is the rate timestamps and the interval are computed from.
	FrameRate float64
	// Every is the interval in frames (1: every frame).
	Every int
	// PixelPath names the decoder and its pixel path, for a report:
	// "FFmpeg 5.1.9-0+deb12u1, plain C (-cpuflags 0)".
	PixelPath string
	// TooSmall counts frames under 5 pixels wide or high, written as the
	// reference writes them: an all-zero hash of quality 0.
	TooSmall int
}

// Strings returns the features as pytx's JSON list of "hex,quality,timestamp".
func (r Result) Strings() []string {
	out := make([]string, len(r.Features))
	for i, f := range r.Features {
		out[i] = f.String()
	}
	return out
}

// ErrNoFrameRate is returned for a video stream without a frame rate,
// which the reference refuses too (it could not place frames in time).
var ErrNoFrameRate = errors.New("the video stream has no frame rate, so vPDQ cannot time its frames")

// Hash computes the vPDQ hash of the video at path, streaming: memory holds
// one frame at a time.
func Hash(ctx context.Context, ff *ffmpeg.Runner, path string, opt Options) (Result, error) {
	info, err := ff.Probe(ctx, path, ffmpeg.ProbeOptions{})
	if err != nil {
		return Result{}, err
	}
	v, ok := info.FirstVideo()
	if !ok {
		return Result{}, &ffmpeg.Error{Reason: "it has no video stream"}
	}
	rate := v.Rate()
	if rate <= 0 {
		return Result{}, ErrNoFrameRate
	}
	every := max(1, int(opt.SecondsPerHash*rate)) // the reference truncates
	res := Result{FrameRate: rate, Every: every, PixelPath: pixelPath(ff, opt.SIMD)}
	total := v.Frames
	if total == 0 && v.Duration > 0 {
		total = int64(v.Duration.Seconds() * rate)
	}
	var h pdq.FrameHasher
	fps := float32(rate)
	err = ff.Frames(ctx, path, ffmpeg.FrameOptions{Track: ffmpeg.FirstVideo, PlainC: !opt.SIMD, Every: every, ScaleFlags: "area"}, func(f *ffmpeg.Frame) error {
		hash, q, err := h.HashRGB24(f.Pix, f.Width, f.Height, f.Stride)
		if errors.Is(err, pdq.ErrTooSmall) {
			hash, q, err = pdq.Hash{}, 0, nil
			res.TooSmall++
		}
		if err != nil {
			return err
		}
		res.Features = append(res.Features, Feature{Frame: int(f.Index), Hash: hash, Quality: q, Timestamp: float32(f.Index) / fps})
		if opt.Progress != nil {
			opt.Progress(f.Index+1, total)
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	if len(res.Features) == 0 {
		return Result{}, &ffmpeg.Error{Reason: "no frame of it could be decoded"}
	}
	return res, nil
}

// pixelPath names FFmpeg's version and pixel path.
func pixelPath(ff *ffmpeg.Runner, simd bool) string {
	path := "plain C (-cpuflags 0)"
	if simd {
		path = "default SIMD"
	}
	return fmt.Sprintf("FFmpeg %s, %s", ff.Version(), path)
}

// ParseLine reads one line of the reference CLI's output,
// "frame,quality,hex,timestamp".
func ParseLine(s string) (Feature, error) {
	parts := strings.Split(strings.TrimSpace(s), ",")
	if len(parts) != 4 {
		return Feature{}, fmt.Errorf("vpdq line %q: want frame,quality,hash,timestamp", s)
	}
	frame, err1 := strconv.Atoi(parts[0])
	q, err2 := strconv.Atoi(parts[1])
	h, err3 := pdq.Parse(parts[2])
	ts, err4 := strconv.ParseFloat(parts[3], 32)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return Feature{}, fmt.Errorf("vpdq line %q: %w", s, err)
	}
	if frame < 0 || q < 0 || q > 100 || ts < 0 {
		return Feature{}, fmt.Errorf("vpdq line %q: out of range", s)
	}
	return Feature{Frame: frame, Hash: h, Quality: q, Timestamp: float32(ts)}, nil
}
