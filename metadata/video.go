package metadata

import (
	"path/filepath"
	"strings"
	"time"
)

// Video containers, as [Report].Container and [Result].Container name them.
const (
	MP4 = "mp4"
	MOV = "mov"
	M4V = "m4v"
	GPP = "3gp"
	GP2 = "3g2"
	// Read through FFmpeg, for inspection (and cleaned into an MP4).
	MTS = "mts"
	MKV = "mkv"
	AVI = "avi"
)

// videoNames are the name endings of the videos Veil cleans.
// Which files are videos at all (MKV, AVI and MTS included, so that each
// gets its one-line refusal) is fingerprint.IsVideo's one list.
var videoNames = map[string]bool{".mp4": true, ".mov": true, ".m4v": true, ".3gp": true, ".3gpp": true, ".3g2": true, ".qt": true}

// IsVideoName reports whether a file name ends like a video Veil cleans
// and writes (MP4, MOV, M4V, 3GP, 3G2).
func IsVideoName(name string) bool { return videoNames[strings.ToLower(filepath.Ext(name))] }

// VideoInfo is what a report or result says about a video; nil for photos.
type VideoInfo struct {
	// Container is MP4, MOV, M4V, GPP or GP2 (MTS, MKV or AVI for a video
	// inspect read through FFmpeg).
	Container string
	Duration  time.Duration
	// Rotation is the display rotation of the first video track, in
	// degrees clockwise (0, 90, 180 or 270).
	Rotation int
	// Tracks describes each track in one short phrase ("video h264
	// 1920x1080", "audio mp4a", "timed metadata mebx (detected faces)").
	Tracks []string
}
