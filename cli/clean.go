package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/clean"
	"codeberg.org/veil/veil/metadata/verify"
	"codeberg.org/veil/veil/outfile"
	"codeberg.org/veil/veil/photo"
)

func init() {
	register(command{name: "clean", summary: "remove identifying metadata, losslessly where possible, and verify the output", run: runClean})
}

const cleanUsage = `Usage: veil clean [--json] [--only location] [--rename] -o DIR FILE|FOLDER...

Writes a cleaned copy of each photo into DIR; the originals are never changed.
Folders are walked recursively and their layout is kept under DIR.
JPEG, PNG, WebP, GIF and HEIC/AVIF keep their exact pixels; TIFF becomes a PNG
(and a HEIC too unusual to rebuild, a JPEG),
with the orientation applied. Every copy is re-read and verified before it
is reported clean; a copy that fails the check is deleted.

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
	in       input
	outDir   string
	rename   bool
	opt      metadata.Options
	reserved *nameSet
}

func runClean(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("clean", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per input (JSON Lines)")
	only := fs.String("only", "", `remove only this kind of data: "location" (keeps camera and date fields)`)
	rename := fs.Bool("rename", false, "give outputs neutral names (photo-1a2b3c4d.jpg) instead of the originals' names")
	outDir := fs.String("o", "", "output folder (required; created if missing)")
	fs.Usage = func() { fmt.Fprint(stderr, cleanUsage); fs.PrintDefaults() }
	if err := fs.Parse(reorderFlags(args, map[string]bool{"only": true, "o": true})); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var opt metadata.Options
	switch *only {
	case "":
	case "location":
		opt.Mode = metadata.LocationOnly
	default:
		fmt.Fprintf(stderr, "veil clean: --only takes \"location\", not %q\n", *only)
		return 2
	}
	if *outDir == "" || fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "veil clean: output folder %s: %v\n", *outDir, err)
		return 1
	}
	outfile.SweepTemp(*outDir)

	inputs := expandInputs(fs.Args(), isImageName)
	jobs := make([]cleanJob, len(inputs))
	names := &nameSet{taken: map[string]bool{}}
	for i, in := range inputs {
		jobs[i] = cleanJob{in: in, outDir: *outDir, rename: *rename, opt: opt, reserved: names}
	}
	progress := newProgress(stderr, "cleaning", len(jobs))
	failed := 0
	forEachOrdered(len(jobs), cleanWorkers(), func(i int) cleanRecord {
		return cleanOne(jobs[i])
	}, func(i int, r cleanRecord) {
		progress.step()
		if r.Status != "clean" {
			failed++
			progress.clear()
			fmt.Fprintf(stderr, "veil clean: %s\n", fileError(r.Input, errors.New(r.Error)))
		}
		if *asJSON {
			line, _ := json.Marshal(r)
			stdout.Write(append(line, '\n'))
		} else if r.Status == "clean" {
			progress.clear()
			fmt.Fprintln(stdout, cleanSummary(r))
		}
	})
	progress.done()
	outfile.SyncDirs()
	if failed > 0 {
		if !*asJSON {
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

func cleanOne(j cleanJob) (rec cleanRecord) {
	rec = cleanRecord{Input: j.in.path, Status: "error", Removed: []string{}}
	defer func() {
		// A bug in a parser must cost one file, never the batch.
		if r := recover(); r != nil {
			rec.Status, rec.Output, rec.Error = "error", "", fmt.Sprintf("internal error while cleaning (%v); nothing was written", r)
		}
	}()
	if j.in.err != nil {
		rec.Error = describeOpenError(j.in.err)
		return rec
	}
	data, err := photo.ReadFile(j.in.path)
	if err != nil {
		rec.Error = describeOpenError(err)
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
	if err := outfile.Write(out, res.Data, outfile.Options{Input: j.in.path, DeferDirSync: true}); err != nil {
		rec.Error = "writing the cleaned copy: " + err.Error()
		return rec
	}
	// Re-read what is really on disk and check it again; never say clean otherwise.
	if err := verifyWritten(out, res.Data, j.opt); err != nil {
		os.Remove(out)
		rec.Error = "the written copy failed verification and was deleted: " + err.Error()
		return rec
	}
	rec.Output = out
	rec.Status = "clean"
	if res.Removed != nil {
		rec.Removed = res.Removed
	}
	return rec
}

func verifyWritten(path string, want []byte, opt metadata.Options) error {
	got, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return errors.New("the file on disk differs from what was written")
	}
	return verify.File(got, opt)
}

// outputPath picks where a cleaned copy goes: the folder layout of the input
// mirrored under the output folder, the extension matching the output format,
// and a free name (never an existing file).
func outputPath(j cleanJob, f photo.Format) string {
	ext := f.Ext()
	var rel string
	switch {
	case j.rename:
		rel = filepath.Join(filepath.Dir(j.in.rel), outfile.NeutralName(ext))
	case j.in.rel != "":
		rel = strings.TrimSuffix(j.in.rel, filepath.Ext(j.in.rel)) + keepExtCase(j.in.rel, ext)
	default:
		base := filepath.Base(j.in.path)
		rel = strings.TrimSuffix(base, filepath.Ext(base)) + keepExtCase(base, ext)
	}
	return filepath.Join(j.outDir, rel)
}

// keepExtCase keeps the original extension when it already names the output
// format (".JPG" stays ".JPG", ".jpeg" stays ".jpeg"), otherwise uses ext.
func keepExtCase(name, ext string) string {
	old := filepath.Ext(name)
	l := strings.ToLower(old)
	same := l == ext || (ext == ".jpg" && (l == ".jpeg" || l == ".jpe")) || (ext == ".tiff" && l == ".tif") ||
		(ext == ".heic" && (l == ".heif" || l == ".hif" || l == ".avif"))
	if same {
		return old
	}
	return ext
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

// describeOpenError turns file-system errors into the short words a user reads.
func describeOpenError(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
