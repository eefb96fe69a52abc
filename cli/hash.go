package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"codeberg.org/veil/veil/fingerprint"
	"codeberg.org/veil/veil/fingerprint/pdq"
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

// hashFlagValued lists the flags that take a value, for reordering.
var hashFlagValued = map[string]bool{"report": true}

func runHash(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hash", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per file (JSON Lines)")
	dihedral := fs.Bool("dihedral", false, "add the 8 PDQ hashes of the picture turned and mirrored (orig, rot90, rot180, rot270, flipx, flipy, flipp, flipm)")
	report := fs.String("report", "", "also write a report to `FILE`: .json, .csv or .pdf (printable); never overwrites")
	withNames := fs.Bool("with-names", false, "put file names and paths in the report (left out by default: a name can identify someone)")
	fs.Usage = func() { fmt.Fprint(stderr, hashUsage); fs.PrintDefaults() }
	if err := fs.Parse(hashReorder(args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	var write func(io.Writer, []fingerprint.Result, fingerprint.ReportOptions) error
	if *report != "" {
		switch strings.ToLower(filepath.Ext(*report)) {
		case ".json":
			write = fingerprint.WriteJSON
		case ".csv":
			write = fingerprint.WriteCSV
		case ".pdf":
			write = fingerprint.WritePDF
		default:
			fmt.Fprintf(stderr, "veil hash: --report needs a name ending in .json, .csv or .pdf, not %q\n", *report)
			return 2
		}
		if _, err := os.Lstat(*report); err == nil {
			fmt.Fprintf(stderr, "veil hash: %s already exists; choose another name for the report\n", *report)
			return 2
		}
	}

	files := inputs.Expand(fs.Args(), func(name string) bool { return photo.IsImageName(name) || fingerprint.IsVideoName(name) })
	results := make([]fingerprint.Result, len(files))
	var paths []string
	var at []int // index in results of each path
	for i, in := range files {
		if in.Err != nil {
			results[i] = fingerprint.Result{File: in.Path, Kind: fingerprint.KindImage, Error: hashDescribe(in.Err)}
			continue
		}
		paths = append(paths, in.Path)
		at = append(at, i)
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "veil hash: no images or videos found")
		return 1
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
	hashed := fingerprint.HashAll(context.Background(), paths, fingerprint.Options{Dihedral: *dihedral}, runtime.NumCPU(), progress)
	for k, r := range hashed {
		results[at[k]] = r
	}

	status := 0
	failed := 0
	for _, r := range results {
		if !r.OK() {
			status = 1
			failed++
		}
	}
	if *asJSON {
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
	if write != nil {
		var buf bytes.Buffer
		if err := write(&buf, results, fingerprint.ReportOptions{WithNames: *withNames, Created: time.Now()}); err != nil {
			fmt.Fprintln(stderr, fileError(*report, err))
			return 1
		}
		if err := outfile.WriteChecked(*report, buf.Bytes(), outfile.Options{Mode: 0o600}, nil); err != nil {
			fmt.Fprintln(stderr, fileError(*report, err))
			return 1
		}
		fmt.Fprintf(stderr, "Report written to %s. It holds hashes only, but keep it private.\n", *report)
	}
	return status
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

// hashDescribe words an error about a path given on the command line.
func hashDescribe(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}

// hashReorder moves flags before the files, so "veil hash a.jpg --json"
// works; "--" ends the flags.
func hashReorder(args []string) []string {
	var flags, files []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			files = append(files, args[i+1:]...)
			break
		}
		if len(a) > 1 && a[0] == '-' {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && hashFlagValued[name] && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
			continue
		}
		files = append(files, a)
	}
	return append(append(flags, "--"), files...)
}
