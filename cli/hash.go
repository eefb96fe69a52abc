package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"codeberg.org/veil/veil/fingerprint"
	"codeberg.org/veil/veil/fingerprint/pdq"
	"codeberg.org/veil/veil/internal/fserr"
	"codeberg.org/veil/veil/internal/inputs"
	"codeberg.org/veil/veil/outfile"
	"codeberg.org/veil/veil/photo"
)

func init() {
	register(command{name: "hash", summary: "compute PDQ, MD5 and SHA-256 hashes for reporting (StopNCII, Take It Down)", run: runHash})
}

const hashUsage = `Usage: veil hash [--json] [--dihedral] [--video-pdq] [--report FILE] [--with-names] FILE|FOLDER...

Computes, on this computer, the hashes that reporting services such as
StopNCII.org and Take It Down use to find and block a picture or video
without ever receiving it: PDQ for images, MD5 for videos, and SHA-256 and
MD5 of every file. Folders are walked recursively for images and videos.
Videos of any size are read in small pieces; nothing is sent anywhere.

Hash the ORIGINAL files, exactly as they were shared: a cleaned, redacted,
cropped or re-saved copy has different bytes and pixels and will not match.
A video's MD5 matches only a byte-identical copy of that file: hash every
copy you have, and never a cleaned or redacted one.
A PDQ quality below 50 means services will probably discard the hash.
Hashes are sensitive too: keep them as private as the pictures.

--video-pdq adds Meta's vPDQ video hash (one PDQ hash a second, or of
every frame with --video-pdq-seconds 0), for organisations that match
videos with Meta's tools. It needs FFmpeg; photos and MD5 do not.

Ctrl-C stops at once. Exit status: 0 when every file was hashed
completely, 1 otherwise, 2 for a usage error, 130 when stopped.

Options:
`

// hashOptions are the flags of "veil hash".
type hashOptions struct {
	JSON        bool
	Dihedral    bool
	Report      string
	WithNames   bool
	VideoPDQ    bool
	VPDQSeconds float64
	VPDQSIMD    bool
}

// reportWriters are the report formats of --report, by file name ending.
var reportWriters = map[string]func(io.Writer, []fingerprint.Result, fingerprint.ReportOptions) error{
	".json": fingerprint.WriteJSON,
	".csv":  fingerprint.WriteCSV,
	".pdf":  fingerprint.WritePDF,
}

func runHash(args []string, stdout, stderr io.Writer) int {
	var o hashOptions
	f := newFlags("hash", hashUsage, true)
	f.BoolVar(&o.JSON, "json", false, "print one JSON object per file (JSON Lines)")
	f.BoolVar(&o.Dihedral, "dihedral", false, "add the 8 PDQ hashes of the picture turned and mirrored (orig, rot90, rot180, rot270, flipx, flipy, flipp, flipm)")
	f.StringVar(&o.Report, "report", "", "also write a report to `FILE`: .json, .csv or .pdf (printable); never overwrites")
	f.BoolVar(&o.WithNames, "with-names", false, "put file names and paths in the report (left out by default: a name can identify someone)")
	f.BoolVar(&o.VideoPDQ, "video-pdq", false, "add Meta's vPDQ hash of each video (needs FFmpeg)")
	f.Float64Var(&o.VPDQSeconds, "video-pdq-seconds", 1, "with --video-pdq: hash one frame every `SECONDS` (0: every frame)")
	f.BoolVar(&o.VPDQSIMD, "video-pdq-simd", false, "with --video-pdq: use FFmpeg's default SIMD pixels instead of plain C (plain C reproduces Meta's published hashes)")
	files, status, ok := f.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	if o.VPDQSeconds < 0 || o.VPDQSeconds > 3600 {
		fmt.Fprintf(stderr, "veil hash: --video-pdq-seconds must be between 0 (every frame) and 3600, not %g\n", o.VPDQSeconds)
		return 2
	}
	if o.Report != "" {
		if reportWriters[strings.ToLower(filepath.Ext(o.Report))] == nil {
			fmt.Fprintf(stderr, "veil hash: --report needs a name ending in .json, .csv or .pdf, not %q\n", o.Report)
			return 2
		}
		if _, err := os.Lstat(o.Report); err == nil {
			fmt.Fprintf(stderr, "veil hash: %s already exists; choose another name for the report\n", o.Report)
			return 2
		}
	}
	return o.run(files, stdout, stderr)
}

// run hashes the files (and the images and videos in folders among them),
// prints the hashes and writes the report. Ctrl-C (or SIGTERM) stops the
// reading and any FFmpeg at once.
func (o hashOptions) run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opt := fingerprint.Options{Dihedral: o.Dihedral}
	if o.VideoPDQ {
		opt.VideoPDQ = &fingerprint.VideoPDQOptions{SecondsPerHash: o.VPDQSeconds, SIMD: o.VPDQSIMD}
	}
	results := hashInputs(ctx, inputs.Expand(args, func(name string) bool { return photo.IsImageName(name) || fingerprint.IsVideoName(name) }), opt, stderr)
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "veil hash: stopped; no hashes were printed and no report was written")
		return 130
	}
	if len(results) == 0 {
		fmt.Fprintln(stderr, "veil hash: no images or videos found")
		return 1
	}
	status, failed := 0, 0
	for _, r := range results {
		if !r.OK() {
			status = 1
			failed++
		}
	}
	if o.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		for _, r := range results {
			if err := enc.Encode(r); err != nil {
				fmt.Fprintf(stderr, "veil hash: %v\n", err)
				return 1
			}
		}
	} else {
		printHashTable(stdout, results)
		fmt.Fprintf(stdout, "%s hashed completely, %d with problems. These are hashes of the original files: a cleaned or redacted copy will not match.\n",
			hashPlural(len(results)-failed), failed)
		if slices.ContainsFunc(results, func(r fingerprint.Result) bool { return r.Kind == fingerprint.KindVideo && r.MD5 != "" }) {
			fmt.Fprintln(stdout, fingerprint.VideoNote)
		}
	}
	if o.Report != "" {
		if err := o.writeReport(results); err != nil {
			fmt.Fprintln(stderr, fileError(o.Report, err))
			return 1
		}
		fmt.Fprintf(stderr, "Report written to %s. It holds hashes only, but keep it private.\n", o.Report)
	}
	return status
}

