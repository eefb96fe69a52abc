package cli

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"codeberg.org/veil/veil/internal/fserr"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/outfile"
	"codeberg.org/veil/veil/photo"
	"codeberg.org/veil/veil/redact"
)

func init() {
	register(command{name: "redact", summary: "burn irreversible redaction into faces and chosen areas, and write a metadata-free copy", run: runRedact})
}

const redactUsage = `Usage: veil redact [--faces] [--region x,y,w,h]... [--shape rect|ellipse] [--style solid|pixelate|blur] -o OUT FILE
       veil redact [--faces] [--region x,y,w,h[@FROM-TO]]... [--keep N]... [--keep-audio] -o OUT VIDEO

Writes a redacted copy of FILE as OUT; FILE is never changed and OUT must not
exist. Regions are in pixels of the photo as it is displayed (top-left origin,
after its orientation is applied). The copy is encoded afresh with no metadata
at all (no location, camera, dates, thumbnails) and is checked before it is
reported: every region replaced, nothing but pixels in the file.
OUT's extension chooses the format: .jpg, .png or .webp.

Styles: solid (default) paints the area black and is the only one to use for
text; pixelate leaves at most 8 coarse, noisy blocks across it; blur is the
weakest (someone who knows the person may still recognise them).

Videos (MP4, MOV, M4V, 3GP, MKV, WebM; needs FFmpeg; an MTS or AVI is
cleaned first, which makes it an MP4): every frame is searched for faces,
faces are followed from frame to frame (frames where one was missed between
two sightings are covered too, and a little before and after), and the
redaction is burnt into every frame. OUT (.mp4, .m4v, .mov or .3gp) keeps the
size, frame rate and timing; it has no metadata and no sound unless
--keep-audio (voices and sounds identify people and places too). Then the
written video is decoded again and checked frame by frame, and the face finder
runs once more on it: faces it finds outside the redactions are redacted too
and the video written and checked again (three writes at most); any still
found after that are listed and nothing is saved unless --accept-findings.
A region's @FROM-TO limits it to a time span in seconds or m:ss (@12.5-20,
@1:05-, @-0:03); --list shows the face tracks found (and writes nothing),
--keep N leaves track N visible. Blur is not offered for videos: many frames
of one blurred face give it away.

Options:
`

// regionArg is one --region: an area, and for videos an optional time span.
type regionArg struct {
	rect image.Rectangle
	// span: the region applies from from to to (to < 0: the end).
	span     bool
	from, to time.Duration
}

// regionList collects repeated --region x,y,w,h[@FROM-TO] flags.
type regionList []regionArg

func (l *regionList) String() string {
	var s []string
	for _, a := range *l {
		r := a.rect
		s = append(s, fmt.Sprintf("%d,%d,%d,%d", r.Min.X, r.Min.Y, r.Dx(), r.Dy()))
	}
	return strings.Join(s, " ")
}

func (l *regionList) Set(v string) error {
	area, span, timed := strings.Cut(v, "@")
	r, err := parseRegion(area)
	if err != nil {
		return err
	}
	a := regionArg{rect: r, to: -1}
	if timed {
		if a.from, a.to, err = parseSpan(span); err != nil {
			return fmt.Errorf("region %q: %w", v, err)
		}
		a.span = true
	}
	*l = append(*l, a)
	return nil
}

// rects returns the regions' areas.
func (l regionList) rects() []image.Rectangle {
	out := make([]image.Rectangle, len(l))
	for i, a := range l {
		out[i] = a.rect
	}
	return out
}

// parseRegion reads "x,y,w,h" (spaces allowed) with a positive width and height.
func parseRegion(v string) (image.Rectangle, error) {
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return image.Rectangle{}, fmt.Errorf("region %q: want x,y,w,h", v)
	}
	var n [4]int
	for i, p := range parts {
		x, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || x < -1<<20 || x > 1<<20 {
			return image.Rectangle{}, fmt.Errorf("region %q: %q is not a whole number of pixels", v, p)
		}
		n[i] = x
	}
	if n[2] <= 0 || n[3] <= 0 {
		return image.Rectangle{}, fmt.Errorf("region %q: width and height must be positive", v)
	}
	return image.Rect(n[0], n[1], n[0]+n[2], n[1]+n[3]), nil
}

