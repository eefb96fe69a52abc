package clean

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/mp4"
	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/metadata"
)

// exifIdentifying are exiftool tag names (with their group) that must not
// appear in a cleaned video, whatever their value.
var exifIdentifying = regexp.MustCompile(`(?i)^\[(XMP[^\]]*|UserData|ItemList|Keys|Keys[^\]]*|H264|Samsung|Apple[^\]]*|GoPro|CAMM)\]|` +
	`gps|location|\bmake\b|\bmodel\b|software|encoder|author|artist|comment|title|description|keyword|face|` +
	`content identifier|android|timecode|thumbnail|compressor name|handler description|vendor|writer|creator|history|document id|instance id`)

// exifDate matches a date tag's value; only the zero date may remain.
var exifDate = regexp.MustCompile(`(?i)date\s*:\s*(.*)$`)

// TestVideoFixturesAcceptance is issue 11's acceptance on every movie in
// ../shared/fixtures/video: the cleaned copy passes the verifier; exiftool
// -a -G1 -ee finds nothing identifying and no date but zero; every kept
// stream decodes to the same frames (ffmpeg -f framemd5); duration and
// rotation are equal; and no sample of a dropped track, no SEI unit, nor
// any dropped metadata box survives as a byte run in the output. The
// AVCHD .mts goes through FFmpeg (streams copied into an MP4) and then the
// same rewrite and checks, but for the byte runs (its input is no movie).
func TestVideoFixturesAcceptance(t *testing.T) {
	files := testenv.Files(t, "fixtures/video")
	testenv.NeedFFmpeg(t)
	if _, err := exec.LookPath("exiftool"); err != nil {
		t.Skip("exiftool is not installed (scripts/deps.sh test installs it): test skipped")
	}
	dir := t.TempDir()
	cleaned := 0
	for _, in := range files {
		if filepath.Base(filepath.Dir(in)) != "video" {
			continue // the vPDQ vectors
		}
		name := filepath.Base(in)
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(dir, name)
			if strings.HasSuffix(name, ".mts") {
				out += ".mp4" // as veil clean names it
			}
			res, err := Video(context.Background(), in, out, metadata.Options{}, nil)
			if err != nil {
				t.Fatalf("clean: %v", err)
			}
			cleaned++
			t.Logf("removed: %v", res.Removed)
			checkExiftool(t, out)
			checkFrames(t, in, out, strings.HasSuffix(name, ".mts"))
			checkProbe(t, in, out)
			if strings.HasSuffix(name, ".mts") {
				// Through FFmpeg (an MPEG transport stream): the Sony camera
				// data sits in H.264 SEI, which exiftool reads as [H264].
				if !strings.Contains(strings.Join(res.Removed, ";"), "FFmpeg") {
					t.Errorf("the MTS was not converted: %v", res.Removed)
				}
				return
			}
			checkNoDroppedBytes(t, in, out)
		})
	}
	if cleaned < 10 {
		t.Errorf("only %d fixtures were cleaned", cleaned)
	}
}

func checkExiftool(t *testing.T, out string) {
	b, err := exec.Command("exiftool", "-a", "-G1", "-ee", out).Output()
	if err != nil {
		t.Fatalf("exiftool: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "[ExifTool]") || strings.HasPrefix(line, "[System]") || strings.HasPrefix(line, "[File]") || line == "" {
			continue
		}
		value := ""
		if i := strings.Index(line, ": "); i >= 0 {
			value = strings.TrimSpace(line[i+2:])
		}
		if exifIdentifying.MatchString(line) && value != "" && value != "0" {
			t.Errorf("exiftool still finds: %s", line)
		}
		if m := exifDate.FindStringSubmatch(line); m != nil && strings.TrimSpace(m[1]) != "0000:00:00 00:00:00" {
			t.Errorf("exiftool finds a date: %s", line)
		}
	}
}

