// Package detect finds faces in photos with YuNet-n (Apache-2.0, embedded in
// assets), run by a small ONNX interpreter written in pure Go with AVX2
// kernels where the CPU has them.
//
// A missed face is a privacy failure, so detection runs several passes over
// the upright image (the whole photo at about 640 px inside a mirrored
// border, so that faces cut by the edge look whole; the same turned by 90,
// 180 and 270 degrees; all of these mirrored; and overlapping tiles at up
// to 2560×1920 for small background faces), merges them, and pads every box
// to cover hair, ears and chin. A dark photo is brightened first. The
// results are proposals for a person to review.
package detect

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"codeberg.org/veil/veil/assets"
)

// Face is one detected face, in pixels of the upright image passed to Detect.
type Face struct {
	// Box is the padded region to redact, clamped to the image.
	Box image.Rectangle
	// Raw is the model's own (tight, forehead-to-chin) box, clamped to the image.
	Raw image.Rectangle
	// Score is the detector's confidence in 0..1.
	Score float32
	// Landmarks are the right eye, left eye, nose tip, and right and left
	// mouth corners (the person's right and left).
	Landmarks [5]image.Point
}

// Options tune a detection. The zero value runs the whole-image pass only,
// at the lowest threshold (0.05), without padding; use DefaultOptions.
type Options struct {
	// Threshold is the lowest score reported (0..1). Lower finds more faces
	// and more false ones.
	Threshold float32
	// Rotations adds passes with the image turned by 90, 180 and 270 degrees,
	// for faces lying sideways or upside down.
	Rotations bool
	// Tiles adds a pass over overlapping tiles at up to 2560×1920 for photos
	// larger than 800 px, for small faces in the background.
	Tiles bool
	// Mirror adds a mirrored copy of every whole-image pass; a face's score
	// in those passes is then the mean of what the two views gave it. One
	// view's score is noisy: on a profile, a hand or a blurred face it swings
	// by 0.2 between a photo and its mirror image, on either side of any
	// threshold. The mean is steadier, so the threshold can sit lower for
	// the same number of false boxes.
	Mirror bool
	// Padding grows each box by this fraction of its width on the left and
	// right and of its height above and below.
	Padding float64
}

// DefaultOptions are the settings for redaction: every pass, threshold
// 0.45, boxes padded by 25% on each side.
func DefaultOptions() Options {
	return Options{Threshold: 0.45, Rotations: true, Tiles: true, Mirror: true, Padding: 0.25}
}

// Detector runs face detection. It is safe for concurrent use.
type Detector struct {
	net *network
	// threads is the number of goroutines one Detect call uses.
	threads int
}

var (
	loadOnce sync.Once
	shared   *network
	loadErr  error
)

// New returns a detector for the embedded YuNet model. The model is parsed
// once per process; detectors share it.
func New() (*Detector, error) {
	loadOnce.Do(func() {
		if len(assets.YuNet) == 0 {
			loadErr = errors.New("face detector model is missing from this build (run make model)")
			return
		}
		shared, loadErr = newNetwork(assets.YuNet)
	})
	if loadErr != nil {
		return nil, fmt.Errorf("load face detector: %w", loadErr)
	}
	return &Detector{net: shared, threads: runtime.GOMAXPROCS(0)}, nil
}

// WithThreads returns a detector that splits one Detect call across at most
// n goroutines (at least one) instead of GOMAXPROCS: an interactive program
// leaves a core to its window. Results do not depend on the thread count.
func (d *Detector) WithThreads(n int) *Detector {
	return &Detector{net: d.net, threads: max(1, n)}
}

