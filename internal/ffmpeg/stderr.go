package ffmpeg

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// logLine is one line FFmpeg wrote on stderr with "-loglevel level+...":
// "[h264 @ 0x55d0] [error] message" or "[info] message".
type logLine struct {
	ctx   string // the outermost context's name ("h264", "showinfo@veil"), or ""
	level string // "error", "warning", "info", ...; "" when not marked
	msg   string
}

var logLevels = map[string]bool{
	"quiet": true, "panic": true, "fatal": true, "error": true, "warning": true,
	"info": true, "verbose": true, "debug": true, "trace": true,
}

// parseLogLine splits a line into its contexts, level and message.
func parseLogLine(s string) logLine {
	var l logLine
	s = strings.TrimRight(s, "\r\n")
	for strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 {
			break
		}
		inner := s[1:end]
		if logLevels[inner] {
			l.level = inner
			s = strings.TrimPrefix(s[end+1:], " ")
			break
		}
		name, _, isCtx := strings.Cut(inner, " @ ")
		if !isCtx {
			break
		}
		if l.ctx == "" {
			l.ctx = name
		}
		s = strings.TrimPrefix(s[end+1:], " ")
	}
	l.msg = s
	return l
}

// serious reports whether the line is a warning or worse.
func (l logLine) serious() bool {
	switch l.level {
	case "panic", "fatal", "error", "warning":
		return true
	}
	return false
}

const (
	maxLineLen  = 16 << 10 // longer lines (hex dumps of side data) are cut
	keptLines   = 24       // serious lines kept for the failure's reason
	keptLineLen = 300
)

// logSink reads FFmpeg's stderr to the end, hands info lines to onInfo and
// keeps the first and last few warnings and errors, in bounded memory.
type logSink struct {
	finished chan struct{}
	mu       sync.Mutex
	first    []logLine
	last     []logLine // ring
	next     int
}