// parseSpan reads FROM-TO, either side optional ("12-" to the end, "-3"
// from the start), each in seconds or m:ss (fractions allowed). to is -1
// for the end.
func parseSpan(s string) (from, to time.Duration, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("time span %q: want FROM-TO (seconds or m:ss; either may be left out)", s)
	}
	to = -1
	if a = strings.TrimSpace(a); a != "" {
		if from, err = parseClock(a); err != nil {
			return 0, 0, err
		}
	}
	if b = strings.TrimSpace(b); b != "" {
		if to, err = parseClock(b); err != nil {
			return 0, 0, err
		}
		if to < from {
			return 0, 0, fmt.Errorf("time span %q ends before it starts", s)
		}
	}
	return from, to, nil
}

// parseClock reads "12", "12.5", "1:05" or "1:02:03.5".
func parseClock(s string) (time.Duration, error) {
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0, fmt.Errorf("time %q: want seconds or m:ss", s)
	}
	var secs float64
	for i, p := range parts {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || v < 0 || (i > 0 && v >= 60) || math.IsInf(v, 0) || v > 1e7 {
			return 0, fmt.Errorf("time %q: want seconds or m:ss", s)
		}
		secs = secs*60 + v
	}
	return time.Duration(secs * float64(time.Second)), nil
}

// redactOptions are the flags of "veil redact".
type redactOptions struct {
	Faces   bool
	Regions regionList
	Shape   string
	Style   string
	Out     string
	// Videos only.
	KeepAudio      bool
	Keep           trackList
	List           bool
	AcceptFindings bool
}

func runRedact(args []string, stdout, stderr io.Writer) int {
	var o redactOptions
	f := newFlags("redact", redactUsage, true)
	f.BoolVar(&o.Faces, "faces", false, "find faces and redact them")
	f.Var(&o.Regions, "region", "redact the area x,y,w,h (repeatable)")
	f.StringVar(&o.Shape, "shape", "rect", "outline of each area: rect or ellipse")
	f.StringVar(&o.Style, "style", "solid", "solid, pixelate or blur")
	f.StringVar(&o.Out, "o", "", "output file (required; .jpg, .png or .webp; for videos .mp4, .m4v, .mov or .3gp)")
	f.BoolVar(&o.KeepAudio, "keep-audio", false, "videos: keep the sound (removed by default)")
	f.Var(&o.Keep, "keep", "videos: leave face track `N` visible (repeatable; see --list)")
	f.BoolVar(&o.List, "list", false, "videos: list the face tracks found, write nothing")
	f.BoolVar(&o.AcceptFindings, "accept-findings", false, "videos: save even if the final check still finds faces outside the redactions")
	files, status, ok := f.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	if len(files) == 1 && isVideoFile(files[0]) { // FFmpeg's whitelist refuses what it cannot read
		if o.Out == "" && !o.List {
			return f.usageError(stderr)
		}
		return runRedactVideo(o, files[0], stdout, stderr)
	}
	if len(files) != 1 || o.Out == "" {
		return f.usageError(stderr)
	}
	if err := o.photoOnly(); err != nil {
		fmt.Fprintf(stderr, "veil redact: %v\n", err)
		return 2
	}
	job, err := o.job(files[0])
	if err != nil {
		fmt.Fprintf(stderr, "veil redact: %v\n", err)
		return 2
	}
	msg, err := job.run()
	if err != nil {
		fmt.Fprintf(stderr, "veil redact: %s\n", fileError(job.errPath, err))
		return 1
	}
	fmt.Fprintln(stdout, msg)
	return 0
}

// job checks the options and returns the redaction of the file in.
func (o redactOptions) job(in string) (*redactJob, error) {
	shape, err := redact.ParseShape(o.Shape)
	if err != nil {
		return nil, err
	}
	style, err := redact.ParseStyle(o.Style)
	if err != nil {
		return nil, err
	}
	if !o.Faces && len(o.Regions) == 0 {
		return nil, errors.New("nothing to redact: give --faces, --region x,y,w,h, or both")
	}
	format, err := redact.OutputFormat(filepath.Ext(o.Out))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Out, err)
	}
	return &redactJob{in: in, out: o.Out, faces: o.Faces, regions: o.Regions.rects(), shape: shape, style: style, format: format}, nil
}

