package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"codeberg.org/veil/veil/internal/inputs"
	"codeberg.org/veil/veil/photo"
	"codeberg.org/veil/veil/redact/detect"
)

func init() {
	register(command{name: "detect", summary: "find faces and print their boxes", run: runDetect})
}

const detectUsage = `Usage: veil detect [--json] [--threshold T] FILE|FOLDER...

Finds faces and prints their boxes in pixels of the photo as displayed
(orientation applied), padded to cover hair, ears and chin. Folders are walked
recursively. Nothing is written to disk.

Options:
  --json          print one JSON object per file (JSON Lines):
                  {"file", "width", "height", "faces": [{"x", "y", "w", "h", "score"}]}
  --threshold T   lowest score reported, 0..1 (default 0.45; lower finds more,
                  including more false faces)
`

// detectRecord is one line of "veil detect --json".
type detectRecord struct {
	File   string       `json:"file"`
	Width  int          `json:"width,omitempty"`
	Height int          `json:"height,omitempty"`
	Faces  []detectFace `json:"faces"`
	Error  string       `json:"error,omitempty"`
}

type detectFace struct {
	X     int     `json:"x"`
	Y     int     `json:"y"`
	W     int     `json:"w"`
	H     int     `json:"h"`
	Score float64 `json:"score"`
}

// detectOptions are the flags of "veil detect".
type detectOptions struct {
	JSON      bool
	Threshold float64
}

func runDetect(args []string, stdout, stderr io.Writer) int {
	var o detectOptions
	f := newFlags("detect", detectUsage, false)
	f.BoolVar(&o.JSON, "json", false, "print one JSON object per file (JSON Lines)")
	f.Float64Var(&o.Threshold, "threshold", float64(detect.DefaultOptions().Threshold), "lowest score reported, 0..1")
	files, status, ok := f.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	if !(o.Threshold >= 0 && o.Threshold <= 1) {
		fmt.Fprintf(stderr, "veil detect: --threshold takes a number from 0 to 1, not %g\n", o.Threshold)
		return 2
	}
	return o.run(files, stdout, stderr)
}

// run finds the faces in the files (and the images in folders among them).
func (o detectOptions) run(args []string, stdout, stderr io.Writer) int {
	opt := detect.DefaultOptions()
	opt.Threshold = float32(o.Threshold)
	d, err := detect.New()
	if err != nil {
		fmt.Fprintln(stderr, "veil detect:", err)
		return 1
	}
	status := 0
	enc := json.NewEncoder(stdout)
	for _, in := range inputs.Expand(args, photo.IsImageName) {
		rec, err := detectFile(d, in, opt)
		if err != nil {
			status = 1
			fmt.Fprintln(stderr, fileError(in.Path, err))
			if o.JSON {
				enc.Encode(detectRecord{File: in.Path, Faces: []detectFace{}, Error: err.Error()})
			}
			continue
		}
		if o.JSON {
			enc.Encode(rec)
			continue
		}
		noun := "faces"
		if len(rec.Faces) == 1 {
			noun = "face"
		}
		fmt.Fprintf(stdout, "%s: %d %s (%dx%d)\n", rec.File, len(rec.Faces), noun, rec.Width, rec.Height)
		for _, f := range rec.Faces {
			fmt.Fprintf(stdout, "  x=%d y=%d w=%d h=%d  score %.2f\n", f.X, f.Y, f.W, f.H, f.Score)
		}
	}
	return status
}

// detectFile decodes one photo, turns it upright and finds its faces.
func detectFile(d *detect.Detector, in inputs.File, opt detect.Options) (detectRecord, error) {
	if in.Err != nil {
		return detectRecord{}, in.Err
	}
	b, err := photo.ReadFile(in.Path)
	if err != nil {
		return detectRecord{}, err
	}
	img, _, err := photo.Decode(b)
	if err != nil {
		return detectRecord{}, err
	}
	img = photo.Orient(img, photo.Orientation(b))
	faces, err := d.Detect(context.Background(), img, opt)
	if err != nil {
		return detectRecord{}, err
	}
	bounds := img.Bounds()
	rec := detectRecord{File: in.Path, Width: bounds.Dx(), Height: bounds.Dy(), Faces: []detectFace{}}
	for _, f := range faces {
		r := f.Box.Sub(bounds.Min)
		rec.Faces = append(rec.Faces, detectFace{
			X: r.Min.X, Y: r.Min.Y, W: r.Dx(), H: r.Dy(),
			Score: math.Round(float64(f.Score)*1000) / 1000,
		})
	}
	return rec, nil
}
