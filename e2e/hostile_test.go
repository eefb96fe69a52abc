//go:build linux

package e2e

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"codeberg.org/veil/veil/internal/heiftest"
	"codeberg.org/veil/veil/internal/mp4/mp4test"
	"codeberg.org/veil/veil/internal/testimg"
)

// Limits every command must keep on a hostile file: bounds on the work a
// booby-trapped file can cause, not speed targets. The costliest case
// (detect on a 100 MP PNG of zeros) takes 1.8 s of CPU and 250 MB; the CPU
// bound is over 15 times that, and CPU time barely grows with load. A run
// still going after hangLimit is killed and reported as hung.
const (
	hostileCPU = 30 * time.Second
	hostileRSS = 400 << 20
)

// hostileCase is one booby-trapped file.
type hostileCase struct {
	name string
	file string // file name, whose extension a user would trust
	data []byte
	// valid files are hostile but well-formed images (a looping EXIF IFD,
	// a decompression bomb in a text chunk): a command may succeed on them,
	// but never beyond the limits. All others must fail with one line.
	valid bool
	// special files (FIFOs, device links) are made by setup instead of data.
	setup func(path string) error
	// lossless files have a sound container and metadata but a picture Veil
	// refuses to decode: clean, which rewrites a HEIF losslessly without
	// decoding its picture, may succeed; every command that decodes fails.
	lossless bool
	// video files are hostile movies: hash may succeed (the MD5 of the exact
	// bytes is what a report needs, whatever they hold); inspect and clean
	// must refuse them in one line.
	video bool
}

// mayPass reports whether command may succeed on the case.
func (hc hostileCase) mayPass(command string) bool {
	return hc.valid || (hc.lossless && command == "clean") || (hc.video && command == "hash") ||
		(hc.video && hc.lossless && command == "inspect") // a sound movie FFmpeg reads
}

