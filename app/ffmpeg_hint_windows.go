package app

import "fyne.io/fyne/v2/lang"

// noFFmpegText says how to get FFmpeg on Windows, where no package manager
// can be assumed: Veil finds ffmpeg.exe and ffprobe.exe on the PATH.
func noFFmpegText() string {
	return lang.L("Veil needs FFmpeg to show a picture of this video (install FFmpeg from ffmpeg.org and add its bin folder, with ffmpeg.exe and ffprobe.exe, to the PATH). Cleaning and hashing work without it.")
}