// Pass geometry.
const (
	// fullSide is the long side of the whole-image pass.
	fullSide = 640
	// tileMinSide is the photo size above which the tiled pass runs: below it
	// the whole-image pass already sees faces at (nearly) native size.
	tileMinSide = 800
	// tileMaxPixels caps the resolution of the tiled pass (2560×1920, by area
	// so that panoramas keep their height); faces smaller than about 10 px
	// at this scale are out of the model's reach.
	tileMaxPixels = 2560 * 1920
	// tileSide and tileOverlap: tiles are at most tileSide square and overlap
	// by tileOverlap, more than the largest face the tiled pass must find
	// (larger ones are found by the whole-image pass).
	tileSide    = 960
	tileOverlap = 96
	// borderFraction is the width of the mirrored border around the
	// whole-image passes, as a fraction of the long side: a face cut at
	// its middle by the edge is made whole if it is up to twice as wide.
	borderFraction = 0.1
	// nmsIoU is the overlap above which two boxes are the same face.
	nmsIoU = 0.3
	// minThreshold is the lowest threshold honoured: below it every cell of
	// every pass would be a candidate, and merging them would take minutes.
	minThreshold = 0.05
	// maxPassCandidates bounds the candidates one pass contributes (the best
	// by score), for the same reason.
	maxPassCandidates = 2000
)

// job is one network pass: a region of a scaled copy of the photo, mirrored
// left to right if flip, turned by rot quarter turns clockwise, mapped back
// to the photo by sx, sy.
type job struct {
	src  *rgb8
	r    image.Rectangle
	rot  int
	flip bool
	// border is the width of the mirrored border around the photo in src
	// (see mirrorPad); detections centred in it are dropped.
	border int
	sx, sy float32 // photo pixels per src pixel
	tile   bool
}

// candidate is a detection in photo coordinates (float) before merging.
type candidate struct {
	x0, y0, x1, y1 float32
	score          float32
	lm             [5][2]float32
	// pw, ph are the box size in pixels of the network input.
	pw, ph float32
	rot    int
	flip   bool
	tile   bool
	// passes counts the passes that found this face (set by merge).
	passes int
}

// Detect finds faces in img, which must be upright (EXIF orientation already
// applied), best first. It honours ctx between passes and returns ctx.Err()
// if cancelled. Thresholds below 0.05 count as 0.05.
func (d *Detector) Detect(ctx context.Context, img image.Image, opt Options) ([]Face, error) {
	opt.Threshold = min(max(opt.Threshold, minThreshold), 1)
	b := img.Bounds()
	W, H := b.Dx(), b.Dy()
	if W <= 0 || H <= 0 {
		return nil, nil
	}
	kept, err := d.detect(ctx, img, opt)
	if err != nil {
		return nil, err
	}
	faces := make([]Face, 0, len(kept))
	for _, c := range kept {
		faces = append(faces, c.face(W, H, b.Min, opt.Padding))
	}
	return faces, nil
}

// detect returns the merged candidates in coordinates relative to img's origin.
func (d *Detector) detect(ctx context.Context, img image.Image, opt Options) ([]candidate, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	jobs := planJobs(img, opt, d.threads)
	cands, err := d.runJobs(ctx, jobs, opt)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	fs := fullScale(b.Dx(), b.Dy())
	kept, turn := merge(cands, opt.Threshold, fs, opt.Mirror)
	if turn != 0 && jobs[len(jobs)-1].tile {
		// The photo is turned: small faces lie the same way, so tile it
		// again in that orientation.
		more, err := d.runJobs(ctx, tileJobs(jobs[len(jobs)-1].src, b.Dx(), b.Dy(), turn), opt)
		if err != nil {
			return nil, err
		}
		kept, _ = merge(append(cands, more...), opt.Threshold, fs, opt.Mirror)
	}
	return kept, nil
}

