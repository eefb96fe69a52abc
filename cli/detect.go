package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

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

func runDetect(args []string, stdout, stderr io.Writer) int {
	asJSON := false
	opt := detect.DefaultOptions()
	var files []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			files = append(files, args[i+1:]...)
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || a == "-" {
			files = append(files, a)
			continue
		}
		switch name {
		case "h", "help":
			io.WriteString(stdout, detectUsage)
			return 0
		case "json":
			asJSON = true
		case "threshold":
			if !hasVal {
				if i+1 >= len(args) {
					fmt.Fprintln(stderr, "veil detect: --threshold needs a value")
					return 2
				}
				i++
				val = args[i]
			}
			t, err := strconv.ParseFloat(val, 32)
			if err != nil || !(t >= 0 && t <= 1) {
				fmt.Fprintf(stderr, "veil detect: --threshold takes a number from 0 to 1, not %q\n", val)
				return 2
			}
			opt.Threshold = float32(t)
		default:
			fmt.Fprintf(stderr, "veil detect: unknown option %s\n", a)
			io.WriteString(stderr, detectUsage)
			return 2
		}
	}
	if len(files) == 0 {
		io.WriteString(stderr, detectUsage)
		return 2
	}
	d, err := detect.New()
	if err != nil {
		fmt.Fprintln(stderr, "veil detect:", err)
		return 1
	}
	status := 0
	enc := json.NewEncoder(stdout)
	for _, in := range expandInputs(files, isImageName) {
		rec, err := detectFile(d, in, opt)
		if err != nil {
			status = 1
			fmt.Fprintln(stderr, fileError(in.path, err))
			if asJSON {
				enc.Encode(detectRecord{File: in.path, Faces: []detectFace{}, Error: err.Error()})
			}
			continue
		}
		if asJSON {
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
func detectFile(d *detect.Detector, in input, opt detect.Options) (detectRecord, error) {
	if in.err != nil {
		return detectRecord{}, in.err
	}
	b, err := photo.ReadFile(in.path)
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
	rec := detectRecord{File: in.path, Width: bounds.Dx(), Height: bounds.Dy(), Faces: []detectFace{}}
	for _, f := range faces {
		r := f.Box.Sub(bounds.Min)
		rec.Faces = append(rec.Faces, detectFace{
			X: r.Min.X, Y: r.Min.Y, W: r.Dx(), H: r.Dy(),
			Score: math.Round(float64(f.Score)*1000) / 1000,
		})
	}
	return rec, nil
}