func hostileCases() []hostileCase {
	good := photoJPEG(64, 48, 7)
	var cs []hostileCase
	add := func(name, file string, data []byte) {
		cs = append(cs, hostileCase{name: name, file: file, data: data})
	}
	add("empty", "empty.jpg", nil)
	add("text renamed .jpg", "notes.jpg", []byte("Meeting notes: do not share.\nThis is not a photo.\n"))
	add("text renamed .png", "notes.png", []byte("\x89PNG but not really"))
	// JPEG truncated at many points: inside the signature, the EXIF block,
	// the comment, the tables, the frame header, the scan, and just before EOI.
	eoi := bytes.LastIndex(good, []byte{0xFF, 0xD9})
	for _, n := range []int{1, 2, 3, 5, 12, 40, 90, 140, 180, 260, 330, 400, 500, 600, eoi / 2, eoi * 3 / 4, eoi - 5, eoi - 1, eoi, eoi + 1} {
		if n < eoi+2 {
			add(fmt.Sprintf("jpeg truncated at %d of %d", n, eoi+2), fmt.Sprintf("cut%d.jpg", n), good[:n])
		}
	}
	// A segment length pointing far past the end of the file.
	add("jpeg segment past end", "seglen.jpg", append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, "Exif\x00\x00II*\x00"...))
	add("jpeg SOF past end", "sof.jpg", []byte{0xFF, 0xD8, 0xFF, 0xC0, 0x40, 0x00, 8, 0, 16, 0, 16, 3})
	add("jpeg only SOI and fill", "fill.jpg", append([]byte{0xFF, 0xD8}, bytes.Repeat([]byte{0xFF}, 1<<20)...))
	add("jpeg 65500x65500 frame", "huge.jpg", withSOFSize(good, 65500, 65500))
	add("jpeg 0x0 frame", "zero.jpg", withSOFSize(good, 0, 0))
	many := []byte{0xFF, 0xD8}
	for range 50000 {
		many = append(many, 0xFF, 0xFE, 0, 2)
	}
	add("jpeg 50000 empty segments", "segments.jpg", append(many, 0xFF, 0xD9))
	add("only a trailer", "trailer.jpg", append([]byte{0xFF, 0xD9}, "PK\x03\x04 hidden archive after no image"...))
	add("only EOI", "eoi.jpg", []byte{0xFF, 0xD9})

	sig := []byte("\x89PNG\r\n\x1a\n")
	add("png 100000x100000", "giant.png", testimg.Cat(sig, ihdr(100000, 100000, 8, 6), testimg.Chunk("IDAT", zlibZeros(1000)), testimg.Chunk("IEND", nil)))
	add("png IDAT bomb", "bomb.png", testimg.Cat(sig, ihdr(64, 64, 8, 0), testimg.Chunk("IDAT", zlibZeros(256<<20)), testimg.Chunk("IEND", nil)))
	add("png truncated", "cut.png", smallPNG(64, 64)[:200])
	badCRC := smallPNG(64, 64)
	badCRC[29] ^= 0xFF
	add("png bad IHDR CRC", "crc.png", badCRC)
	add("png no IDAT", "noidat.png", testimg.Cat(sig, ihdr(64, 64, 8, 0), testimg.Chunk("IEND", nil)))
	cs = append(cs,
		hostileCase{name: "png zTXt bomb", file: "ztxt.png", valid: true,
			data: smallPNG(32, 32, testimg.Chunk("zTXt", testimg.Cat([]byte("Comment\x00\x00"), zlibZeros(512<<20))))},
		hostileCase{name: "png iCCP bomb", file: "iccp.png", valid: true,
			data: smallPNG(32, 32, testimg.Chunk("iCCP", testimg.Cat([]byte("icc\x00\x00"), zlibZeros(512<<20))))},
		hostileCase{name: "png 100000 text chunks", file: "chunks.png", valid: true,
			data: smallPNG(32, 32, bytes.Repeat(testimg.Chunk("tEXt", []byte("k\x00v")), 100000))},
		// 97 KB that inflates to a 100-megapixel image, inside Veil's 110 MP limit.
		hostileCase{name: "png 10000x10000 zeros", file: "flat.png", valid: true,
			data: testimg.Cat(sig, ihdr(10000, 10000, 8, 0), testimg.Chunk("IDAT", zlibRows(10000, 10000)), testimg.Chunk("IEND", nil))},
		hostileCase{name: "jpeg EXIF IFD loop", file: "exifloop.jpg", valid: true,
			data: testimg.Cat(good[:2], exifAPP1(1, true), good[2:])},
	)

	// TIFF: an IFD whose next pointer is itself, a chain of 100000 IFDs, and
	// an Exif pointer back at IFD0.
	add("tiff IFD loop", "loop.tif", le("II*\x00").u32(8).u16(1).entry(0x0100, 3, 1, 16).u32(8))
	chain := le("II*\x00").u32(8)
	for i := range 100000 {
		chain = chain.u16(0).u32(uint32(8 + 6*(i+1)))
	}
	add("tiff 100000 chained IFDs", "chain.tif", chain.u16(0).u32(0))
	add("tiff Exif IFD self pointer", "exifself.tif", exifTIFF(1, true))
	add("tiff 4 billion entries", "entries.tif", le("II*\x00").u32(8).u16(0xFFFF).entry(0x0100, 4, 0xFFFFFFFF, 0x7FFFFFF0))

	// HEIF: boxes nested 20000 deep, a box claiming 2 GB, an item size claim.
	add("heic 20000 nested boxes", "nested.heic", testimg.Cat(testimg.FtypHEIC(), nestedBoxes(20000)))
	add("heic box past end", "boxsize.heic", testimg.Cat(testimg.FtypHEIC(), []byte{0x7F, 0xFF, 0xFF, 0xFF}, []byte("meta\x00\x00\x00\x00")))
	add("heic 64-bit box size", "largesize.heic", testimg.Cat(testimg.FtypHEIC(), []byte{0, 0, 0, 1}, []byte("mdat"), []byte{0x7F, 0, 0, 0, 0, 0, 0, 0}))
	add("heic zero-size box loop", "zerobox.heic", testimg.Cat(testimg.FtypHEIC(), testimg.Box("meta", []byte{0, 0, 0, 0}, []byte{0, 0, 0, 0, 'h', 'd', 'l', 'r'})))
	add("heic ftyp only", "ftyp.heic", testimg.FtypHEIC())
	cs = append(cs, heifDecodeCases()...)

	// WebP and GIF headers that lie.
	add("webp chunk past end", "chunk.webp", testimg.Cat([]byte("RIFF\xff\xff\xff\x7fWEBPVP8 \xff\xff\xff\x7f"), make([]byte, 32)))
	vp8x := testimg.Cat([]byte("RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00"), []byte{0xFF, 0x3F, 0, 0xFF, 0x3F, 0})
	binary.LittleEndian.PutUint32(vp8x[4:], uint32(len(vp8x)-8))
	add("webp 16384x16384 canvas", "canvas.webp", vp8x)
	add("gif 65535x65535", "giant.gif", testimg.Cat([]byte("GIF89a\xff\xff\xff\xff\x00\x00\x00"), []byte(",\x00\x00\x00\x00\xff\xff\xff\xff\x00\x02\x02\x44\x01\x00;")))
	add("gif truncated", "cut.gif", []byte("GIF89a\x10\x00\x10\x00\x80\x00\x00"))

	cs = append(cs, videoCases()...)

	cs = append(cs,
		hostileCase{name: "named pipe", file: "pipe.jpg", setup: func(p string) error { return syscall.Mkfifo(p, 0o644) }},
		hostileCase{name: "link to /dev/zero", file: "zero-dev.jpg", setup: func(p string) error { return os.Symlink("/dev/zero", p) }},
		hostileCase{name: "dangling link", file: "gone.jpg", setup: func(p string) error { return os.Symlink("/nonexistent/photo.jpg", p) }},
	)
	return cs
}

