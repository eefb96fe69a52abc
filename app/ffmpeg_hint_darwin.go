package app

import "fyne.io/fyne/v2/lang"

// noFFmpegText says how to get FFmpeg on macOS.
func noFFmpegText() string {
	return lang.L("Veil needs FFmpeg to show a picture of this video (install FFmpeg, for example with \"brew install ffmpeg\"). Cleaning and hashing work without it.")
}
