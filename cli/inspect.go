package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"codeberg.org/veil/veil/internal/fserr"
	"codeberg.org/veil/veil/internal/inputs"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/inspect"
	"codeberg.org/veil/veil/photo"
)

func init() {
	register(command{name: "inspect", summary: "list the identifying data hidden in images", run: runInspect})
}

const inspectUsage = `usage: veil inspect [--json] FILE|FOLDER...

Lists every piece of identifying data found in each image or video (MP4, MOV,
M4V, 3GP; MKV, WebM, AVI, MTS and fragmented MP4 through FFmpeg when it is
installed) (location, people,
device and serial numbers, times, software and edit history, hidden images
such as thumbnails, data after the end of the image, and anything else a
cleaner would remove), grouped by category with a severity.

Folders are searched recursively for images and videos. Nothing is changed
or written.

  --json   one JSON object per file and line (JSON Lines):
           {"file","format","width","height","orientation",
            "findings":[{"category","severity","where","field","value"}],"error"}
           videos add "duration" (seconds), "rotation" (degrees) and "tracks"

Exit status: 0 when every file was inspected, 1 otherwise, 2 on bad usage.
`

// inspectJSON is one line of "veil inspect --json".
type inspectJSON struct {
	File        string               `json:"file"`
	Format      string               `json:"format,omitempty"`
	Width       int                  `json:"width,omitempty"`
	Height      int                  `json:"height,omitempty"`
	Orientation int                  `json:"orientation,omitempty"`
	Duration    float64              `json:"duration,omitempty"`
	Rotation    int                  `json:"rotation,omitempty"`
	Tracks      []string             `json:"tracks,omitempty"`
	Findings    []inspectJSONFinding `json:"findings"`
	Error       string               `json:"error,omitempty"`
}

type inspectJSONFinding struct {
	Category string `json:"category"`
	Severity string `json:"severity"`
	Where    string `json:"where"`
	Field    string `json:"field"`
	Value    string `json:"value"`
}

// inspectOptions are the flags of "veil inspect".
type inspectOptions struct {
	JSON bool
}

func runInspect(args []string, stdout, stderr io.Writer) int {
	var o inspectOptions
	f := newFlags("inspect", inspectUsage, false)
	f.BoolVar(&o.JSON, "json", false, "one JSON object per file and line (JSON Lines)")
	files, status, ok := f.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	return o.run(files, stdout, stderr)
}

// run inspects the files (and the images in folders among them).
func (o inspectOptions) run(args []string, stdout, stderr io.Writer) int {
	status := 0
	first := true
	for _, in := range inputs.Expand(args, isInputName) {
		r, err := inspectFile(in)
		if err != nil {
			status = 1
			fmt.Fprintln(stderr, "veil inspect: "+fileError(in.Path, err))
		}
		if o.JSON {
			writeInspectJSON(stdout, in.Path, r, err)
			continue
		}
		if r == nil {
			continue
		}
		if !first {
			fmt.Fprintln(stdout)
		}
		first = false
		writeInspectText(stdout, in.Path, r, err)
	}
	return status
}

// inspectFile reads and inspects one file; a panic anywhere in parsing becomes
// an error for that file only.
func inspectFile(in inputs.File) (r *metadata.Report, err error) {
	if in.Err != nil {
		return nil, errors.New(fserr.Reason(in.Err))
	}
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("unreadable image (inspector failed: %v)", p)
		}
	}()
	if isVideoFile(in.Path) {
		r, err := inspect.Video(context.Background(), in.Path)
		if err == nil {
			for _, f := range r.Findings {
				if f.Field == inspect.DamagedField {
					err = fmt.Errorf("damaged video: its metadata could be listed but its samples cannot be read: %s", f.Value)
				}
			}
		}
		return r, err
	}
	b, err := photo.ReadFile(in.Path)
	if err != nil {
		return nil, errors.New(fserr.Reason(err))
	}
	r, err = inspect.File(b)
	if err == nil && r == nil {
		err = errors.New("unreadable image")
	}
	if err == nil {
		// The metadata may be readable while the picture is not; say so rather
		// than let a list of findings read as "this is a normal photo".
		if derr := pictureReadable(b, r.Format); derr != nil {
			err = fmt.Errorf("damaged image: its metadata could be listed but the picture cannot be read: %w", derr)
		}
	}
	return r, err
}

