package notrace

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestEndSessionRemoves: when Windows ends the session (WM_ENDSESSION to
// every top-level window), the private folder is gone before the message is
// answered, and quit runs.
func TestEndSessionRemoves(t *testing.T) {
	tmp := t.TempDir()
	for _, kv := range redirects("") {
		t.Setenv(kv[0], "")
	}
	t.Setenv("TMP", tmp)
	t.Setenv("TEMP", tmp)
	n, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer n.Remove()
	os.WriteFile(filepath.Join(n.Dir, "config", "prefs.json"), []byte("{}"), 0o600)
	quit := make(chan struct{}, 1)
	hwnd := n.watchEndSession(func() { quit <- struct{}{} })
	if hwnd == 0 {
		t.Fatal("no window to hear of the end of the session")
	}
	sendMessage := user32.NewProc("SendMessageW")
	sendMessage.Call(hwnd, wmQueryEndSession, 0, 0)
	if _, err := os.Stat(n.Dir); err != nil {
		t.Fatalf("the query alone removed the folder: %v", err)
	}
	sendMessage.Call(hwnd, wmEndSession, 1, 0)
	if _, err := os.Stat(n.Dir); !os.IsNotExist(err) {
		t.Errorf("private folder still there after WM_ENDSESSION: %v", err)
	}
	select {
	case <-quit:
	case <-time.After(5 * time.Second):
		t.Error("quit was not called")
	}
}

// TestOwnedByUs: a folder this process made is ours.
func TestOwnedByUs(t *testing.T) {
	dir := t.TempDir()
	st, err := os.Lstat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !ownedByUs(dir, st) {
		t.Errorf("%s, made by this process, is not reported as ours", dir)
	}
	if ownedByUs(filepath.Join(dir, "missing"), st) {
		t.Error("a missing folder is reported as ours")
	}
}
