package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"codeberg.org/veil/veil/internal/fserr"
	"codeberg.org/veil/veil/internal/inputs"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/clean"
	"codeberg.org/veil/veil/outfile"
	"codeberg.org/veil/veil/photo"
)

func init() {
	register(command{name: "clean", summary: "remove identifying metadata, losslessly where possible, and verify the output", run: runClean})
}

const cleanUsage = `Usage: veil clean [--json] [--only location] [--rename] -o DIR FILE|FOLDER...

Writes a cleaned copy of each photo or video into DIR; the originals are
never changed.
Folders are walked recursively and their layout is kept under DIR.
JPEG, PNG, WebP, GIF and HEIC/AVIF keep their exact pixels; TIFF becomes a PNG
(and a HEIC too unusual to rebuild, a JPEG),
with the orientation applied. MP4, MOV, M4V and 3GP videos are rewritten
losslessly: only the video and audio tracks are kept, dates are zeroed, and
location, device names, face tracks and data hidden in the video stream go.
MKV, WebM, AVI, MTS and fragmented MP4 have their streams copied into an MP4
by FFmpeg first (nothing re-encoded), and are refused without FFmpeg.
Ctrl-C stops a long video and leaves nothing behind. Every copy is re-read and verified before it
is reported clean; a copy that fails the check is never saved.

Options:
`

// cleanRecord is one line of "veil clean --json" (JSON Lines).
type cleanRecord struct {
	Input    string   `json:"input"`
	Output   string   `json:"output,omitempty"`
	Status   string   `json:"status"` // "clean" or "error"
	Format   string   `json:"format,omitempty"`
	Lossless bool     `json:"lossless"`
	Removed  []string `json:"removed"`
	Error    string   `json:"error,omitempty"`
}

type cleanJob struct {
	in       inputs.File
	outDir   string
	rename   bool
	opt      metadata.Options
	reserved *nameSet
	ctx      context.Context
	progress *videoProgress
}

// cleanOptions are the flags of "veil clean".
type cleanOptions struct {
	JSON   bool
	Only   string
	Rename bool
	OutDir string
}

func runClean(args []string, stdout, stderr io.Writer) int {
	var o cleanOptions
	f := newFlags("clean", cleanUsage, true)
	f.BoolVar(&o.JSON, "json", false, "print one JSON object per input (JSON Lines)")
	f.StringVar(&o.Only, "only", "", `remove only this kind of data: "location" (keeps camera and date fields)`)
	f.BoolVar(&o.Rename, "rename", false, "give outputs neutral names (photo-1a2b3c4d.jpg) instead of the originals' names")
	f.StringVar(&o.OutDir, "o", "", "output folder (required; created if missing)")
	files, status, ok := f.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	if o.Only != "" && o.Only != "location" {
		fmt.Fprintf(stderr, "veil clean: --only takes \"location\", not %q\n", o.Only)
		return 2
	}
	if o.OutDir == "" {
		return f.usageError(stderr)
	}
	return o.run(files, stdout, stderr)
}

// run cleans files (and the images in folders among them) into o.OutDir.
func (o cleanOptions) run(args []string, stdout, stderr io.Writer) int {
	var opt metadata.Options
	if o.Only == "location" {
		opt.Mode = metadata.LocationOnly
	}
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "veil clean: output folder %s: %v\n", o.OutDir, err)
		return 1
	}
	outfile.SweepTemp(o.OutDir)

	files := inputs.Expand(args, isInputName)
	jobs := make([]cleanJob, len(files))
	names := &nameSet{taken: map[string]bool{}}
	ctx, stop := interruptible()
	defer stop()
	vp := newVideoProgress(stderr)
	for i, in := range files {
		jobs[i] = cleanJob{in: in, outDir: o.OutDir, rename: o.Rename, opt: opt, reserved: names, ctx: ctx, progress: vp}
	}
	progress := newProgress(stderr, "cleaning", len(jobs))
	failed := 0
	forEachOrdered(len(jobs), cleanWorkers(), func(i int) cleanRecord {
		return cleanFile(jobs[i])
	}, func(i int, r cleanRecord) {
		vp.clear()
		progress.step()
		if r.Status != "clean" {
			failed++
			progress.clear()
			fmt.Fprintf(stderr, "veil clean: %s\n", fileError(r.Input, errors.New(r.Error)))
		}
		if o.JSON {
			line, _ := json.Marshal(r)
			stdout.Write(append(line, '\n'))
		} else if r.Status == "clean" {
			progress.clear()
			fmt.Fprintln(stdout, cleanSummary(r))
		}
	})
	progress.done()
	outfile.SyncDirs()
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "veil clean: interrupted; files not yet cleaned were left alone, and no partial copy was written")
		return 1
	}
	if failed > 0 {
		if !o.JSON {
			fmt.Fprintf(stderr, "veil clean: %d of %d files could not be cleaned\n", failed, len(jobs))
		}
		return 1
	}
	return 0
}

// cleanWorkers is how many files are cleaned at once. The lossless path is
// mostly waiting for each output's fsync, so several files are in flight per
// core; formats that are decoded and re-encoded take a decode slot each.
func cleanWorkers() int { return 4 * max(1, runtime.NumCPU()) }

// decodeSlots bounds how many files are decoded and re-encoded at once (HEIF,
// TIFF): each can take hundreds of megabytes and a whole core.
var decodeSlots = make(chan struct{}, max(1, runtime.NumCPU()))