// pictureReadable checks that the image data decodes within Veil's limits.
// HEIF is only checked up to its header: a full decode costs seconds.
func pictureReadable(b []byte, f photo.Format) error {
	if f == photo.HEIF {
		_, _, err := photo.Config(b)
		return err
	}
	_, _, err := photo.Decode(b)
	return err
}

func writeInspectJSON(w io.Writer, path string, r *metadata.Report, err error) {
	out := inspectJSON{File: path, Findings: []inspectJSONFinding{}}
	if err != nil {
		out.Error = err.Error()
	}
	if r != nil {
		out.Format, out.Width, out.Height, out.Orientation = r.Format.String(), r.Width, r.Height, r.Orientation
		if v := r.Video; v != nil {
			out.Format, out.Duration, out.Rotation, out.Tracks = v.Container, v.Duration.Seconds(), v.Rotation, v.Tracks
		}
		for _, f := range r.Findings {
			out.Findings = append(out.Findings, inspectJSONFinding{string(f.Category), f.Severity.String(), f.Where, f.Field, f.Value})
		}
	}
	b, jerr := json.Marshal(out)
	if jerr != nil { // cannot happen with these types; keep the line count right anyway
		b = []byte(fmt.Sprintf(`{"file":%q,"findings":[],"error":"internal error"}`, path))
	}
	w.Write(append(b, '\n'))
}

// inspectSummary is the one-line summary of a report:
// "12 findings: 3 high (location, device), 5 medium, 4 low".
func inspectSummary(r *metadata.Report) string {
	if len(r.Findings) == 0 {
		return "no identifying data found"
	}
	var n [3]int
	var highCats []string
	seen := map[metadata.Category]bool{}
	for _, f := range r.Findings {
		n[f.Severity]++
		if f.Severity == metadata.High && !seen[f.Category] {
			seen[f.Category] = true
		}
	}
	for _, c := range metadata.Categories {
		if seen[c] {
			highCats = append(highCats, string(c))
		}
	}
	s := fmt.Sprintf("%d finding", len(r.Findings))
	if len(r.Findings) != 1 {
		s += "s"
	}
	var parts []string
	if n[metadata.High] > 0 {
		parts = append(parts, fmt.Sprintf("%d high (%s)", n[metadata.High], strings.Join(highCats, ", ")))
	}
	if n[metadata.Medium] > 0 {
		parts = append(parts, fmt.Sprintf("%d medium", n[metadata.Medium]))
	}
	if n[metadata.Low] > 0 {
		parts = append(parts, fmt.Sprintf("%d low", n[metadata.Low]))
	}
	return s + ": " + strings.Join(parts, ", ")
}

var inspectCategoryTitles = map[metadata.Category]string{
	metadata.Location:     "Location",
	metadata.People:       "People",
	metadata.Device:       "Device and serial numbers",
	metadata.Time:         "Time",
	metadata.Software:     "Software and edit history",
	metadata.HiddenImages: "Hidden images",
	metadata.Trailers:     "Data after the end of the image",
	metadata.Other:        "Other",
}

func writeInspectText(w io.Writer, path string, r *metadata.Report, damaged error) {
	head := fmt.Sprintf("%s: %s %dx%d", inspectSafeName(path), strings.ToUpper(r.Format.String()), r.Width, r.Height)
	if v := r.Video; v != nil {
		head = fmt.Sprintf("%s: %s video %dx%d, %.1f s", inspectSafeName(path), strings.ToUpper(v.Container), r.Width, r.Height, v.Duration.Seconds())
		if v.Rotation != 0 {
			head += fmt.Sprintf(", shown rotated %d°", v.Rotation)
		}
		if len(v.Tracks) > 0 {
			head += " (" + strings.Join(v.Tracks, ", ") + ")"
		}
	} else if r.Orientation > 1 {
		head += fmt.Sprintf(", orientation %d", r.Orientation)
	}
	fmt.Fprintln(w, head)
	if damaged != nil {
		fmt.Fprintln(w, "  Damaged: the picture itself cannot be read, so this list may be incomplete.")
	}
	fmt.Fprintln(w, "  "+inspectSummary(r))
	for _, g := range r.ByCategory() {
		fmt.Fprintf(w, "  %s\n", inspectCategoryTitles[g.Category])
		for _, f := range g.Findings {
			fmt.Fprintf(w, "    %-6s  %s: %s  [%s]\n", f.Severity, f.Field, f.Value, f.Where)
		}
	}
}

// inspectSafeName keeps control characters in file names from reaching the terminal.
func inspectSafeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) {
			return '?'
		}
		return r
	}, s)
}