// photoOnly refuses the options that only mean something for videos.
func (o redactOptions) photoOnly() error {
	switch {
	case o.KeepAudio, len(o.Keep) > 0, o.List, o.AcceptFindings:
		return errors.New("--keep-audio, --keep, --list and --accept-findings are for videos")
	}
	for _, r := range o.Regions {
		if r.span {
			return errors.New("a region's time span (@FROM-TO) is for videos")
		}
	}
	return nil
}

type redactJob struct {
	in, out string
	faces   bool
	regions []image.Rectangle
	shape   redact.Shape
	style   redact.Style
	format  photo.Format
	// errPath is the file an error is about (the input unless writing failed).
	errPath string
}

func (j *redactJob) run() (msg string, err error) {
	j.errPath = j.in
	defer func() {
		// A bug in a decoder or the detector must become one line, never a trace.
		if r := recover(); r != nil {
			msg, err = "", fmt.Errorf("internal error while redacting (%v); nothing was written", r)
		}
	}()
	if _, err := os.Lstat(j.out); err == nil {
		j.errPath = j.out
		return "", fmt.Errorf("already exists; choose another output name (nothing was written)")
	}
	data, err := photo.ReadFile(j.in)
	if err != nil {
		return "", errors.New(fserr.Reason(err))
	}
	cfg, _, err := photo.Config(data)
	if err != nil {
		return "", err
	}
	if err := redact.CheckSize(cfg.Width, cfg.Height); err != nil {
		return "", err // before decoding: the decode alone could exceed the memory budget
	}
	img, _, err := photo.Decode(data)
	if err != nil {
		return "", err
	}
	upright := photo.Orient(img, photo.Orientation(data))
	size := upright.Bounds().Size()

	var regions []redact.Region
	for _, r := range j.regions {
		if r.Intersect(image.Rectangle{Max: size}).Empty() {
			return "", fmt.Errorf("region %d,%d,%d,%d lies outside the %dx%d photo (nothing was written)",
				r.Min.X, r.Min.Y, r.Dx(), r.Dy(), size.X, size.Y)
		}
		regions = append(regions, redact.Region{Rect: r, Shape: j.shape, Style: j.style})
	}
	nFaces := 0
	if j.faces {
		boxes, err := redact.FindFaces(context.Background(), upright, 0)
		if err != nil {
			return "", fmt.Errorf("face detection: %w", err)
		}
		for _, b := range boxes {
			regions = append(regions, redact.Region{Rect: b, Shape: j.shape, Style: j.style})
		}
		nFaces = len(boxes)
		if len(regions) == 0 {
			return "", errors.New("no faces found; nothing was written (use --region x,y,w,h to redact areas by hand)")
		}
	}
	// This decode is ours alone: paint it in place rather than copy it.
	owned := photo.ToNRGBA(upright)
	img, upright = nil, nil
	outData, err := redact.RedactOwned(owned, regions, j.format)
	if err != nil {
		return "", err
	}
	j.errPath = j.out
	// The copy gets its name only once what is really on disk has been read
	// back and verified; never call it redacted otherwise.
	check := func(written []byte) error { return verifyCopy(written, metadata.Options{}) }
	if err := outfile.WriteChecked(j.out, outData, outfile.Options{Input: j.in}, check); err != nil {
		return "", errors.New(writeError("redacted", err))
	}
	var what []string
	if j.faces {
		what = append(what, plural(nFaces, "face"))
	}
	if len(j.regions) > 0 {
		what = append(what, plural(len(j.regions), "region"))
	}
	what = append(what, j.style.String())
	if j.shape != redact.Rect {
		what = append(what, j.shape.String())
	}
	return fmt.Sprintf("redacted: %s -> %s (%s; verified: no metadata)", j.in, j.out, strings.Join(what, ", ")), nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
