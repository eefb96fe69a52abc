package ffmpeg

import (
	"context"
	"os"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
)

// TestCopyToMP4 copies a Matroska file's video into an MP4 that is
// readable while open and leaves nothing in its folder once closed (on
// Unix it never had a name; on Windows it is removed at Close). A file
// FFmpeg cannot copy leaves nothing either.
func TestCopyToMP4(t *testing.T) {
	testenv.NeedFFmpeg(t)
	mkv := generate(t, "clip.mkv", "-i", testsrc(t), "-c", "copy")
	dir := t.TempDir()
	c, err := CopyToMP4(context.Background(), mkv, "matroska", dir, []string{"-map", "0:v:0", "-frames:v", "5"})
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 8)
	if _, err := c.ReadAt(head, 0); err != nil || string(head[4:8]) != "ftyp" {
		t.Errorf("the copy starts % x (%v), not with ftyp", head, err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("the folder holds %v after Close", es)
	}
	bad := writeFile(t, "bad.mkv", append([]byte("\x1a\x45\xdf\xa3"), make([]byte, 40)...))
	if _, err := CopyToMP4(context.Background(), bad, "matroska", dir, []string{"-map", "0:v?"}); err == nil {
		t.Error("a broken Matroska file was copied")
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("the folder holds %v after a failed copy", es)
	}
}
