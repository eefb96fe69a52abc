package ffmpeg

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"codeberg.org/veil/veil/internal/mp4"
)

// This file holds every decision about FFmpeg's command lines: the
// hardening options all runs share, and how inputs and outputs are named.

// source is one input of a run: a file or Veil's own standard input.
type source struct {
	url     string   // "file:/abs/path" or "pipe:0"
	format  string   // demuxer forced with -f, or ""
	formats []string // demuxers allowed besides DefaultFormats
	args    []string // further input options, before -i
	// file is an open file FFmpeg inherits and reads through its
	// descriptor (url "file:/dev/fd/N"): an output not yet named.
	file *os.File
}

// fileSource checks that path is a regular file and names it so that
// FFmpeg can only read it as a local file. Besides the movie demuxers and
// formats, the demuxer of the container Veil's own look at the first bytes
// finds (Matroska/WebM, AVI, MPEG transport stream) is allowed for this
// file: a camera's MTS or a screen recorder's MKV is as much a video to
// preview, hash or redact as a phone's MOV, while a playlist or a concat
// list is still refused, whatever its name.
func fileSource(path string, formats []string) (source, error) {
	url, err := inputURL(path)
	if err != nil {
		return source{}, err
	}
	if d := sniffDemuxer(path); d != "" && !slices.Contains(formats, d) {
		formats = append(slices.Clone(formats), d)
	}
	return source{url: url, formats: formats}, nil
}

// sniffDemuxer is FFmpeg's demuxer for the container path's first bytes
// show, among those Veil hands to FFmpeg, or "".
func sniffDemuxer(path string) string {
	f, size, err := mp4.OpenFile(path) // never blocks on a pipe
	if err != nil {
		return ""
	}
	defer f.Close()
	return mp4.Demuxer(mp4.OtherContainer(f, size))
}

// inputURL returns "file:" and the absolute path: FFmpeg then never takes a
// name such as "http:x.mp4", "concat:a|b" or "-y" for a protocol, a URL or
// an option. The file must be a regular file (a named pipe would hang).
func inputURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", &Error{Reason: err.Error(), kind: ErrRefused}
	}
	st, err := os.Stat(abs)
	switch {
	case os.IsNotExist(err):
		return "", &Error{Reason: "no such file", kind: os.ErrNotExist}
	case os.IsPermission(err):
		return "", &Error{Reason: "permission denied", kind: os.ErrPermission}
	case err != nil:
		return "", &Error{Reason: err.Error(), kind: ErrRefused}
	case !st.Mode().IsRegular():
		return "", &Error{Reason: "not a regular file", kind: ErrRefused}
	}
	return "file:" + abs, nil
}

// openSource names an open file that FFmpeg will inherit as descriptor fd,
// so that it can read a file that has no name yet (an unnamed output being
// verified before it is given one). The file must be a regular file.
func openSource(f *os.File, fd int, formats []string) (source, error) {
	st, err := f.Stat()
	switch {
	case err != nil:
		return source{}, &Error{Reason: err.Error(), kind: ErrRefused}
	case !st.Mode().IsRegular():
		return source{}, &Error{Reason: "not a regular file", kind: ErrRefused}
	}
	return source{url: fdURL(fd), formats: formats, file: f}, nil
}

// inherited lists the open files the source's process must inherit.
func (s source) inherited() []*os.File {
	if s.file == nil {
		return nil
	}
	return []*os.File{s.file}
}

// fdURL names descriptor fd of FFmpeg's own process as a file; opening it
// opens the same file afresh (its own offset), so FFmpeg can seek in it.
func fdURL(fd int) string { return "file:/dev/fd/" + strconv.Itoa(fd) }

// outputURL names an output file for FFmpeg the same way.
func outputURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return "file:" + abs, nil
}

// globalArgs are the options every ffmpeg run starts with. level is the
// log level of the messages Veil reads ("info" when it needs showinfo's).
func globalArgs(l Limits, level string, plainC bool) []string {
	a := []string{
		"-nostdin", "-hide_banner", "-nostats",
		"-loglevel", "repeat+level+" + level,
		"-max_alloc", strconv.Itoa(maxAlloc),
		"-filter_threads", strconv.Itoa(l.threads()),
		"-xerror", // stop at damaged data instead of skipping it
	}
	if plainC {
		// FFmpeg's plain C code everywhere (decoders and swscale): the
		// pixel path Meta's published vPDQ hashes follow.
		a = append(a, "-cpuflags", "0")
	}
	return a
}

