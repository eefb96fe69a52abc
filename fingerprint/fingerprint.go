// Package fingerprint computes the hashes that reporting services use to
// block a picture or video without ever receiving it: PDQ for images (as
// StopNCII and Take It Down compute it on the victim's device), and MD5 and
// SHA-256 of the untouched file bytes for every file. Hashes are always of
// the original file: a cleaned, redacted or re-saved copy has different
// bytes and different pixels, so its hashes would not match what was shared.
package fingerprint

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"image"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"

	"codeberg.org/veil/veil/fingerprint/pdq"
	"codeberg.org/veil/veil/internal/fserr"
	"codeberg.org/veil/veil/photo"
)

// Kinds of file.
const (
	KindImage = "image"
	KindVideo = "video"
)

// Result is what Veil reports for one file. Hashes are lowercase hex; PDQ
// fields are empty for videos and for images that could not be decoded.
type Result struct {
	File        string   `json:"file,omitempty"`
	Kind        string   `json:"kind"`
	Size        int64    `json:"size"`
	SHA256      string   `json:"sha256"`
	MD5         string   `json:"md5"`
	PDQ         string   `json:"pdq,omitempty"`
	PDQQuality  int      `json:"pdq_quality"`
	PDQDihedral []string `json:"pdq_dihedral,omitempty"`
	// PDQUpright is the PDQ hash of the picture as shown, when its EXIF
	// orientation says it is stored rotated or mirrored (PDQ is of the stored
	// pixels, as the services compute it).
	PDQUpright string   `json:"pdq_upright,omitempty"`
	Warnings   []string `json:"warnings,omitempty"`
	// Label says what a video's MD5 is for (VideoLabel); empty for images.
	Label string `json:"label,omitempty"`
	// VPDQ is a video's vPDQ hash, when asked for.
	VPDQ *VideoPDQ `json:"vpdq,omitempty"`
	// Error names the problem when the file could not be hashed fully; the
	// digests are still given when the bytes could be read.
	Error string `json:"error,omitempty"`
}

// MarshalJSON leaves out pdq_quality when there is no PDQ hash, so that a
// video or a broken image does not claim a quality of 0.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	if r.PDQ != "" {
		return json.Marshal(plain(r))
	}
	return json.Marshal(struct {
		plain
		PDQQuality *int `json:"pdq_quality,omitempty"`
	}{plain: plain(r)})
}

// OK reports whether the file was hashed completely.
func (r Result) OK() bool { return r.Error == "" }

// Options choose the optional hashes.
type Options struct {
	// Dihedral adds the eight dihedral PDQ hashes (rotations and mirrors).
	Dihedral bool
	// VideoPDQ, if not nil, adds Meta's vPDQ hash of each video (FFmpeg
	// decodes it).
	VideoPDQ *VideoPDQOptions
	// Progress, if not nil, is told how far a long file is, from the
	// goroutine hashing it.
	Progress func(Progress)
}

// QualityWarning is the plain-words warning for a PDQ quality below
// pdq.MinQuality.
func QualityWarning(q int) string {
	return fmt.Sprintf("Quality %d is below %d: reporting services will probably discard this hash or fail to match it.", q, pdq.MinQuality)
}

// Streaming digests read chunk bytes at a time into one of chunks buffers.
const (
	chunk  = 1 << 20
	chunks = 4
)

// HashFile hashes the file at path. Videos (recognised by their first bytes
// or, failing that, their extension) are streamed for MD5 and SHA-256 and
// never decoded or held in memory; images are read whole (up to
// photo.MaxFileSize) and decoded for PDQ.
func HashFile(path string, opt Options) Result {
	return hashFile(context.Background(), path, opt)
}

func hashFile(ctx context.Context, path string, opt Options) Result {
	r := Result{File: path, Kind: KindImage}
	// O_NONBLOCK: opening a named pipe must not wait for a writer (a hang);
	// the Stat below then refuses it. Regular files ignore the flag.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		r.Error = fserr.Reason(err)
		return r
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		r.Error = fserr.Reason(err)
		return r
	}
	if !st.Mode().IsRegular() {
		r.Error = "not a regular file"
		return r
	}
	r.Size = st.Size()
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		r.Error = fserr.Reason(err)
		return r
	}
	head = head[:n]
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		r.Error = fserr.Reason(err)
		return r
	}
	video := IsVideo(head, path)
	if video || st.Size() > photo.MaxFileSize {
		if video {
			r.Kind, r.Label = KindVideo, VideoLabel
		}
		if err := streamDigests(ctx, f, &r, opt.Progress); err != nil {
			r.Error = fserr.Reason(err)
			return r
		}
		switch {
		case !video:
			r.Error = fmt.Sprintf("file is %d MiB, too large to decode (the limit is %d MiB); MD5 and SHA-256 are of the whole file", st.Size()>>20, photo.MaxFileSize>>20)
		case opt.VideoPDQ != nil:
			addVideoPDQ(ctx, path, opt, &r)
		}
		return r
	}
	b, err := io.ReadAll(io.LimitReader(f, photo.MaxFileSize+1))
	if err != nil {
		r.Error = fserr.Reason(err)
		return r
	}
	if ctx.Err() != nil {
		r.Error = "cancelled"
		return r
	}
	return HashBytes(path, b, opt)
}