// hashInputs hashes every readable file on all cores; a file that could not
// be read at all gets its error as its result.
func hashInputs(ctx context.Context, files []inputs.File, opt fingerprint.Options, stderr io.Writer) []fingerprint.Result {
	results := make([]fingerprint.Result, len(files))
	var paths []string
	var at []int // index in results of each path
	for i, in := range files {
		if in.Err != nil {
			results[i] = fingerprint.Result{File: in.Path, Kind: fingerprint.KindImage, Error: fserr.Reason(in.Err)}
			continue
		}
		paths = append(paths, in.Path)
		at = append(at, i)
	}
	var fileDone func(done, total int)
	if isTerminal(stderr) {
		m := &hashMeter{w: stderr, total: len(paths), start: time.Now()}
		opt.Progress, fileDone = m.step, m.fileDone
		defer m.clear()
	}
	hashed := fingerprint.HashAll(ctx, paths, opt, runtime.NumCPU(), fileDone)
	for k, r := range hashed {
		results[at[k]] = r
	}
	return results
}

// hashMeter draws one line of progress on a terminal: how many files are
// done and, for a long file (a video), how far its reading or vPDQ is.
type hashMeter struct {
	w           io.Writer
	mu          sync.Mutex
	done, total int
	cur         fingerprint.Progress
	start, last time.Time
	shown       bool
}

func (m *hashMeter) fileDone(done, total int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done, m.cur = done, fingerprint.Progress{}
	m.draw(true)
}

func (m *hashMeter) step(p fingerprint.Progress) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cur = p
	m.draw(false)
}

// draw redraws at most five times a second, and only once the work has
// taken half a second (quick runs print no progress at all).
func (m *hashMeter) draw(force bool) {
	now := time.Now()
	if now.Sub(m.start) < 500*time.Millisecond || !force && now.Sub(m.last) < 200*time.Millisecond {
		return
	}
	m.last, m.shown = now, true
	line := fmt.Sprintf("Hashing: %d of %d files done", m.done, m.total)
	switch c := m.cur; c.Step {
	case fingerprint.StepReading:
		line += fmt.Sprintf("; %s: %s of %s read", filepath.Base(c.File), fingerprint.SizeText(c.Done), fingerprint.SizeText(c.Total))
	case fingerprint.StepVideoPDQ:
		line += fmt.Sprintf("; %s: vPDQ frame %d", filepath.Base(c.File), c.Done)
		if c.Total > 0 {
			line += fmt.Sprintf(" of about %d", c.Total)
		}
	}
	fmt.Fprintf(m.w, "\r\033[K%s… (Ctrl-C stops)", line)
}

func (m *hashMeter) clear() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.shown {
		fmt.Fprint(m.w, "\r\033[K")
	}
}

// writeReport writes the report file (0600: hashes are private too).
func (o hashOptions) writeReport(results []fingerprint.Result) error {
	write := reportWriters[strings.ToLower(filepath.Ext(o.Report))]
	var buf bytes.Buffer
	if err := write(&buf, results, fingerprint.ReportOptions{WithNames: o.WithNames, Created: time.Now()}); err != nil {
		return err
	}
	return outfile.WriteChecked(o.Report, buf.Bytes(), outfile.Options{Mode: 0o600}, nil)
}

// printHashTable prints one block per file, labels aligned, problems last.
func printHashTable(w io.Writer, results []fingerprint.Result) {
	var b strings.Builder
	for _, r := range results {
		fmt.Fprintf(&b, "%s (%s, %d bytes)\n", r.File, r.Kind, r.Size)
		// line prints a labelled value; an empty label continues the
		// value above.
		line := func(label, value string) {
			if value != "" {
				fmt.Fprintf(&b, "  %-12s %s\n", label, value)
			}
		}
		if r.PDQ != "" {
			line("PDQ", fmt.Sprintf("%s  quality %d", r.PDQ, r.PDQQuality))
		}
		line("PDQ upright", r.PDQUpright)
		for k, h := range r.PDQDihedral {
			line("PDQ "+hashDihedralName(k), h)
		}
		line("MD5", r.MD5)
		if r.Label != "" && r.MD5 != "" {
			line("", "This MD5 is the "+r.Label+".")
		}
		line("SHA-256", r.SHA256)
		if v := r.VPDQ; v != nil {
			line("vPDQ", v.Summary())
			for _, f := range v.Frames {
				hash, rest, _ := strings.Cut(f, ",")
				q, ts, _ := strings.Cut(rest, ",")
				line("", fmt.Sprintf("%9s s  q%-3s  %s", ts, q, hash))
			}
		}
		for _, m := range r.Warnings {
			line("warning", m)
		}
		line("error", r.Error)
	}
	io.WriteString(w, b.String())
}

func hashDihedralName(k int) string {
	if k >= 0 && k < len(pdq.DihedralNames) {
		return pdq.DihedralNames[k]
	}
	return fmt.Sprint(k)
}

func hashPlural(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
}