func newLogSink(r io.ReadCloser, onInfo func(logLine)) *logSink {
	s := &logSink{finished: make(chan struct{})}
	go func() {
		defer close(s.finished)
		defer r.Close()
		br := bufio.NewReaderSize(r, maxLineLen)
		for {
			line, err := readLine(br)
			if line != "" {
				l := parseLogLine(line)
				if l.serious() {
					s.keep(l)
				} else if onInfo != nil && l.level == "info" {
					onInfo(l)
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return s
}

// readLine returns the next line, cut at maxLineLen (the rest is skipped).
func readLine(br *bufio.Reader) (string, error) {
	b, err := br.ReadSlice('\n')
	line := string(b)
	for errors.Is(err, bufio.ErrBufferFull) {
		_, err = br.ReadSlice('\n')
	}
	return line, err
}

func (s *logSink) keep(l logLine) {
	if len(l.msg) > keptLineLen {
		l.msg = l.msg[:keptLineLen]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.first) < keptLines/3 {
		s.first = append(s.first, l)
		return
	}
	n := keptLines - keptLines/3
	if len(s.last) < n {
		s.last = append(s.last, l)
		return
	}
	s.last[s.next] = l
	s.next = (s.next + 1) % n
}

// lines returns the kept lines in the order FFmpeg wrote them.
func (s *logSink) lines() []logLine {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]logLine(nil), s.first...)
	out = append(out, s.last[s.next:]...)
	return append(out, s.last[:s.next]...)
}

// failure turns a failed run into one plain line; urls are the names
// FFmpeg was given, which are removed from what it quotes.
func (s *logSink) failure(waitErr error, urls []string) error {
	lines := s.lines()
	for i := range lines {
		for _, u := range urls {
			lines[i].msg = strings.ReplaceAll(lines[i].msg, u, "(file)")
		}
	}
	var log strings.Builder
	for _, l := range lines {
		if l.ctx != "" {
			fmt.Fprintf(&log, "[%s] ", l.ctx)
		}
		fmt.Fprintf(&log, "%s: %s\n", l.level, l.msg)
	}
	reason, kind := explain(lines)
	if reason == "" {
		reason, kind = "FFmpeg could not read it", ErrDamaged
		var ee *exec.ExitError
		if errors.As(waitErr, &ee) {
			reason = fmt.Sprintf("FFmpeg stopped with exit status %d", ee.ExitCode())
		}
	}
	return &Error{Reason: reason, Log: log.String(), kind: kind}
}

var (
	reMaxPixels   = regexp.MustCompile(`Picture size (\d+)x(\d+) exceeds specified max pixel count`)
	reInvalidSize = regexp.MustCompile(`Picture size (\d+)x(\d+) is invalid`)
	reDecoder     = regexp.MustCompile(`Decoder \(codec ([a-z0-9_]+)\) not found`)
)

// explanations are recognised messages, most telling first, and what
// they mean in plain words.
var explanations = []struct {
	match func(logLine) []string
	say   func(logLine, []string) string
	kind  error
}{
	{contains("Format not on whitelist"), func(l logLine, _ []string) string {
		return fmt.Sprintf("not an MP4, MOV or 3GP video: FFmpeg reads it as %s, which Veil does not open", formatName(l.ctx))
	}, ErrRefused},
	{contains("not on whitelist"), func(logLine, []string) string {
		return "it refers to other files or network addresses, which Veil never follows"
	}, ErrRefused},
	{regexpMatch(reMaxPixels), func(_ logLine, m []string) string {
		return fmt.Sprintf("its pictures are %s×%s pixels, larger than Veil decodes", m[1], m[2])
	}, ErrTooLarge},
	{regexpMatch(reInvalidSize), func(_ logLine, m []string) string {
		return fmt.Sprintf("it claims pictures of %s×%s pixels, which is not a valid size", m[1], m[2])
	}, ErrDamaged},
	{contains("No such file or directory"), func(logLine, []string) string { return "no such file" }, os.ErrNotExist},
	{contains("Permission denied"), func(logLine, []string) string { return "permission denied" }, os.ErrPermission},
	{contains("moov atom not found"), func(logLine, []string) string {
		return "damaged or incomplete: the video's index (its moov box) is missing, as in a cut-off download or copy"
	}, ErrDamaged},
	{anyOf("corrupt input packet", "Packet corrupt", "partial file", "Invalid NAL unit size", "error while decoding", "Error while decoding",
		"Invalid data found when processing input", "decode_slice_header error", "concealing"), func(logLine, []string) string {
		return "damaged or truncated: part of the video data is missing or corrupt"
	}, ErrDamaged},
	{regexpMatch(reDecoder), func(_ logLine, m []string) string {
		return fmt.Sprintf("its %s video cannot be decoded by the FFmpeg on this computer", m[1])
	}, ErrDamaged},
	{anyOf("matches no streams", "does not contain any stream", "Output file #0 does not contain any stream"), func(logLine, []string) string {
		return "it has no video track"
	}, ErrNoVideo},
}

func contains(s string) func(logLine) []string { return anyOf(s) }

func anyOf(subs ...string) func(logLine) []string {
	return func(l logLine) []string {
		for _, s := range subs {
			if strings.Contains(l.msg, s) {
				return []string{s}
			}
		}
		return nil
	}
}

func regexpMatch(re *regexp.Regexp) func(logLine) []string {
	return func(l logLine) []string { return re.FindStringSubmatch(l.msg) }
}

// explain picks the most telling recognised message; failing that, the
// last error FFmpeg gave, with any path it quoted removed.
func explain(lines []logLine) (string, error) {
	for _, e := range explanations {
		for _, l := range lines {
			if m := e.match(l); m != nil {
				return e.say(l, m), e.kind
			}
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if l := lines[i]; l.level != "warning" && l.msg != "" {
			return "FFmpeg: " + strings.TrimSpace(printable(stripURLs(l.msg))), ErrDamaged
		}
	}
	return "", nil
}

// formatName names a demuxer for a person.
func formatName(ctx string) string {
	switch ctx {
	case "hls":
		return "an HLS playlist (a text file that points at other files or addresses)"
	case "concat":
		return "a concat list (a text file that points at other files)"
	case "":
		return "another kind of file"
	}
	return "a file of type " + strconv.Quote(ctx)
}

var reURL = regexp.MustCompile(`(file|pipe):[^:]*`)

// stripURLs removes the file names FFmpeg quotes in its messages (those it
// was given are already "(file)"), and the "(file): " it starts them with.
func stripURLs(s string) string {
	s = reURL.ReplaceAllString(s, "(file)")
	return strings.TrimSpace(strings.TrimPrefix(s, "(file):"))
}

// printable replaces control characters, so a reason stays one line.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