// planJobs scales the photo for each pass and lists the passes.
func planJobs(img image.Image, opt Options, threads int) []job {
	b := img.Bounds()
	W, H := b.Dx(), b.Dy()
	long := max(W, H)
	// The high-resolution copy (native size up to tileMaxPixels) is read
	// from the photo once; the whole-image copy is made from it.
	hs := min(1, math.Sqrt(float64(tileMaxPixels)/(float64(W)*float64(H))))
	hw, hh := max(1, int(math.Round(float64(W)*hs))), max(1, int(math.Round(float64(H)*hs)))
	hi := shrinkImage(img, hw, hh, threads)
	hi = brighten(hi)
	fs := float64(fullSide) / float64(long)
	fw, fh := max(1, int(math.Round(float64(W)*fs))), max(1, int(math.Round(float64(H)*fs)))
	full := hi.resample(fw, fh)
	fsx, fsy := float32(W)/float32(fw), float32(H)/float32(fh)
	// The whole-image passes see the photo inside a mirrored border, so
	// that a face cut by the edge is whole for the network.
	border := int(math.Round(borderFraction * float64(max(fw, fh))))
	padded := mirrorPad(full, border)
	r := image.Rect(0, 0, padded.w, padded.h)
	rots := []int{0}
	if opt.Rotations {
		rots = []int{0, 1, 2, 3}
	}
	var jobs []job
	for _, flip := range []bool{false, true} {
		if flip && !opt.Mirror {
			break
		}
		for _, rot := range rots {
			jobs = append(jobs, job{src: padded, r: r, rot: rot, flip: flip, border: border, sx: fsx, sy: fsy})
		}
	}
	if opt.Tiles && long > tileMinSide {
		jobs = append(jobs, tileJobs(hi, W, H, 0)...)
	}
	return jobs
}

// Light of dark photos (see brighten).
const (
	// darkTop is the level (0..255) below which the brightest 1% of a photo
	// marks it as dark: YuNet takes raw pixel values and, trained on lit
	// photos, sees no face in a picture whose values stay below about 30.
	darkTop = 64
	// brightTop is where brighten puts that brightest 1%.
	brightTop = 200
	// maxGain bounds the gain, beyond which only noise is amplified.
	maxGain = 32
)

// brighten returns src with its light raised linearly, so that its
// brightest 1% reaches brightTop, when it is a dark photo; other photos are
// returned as they are.
func brighten(src *rgb8) *rgb8 {
	var hist [256]int
	for i := 0; i+2 < len(src.pix); i += 3 {
		hist[(int(src.pix[i])+2*int(src.pix[i+1])+int(src.pix[i+2]))/4]++
	}
	n := len(src.pix) / 3
	top, acc := 255, 0
	for ; top > 0; top-- {
		acc += hist[top]
		if acc*100 >= n {
			break
		}
	}
	if top >= darkTop {
		return src
	}
	gain := min(maxGain, float64(brightTop)/float64(max(top, 1)))
	var lut [256]uint8
	for v := range lut {
		lut[v] = uint8(math.Round(min(255, float64(v)*gain)))
	}
	out := &rgb8{w: src.w, h: src.h, pix: make([]uint8, len(src.pix))}
	for i, v := range src.pix {
		out.pix[i] = lut[v]
	}
	return out
}

// tileJobs lists the tiled pass over hi (the photo at up to tileMaxPixels),
// turned by rot.
func tileJobs(hi *rgb8, W, H, rot int) []job {
	var jobs []job
	for _, r := range tiles(hi.w, hi.h) {
		jobs = append(jobs, job{src: hi, r: r, rot: rot, sx: float32(W) / float32(hi.w), sy: float32(H) / float32(hi.h), tile: true})
	}
	return jobs
}

// fullScale is the whole-image pass's pixels per photo pixel.
func fullScale(w, h int) float32 { return float32(fullSide) / float32(max(w, h)) }

// tiles splits a w×h image into overlapping tiles of at most tileSide, of
// equal size, so that every face smaller than tileOverlap lies wholly inside one.
func tiles(w, h int) []image.Rectangle {
	split := func(n int) (count, size int) {
		if n <= tileSide {
			return 1, n
		}
		count = (n - tileOverlap + tileSide - tileOverlap - 1) / (tileSide - tileOverlap)
		size = (n-tileOverlap+count-1)/count + tileOverlap
		return count, size
	}
	nx, tw := split(w)
	ny, th := split(h)
	var out []image.Rectangle
	for j := range ny {
		y0 := 0
		if ny > 1 {
			y0 = j * (h - th) / (ny - 1)
		}
		for i := range nx {
			x0 := 0
			if nx > 1 {
				x0 = i * (w - tw) / (nx - 1)
			}
			out = append(out, image.Rect(x0, y0, x0+tw, y0+th))
		}
	}
	return out
}

