package cli

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/outfile"
	"codeberg.org/veil/veil/redact"
	"codeberg.org/veil/veil/redact/video"
)

// trackList collects repeated --keep N flags.
type trackList []int

func (l *trackList) String() string {
	var s []string
	for _, n := range *l {
		s = append(s, strconv.Itoa(n))
	}
	return strings.Join(s, ",")
}

func (l *trackList) Set(v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return fmt.Errorf("--keep %q: want a track number (see --list)", v)
	}
	*l = append(*l, n)
	return nil
}

// videoJob is one "veil redact" of a video.
type videoJob struct {
	o      redactOptions
	in     string
	style  redact.Style
	shape  redact.Shape
	stderr io.Writer
	// meter draws progress on a terminal.
	meter *videoMeter
}

func runRedactVideo(o redactOptions, in string, stdout, stderr io.Writer) int {
	j, err := newVideoJob(o, in, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "veil redact: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	msg, status, err := j.run(ctx, stdout)
	j.meter.clear()
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "veil redact: %s: stopped; nothing was written\n", in)
		return 130 // as a shell reports a command stopped by Ctrl-C
	}
	if err != nil {
		path := in
		var oe outErr
		if errors.As(err, &oe) {
			path = o.Out
		}
		fmt.Fprintf(stderr, "veil redact: %s\n", fileError(path, err))
		return max(status, 1)
	}
	fmt.Fprintln(stdout, msg)
	return status
}

// outErr marks an error about the output file rather than the input.
type outErr struct{ error }

func (e outErr) Unwrap() error { return e.error }

func newVideoJob(o redactOptions, in string, stderr io.Writer) (*videoJob, error) {
	shape, err := redact.ParseShape(o.Shape)
	if err != nil {
		return nil, err
	}
	style, err := redact.ParseStyle(o.Style)
	if err != nil {
		return nil, err
	}
	if style == redact.Blur {
		return nil, errors.New("blur is not offered for videos (many frames of one blurred face give it away): use solid or pixelate")
	}
	if !o.Faces && len(o.Regions) == 0 {
		return nil, errors.New("nothing to redact: give --faces, --region x,y,w,h[@FROM-TO], or both")
	}
	if len(o.Keep) > 0 && !o.Faces {
		return nil, errors.New("--keep names a face track: give --faces too")
	}
	if o.Out != "" {
		if _, err := video.OutputFormat(o.Out); err != nil {
			return nil, fmt.Errorf("%s: %w", o.Out, err)
		}
	}
	return &videoJob{o: o, in: in, style: style, shape: shape, stderr: stderr, meter: newVideoMeter(stderr)}, nil
}

func (j *videoJob) run(ctx context.Context, stdout io.Writer) (msg string, status int, err error) {
	defer func() {
		// A bug in a decoder or the detector must become one line, never a trace.
		if r := recover(); r != nil {
			msg, status, err = "", 1, fmt.Errorf("internal error while redacting (%v); nothing was written", r)
		}
	}()
	if j.o.Out != "" {
		if _, err := os.Lstat(j.o.Out); err == nil {
			return "", 1, outErr{errors.New("already exists; choose another output name (nothing was written)")}
		}
	}
	ff, err := ffmpeg.New()
	if err != nil {
		return "", 1, err
	}
	a, err := video.Analyze(ctx, ff, j.in, video.AnalyzeOptions{NoFaces: !j.o.Faces}, j.meter.show)
	if err != nil {
		return "", 1, j.stopped(ctx, err)
	}
	j.meter.clear()
	if j.o.List {
		j.list(stdout, a)
		return "", 0, nil
	}
	plan, err := j.plan(a)
	if err != nil {
		return "", 2, err
	}
	if plan.Empty() {
		return "", 1, errors.New("no faces found; nothing was written (use --region x,y,w,h to redact areas by hand)")
	}
	out, added, err := j.write(ctx, ff, a, plan)
	if err != nil {
		return "", 1, err
	}
	defer out.Discard()
	if fs := out.Verification.Findings; len(fs) > 0 && !j.o.AcceptFindings {
		j.meter.clear()
		fmt.Fprint(j.stderr, describeFindings(fs))
		return "", 1, errors.New("the check of the redacted video still finds faces outside the redactions (listed above); nothing was saved. Add --region for them, or --accept-findings to save anyway")
	}
	if err := out.Save(); err != nil {
		return "", 1, outErr{errors.New(writeError("redacted", err))}
	}
	return j.summary(a, plan, out, added), 0, nil
}

