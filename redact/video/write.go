package video

import (
	"context"
	"errors"
	"fmt"
	"os"

	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/metadata/clean"
	"codeberg.org/veil/veil/outfile"
	"codeberg.org/veil/veil/redact"
)

// Output is a redacted video written and verified, but not yet named: it
// is an unnamed temporary file until Save, and nothing at all after
// Discard (or if the program dies first).
type Output struct {
	path   string
	stream *outfile.Stream
	// Rendered and Verification say what was written and what the check
	// of the written file found. Verification.Findings, if any, are faces
	// a person should look at before saving.
	Rendered     *Rendered
	Verification *Verification
}

// Path is the name the output will have.
func (o *Output) Path() string { return o.path }

// Save gives the verified output its name; the container check runs once
// more on what storage holds. It fails if the name was taken meanwhile.
func (o *Output) Save() error {
	return o.stream.Commit(func(f *os.File) error {
		_, err := VerifyContainer(f)
		return err
	})
}

// Discard drops the output; it never gets a name. Safe to call after Save.
func (o *Output) Discard() { o.stream.Discard() }

// Write renders plan into a new file for path (which must not exist) and
// verifies it, but does not name it: the caller reviews the findings and
// calls Save or Discard. On an error nothing is left behind. progress
// reports both the encode and the check.
func Write(ctx context.Context, ff *ffmpeg.Runner, a *Analysis, plan *Plan, path string, opt RenderOptions, progress func(Progress)) (*Output, error) {
	if plan.Style == redact.Blur {
		return nil, errors.New("blur is too weak for video (many frames of one face give it away): use solid or pixelate")
	}
	format, err := OutputFormat(path)
	if err != nil {
		return nil, err
	}
	opt.Format = format
	// FFmpeg encodes into one unnamed file; part 1's lossless video
	// cleaner rewrites that into a second, the one that may get the name,
	// leaving only the boxes and units it knows to be clean.
	raw, err := outfile.Create(path, outfile.Options{Input: a.Path})
	if err != nil {
		return nil, err
	}
	defer raw.Discard()
	s, err := outfile.Create(path, outfile.Options{Input: a.Path})
	if err != nil {
		return nil, err
	}
	o := &Output{path: path, stream: s}
	ok := false
	defer func() {
		if !ok {
			s.Discard()
		}
	}()
	if o.Rendered, err = Render(ctx, ff, a, plan, raw.File(), opt, progress); err != nil {
		return nil, err
	}
	if err := raw.Sync(); err != nil {
		return nil, err
	}
	st, err := raw.File().Stat()
	if err != nil {
		return nil, err
	}
	if _, err := clean.CleanVideoTo(ctx, raw.File(), st.Size(), s, nil); err != nil {
		return nil, fmt.Errorf("cleaning the encoded video: %w", err)
	}
	raw.Discard()
	if err := s.Sync(); err != nil {
		return nil, err
	}
	if o.Verification, err = Verify(ctx, ff, a, plan, s.File(), o.Rendered.Audio, progress); err != nil {
		return nil, err
	}
	ok = true
	return o, nil
}

// MaxPasses is how many times Redact writes and checks a video at most.
// A face near the detector's threshold can be found in the encoded output
// and not in the source (or the other way round), so a pass that covers the
// first check's findings can lead the next check to one more; three passes
// settle what the test scenes and phone clips showed.
const MaxPasses = 3

// Redact is Write with more passes while the check finds faces outside the
// redactions: those are added to the plan as tracks of their own
// (Plan.AddFindings, all reported through added) and the video is written
// and checked again, up to MaxPasses writes. Faces the last check still
// finds are in the output's Verification for a person to review. note, if
// not nil, is told when another pass starts.
func Redact(ctx context.Context, ff *ffmpeg.Runner, a *Analysis, plan *Plan, path string, opt RenderOptions, progress func(Progress), note func(found, tracks int)) (out *Output, added []*Track, err error) {
	for pass := 1; ; pass++ {
		out, err = Write(ctx, ff, a, plan, path, opt, progress)
		if err != nil {
			return nil, added, err
		}
		fs := out.Verification.Findings
		if len(fs) == 0 || pass == MaxPasses {
			return out, added, nil
		}
		out.Discard()
		more := plan.AddFindings(a, fs)
		added = append(added, more...)
		if note != nil {
			note(len(fs), len(more))
		}
	}
}