// framemd5 returns the decoded frames' checksums of every video and audio
// stream, in one decode (streams numbered video first, then audio, so a
// dropped track does not shift them), without the header lines that name
// the file. converted (a transport stream against FFmpeg's MP4 of it)
// decodes every frame as it comes (-fps_mode passthrough: the default drops
// the transport stream's first frame, which lies before the video stream's
// nominal start) and keeps only each frame's stream, presentation time in
// seconds and checksum, since the two containers count time in different
// units.
func framemd5(t *testing.T, path string, converted bool) string {
	args := []string{"-nostdin", "-v", "error", "-i", path, "-map", "0:v?", "-map", "0:a?"}
	if converted {
		args = append(args, "-fps_mode", "passthrough")
	}
	b, err := exec.Command("ffmpeg", append(args, "-f", "framemd5", "-")...).Output()
	if err != nil {
		t.Fatalf("ffmpeg framemd5 %s: %v", path, err)
	}
	var keep []string
	tb := map[string][2]int64{}
	for _, l := range strings.Split(string(b), "\n") {
		var st string
		var num, den int64
		if _, err := fmt.Sscanf(l, "#tb %s %d/%d", &st, &num, &den); err == nil && den > 0 {
			tb[strings.TrimSuffix(st, ":")] = [2]int64{num, den}
		}
		if strings.HasPrefix(l, "#") || l == "" {
			continue
		}
		if converted {
			f := strings.Split(l, ",")
			pts, err := strconv.ParseInt(strings.TrimSpace(f[2]), 10, 64)
			r, ok := tb[strings.TrimSpace(f[0])]
			if err != nil || !ok {
				t.Fatalf("framemd5 %s: cannot read %q", path, l)
			}
			l = fmt.Sprintf("%s %.6f %s", strings.TrimSpace(f[0]), float64(pts*r[0])/float64(r[1]), strings.TrimSpace(f[len(f)-1]))
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// perStream splits framemd5 lines by their stream number.
func perStream(s string) map[string][]string {
	out := map[string][]string{}
	for _, l := range strings.Split(s, "\n") {
		if i := strings.IndexAny(l, ", "); i > 0 {
			out[l[:i]] = append(out[l[:i]], l)
		}
	}
	return out
}

// checkFrames compares the decoded frames of every video and audio stream,
// edit lists honoured as a player honours them: every frame, at its time.
func checkFrames(t *testing.T, in, out string, converted bool) {
	a, b := perStream(framemd5(t, in, converted)), perStream(framemd5(t, out, converted))
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("%d streams decoded from the input, %d from the output", len(a), len(b))
	}
	for st, fa := range a {
		if strings.Join(fa, "\n") == strings.Join(b[st], "\n") {
			continue
		}
		t.Errorf("stream %s: decoded frames differ (%d frames in, %d out)", st, len(fa), len(b[st]))
		for i := 0; i < max(len(fa), len(b[st])); i++ {
			var x, y string
			if i < len(fa) {
				x = fa[i]
			}
			if i < len(b[st]) {
				y = b[st][i]
			}
			if x != y {
				t.Logf("first difference, frame %d: %q in, %q out", i, x, y)
				break
			}
		}
	}
}

func checkProbe(t *testing.T, in, out string) {
	type probe struct {
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
		Streams []struct {
			CodecType string `json:"codec_type"`
			Duration  string `json:"duration"`
			SideData  []struct {
				Rotation *int `json:"rotation"`
			} `json:"side_data_list"`
		} `json:"streams"`
	}
	read := func(p string) probe {
		b, err := exec.Command("ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", p).Output()
		if err != nil {
			t.Fatalf("ffprobe %s: %v", p, err)
		}
		var pr probe
		if err := json.Unmarshal(b, &pr); err != nil {
			t.Fatal(err)
		}
		return pr
	}
	a, b := read(in), read(out)
	if a.Format.Duration != b.Format.Duration {
		t.Errorf("duration %s became %s", a.Format.Duration, b.Format.Duration)
	}
	rot := func(p probe) (out []int) {
		for _, s := range p.Streams {
			if s.CodecType != "video" {
				continue
			}
			r := 0
			for _, sd := range s.SideData {
				if sd.Rotation != nil {
					r = *sd.Rotation
				}
			}
			out = append(out, r)
		}
		return out
	}
	ra, rb := rot(a), rot(b)
	if len(ra) != len(rb) || (len(ra) > 0 && ra[0] != rb[0]) {
		t.Errorf("rotation %v became %v", ra, rb)
	}
	t.Logf("duration %s, rotation %v", b.Format.Duration, rb)
}

// checkNoDroppedBytes looks for every sample of every dropped track, and
// the payload of every dropped metadata box, in the output.
func checkNoDroppedBytes(t *testing.T, in, out string) {
	src, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	f, err := mp4.Open(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var runs [][]byte
	for _, tr := range f.Tracks {
		if tr.Handler == "vide" || tr.Handler == "soun" {
			continue
		}
		s, err := tr.Samples(int64(len(src)))
		if err != nil {
			t.Fatalf("dropped track %d: %v", tr.ID, err)
		}
		for _, c := range s.Chunks {
			off := c.Offset
			for i := c.First; i < c.First+c.N; i++ {
				n := int64(s.Size(i))
				runs = append(runs, src[off:off+n])
				off += n
			}
		}
	}
	for _, tr := range f.Tracks {
		if tr.Handler == "vide" {
			runs = append(runs, seiUnits(t, src, tr)...)
		}
	}
	for _, b := range append(append([]*mp4.Box{}, f.Top...), f.Moov.Kids...) {
		switch b.Type {
		case "udta", "meta", "uuid":
			if b.Data != nil {
				runs = append(runs, b.Data)
			}
		}
	}
	checked := 0
	for _, r := range runs {
		if len(r) < 12 {
			continue // too short to say anything
		}
		checked++
		if bytes.Contains(dst, r) {
			t.Errorf("a dropped run of %d bytes (%.40q) is still in the output", len(r), r)
		}
	}
	t.Logf("%d dropped runs checked", checked)
}

// seiUnits returns the H.264 and HEVC SEI units of a video track.
func seiUnits(t *testing.T, src []byte, tr *mp4.Track) [][]byte {
	var ls int
	hevc := false
	e := tr.Entries[0]
	if c := e.Child("avcC"); c != nil {
		ls = int(c.Data[4]&3) + 1
	} else if c := e.Child("hvcC"); c != nil {
		ls, hevc = int(c.Data[21]&3)+1, true
	} else {
		return nil
	}
	s, err := tr.Samples(int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, c := range s.Chunks {
		off := c.Offset
		for i := c.First; i < c.First+c.N; i++ {
			p := src[off : off+int64(s.Size(i))]
			for len(p) > ls {
				var l int
				for _, b := range p[:ls] {
					l = l<<8 | int(b)
				}
				p = p[ls:]
				if l > len(p) || l == 0 {
					break
				}
				if (!hevc && p[0]&0x1F == 6) || (hevc && (p[0]>>1&0x3F == 39 || p[0]>>1&0x3F == 40)) {
					out = append(out, p[:l])
				}
				p = p[l:]
			}
			off += int64(s.Size(i))
		}
	}
	return out
}
