package inspect

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/metadata"
)

// seiNAL builds an H.264 SEI NAL unit holding one user-data-unregistered
// message with an MDPM block of the given packs, escaped as in a stream.
func seiNAL(packs ...[5]byte) []byte {
	body := append(append([]byte(nil), mdpmUUID...), "MDPM"...)
	body = append(body, byte(len(packs)))
	for _, p := range packs {
		body = append(body, p[:]...)
	}
	rbsp := []byte{1, 1, 0x80, 5} // a picture-timing message first, then type 5
	for n := len(body); ; n -= 255 {
		if n < 255 {
			rbsp = append(rbsp, byte(n))
			break
		}
		rbsp = append(rbsp, 255)
	}
	rbsp = append(append(rbsp, body...), 0x80)
	nal := []byte{0x06}
	zeros := 0
	for _, b := range rbsp {
		if zeros >= 2 && b <= 3 {
			nal = append(nal, 3)
			zeros = 0
		}
		nal = append(nal, b)
		if b == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	return nal
}

func TestMDPM(t *testing.T) {
	date := [][5]byte{{0x18, 0x40 | 2<<1, 0x20, 0x19, 0x04}, {0x19, 0x24, 0x22, 0x24, 0x00}}
	// 51°24'36" N, 0°0'30" W: zero bytes that need escaping.
	gps := [][5]byte{
		{0xB1, 'N', 0, 0, 0}, {0xB2, 0, 51, 0, 1}, {0xB3, 0, 24, 0, 1}, {0xB4, 0, 36, 0, 1},
		{0xB5, 'W', 0, 0, 0}, {0xB6, 0, 0, 0, 1}, {0xB7, 0, 0, 0, 1}, {0xB8, 0, 30, 0, 1},
	}
	sony := [][5]byte{{0xE0, 0x01, 0x08, 0, 0}, {0xE4, 'I', 'L', 'C', 'E'}, {0xE5, '-', '7', 'M', '3'}, {0xE6, 0, 0, 0, 0}}
	cases := []struct {
		name  string
		nal   []byte
		want  cameraRecord
		found bool
	}{
		{"date", seiNAL(date...), cameraRecord{Date: "2019-04-24 22:24:00 +02:00 (summer time)"}, true},
		{"camera", seiNAL(sony...), cameraRecord{Make: "Sony", Model: "ILCE-7M3"}, true},
		{"position", seiNAL(gps...), cameraRecord{Position: "51.410000, -0.008333"}, true},
		{"zone west, no summer", seiNAL([5]byte{0x18, 0x20 | 5<<1 | 1, 0x20, 0x24, 0x12}, [5]byte{0x19, 0x31, 0x23, 0x59, 0x59}), cameraRecord{Date: "2024-12-31 23:59:59 -05:30"}, true},
		{"not BCD", seiNAL([5]byte{0x18, 0x80, 0x20, 0x1A, 0x01}, [5]byte{0x19, 0x01, 0, 0, 0}), cameraRecord{}, true},
		{"unknown maker", seiNAL([5]byte{0xE0, 0x12, 0x34, 0, 0}), cameraRecord{Make: "maker code 0x1234"}, true},
		{"not SEI", append([]byte{0x65}, seiNAL(date...)[1:]...), cameraRecord{}, false},
		{"cut short", seiNAL(date...)[:30], cameraRecord{}, false},
		{"other user data", []byte{0x06, 5, 20, 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'M', 'D', 'P', 'M', 0x80}, cameraRecord{}, false},
	}
	for _, c := range cases {
		got, ok := mdpm(c.nal)
		if ok != c.found || got != c.want {
			t.Errorf("%s: got %+v, %v; want %+v, %v", c.name, got, ok, c.want, c.found)
		}
	}
}

// FuzzMDPM: any NAL unit, no panic.
func FuzzMDPM(f *testing.F) {
	f.Add(seiNAL([5]byte{0x18, 0x44, 0x20, 0x19, 0x04}, [5]byte{0x19, 0x24, 0x22, 0x24, 0x00}, [5]byte{0xE0, 0x01, 0x08, 0, 0}))
	f.Fuzz(func(t *testing.T, b []byte) { mdpm(b) })
}

// TestInspectAVCHDCameraRecord: the Sony clip's video stream, copied into
// an MP4 by FFmpeg, tells its recording date with its time zone, the make
// and the model, as exiftool reads them.
func TestInspectAVCHDCameraRecord(t *testing.T) {
	mts := testenv.Shared(t, "fixtures/video/mts-Sony_ILCE-7M3_A7M3.mts")
	testenv.NeedFFmpeg(t)
	out := filepath.Join(t.TempDir(), "sony.mp4")
	if b, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", mts, "-map", "0:v", "-c", "copy", out).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	r, err := Video(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		c metadata.Category
		s string
	}{{metadata.Time, "2019-04-24 22:24:00 +02:00 (summer time)"}, {metadata.Device, "Sony"}, {metadata.Device, "ILCE-7M3"}} {
		if !has(r, w.c, w.s) {
			t.Errorf("no %s finding mentioning %q: %+v", w.c, w.s, r.Findings)
		}
	}
}