// streamDigests reads f to the end into MD5 and SHA-256. The two digests
// run on their own goroutines while the next chunks are read (MD5, the
// slower, sets the pace), and memory holds a few fixed chunks whatever the
// file's size.
func streamDigests(ctx context.Context, f io.Reader, r *Result, progress func(Progress)) error {
	type piece struct {
		b    []byte
		done *sync.WaitGroup // both digests have taken b
	}
	m, s := md5.New(), sha256.New()
	var feeds [2]chan piece
	var hashers sync.WaitGroup
	for i, h := range []hash.Hash{m, s} {
		feeds[i] = make(chan piece, chunks)
		hashers.Add(1)
		go func() {
			defer hashers.Done()
			for p := range feeds[i] {
				h.Write(p.b)
				p.done.Done()
			}
		}()
	}
	finish := func() {
		for _, c := range feeds {
			close(c)
		}
		hashers.Wait()
	}
	bufs := make([][]byte, chunks)
	pending := make([]sync.WaitGroup, chunks)
	var total int64
	for i := 0; ; i = (i + 1) % chunks {
		if ctx.Err() != nil {
			finish()
			return errors.New("cancelled")
		}
		pending[i].Wait() // the digests are done with this buffer
		if bufs[i] == nil {
			bufs[i] = make([]byte, chunk)
		}
		n, err := f.Read(bufs[i])
		if n > 0 {
			pending[i].Add(2)
			for _, c := range feeds {
				c <- piece{bufs[i][:n], &pending[i]}
			}
			total += int64(n)
			if progress != nil {
				progress(Progress{File: r.File, Step: StepReading, Done: total, Total: r.Size})
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			finish()
			return err
		}
	}
	finish()
	r.Size = total
	r.MD5, r.SHA256 = hexSum(m), hexSum(s)
	return nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// HashBytes hashes the file contents b; name is only copied into the
// result. It never panics and never gives a PDQ hash for a picture that did
// not decode completely.
func HashBytes(name string, b []byte, opt Options) (r Result) {
	// The digests run beside the decoder: a single photo is done sooner.
	var m [md5.Size]byte
	var s [sha256.Size]byte
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		m, s = md5.Sum(b), sha256.Sum256(b)
	}()
	defer func() {
		wg.Wait()
		r.MD5, r.SHA256 = hex.EncodeToString(m[:]), hex.EncodeToString(s[:])
	}()
	r = Result{File: name, Kind: KindImage, Size: int64(len(b))}
	if len(b) == 0 {
		r.Error = "empty file"
		return r
	}
	f := photo.Sniff(b)
	if f == photo.Unknown {
		if isVideo(b, name) {
			r.Kind, r.Label = KindVideo, VideoLabel
			return r
		}
		r.Error = photo.ErrUnsupported.Error()
		return r
	}
	defer func() {
		// Decoders are bounded and recover on their own; this is the last guard
		// so that one hostile file cannot end a batch.
		if p := recover(); p != nil {
			r.PDQ, r.PDQQuality, r.PDQDihedral, r.PDQUpright = "", 0, nil, ""
			r.Error = fmt.Sprintf("could not decode the %s image (internal error: %v)", f, p)
		}
	}()
	o := photo.Orientation(b)
	stored, upright, err := perceptual(b, f, o, opt)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.PDQ, r.PDQQuality = stored.Hash.String(), stored.Quality
	for _, h := range stored.Dihedral {
		r.PDQDihedral = append(r.PDQDihedral, h.String())
	}
	if stored.Quality < pdq.MinQuality {
		r.Warnings = append(r.Warnings, QualityWarning(stored.Quality))
	}
	if upright != nil {
		r.PDQUpright = upright.Hash.String()
		r.Warnings = append(r.Warnings, fmt.Sprintf("The photo is stored turned or mirrored and shown upright (EXIF orientation %d). The PDQ hash is of the stored pixels, as reporting services compute it from this file; the upright PDQ hash is of the picture as shown, as a copy saved upright (most platforms do this on upload) would give. Report both.", o))
	}
	return r
}

// perceptual computes PDQ of the stored pixels and, when o ≠ 1, of the
// upright picture.
func perceptual(b []byte, f photo.Format, o int, opt Options) (stored pdq.Result, upright *pdq.Result, err error) {
	if f == photo.JPEG || f == photo.HEIF {
		// The fast path: one decoding pass keeps only the pixels PDQ samples.
		or := []int{1}
		if o != 1 {
			or = append(or, o)
		}
		sample := photo.SampleJPEG
		if f == photo.HEIF {
			sample = photo.SampleHEIF
		}
		samples, err := sample(b, pdq.Size, or...)
		if err != nil {
			return stored, nil, decodeError(f, err)
		}
		if stored, err = pdq.Compute(samples[0].Image, samples[0].Grey, opt.Dihedral); err != nil {
			return stored, nil, err
		}
		if o != 1 {
			u, err := pdq.Compute(samples[1].Image, samples[1].Grey, false)
			if err != nil {
				return stored, nil, err
			}
			upright = &u
		}
		return stored, upright, nil
	}
	// The pixels as the reference reads them (through ImageMagick).
	img, _, err := photo.DecodeReference(b)
	if err != nil {
		return stored, nil, decodeError(f, err)
	}
	if stored, err = pdq.Compute(img, pdq.IsGrey(img), opt.Dihedral); err != nil {
		return stored, nil, err
	}
	if o != 1 {
		var up image.Image = photo.Orient(img, o)
		u, err := pdq.Compute(up, pdq.IsGrey(up), false)
		if err != nil {
			return stored, nil, err
		}
		upright = &u
	}
	return stored, upright, nil
}

// decodeError says that no perceptual hash was made, and why.
func decodeError(f photo.Format, err error) error {
	msg := err.Error()
	if !strings.Contains(strings.ToLower(msg), "corrupt") && !errors.Is(err, photo.ErrTooLarge) {
		msg = fmt.Sprintf("corrupt %s data: %s", f, msg)
	}
	return fmt.Errorf("%s; no PDQ hash (a damaged picture would give a wrong one)", msg)
}