// videoCases are hostile movies: truncated, box sizes past the end, boxes
// nested without end, a sample count of 2^32-1, a fragmented movie, an HLS
// playlist and a Matroska file saved under movie names, a named pipe.
func videoCases() []hostileCase {
	phone := mp4test.Build(mp4test.Phone())
	frag := mp4test.Phone()
	frag.Fragmented = true
	samples := bytes.Clone(phone)
	i := bytes.Index(samples, []byte("stsz"))
	binary.BigEndian.PutUint32(samples[i+12:], 0xFFFFFFFF)
	chunks := bytes.Clone(phone)
	i = bytes.Index(chunks, []byte("stco"))
	binary.BigEndian.PutUint32(chunks[i+8:], 0xFFFFFFFF)
	nested := mp4test.Box("free")
	for range 20000 {
		nested = mp4test.Box("trak", nested)
	}
	ftyp := mp4test.Box("ftyp", []byte("isom\x00\x00\x02\x00isommp41"))
	mk := func(name, file string, b []byte) hostileCase {
		return hostileCase{name: name, file: file, data: b, video: true}
	}
	return []hostileCase{
		mk("mp4 truncated", "cut.mp4", phone[:len(phone)/2]),
		mk("mov truncated in moov", "cut.mov", phone[:200]),
		mk("mp4 box past end", "boxsize.mp4", testimg.Cat(ftyp, []byte{0x7F, 0xFF, 0xFF, 0xFF}, []byte("moov\x00\x00\x00\x00"))),
		mk("mp4 64-bit mdat past end", "largesize.mp4", testimg.Cat(ftyp, []byte{0, 0, 0, 1}, []byte("mdat"), []byte{0x7F, 0, 0, 0, 0, 0, 0, 0})),
		mk("mp4 20000 nested boxes", "nested.mp4", testimg.Cat(ftyp, mp4test.Box("moov", nested))),
		mk("mp4 2^32-1 samples", "samples.mp4", samples),
		mk("mp4 2^32-1 chunks", "chunks.mp4", chunks),
		// A sound fragmented movie: clean may convert it through FFmpeg, and
		// inspect read it through FFmpeg.
		{name: "mp4 fragmented", file: "fragmented.mp4", data: mp4test.Build(frag), video: true, lossless: true},
		mk("hls playlist named .mp4", "playlist.mp4", []byte("#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:10,\nfile:///etc/hostname\n")),
		mk("matroska named .mp4", "matroska.mp4", append([]byte("\x1a\x45\xdf\xa3"), make([]byte, 64)...)),
		mk("mp4 ftyp only", "ftyp.mp4", ftyp),
		{name: "video named pipe", file: "pipe.mp4", video: true, setup: func(p string) error { return syscall.Mkfifo(p, 0o644) }},
	}
}

