package ffmpeg

import (
	"context"
	"image"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"codeberg.org/veil/veil/internal/testenv"
)

func TestProbe(t *testing.T) {
	ff := runner(t)
	info, err := ff.Probe(context.Background(), rotated(t), ProbeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, ok := info.Video()
	if !ok || !strings.Contains(info.Format, "mp4") || info.Duration != 2*time.Second {
		t.Fatalf("format %q duration %v video %v", info.Format, info.Duration, ok)
	}
	if v.Codec != "h264" || v.Width != 160 || v.Height != 120 || v.AvgFrameRate != (Rational{25, 1}) || v.Frames != 50 || v.Rate() != 25 {
		t.Errorf("video stream %+v", v)
	}
	if w, h := v.DisplaySize(); v.Clockwise()%180 != 90 || w != 120 || h != 160 {
		t.Errorf("rotation %d (clockwise %d) shows %dx%d", v.Rotation, v.Clockwise(), w, h)
	}

	info, err = ff.Probe(context.Background(), testsrc(t), ProbeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Streams) != 2 || info.Streams[1].Type != "audio" || info.Streams[0].Rotation != 0 || info.Streams[0].Clockwise() != 0 {
		t.Errorf("streams %+v", info.Streams)
	}
}

// TestProbeFixtures probes the shared phone and camera videos: the
// iPhone .MOV's portrait rotation and its timed-metadata tracks are seen,
// and the AVCHD .MTS is refused unless its demuxer is asked for.
func TestProbeFixtures(t *testing.T) {
	dir := testenv.Shared(t, "fixtures/video")
	ff := runner(t)
	ctx := context.Background()
	info, err := ff.Probe(ctx, filepath.Join(dir, "mov-with-gps.mov"), ProbeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, ok := info.Video()
	data := 0
	for _, s := range info.Streams {
		if s.Type == "data" {
			data++
		}
	}
	if !ok || v.Clockwise() != 90 || v.Width != 568 || v.Height != 320 || data != 2 {
		t.Errorf("iPhone MOV: video %+v, %d data tracks", v, data)
	}
	// The poster is upright: the stored 568x320 picture turned a quarter.
	img, err := ff.Poster(ctx, filepath.Join(dir, "mov-with-gps.mov"), PosterOptions{At: time.Second})
	if err != nil || img.Rect != image.Rect(0, 0, 320, 568) {
		t.Errorf("iPhone MOV poster: %v", err)
	}
	// Veil's own look at the first bytes finds a transport stream, so the
	// mpegts demuxer is allowed for this file, and for this file only: the
	// same bytes after a movie's signature are refused.
	mts := filepath.Join(dir, "mts-Sony_ILCE-7M3_A7M3.mts")
	if info, err := ff.Probe(ctx, mts, ProbeOptions{}); err != nil || !strings.Contains(info.Format, "mpegts") {
		t.Errorf("MTS: %v", err)
	}
	if img, err := ff.Poster(ctx, mts, PosterOptions{}); err != nil || img.Rect != image.Rect(0, 0, 1920, 1080) {
		t.Errorf("MTS poster: %v", err)
	}
	b, err := os.ReadFile(mts)
	if err != nil {
		t.Fatal(err)
	}
	hidden := filepath.Join(t.TempDir(), "hidden.mp4")
	if err := os.WriteFile(hidden, append([]byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isommp41"), b...), 0o644); err != nil {
		t.Fatal(err)
	}
	if info, err := ff.Probe(ctx, hidden, ProbeOptions{}); err == nil && strings.Contains(info.Format, "mpegts") {
		t.Errorf("a transport stream behind a movie's signature was read as one")
	}
}

func TestParseProbe(t *testing.T) {
	doc := `{"programs":[],"streams":[{"index":1,"codec_name":"h264","codec_type":"video","codec_tag_string":"avc1","width":568,"height":320,
		"pix_fmt":"yuv420p","r_frame_rate":"30000/1001","avg_frame_rate":"72000/2401","time_base":"1/600","start_time":"0.000000",
		"duration":"4.001667","nb_frames":"120","disposition":{"attached_pic":0},
		"side_data_list":[{"side_data_type":"Display Matrix","rotation":-90}]},
		{"index":2,"codec_type":"video","codec_name":"mjpeg","width":"n/a","duration":"N/A","disposition":{"attached_pic":1},
		"tags":{"handler_name":"Core Media Video"}}],
		"format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"4.001667","size":"439391",
		"tags":{"title":"Holiday","creation_time":"2019-07-24T10:00:00.000000Z"}}}`
	info, err := parseProbe([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	v := info.Streams[0]
	if v.Index != 1 || v.Rotation != -90 || v.Clockwise() != 90 || v.AvgFrameRate != (Rational{72000, 2401}) || v.Frames != 120 ||
		v.Duration != 4001667*time.Microsecond || info.Size != 439391 {
		t.Errorf("parsed %+v", v)
	}
	if c := info.Streams[1]; !c.CoverArt || c.Width != 0 || c.Duration != 0 {
		t.Errorf("cover %+v", c)
	}
	if got, _ := info.Video(); got.Index != 1 {
		t.Errorf("Video() = %d", got.Index)
	}
	wantTags := []Tag{{-1, "creation_time", "2019-07-24T10:00:00.000000Z"}, {-1, "title", "Holiday"}, {2, "handler_name", "Core Media Video"}}
	if !reflect.DeepEqual(info.Tags, wantTags) {
		t.Errorf("tags %+v, want %+v", info.Tags, wantTags)
	}
	for _, bad := range []string{``, `{}`, `{"streams":[]}`, `[`, `{"format":[]}`} {
		if _, err := parseProbe([]byte(bad)); err == nil {
			t.Errorf("parseProbe(%q) accepted", bad)
		}
	}
	for rot, cw := range map[int]int{0: 0, -90: 90, 90: 270, 180: 180, -180: 180, 270: 90, -270: 270, 44: 0, -46: 90, 136: 180} {
		if got := (Stream{Rotation: rot}).Clockwise(); got != cw {
			t.Errorf("rotation %d: clockwise %d, want %d", rot, got, cw)
		}
	}
}

func FuzzParseProbe(f *testing.F) {
	f.Add([]byte(`{"streams":[{"index":0,"codec_type":"video","width":64,"height":48,"avg_frame_rate":"25/1",` +
		`"side_data_list":[{"side_data_type":"Display Matrix","rotation":90}]}],"format":{"format_name":"mov","duration":"1.0","size":"42"}}`))
	f.Add([]byte(`{"streams":[{"width":"1e99","duration":"-1","nb_frames":"x","avg_frame_rate":"1/0"}],"format":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := parseProbe(b)
		if err != nil {
			return
		}
		for _, s := range info.Streams {
			if s.Width < 0 || s.Height < 0 || s.Duration < 0 || s.Frames < 0 || s.Clockwise()%90 != 0 || s.Clockwise() < 0 || s.Clockwise() >= 360 {
				t.Fatalf("bad stream %+v", s)
			}
			_ = s.Rate()
			s.DisplaySize()
		}
	})
}
