package inspect

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/internal/mp4"
	"codeberg.org/veil/veil/metadata"
)

// convertedNames name the containers read through FFmpeg, by demuxer.
var convertedNames = map[string]string{"mpegts": metadata.MTS, "matroska": metadata.MKV, "avi": metadata.AVI, "mov": metadata.MP4}

// converted inspects a video in a container the movie reader does not read
// (demuxer is FFmpeg's reader for it): the container's and the streams'
// tags as ffprobe reads them, and the data inside the video stream, which
// FFmpeg copies (the first frames, nothing decoded) into an MP4 without a
// name, for the movie reader's search of SEI units and camera records.
func converted(ctx context.Context, path, demuxer string) (*metadata.Report, error) {
	ff, err := ffmpeg.New()
	if err != nil {
		return nil, err
	}
	info, err := ff.Probe(ctx, path, ffmpeg.ProbeOptions{Formats: []string{demuxer}, Tags: true})
	if err != nil {
		return nil, err
	}
	in := &inspector{}
	r := &metadata.Report{Orientation: 1, Video: &metadata.VideoInfo{Container: convertedNames[demuxer], Duration: info.Duration}}
	for _, s := range info.Streams {
		r.Video.Tracks = append(r.Video.Tracks, strings.TrimSpace(s.Type+" "+s.Codec))
	}
	for _, t := range info.Tags {
		tagFinding(in, t)
	}
	if v, ok := info.Video(); ok {
		r.Width, r.Height = v.DisplaySize()
		r.Video.Rotation = v.Clockwise()
		r.Orientation = orientationOf(r.Video.Rotation)
		if err := streamFindings(ctx, in, path, demuxer, v.Index); err != nil {
			in.add(metadata.Other, metadata.Low, "video stream", "Not searched", errText(err))
		}
	}
	in.finish()
	r.Findings = in.findings
	return r, nil
}

// streamFindings adds what the first frames of video stream (ffprobe's
// index; not a cover picture) carry: SEI units, a camera record.
func streamFindings(ctx context.Context, in *inspector, path, demuxer string, stream int) error {
	m, err := ffmpeg.CopyToMP4(ctx, path, demuxer, os.TempDir(), []string{"-map", "0:" + strconv.Itoa(stream), "-frames:v", strconv.Itoa(maxSEISamples)})
	if err != nil {
		return err
	}
	defer m.Close()
	st, err := m.Stat()
	if err != nil {
		return err
	}
	r, err := inspectVideo(ctx, m, st.Size())
	if err != nil {
		return err
	}
	// The copy's own boxes (FFmpeg's handler names) say nothing about the
	// file: only what came inside the stream is kept.
	for _, f := range r.Findings {
		if strings.Contains(f.Field, "video stream") || strings.Contains(f.Field, "video configuration") {
			f.Where = "video stream"
			in.findings = append(in.findings, f)
		}
	}
	return nil
}

// technicalTags are tags muxers add that describe the stream, not its
// origin (mkvmerge's statistics, Matroska's per-stream duration).
var technicalTags = map[string]bool{"duration": true, "bps": true, "number_of_frames": true, "number_of_bytes": true,
	"_statistics_tags": true, "_statistics_writing_app": true, "_statistics_writing_date_utc": true}

// tagFinding files one container or stream tag by what its name says.
func tagFinding(in *inspector, t ffmpeg.Tag) {
	k := strings.ToLower(t.Key)
	if technicalTags[k] || strings.HasPrefix(k, "bps-") || strings.HasPrefix(k, "duration-") || strings.HasPrefix(k, "number_of_") {
		return
	}
	where := "container tags"
	if t.Stream >= 0 {
		where = fmt.Sprintf("stream %d tags", t.Stream)
	}
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(k, w) {
				return true
			}
		}
		return false
	}
	c, s := metadata.Other, metadata.Medium
	switch {
	case has("location", "gps", "xyz", "coordinates", "latitude", "longitude"):
		c, s = metadata.Location, metadata.High
	case has("artist", "author", "performer", "owner", "copyright", "composer", "director", "producer"):
		c, s = metadata.People, metadata.High
	case has("make", "model", "manufacturer", "device", "camera", "serial"):
		c = metadata.Device
	case has("date", "time", "year"):
		c = metadata.Time
	case has("encoder", "software", "writing_app", "muxing_app", "application", "handler_name", "vendor", "major_brand", "minor_version", "compatible_brands"):
		c, s = metadata.Software, metadata.Low
	case k == "language":
		s = metadata.Low
	}
	in.add(c, s, where, "Container tag "+t.Key, t.Value)
}

// orientationOf is the EXIF orientation of a clockwise display rotation.
func orientationOf(clockwise int) int {
	switch clockwise {
	case 90:
		return 6
	case 180:
		return 3
	case 270:
		return 8
	}
	return 1
}

// convertible returns FFmpeg's demuxer for a refused video whose streams
// FFmpeg can read (another container, a fragmented movie), else "".
func convertible(f *os.File, size int64, refusal error) string {
	if errors.Is(refusal, mp4.ErrFragmented) {
		return "mov"
	}
	return mp4.Demuxer(mp4.OtherContainer(f, size))
}