// heifDecodeCases are HEIC and AVIF files whose boxes are sound but whose
// items lie or whose coded picture is damaged: they reach Veil's item checks
// and the decoder (libheif, or the embedded fallback), built from the small
// pictures in photo/testdata/heif.
func heifDecodeCases() []hostileCase {
	small, err1 := os.ReadFile(filepath.Join(repoRoot, "photo", "testdata", "heif", "small.heic"))
	avif, err2 := os.ReadFile(filepath.Join(repoRoot, "photo", "testdata", "heif", "small.avif"))
	hvcC, data, err3 := heiftest.Tile(small)
	if err := errors.Join(err1, err2, err3); err != nil {
		panic(fmt.Sprintf("photo/testdata/heif: %v", err))
	}
	selfGrid := heiftest.Grid(hvcC, data, 96, 64, 1, 2, 192, 64)
	selfGrid.Refs[0].To[1] = 1
	idenLoop := heiftest.Single(hvcC, data, 96, 64)
	idenLoop.Items = []heiftest.Item{{ID: 1, Type: "iden", Props: []int{2}}, {ID: 2, Type: "iden", Props: []int{2}}}
	idenLoop.Refs = []heiftest.Ref{{Type: "dimg", From: 1, To: []uint32{2}}, {Type: "dimg", From: 2, To: []uint32{1}}}
	damaged := bytes.Clone(small)
	damaged[len(damaged)-len(data)/2] ^= 0x55
	mk := func(name, file string, b []byte) hostileCase {
		return hostileCase{name: name, file: file, data: b, lossless: true}
	}
	return []hostileCase{
		mk("heic grid listing itself", "selfgrid.heic", selfGrid.Bytes()),
		mk("heic iden loop", "idenloop.heic", idenLoop.Bytes()),
		mk("heic grid with holes", "holes.heic", heiftest.Grid(hvcC, data, 96, 64, 2, 2, 200, 128).Bytes()),
		mk("heic picture larger than its item", "spslie.heic", heiftest.Single(hvcC, data, 16, 16).Bytes()),
		mk("heic 60000x60000 item", "huge.heic", heiftest.Single(hvcC, data, 60000, 60000).Bytes()),
		mk("heic damaged picture", "damaged.heic", damaged),
		mk("heic cut in the picture", "cut.heic", small[:len(small)-len(data)/2]),
		mk("avif cut in the picture", "cut.avif", avif[:len(avif)-100]),
	}
}

// withSOFSize returns a copy of a JPEG whose frame header claims w×h.
func withSOFSize(j []byte, w, h int) []byte {
	j = bytes.Clone(j)
	i := bytes.Index(j, []byte{0xFF, 0xC0})
	binary.BigEndian.PutUint16(j[i+5:], uint16(h))
	binary.BigEndian.PutUint16(j[i+7:], uint16(w))
	return j
}

// worst tracks the costliest run.
type worst struct {
	mu           sync.Mutex
	cpu, wall    time.Duration
	rss          int64
	cpuAt, rssAt string
	runs, fails  int
}

func (w *worst) add(what string, r result) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.runs++
	if r.cpu > w.cpu {
		w.cpu, w.cpuAt = r.cpu, what
	}
	w.wall = max(w.wall, r.wall)
	if r.maxRSS > w.rss {
		w.rss, w.rssAt = r.maxRSS, what
	}
}

// TestHostileFiles runs every command on every hostile file and checks the
// promises: one line naming the file, exit status 1, no output, no panic
// text, bounded CPU time and memory, and the file itself untouched.
func TestHostileFiles(t *testing.T) {
	if testing.Short() && raceEnabled {
		t.Skip("hostile files are checked in the full run; the race run covers concurrency")
	}
	cmds := requireCommands(t)
	cases := hostileCases()
	var w worst
	sem := make(chan struct{}, 2)
	t.Run("cases", func(t *testing.T) {
		for _, hc := range cases {
			for _, command := range cmds {
				t.Run(hc.name+"/"+command, func(t *testing.T) {
					t.Parallel()
					sem <- struct{}{}
					defer func() { <-sem }()
					checkHostile(t, hc, command, &w)
				})
			}
		}
	})
	t.Logf("hostile files: %d cases x %d commands, %d runs outside the known gaps; worst CPU %v (%s), worst wall %v, worst max RSS %.1f MB (%s)",
		len(cases), len(cmds), w.runs, w.cpu.Round(time.Millisecond), w.cpuAt, w.wall.Round(time.Millisecond),
		float64(w.rss)/(1<<20), w.rssAt)
}

// knownGaps are (case/command) pairs that break a promise today, each with
// its owner and cause. They are reported, not failed; a gap that starts
// passing fails the test so that it is removed from this list.
var knownGaps = map[string]string{}

