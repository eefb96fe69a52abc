//go:build !windows && !darwin

package ffmpeg

// installHint says how to get FFmpeg on Linux (Veil's packages are
// Debian's).
const installHint = "install the ffmpeg package, for example with \"sudo apt install ffmpeg\""