// inputArgs are the options and the -i of one input.
func inputArgs(l Limits, s source) []string {
	proto := "file"
	if strings.HasPrefix(s.url, "pipe:") {
		proto = "pipe"
	}
	formats := append(slices.Clone(DefaultFormats), s.formats...)
	if s.format != "" {
		formats = append(formats, s.format)
	}
	a := []string{
		"-protocol_whitelist", proto,
		"-format_whitelist", strings.Join(formats, ","),
		"-threads", strconv.Itoa(l.threads()),
		"-max_pixels", strconv.Itoa(l.maxPixels()),
	}
	if s.format != "" {
		a = append(a, "-f", s.format)
	}
	a = append(a, s.args...)
	return append(a, "-i", s.url)
}

// pipeOutput ends a command line with a raw stream on standard output.
func pipeOutput(l Limits, format string) []string {
	return []string{"-threads", strconv.Itoa(l.threads()), "-f", format, "-protocol_whitelist", "pipe", "pipe:1"}
}

// fileOutput ends a command line with an output file, never overwritten
// and capped at l's output size. An inherited file (open) exists already
// and is empty: FFmpeg truncates it rather than refuse it.
func fileOutput(l Limits, format, url string, open bool) []string {
	overwrite := "-n"
	if open {
		overwrite = "-y"
	}
	return []string{
		"-threads", strconv.Itoa(l.threads()),
		"-fs", strconv.FormatInt(l.maxOutput(), 10),
		"-f", format, "-protocol_whitelist", "file", overwrite, url,
	}
}

// probeArgs is ffprobe's command line: the same input hardening, and JSON
// with only the fields Veil reads. Tags (which can hold names and places)
// only when asked for, to be shown to the user.
func probeArgs(l Limits, s source, tags bool) []string {
	entries := "stream=index,codec_type,codec_name,codec_tag_string,width,height,pix_fmt," +
		"r_frame_rate,avg_frame_rate,time_base,start_time,duration,nb_frames" +
		":stream_disposition=attached_pic:stream_side_data=side_data_type,rotation" +
		":format=format_name,duration,size"
	if tags {
		entries += ":format_tags:stream_tags"
	}
	return []string{
		"-hide_banner", "-loglevel", "repeat+level+error",
		"-max_alloc", strconv.Itoa(maxAlloc),
		"-protocol_whitelist", "file",
		"-format_whitelist", strings.Join(append(slices.Clone(DefaultFormats), s.formats...), ","),
		"-threads", "1",
		"-max_pixels", strconv.Itoa(l.maxPixels()),
		"-of", "json=compact=1",
		"-show_entries", entries,
		s.url,
	}
}

// forbiddenArgs are options a caller of Run may not pass: they would add
// inputs, overwrite files, widen the whitelists, write logs or stats files,
// or read files and sockets from inside a filter graph.
var forbiddenArgs = []string{
	"-i", "-y", "-protocol_whitelist", "-protocol_blacklist", "-format_whitelist", "-codec_whitelist",
	"-filter_script", "-filter_complex_script", "-attach", "-dump_attachment", "-progress",
	"-report", "-vstats", "-vstats_file", "-pass", "-passlogfile", "-sdp_file", "-stdin",
}

// forbiddenFilters are filters that open files or sockets on their own.
var forbiddenFilters = []string{"movie=", "movie,", "amovie", "sendcmd", "zmq", "azmq", "lv2", "ladspa", "frei0r", "subtitles", "ass="}

// checkArgs refuses options that would undo the hardening.
func checkArgs(args []string) error {
	for _, a := range args {
		if slices.Contains(forbiddenArgs, a) {
			return fmt.Errorf("ffmpeg option %s is not allowed", a)
		}
		for _, f := range forbiddenFilters {
			if strings.Contains(a, f) {
				return fmt.Errorf("ffmpeg filter %q is not allowed", strings.TrimRight(f, "=,"))
			}
		}
	}
	return nil
}