// runJobs runs the passes on a pool of goroutines, one network thread each,
// or a single pass with all threads. The caller's goroutine is one of the
// workers: with one thread every pass runs on it, so a caller that pinned
// itself to a thread of lower priority (the app does) keeps the work there.
func (d *Detector) runJobs(ctx context.Context, jobs []job, opt Options) ([]candidate, error) {
	workers := min(d.threads, len(jobs))
	inner := 1
	if workers <= 1 {
		workers, inner = 1, d.threads
	}
	var (
		mu    sync.Mutex
		cands []candidate
		first error
		next  atomic.Int64
		wg    sync.WaitGroup
	)
	// The lowest score worth keeping before merging: a candidate below the
	// threshold can still suppress nothing and is never reported.
	floor := min(opt.Threshold, candidateFloor)
	work := func() {
		for {
			i := int(next.Add(1) - 1)
			if i >= len(jobs) {
				return
			}
			mu.Lock()
			if first == nil {
				first = ctx.Err()
			}
			failed := first != nil
			mu.Unlock()
			if failed {
				return
			}
			c, err := d.pass(jobs[i], floor, inner)
			mu.Lock()
			if err != nil && first == nil {
				first = err
			}
			cands = append(cands, c...)
			mu.Unlock()
		}
	}
	for range workers - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	if first != nil {
		return nil, first
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return cands, nil
}

// pass runs the network on one job and decodes its detections.
func (d *Detector) pass(j job, floor float32, threads int) ([]candidate, error) {
	rw, rh := j.r.Dx(), j.r.Dy()
	pw, ph := rw, rh
	if j.rot%2 == 1 {
		pw, ph = rh, rw
	}
	iw, ih := (pw+31)/32*32, (ph+31)/32*32
	p, err := d.net.get(ih, iw)
	if err != nil {
		return nil, fmt.Errorf("face detector: %w", err)
	}
	defer d.net.put(p)
	fillInput(p.input, ih, iw, j.src, j.r, j.rot, j.flip)
	p.run(threads)
	// From the region to the photo: the region's offset in src, less the
	// mirrored border, then the scale.
	ox, oy := float32(j.r.Min.X-j.border), float32(j.r.Min.Y-j.border)
	inside := image.Rect(j.border, j.border, j.src.w-j.border, j.src.h-j.border)
	var out []candidate
	for si, stride := range []int{8, 16, 32} {
		cls, obj, bbox, kps := p.outputs[si], p.outputs[3+si], p.outputs[6+si], p.outputs[9+si]
		gw := iw / stride
		cells := (ih / stride) * gw
		if len(cls) < cells || len(obj) < cells || len(bbox) < 4*cells || len(kps) < 10*cells {
			return nil, fmt.Errorf("face detector: unexpected output sizes")
		}
		s := float32(stride)
		for k := range cells {
			score := float32(math.Sqrt(float64(clamp01(cls[k]) * clamp01(obj[k]))))
			if score < floor {
				continue
			}
			r, c := float32(k/gw), float32(k%gw)
			bb := bbox[4*k : 4*k+4]
			cx, cy := (c+bb[0])*s, (r+bb[1])*s
			w := float32(math.Exp(float64(min(bb[2], 10)))) * s
			h := float32(math.Exp(float64(min(bb[3], 10)))) * s
			mx, my := unrotate(cx, cy, rw, rh, j.rot, j.flip)
			if j.border > 0 && !image.Pt(int(mx)+j.r.Min.X, int(my)+j.r.Min.Y).In(inside) {
				continue // a reflection in the mirrored border
			}
			cd := candidate{score: score, rot: j.rot, flip: j.flip, tile: j.tile, pw: w, ph: h}
			// Corners and landmarks back to the region, then to the photo.
			ax, ay := unrotate(cx-w/2, cy-h/2, rw, rh, j.rot, j.flip)
			bx, by := unrotate(cx+w/2, cy+h/2, rw, rh, j.rot, j.flip)
			cd.x0, cd.x1 = (min(ax, bx)+ox)*j.sx, (max(ax, bx)+ox)*j.sx
			cd.y0, cd.y1 = (min(ay, by)+oy)*j.sy, (max(ay, by)+oy)*j.sy
			for l := range 5 {
				u, v := (c+kps[10*k+2*l])*s, (r+kps[10*k+2*l+1])*s
				x, y := unrotate(u, v, rw, rh, j.rot, j.flip)
				cd.lm[l] = [2]float32{(x + ox) * j.sx, (y + oy) * j.sy}
			}
			out = append(out, cd)
		}
	}
	if len(out) > maxPassCandidates {
		sort.Slice(out, func(i, j int) bool { return out[i].score > out[j].score })
		out = out[:maxPassCandidates]
	}
	return out, nil
}

func clamp01(v float32) float32 { return min(max(v, 0), 1) }

func (c candidate) area() float32 { return max(c.x1-c.x0, 0) * max(c.y1-c.y0, 0) }

func intersection(a, b candidate) float32 {
	w := min(a.x1, b.x1) - max(a.x0, b.x0)
	h := min(a.y1, b.y1) - max(a.y0, b.y0)
	if w <= 0 || h <= 0 {
		return 0
	}
	return w * h
}

// Evidence rules applied when merging (see merge).
const (
	// minFace is the smallest box, in pixels of the network input, that
	// counts: YuNet is trained on faces from about 10 px, and below that it
	// fires on textures and figurines.
	minFace = 10
	// largeTile is the size, in pixels of the whole-image pass, from which a
	// face is the whole-image pass's business: a tile detection that large
	// needs that pass to agree (score >= candidateFloor) before it counts.
	largeTile = 40
	// candidateFloor is the lowest score collected from the passes, used as
	// corroborating evidence only.
	candidateFloor = 0.3
	// rotatedMargin raises the bar for faces seen only sideways or upside
	// down: photos are upright once EXIF orientation is applied, so such a
	// face needs a score of threshold + rotatedMargin·(1 - threshold).
	rotatedMargin = 0.6
	// oneViewMargin is how much lower DefaultOptions' threshold is with
	// Mirror than without (0.45 against 0.5): scores from a single view
	// (the tiles) are lowered by as much.
	oneViewMargin = 0.05
)

// cluster is one face: the best score each kind of pass gave the candidates
// that overlap it, per rotation (0 = upright, 1..3 = quarter turns clockwise).
type cluster struct {
	head      candidate
	whole     [4]float32 // whole-image passes
	mirrored  [4]float32 // whole-image passes mirrored
	smallTile [4]float32 // tiled passes, faces small at the whole-image scale
	largeTile [4]float32 // tiled passes, faces the whole-image pass should see
	// mirror is set when the mirrored passes ran.
	mirror bool
}

// evidence is the cluster's score in rotation r: the whole-image passes'
// score (the mean of both views with Options.Mirror), or a tile's for a
// small face; a large face found only in a tile counts when the
// whole-image passes saw it too.
func (g *cluster) evidence(r int) float32 {
	w := g.whole[r]
	small, large := g.smallTile[r], g.largeTile[r]
	if g.mirror {
		w = (w + g.mirrored[r]) / 2
		// The default threshold is lower for the steadier two-view mean;
		// a tile is one view and keeps the one-view bar.
		small, large = small-oneViewMargin, large-oneViewMargin
	}
	e := max(w, small)
	if w >= candidateFloor {
		e = max(e, large)
	}
	return e
}

// merge groups candidates by greedy non-maximum suppression by score (a
// candidate overlapping a cluster's head by IoU above 0.3, or lying mostly
// inside it, is the same face seen again) and keeps the faces with enough
// evidence at threshold:
//
//   - upright: the whole-image pass scores at least threshold, or a tile does
//     and the face is small (or also seen by the whole-image pass);
//   - turned by 90, 180 or 270 degrees: the same, at a raised threshold
//     (rotatedMargin) unless the photo as a whole is turned that way.
//
// The photo counts as turned by r (returned as turn) when most of its clear
// faces are seen best in rotation r, or when a clear face is seen only in
// rotation r: a camera held sideways or a scan shows every face the same way.
// fullScale is the whole-image pass's pixels per photo pixel; mirror is set
// when the mirrored passes ran.
func merge(cands []candidate, threshold float32, fullScale float32, mirror bool) (kept []candidate, turn int) {
	return decide(group(cands, fullScale, mirror), threshold)
}

// group clusters the candidates by greedy non-maximum suppression (see merge).
func group(cands []candidate, fullScale float32, mirror bool) []cluster {
	// Passes finish in any order; break score ties by position and pass so
	// that the result does not depend on scheduling.
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		switch {
		case a.score != b.score:
			return a.score > b.score
		case a.y0 != b.y0:
			return a.y0 < b.y0
		case a.x0 != b.x0:
			return a.x0 < b.x0
		case a.rot != b.rot:
			return a.rot < b.rot
		case a.tile != b.tile:
			return !a.tile
		case a.flip != b.flip:
			return !a.flip
		}
		return a.x1*a.y1 < b.x1*b.y1
	})
	var cl []cluster
	for _, c := range cands {
		if c.area() <= 0 || c.pw < minFace || c.ph < minFace {
			continue
		}
		at := -1
		for i := range cl {
			k := cl[i].head
			in := intersection(c, k)
			if in > nmsIoU*(c.area()+k.area()-in) || in > 0.7*min(c.area(), k.area()) {
				at = i
				break
			}
		}
		if at < 0 {
			cl = append(cl, cluster{head: c, mirror: mirror})
			at = len(cl) - 1
		}
		g := &cl[at]
		g.head.passes++
		switch {
		case c.tile && (c.x1-c.x0)*fullScale >= largeTile:
			g.largeTile[c.rot] = max(g.largeTile[c.rot], c.score)
		case c.tile:
			g.smallTile[c.rot] = max(g.smallTile[c.rot], c.score)
		case c.flip:
			g.mirrored[c.rot] = max(g.mirrored[c.rot], c.score)
		default:
			g.whole[c.rot] = max(g.whole[c.rot], c.score)
		}
	}
	return cl
}