// stopped turns a cancelled run into its one line.
func (j *videoJob) stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return errors.New("stopped; nothing was written")
	}
	return err
}

// plan builds the redaction plan from the analysis and the options.
func (j *videoJob) plan(a *video.Analysis) (*video.Plan, error) {
	plan := video.NewPlan(a, j.style, j.shape)
	for _, n := range j.o.Keep {
		if !slices.ContainsFunc(a.Tracks, func(t *video.Track) bool { return t.ID == n }) {
			return nil, fmt.Errorf("--keep %d: there is no face track %d (%d found; see --list)", n, n, len(a.Tracks))
		}
		plan.Keep[n] = true
	}
	bounds := image.Rectangle{Max: a.Size}
	for _, r := range j.o.Regions {
		if r.rect.Intersect(bounds).Empty() {
			return nil, fmt.Errorf("region %d,%d,%d,%d lies outside the %dx%d video (nothing was written)",
				r.rect.Min.X, r.rect.Min.Y, r.rect.Dx(), r.rect.Dy(), a.Size.X, a.Size.Y)
		}
		first, last := 0, len(a.Frames)-1
		if r.span {
			to := r.to
			if to < 0 {
				to = a.Frames[last].Time
			}
			var err error
			if first, last, err = a.Span(r.from, to); err != nil {
				return nil, err
			}
		}
		plan.Areas = append(plan.Areas, video.Area{First: first, Last: last, Rect: r.rect})
	}
	return plan, nil
}

// write renders and verifies the plan; faces the check finds outside the
// redactions are redacted too, in more passes (video.MaxPasses writes at
// most), before anything is named.
func (j *videoJob) write(ctx context.Context, ff *ffmpeg.Runner, a *video.Analysis, plan *video.Plan) (*video.Output, int, error) {
	note := func(found, tracks int) {
		j.meter.note(fmt.Sprintf("The check found %s outside the redactions: redacting %s too.", plural(found, "face"), plural(tracks, "more track")))
	}
	out, added, err := video.Redact(ctx, ff, a, plan, j.o.Out, video.RenderOptions{KeepAudio: j.o.KeepAudio}, j.meter.show, note)
	if err != nil {
		return nil, 0, j.writeErr(ctx, err)
	}
	return out, len(added), nil
}

func (j *videoJob) writeErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return errors.New("stopped; nothing was written")
	}
	if errors.Is(err, outfile.ErrExists) || errors.Is(err, outfile.ErrSameAsInput) {
		return outErr{err}
	}
	if errors.Is(err, video.ErrNotRedacted) {
		return outErr{fmt.Errorf("%w; nothing was written", err)}
	}
	return fmt.Errorf("%w; nothing was written", err)
}

// list prints the face tracks for --list.
func (j *videoJob) list(w io.Writer, a *video.Analysis) {
	fmt.Fprintf(w, "%s: %d×%d, %d frames, %s; %s\n", j.in, a.Size.X, a.Size.Y, len(a.Frames),
		video.Clock(a.Duration), plural(len(a.Tracks), "face track"))
	for _, t := range a.Tracks {
		first, last := a.Frames[t.First].Time, a.Frames[t.Last()].Time+a.FrameDuration(t.Last())
		b := t.Boxes[0]
		for k, kind := range t.Kinds {
			if kind == video.Detected {
				b = t.Boxes[k]
				break
			}
		}
		fmt.Fprintf(w, "  track %d: %s to %s, first at %d,%d,%d,%d, seen in %d frames (score up to %.2f)\n",
			t.ID, video.Clock(first), video.Clock(last), b.Min.X, b.Min.Y, b.Dx(), b.Dy(), t.Detections, t.BestScore)
	}
}

