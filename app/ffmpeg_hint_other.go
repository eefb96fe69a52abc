//go:build !windows && !darwin

package app

import "fyne.io/fyne/v2/lang"

// noFFmpegText says, in the words of this system, how to get FFmpeg for a
// video's preview (Veil's Linux packages are Debian's).
func noFFmpegText() string {
	return lang.L("Veil needs FFmpeg to show a picture of this video (install the ffmpeg package, for example with \"sudo apt install ffmpeg\"). Cleaning and hashing work without it.")
}