// decide keeps the clusters with enough evidence at threshold (see merge).
func decide(cl []cluster, threshold float32) (kept []candidate, turn int) {
	rotThreshold := threshold + rotatedMargin*(1-threshold)
	var votes [4]int
	confident := 0
	var only [4]bool
	for i := range cl {
		best := 0
		for r := 1; r < 4; r++ {
			if cl[i].evidence(r) > cl[i].evidence(best) {
				best = r
			}
		}
		if cl[i].evidence(best) >= rotThreshold {
			votes[best]++
			confident++
			// Upright faces also score well upside down, so only a face the
			// upright passes do not see at all is evidence on its own.
			if best != 0 && cl[i].evidence(0) < candidateFloor {
				only[best] = true
			}
		}
	}
	for r := 1; r < 4; r++ {
		if 2*votes[r] > confident {
			turn = r
		}
	}
	if turn == 0 {
		for r := 1; r < 4; r++ {
			if only[r] && (turn == 0 || votes[r] > votes[turn]) {
				turn = r
			}
		}
	}
	var bar [4]float32
	for r := range bar {
		bar[r] = rotThreshold
		if r == 0 || r == turn || only[r] {
			bar[r] = threshold
		}
	}
	for _, g := range cl {
		var score float32
		for r := range 4 {
			if e := g.evidence(r); e >= bar[r] {
				score = max(score, e)
			}
		}
		if score > 0 {
			g.head.score = score
			kept = append(kept, g.head)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].score > kept[j].score })
	return kept, turn
}

// face converts a merged candidate to a Face in the image's own coordinates.
func (c candidate) face(W, H int, origin image.Point, pad float64) Face {
	clampRect := func(x0, y0, x1, y1 float64) image.Rectangle {
		r := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1)))
		return r.Intersect(image.Rect(0, 0, W, H)).Add(origin)
	}
	x0, y0, x1, y1 := float64(c.x0), float64(c.y0), float64(c.x1), float64(c.y1)
	pw, ph := (x1-x0)*pad, (y1-y0)*pad
	f := Face{
		Raw:   clampRect(x0, y0, x1, y1),
		Box:   clampRect(x0-pw, y0-ph, x1+pw, y1+ph),
		Score: c.score,
	}
	for l, p := range c.lm {
		f.Landmarks[l] = image.Pt(int(math.Round(float64(p[0])))+origin.X, int(math.Round(float64(p[1])))+origin.Y)
	}
	return f
}