// summary is the line printed for a saved redaction.
func (j *videoJob) summary(a *video.Analysis, plan *video.Plan, out *video.Output, added int) string {
	var what []string
	if j.o.Faces {
		n := len(plan.Tracks) - len(plan.Keep)
		what = append(what, plural(n, "face track"))
		if len(plan.Keep) > 0 {
			what = append(what, fmt.Sprintf("%d kept visible", len(plan.Keep)))
		}
	}
	if len(plan.Areas) > 0 {
		what = append(what, plural(len(plan.Areas), "region"))
	}
	what = append(what, j.style.String())
	sound := "sound removed"
	if out.Rendered.Audio {
		sound = "sound kept"
	} else if a.Audio == nil {
		sound = "no sound"
	}
	v := out.Verification
	check := "no face found outside the redactions"
	if added > 0 {
		check += fmt.Sprintf(" (after more passes covering %s the checks found)", plural(added, "more track"))
	}
	if len(v.Findings) > 0 {
		check = fmt.Sprintf("%s still found outside the redactions, saved as asked", plural(len(v.Findings), "face"))
	}
	return fmt.Sprintf("redacted: %s -> %s (%s; %s; verified: %d frames at their source times, %s in %s covered, %s, %s)",
		j.in, j.o.Out, strings.Join(what, ", "), sound, v.Frames, plural(v.Regions, "region"),
		plural(out.Rendered.Redacted, "frame"), check, v.Container)
}

// describeFindings lists the faces the check found, a line per face seen
// over consecutive frames.
func describeFindings(fs []video.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Faces the check found outside the redactions:\n")
	shown := 0
	for i := 0; i < len(fs) && shown < 20; i++ {
		f := fs[i]
		last := f
		for i+1 < len(fs) && fs[i+1].Frame <= last.Frame+1 && overlaps(fs[i+1].Box, last.Box) {
			i++
			last = fs[i]
		}
		fmt.Fprintf(&b, "  %s to %s: around %d,%d,%d,%d (score %.2f)\n", video.Clock(f.Time), video.Clock(last.Time),
			f.Cover.Min.X, f.Cover.Min.Y, f.Cover.Dx(), f.Cover.Dy(), f.Score)
		shown++
	}
	return b.String()
}

func overlaps(a, b image.Rectangle) bool { return !a.Intersect(b).Empty() }

// videoMeter draws "Finding faces 45% (540/1200 frames), about 1 min left"
// on a terminal, over itself.
type videoMeter struct {
	w  io.Writer
	on bool
	// shown is set while a progress line is on the screen.
	shown bool
}

func newVideoMeter(w io.Writer) *videoMeter {
	return &videoMeter{w: w, on: isTerminal(w)}
}

func (m *videoMeter) show(p video.Progress) {
	if !m.on {
		return
	}
	line := p.Stage
	if p.Total > 0 {
		line += fmt.Sprintf(" %d%% (%d/%d frames)", 100*p.Done/p.Total, p.Done, p.Total)
	}
	if p.Left > 0 {
		line += ", about " + roughly(p.Left) + " left"
	}
	fmt.Fprintf(m.w, "\r\033[K%s", line)
	m.shown = true
}

// note prints a line between progress lines (on a terminal or not).
func (m *videoMeter) note(s string) {
	m.clear()
	fmt.Fprintln(m.w, s)
}

func (m *videoMeter) clear() {
	if m.shown {
		fmt.Fprint(m.w, "\r\033[K")
		m.shown = false
	}
}

// roughly says a duration the way a person would: "40 s", "3 min".
func roughly(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", max(1, int(d.Round(5*time.Second).Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Round(time.Minute).Minutes()))
	}
	return fmt.Sprintf("%.1f h", d.Hours())
}
