package ffmpeg

// installHint says how to get FFmpeg on macOS.
const installHint = "install FFmpeg, for example with \"brew install ffmpeg\""