func checkHostile(t *testing.T, hc hostileCase, command string, w *worst) {
	home := t.TempDir()
	inDir := filepath.Join(home, "photos")
	outDir := filepath.Join(home, "out")
	tmp := filepath.Join(home, "tmp")
	for _, d := range []string{inDir, outDir, tmp} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(inDir, hc.file)
	if hc.setup != nil {
		if err := hc.setup(path); err != nil {
			t.Skipf("cannot make %s here: %v", hc.name, err)
		}
	} else if err := os.WriteFile(path, hc.data, 0o644); err != nil {
		t.Fatal(err)
	}
	before := snap(path)
	r := runVeil(t, hangLimit, tmp, commandArgs(command, path, outDir)...)
	if _, gap := knownGaps[hc.name+"/"+command]; !gap {
		w.add(hc.name+"/"+command, r)
	}
	problems := hostileProblems(hc, command, r)
	if d := before.unchanged(path); d != "" {
		problems = append(problems, "the input file: "+d)
	}
	if left := listDir(t, tmp); len(left) > 0 {
		problems = append(problems, fmt.Sprintf("left files in TMPDIR: %v", left))
	}
	if names := listDir(t, inDir); len(names) != 1 {
		problems = append(problems, fmt.Sprintf("the input folder now holds %v", names))
	}
	if !(hc.mayPass(command) && r.code == 0) {
		if out := listDir(t, outDir); len(out) > 0 {
			problems = append(problems, fmt.Sprintf("a failed command left output: %v", out))
		}
	}
	key := hc.name + "/" + command
	if gap, ok := knownGaps[key]; ok {
		if len(problems) == 0 {
			t.Errorf("known gap now passes; remove %q from knownGaps", key)
		} else {
			t.Logf("KNOWN GAP (%s): %s", gap, strings.Join(problems, "; "))
		}
		return
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// hostileProblems lists how one run broke the promises for a hostile file.
func hostileProblems(hc hostileCase, command string, r result) []string {
	var ps []string
	if r.timedOut {
		return []string{fmt.Sprintf("still running after %v (killed); stderr: %q", hangLimit, clip(r.stderr))}
	}
	if panicText(r.stdout) || panicText(r.stderr) {
		ps = append(ps, "panic text reached the user:\n"+clip(r.stdout+r.stderr))
	}
	if r.cpu > hostileCPU {
		ps = append(ps, fmt.Sprintf("took %v of CPU time, the limit is %v", r.cpu, hostileCPU))
	}
	if r.maxRSS > hostileRSS {
		ps = append(ps, fmt.Sprintf("used %.0f MB of memory, the limit is %d MB", float64(r.maxRSS)/(1<<20), hostileRSS>>20))
	}
	if hc.mayPass(command) && r.code == 0 {
		return ps
	}
	switch command {
	case "hash":
		// hash prints a report even for a file it cannot decode: MD5 and
		// SHA-256 of the bytes are still what a report to StopNCII or Take
		// It Down needs. The report must say which file failed and why.
		if r.code != 1 {
			ps = append(ps, fmt.Sprintf("exit status %d, want 1; output %q", r.code, clip(r.stdout+r.stderr)))
		}
		if !strings.Contains(r.stdout+r.stderr, hc.file) || !strings.Contains(r.stdout+r.stderr, "error") {
			ps = append(ps, fmt.Sprintf("the report does not name %s with an error: %q", hc.file, clip(r.stdout+r.stderr)))
		}
		return ps
	case "inspect":
		// An inspector may still list what a damaged file leaks (GPS in a
		// truncated JPEG matters to its owner), but only if the report says
		// plainly that the file is damaged; "no identifying data found" on
		// a file it could not read would be a false reassurance.
		if r.code == 0 && (strings.Contains(r.stdout, "amaged") || strings.Contains(r.stdout, "nreadable")) {
			return ps
		}
	}
	if r.code != 1 {
		ps = append(ps, fmt.Sprintf("exit status %d, want 1; stdout %q stderr %q", r.code, clip(r.stdout), clip(r.stderr)))
	}
	lines := nonEmptyLines(r.stderr)
	var errLine string
	for _, l := range lines {
		if strings.Contains(l, hc.file) {
			errLine = l
		}
	}
	switch {
	case errLine == "":
		ps = append(ps, fmt.Sprintf("no error line names %s: %q", hc.file, clip(r.stderr)))
	// clean adds a one-line batch summary ("1 of 1 files could not be cleaned").
	case len(lines) > 2 || (len(lines) == 2 && command != "clean"):
		ps = append(ps, fmt.Sprintf("error is not one line: %q", clip(r.stderr)))
	case len(strings.TrimSpace(strings.SplitN(errLine, hc.file, 2)[1])) < 3:
		ps = append(ps, fmt.Sprintf("error line does not say what is wrong: %q", errLine))
	}
	return ps
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// clip shortens a command's output for a test message.
func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