// cleanFile cleans one file of a "veil clean" run into its output.
func cleanFile(j cleanJob) (rec cleanRecord) {
	rec = cleanRecord{Input: j.in.Path, Status: "error", Removed: []string{}}
	defer func() {
		// A bug in a parser must cost one file, never the batch.
		if r := recover(); r != nil {
			rec.Status, rec.Output, rec.Error = "error", "", fmt.Sprintf("internal error while cleaning (%v); nothing was written", r)
		}
	}()
	if j.in.Err != nil {
		rec.Error = fserr.Reason(j.in.Err)
		return rec
	}
	if j.ctx != nil && j.ctx.Err() != nil {
		rec.Error = "interrupted before it was cleaned; nothing was written"
		return rec
	}
	if isVideoFile(j.in.Path) {
		return cleanVideoFile(j, rec)
	}
	data, err := photo.ReadFile(j.in.Path)
	if err != nil {
		rec.Error = fserr.Reason(err)
		return rec
	}
	f := photo.Sniff(data)
	rec.Format = f.String()
	if f == photo.TIFF || (f == photo.HEIF && j.opt.Mode == metadata.LocationOnly) { // decoded and re-encoded
		decodeSlots <- struct{}{}
		defer func() { <-decodeSlots }()
	}
	res, err := clean.File(data, j.opt)
	if err != nil {
		rec.Error = err.Error()
		return rec
	}
	rec.Format = res.Format.String()
	rec.Lossless = res.Lossless
	out := j.reserved.reserve(outputPath(j, res.Format))
	defer j.reserved.release(out)
	// The copy gets its name only once what is really on disk has been read
	// back and verified again; never say clean otherwise.
	check := func(written []byte) error { return verifyCopy(written, j.opt) }
	if err := outfile.WriteChecked(out, res.Data, outfile.Options{Input: j.in.Path, DeferDirSync: true}, check); err != nil {
		rec.Error = writeError("cleaned", err)
		return rec
	}
	rec.Output = out
	rec.Status = "clean"
	if res.Removed != nil {
		rec.Removed = res.Removed
	}
	return rec
}

// outputPath picks where a cleaned copy goes: the folder layout of the input
// mirrored under the output folder, the extension matching the output format,
// and a free name (never an existing file).
func outputPath(j cleanJob, f photo.Format) string {
	ext := f.Ext()
	var rel string
	switch {
	case j.rename:
		rel = filepath.Join(filepath.Dir(j.in.Rel), outfile.NeutralName(ext))
	case j.in.Rel != "":
		rel = strings.TrimSuffix(j.in.Rel, filepath.Ext(j.in.Rel)) + keepExtCase(j.in.Rel, f)
	default:
		base := filepath.Base(j.in.Path)
		rel = strings.TrimSuffix(base, filepath.Ext(base)) + keepExtCase(base, f)
	}
	return filepath.Join(j.outDir, rel)
}

// keepExtCase keeps the original extension when it already names the output
// format (".JPG" stays ".JPG", ".jpeg" stays ".jpeg"), otherwise uses f's.
func keepExtCase(name string, f photo.Format) string {
	if photo.FormatForName(name) == f {
		return filepath.Ext(name)
	}
	return f.Ext()
}

// nameSet hands out output names so that two files of a batch cleaned at the
// same time never aim at the same path.
type nameSet struct {
	mu    sync.Mutex
	taken map[string]bool
}

func (s *nameSet) reserve(path string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := path
	for i := 2; s.taken[p] || exists(p); i++ {
		ext := filepath.Ext(path)
		p = fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(path, ext), i, ext)
	}
	s.taken[p] = true
	return p
}

func (s *nameSet) release(path string) {
	s.mu.Lock()
	delete(s.taken, path)
	s.mu.Unlock()
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func cleanSummary(r cleanRecord) string {
	how := "lossless"
	if !r.Lossless {
		how = "re-encoded as " + strings.ToUpper(r.Format)
	}
	removed := "nothing identifying was found"
	if len(r.Removed) > 0 {
		removed = "removed " + strings.Join(r.Removed, ", ")
	}
	return fmt.Sprintf("clean: %s -> %s (%s; %s; verified)", r.Input, r.Output, how, removed)
}

// videoSlots lets one video be cleaned at a time: the work is bound by the
// disk, and interleaving several multi-gigabyte copies only slows each.
var videoSlots = make(chan struct{}, 1)

// cleanVideoFile cleans one video of a "veil clean" run: streamed to its
// output and verified there (clean.Video writes through outfile).
func cleanVideoFile(j cleanJob, rec cleanRecord) cleanRecord {
	videoSlots <- struct{}{}
	defer func() { <-videoSlots }()
	ctx := j.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if ctx.Err() != nil {
		rec.Error = "interrupted before it was cleaned; nothing was written"
		return rec
	}
	base := j.in.Rel
	if base == "" {
		base = filepath.Base(j.in.Path)
	}
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	ext := videoOutExt(base, "mp4")
	var rel string
	if j.rename {
		rel = filepath.Join(filepath.Dir(j.in.Rel), "video-"+strings.TrimPrefix(outfile.NeutralName(ext), "photo-"))
	} else {
		rel = stem + ext
	}
	out := j.reserved.reserve(filepath.Join(j.outDir, rel))
	defer j.reserved.release(out)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		rec.Error = "writing the cleaned copy: " + err.Error()
		return rec
	}
	res, err := clean.Video(ctx, j.in.Path, out, j.opt, j.progress.fn(j.in.Path))
	j.progress.clear()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			rec.Error = "interrupted; nothing was written"
		} else {
			rec.Error = err.Error()
		}
		return rec
	}
	rec.Output, rec.Status, rec.Lossless = out, "clean", res.Lossless
	if res.Video != nil {
		rec.Format = res.Video.Container
	}
	if res.Removed != nil {
		rec.Removed = res.Removed
	}
	return rec
}
