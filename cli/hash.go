package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
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

const hashUsage = `Usage: veil hash [--json] [--dihedral] [--report FILE] [--with-names] FILE|FOLDER...

Computes, on this computer, the hashes that reporting services such as
StopNCII.org and Take It Down use to find and block a picture or video
without ever receiving it: PDQ for images, MD5 for videos, and SHA-256 and
MD5 of every file. Folders are walked recursively for images and videos.
Nothing is sent anywhere.

Hash the ORIGINAL files, exactly as they were shared: a cleaned, redacted,
cropped or re-saved copy has different bytes and pixels and will not match.
A PDQ quality below 50 means services will probably discard the hash.
Hashes are sensitive too: keep them as private as the pictures.

Exit status: 0 when every file was hashed completely, 1 otherwise, 2 for a
usage error.

Options:
`

// hashOptions are the flags of "veil hash".
type hashOptions struct {
	JSON      bool
	Dihedral  bool
	Report    string
	WithNames bool
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
	files, status, ok := f.parse(args, stdout, stderr)
	if !ok {
		return status
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
// prints the hashes and writes the report.
func (o hashOptions) run(args []string, stdout, stderr io.Writer) int {
	results := hashInputs(inputs.Expand(args, func(name string) bool { return photo.IsImageName(name) || fingerprint.IsVideoName(name) }), o.Dihedral, stderr)
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
func hashInputs(files []inputs.File, dihedral bool, stderr io.Writer) []fingerprint.Result {
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
	var progress func(done, total int)
	if isTerminal(stderr) && len(paths) > 1 {
		progress = func(done, total int) {
			fmt.Fprintf(stderr, "\rHashing %d of %d…", done, total)
			if done == total {
				fmt.Fprint(stderr, "\r\033[K")
			}
		}
	}
	hashed := fingerprint.HashAll(context.Background(), paths, fingerprint.Options{Dihedral: dihedral}, runtime.NumCPU(), progress)
	for k, r := range hashed {
		results[at[k]] = r
	}
	return results
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
		line("SHA-256", r.SHA256)
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
