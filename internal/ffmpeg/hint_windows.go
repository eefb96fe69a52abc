package ffmpeg

// installHint says how to get FFmpeg on Windows, where no package manager
// can be assumed: Veil finds ffmpeg.exe and ffprobe.exe on the PATH.
const installHint = "install FFmpeg from ffmpeg.org and add its bin folder (with ffmpeg.exe and ffprobe.exe) to the PATH"
