package ffmpeg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// process is one running ffmpeg or ffprobe.
type process struct {
	cmd  *exec.Cmd
	log  *logSink
	wd   *watchdog
	done chan struct{} // closed when the process has been waited for

	mu     sync.Mutex
	killed error // why Veil stopped it, if it did
	waited error // cmd.Wait's result
}

// startOptions describe how to start one process.
type startOptions struct {
	prog    string
	args    []string
	limits  Limits
	timeout time.Duration // whole run; 0: none
	stdin   io.Reader     // nil: nothing (/dev/null)
	wantOut bool          // return a pipe from standard output
	extra   []*os.File    // descriptors 3, 4, ... (write ends, closed after the start)
	inherit []*os.File    // descriptors after extra, left open (the caller's files)
	onInfo  func(logLine) // called with each info line, from the stderr reader
}

// start runs the program in its own process group with a clean
// environment, and stops it when ctx ends, after the timeout, or when the
// watchdog fires. The caller reads and closes stdout (when it asked for
// it) and calls wait.
func start(ctx context.Context, o startOptions) (*process, *os.File, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	cmd := exec.Command(o.prog, o.args...)
	cmd.Env = cleanEnv()
	cmd.Dir = rootDir()
	cmd.SysProcAttr = sysProcAttr()
	cmd.ExtraFiles = append(append([]*os.File(nil), o.extra...), o.inherit...)
	// Pipes of our own, not exec's: Wait must not close them before Veil
	// has read the last frame, nor wait for a slow stdin producer.
	var closeAfter []*os.File
	defer func() {
		for _, f := range closeAfter {
			f.Close()
		}
	}()
	closeAfter = append(closeAfter, o.extra...)
	var stdout *os.File
	if o.wantOut {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, nil, err
		}
		stdout, cmd.Stdout = r, w
		closeAfter = append(closeAfter, w)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		if stdout != nil {
			stdout.Close()
		}
		return nil, nil, err
	}
	cmd.Stderr = errW
	closeAfter = append(closeAfter, errW)
	var inW *os.File
	if o.stdin != nil {
		r, w, err := os.Pipe()
		if err != nil {
			errR.Close()
			if stdout != nil {
				stdout.Close()
			}
			return nil, nil, err
		}
		cmd.Stdin, inW = r, w
		closeAfter = append(closeAfter, r)
	}
	if err := cmd.Start(); err != nil {
		errR.Close()
		if stdout != nil {
			stdout.Close()
		}
		if inW != nil {
			inW.Close()
		}
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return nil, nil, ErrNotInstalled
		}
		return nil, nil, fmt.Errorf("starting FFmpeg: %w", err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	p.log = newLogSink(errR, o.onInfo)
	p.wd = newWatchdog(o.limits.stall(), func() {
		p.kill(&Error{Reason: fmt.Sprintf("FFmpeg made no progress for %s and was stopped (the file may be damaged or hostile)", o.limits.stall()), kind: ErrTimeout})
	})
	if inW != nil {
		go feed(inW, o.stdin, p.wd.waiting) // input FFmpeg accepts is progress
	}
	var timer *time.Timer
	if o.timeout > 0 {
		timer = time.AfterFunc(o.timeout, func() {
			p.kill(&Error{Reason: fmt.Sprintf("FFmpeg did not finish within %s and was stopped", o.timeout), kind: ErrTimeout})
		})
	}
	go func() {
		select {
		case <-ctx.Done():
			p.kill(ctx.Err())
		case <-p.done:
		}
	}()
	go func() {
		err := cmd.Wait()
		<-p.log.finished // the whole of stderr, for the failure's reason
		if timer != nil {
			timer.Stop()
		}
		p.wd.stop()
		p.mu.Lock()
		p.waited = err
		p.mu.Unlock()
		close(p.done)
	}()
	return p, stdout, nil
}

// feed copies the caller's input to FFmpeg's standard input, then closes
// it (end of input). When FFmpeg ends first the write fails and feed stops.
func feed(w *os.File, r io.Reader, fed func()) {
	defer w.Close()
	buf := make([]byte, 256<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return
			}
			if fed != nil {
				fed()
			}
		}
		if err != nil {
			return
		}
	}
}

// kill stops the whole process group, remembering the first reason.
func (p *process) kill(reason error) {
	p.mu.Lock()
	if p.killed == nil {
		p.killed = reason
	}
	p.mu.Unlock()
	killGroup(p.cmd.Process)
}

// stopped returns why Veil stopped the process, or nil.
func (p *process) stopped() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.killed
}

// wait waits for the process and returns nil for a clean exit, the reason
// Veil stopped it, or FFmpeg's own failure boiled down to one line.
func (p *process) wait() error {
	<-p.done
	if err := p.stopped(); err != nil {
		return err
	}
	p.mu.Lock()
	err := p.waited
	p.mu.Unlock()
	if err == nil {
		return nil
	}
	var urls []string
	for _, a := range p.cmd.Args {
		if strings.HasPrefix(a, "file:") || strings.HasPrefix(a, "pipe:") {
			urls = append(urls, a)
		}
	}
	return p.log.failure(err, urls)
}

// abort stops the process for reason and waits for it to end.
func (p *process) abort(reason error) error {
	p.kill(reason)
	<-p.done
	return p.stopped()
}

// watchdog stops a run when FFmpeg has produced nothing for too long while
// Veil was waiting for it. Time Veil spends on its own work (hashing a
// frame, feeding input) does not count.
type watchdog struct {
	limit time.Duration
	fire  func()
	mu    sync.Mutex
	timer *time.Timer
	off   bool
}

func newWatchdog(limit time.Duration, fire func()) *watchdog {
	return &watchdog{limit: limit, fire: fire}
}

// waiting starts (or restarts) the countdown.
func (w *watchdog) waiting() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.off {
		return
	}
	if w.timer == nil {
		w.timer = time.AfterFunc(w.limit, w.fire)
		return
	}
	w.timer.Reset(w.limit)
}

// busy pauses the countdown while Veil works.
func (w *watchdog) busy() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timer != nil {
		w.timer.Stop()
	}
}

// stop ends the watchdog for good.
func (w *watchdog) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.off = true
	if w.timer != nil {
		w.timer.Stop()
	}
}

// cleanEnv is the whole environment FFmpeg gets: no HOME (no ~/.ffmpeg
// presets), no FFREPORT (which writes a log file), no fontconfig or locale
// settings; nothing to read and nowhere to write.
func cleanEnv() []string {
	env := []string{"PATH=/usr/bin:/bin", "AV_LOG_FORCE_NOCOLOR=1"}
	return append(env, platformEnv()...)
}
