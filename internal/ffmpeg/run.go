package ffmpeg

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Input is one input of a Run: a file, or Veil's own stream (frames it
// made, for an encode).
type Input struct {
	// Path is the file to read; leave it empty to give Stdin instead.
	Path string
	// Stdin is read when Path is empty; at most one input may use it.
	// If it can block, the caller must end it when Run returns an error.
	Stdin io.Reader
	// Format forces a demuxer (-f); required with Stdin ("rawvideo", "nut").
	Format string
	// Formats are demuxers allowed besides DefaultFormats.
	Formats []string
	// Args are input options, before -i (for example "-video_size",
	// "1920x1080" for raw frames).
	Args []string
}

// Job is a remux or an encode: FFmpeg reads the inputs and writes Output.
type Job struct {
	Inputs []Input
	// Args are the output options: maps, codecs, filters, metadata flags.
	Args []string
	// Format is the output's muxer ("mp4", "mov", ...).
	Format string
	// Output is the file to write. It must not exist: FFmpeg never
	// overwrites, and Run deletes what it wrote when it fails. The caller
	// writes to a temporary name, verifies, and renames.
	Output string
	// OutputFile, instead of Output, is an open, empty, regular file that
	// FFmpeg writes through the descriptor it inherits: an output that has
	// no name until it is verified (an unnamed temporary file). On a
	// failure it is left as it is; the caller discards it.
	OutputFile *os.File
	// PlainC runs FFmpeg's plain C code (-cpuflags 0).
	PlainC bool
	// Progress, if not nil, is called with how much of the output's
	// timeline is done, about twice a second.
	Progress func(done time.Duration)
}

// Run runs a remux or encode job. It stops FFmpeg when ctx ends, when the
// output grows past Limits.MaxOutput, or when nothing has progressed for
// Limits.Stall (fed input and written output both count).
func (r *Runner) Run(ctx context.Context, job Job) (err error) {
	args, stdin, err := r.jobArgs(job)
	if err != nil {
		return err
	}
	if job.OutputFile == nil {
		if _, err := os.Lstat(job.Output); err == nil {
			return fmt.Errorf("%s already exists", job.Output)
		}
	}
	var inherit []*os.File
	if job.OutputFile != nil {
		inherit = []*os.File{job.OutputFile}
	}
	progR, progW, err := os.Pipe()
	if err != nil {
		return err
	}
	defer progR.Close()
	p, _, err := start(ctx, startOptions{
		prog: r.ffmpeg, args: args, limits: r.Limits, timeout: r.Limits.Timeout,
		stdin: stdin, extra: []*os.File{progW}, inherit: inherit,
	})
	if err != nil {
		return err
	}
	kick := p.wd.waiting
	defer func() {
		if err != nil && job.OutputFile == nil {
			os.Remove(job.Output) // FFmpeg made it (-n): never a partial output
		}
	}()
	kick()
	limit := r.Limits.maxOutput()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		readProgress(progR, func(pr progress) {
			kick()
			if pr.size > limit {
				p.kill(&Error{Reason: fmt.Sprintf("the output grew past %d MiB and was stopped", limit>>20), kind: ErrTooLarge})
			}
			if job.Progress != nil && pr.hasTime {
				job.Progress(pr.outTime)
			}
		})
	}()
	err = p.wait()
	wg.Wait()
	if err == nil {
		if st, serr := job.outputStat(); serr != nil {
			err = fmt.Errorf("FFmpeg wrote no output: %w", serr)
		} else if st.Size() >= limit {
			// -fs stopped it quietly at the limit.
			err = &Error{Reason: fmt.Sprintf("the output reached %d MiB, Veil's limit", limit>>20), kind: ErrTooLarge}
		}
	}
	if err != nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return err
}

// jobArgs builds a job's command line and finds its standard input.
func (r *Runner) jobArgs(job Job) ([]string, io.Reader, error) {
	if len(job.Inputs) == 0 || (job.Output == "") == (job.OutputFile == nil) || job.Format == "" {
		return nil, nil, errors.New("ffmpeg job needs inputs, an output and its format")
	}
	if err := checkArgs(job.Args); err != nil {
		return nil, nil, err
	}
	args := globalArgs(r.Limits, "warning", job.PlainC)
	args = append(args, "-progress", "pipe:3", "-stats_period", "0.5")
	var stdin io.Reader
	for _, in := range job.Inputs {
		if err := checkArgs(in.Args); err != nil {
			return nil, nil, err
		}
		var src source
		switch {
		case in.Path != "":
			var err error
			if src, err = fileSource(in.Path, in.Formats); err != nil {
				return nil, nil, err
			}
		case in.Stdin != nil && stdin == nil && in.Format != "":
			stdin, src = in.Stdin, source{url: "pipe:0", formats: in.Formats}
		default:
			return nil, nil, errors.New("ffmpeg job input needs a path, or one standard input with its format")
		}
		src.format, src.args = in.Format, in.Args
		args = append(args, inputArgs(r.Limits, src)...)
	}
	var url string
	if job.OutputFile != nil {
		st, err := job.OutputFile.Stat()
		if err != nil || !st.Mode().IsRegular() || st.Size() != 0 {
			return nil, nil, errors.New("ffmpeg job output must be an empty regular file")
		}
		url = fdURL(4) // after the progress pipe, descriptor 3
	} else {
		var err error
		if url, err = outputURL(job.Output); err != nil {
			return nil, nil, err
		}
	}
	args = append(args, job.Args...)
	return append(args, fileOutput(r.Limits, job.Format, url, job.OutputFile != nil)...), stdin, nil
}

// outputStat describes the written output.
func (job Job) outputStat() (os.FileInfo, error) {
	if job.OutputFile != nil {
		return job.OutputFile.Stat()
	}
	return os.Stat(job.Output)
}

// progress is one block of FFmpeg's -progress output.
type progress struct {
	outTime time.Duration
	hasTime bool
	size    int64
	frame   int64
	end     bool
}

// readProgress calls fn for every block ("key=value" lines ending with
// "progress=continue" or "progress=end") whose values moved.
func readProgress(r io.Reader, fn func(progress)) {
	br := bufio.NewReaderSize(r, 4096)
	var cur, last progress
	first := true
	for {
		line, err := readLine(br)
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
			switch k {
			case "out_time_us":
				if us, err := strconv.ParseInt(v, 10, 64); err == nil && us >= 0 {
					cur.outTime, cur.hasTime = time.Duration(us)*time.Microsecond, true
				}
			case "total_size":
				if n, err := strconv.ParseInt(v, 10, 64); err == nil {
					cur.size = n
				}
			case "frame":
				if n, err := strconv.ParseInt(v, 10, 64); err == nil {
					cur.frame = n
				}
			case "progress":
				cur.end = v == "end"
				if first || cur != last {
					fn(cur)
				}
				first, last = false, cur
			}
		}
		if err != nil {
			return
		}
	}
}
