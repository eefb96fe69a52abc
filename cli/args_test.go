package cli

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestFlagsParse(t *testing.T) {
	type got struct {
		JSON   bool
		Out    string
		Rest   []string
		Status int
		OK     bool
	}
	tests := map[string]struct {
		args []string
		want got
	}{
		"flags first":         {[]string{"--json", "-o", "out", "a.jpg"}, got{true, "out", []string{"a.jpg"}, 0, true}},
		"flags after files":   {[]string{"a.jpg", "-o", "out", "--json", "b.jpg"}, got{true, "out", []string{"a.jpg", "b.jpg"}, 0, true}},
		"value with =":        {[]string{"a.jpg", "--o=out"}, got{false, "out", []string{"a.jpg"}, 0, true}},
		"bool takes no next":  {[]string{"-json", "a.jpg"}, got{true, "", []string{"a.jpg"}, 0, true}},
		"dash dash":           {[]string{"-o", "out", "--", "-json", "--", "b.jpg"}, got{false, "out", []string{"-json", "--", "b.jpg"}, 0, true}},
		"lone dash is a file": {[]string{"-", "--json"}, got{true, "", []string{"-"}, 0, true}},
		"help":                {[]string{"a.jpg", "-h"}, got{Status: 0}},
		"long help":           {[]string{"--help"}, got{Status: 0}},
		"unknown flag":        {[]string{"--bogus", "a.jpg"}, got{Status: 2}},
		"missing value":       {[]string{"a.jpg", "-o"}, got{Status: 2}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var g got
			f := newFlags("test", "Usage: veil test\n", true)
			f.BoolVar(&g.JSON, "json", false, "JSON lines")
			f.StringVar(&g.Out, "o", "", "output")
			var stdout, stderr bytes.Buffer
			g.Rest, g.Status, g.OK = f.parse(tt.args, &stdout, &stderr)
			if !g.OK {
				g.JSON, g.Out = false, ""
			}
			if !reflect.DeepEqual(g, tt.want) {
				t.Errorf("got %+v, want %+v", g, tt.want)
			}
			switch {
			case g.OK && (stdout.Len() > 0 || stderr.Len() > 0):
				t.Errorf("printed %q %q", stdout.String(), stderr.String())
			case !g.OK && g.Status == 0 && (!strings.HasPrefix(stdout.String(), "Usage: veil test\n") || !strings.Contains(stdout.String(), "JSON lines") || stderr.Len() > 0):
				t.Errorf("help: stdout %q, stderr %q", stdout.String(), stderr.String())
			case !g.OK && g.Status == 2 && (stdout.Len() > 0 || !strings.Contains(stderr.String(), "Usage: veil test")):
				t.Errorf("usage error: stdout %q, stderr %q", stdout.String(), stderr.String())
			}
		})
	}
}

// TestCommandsShareTheParser: every command takes flags after its files,
// prints its help on stdout with status 0 and refuses an unknown flag with
// status 2.
func TestCommandsShareTheParser(t *testing.T) {
	for _, name := range []string{"inspect", "clean", "hash", "detect", "redact"} {
		var stdout, stderr bytes.Buffer
		if code := Run([]string{name, "x.jpg", "-h"}, &stdout, &stderr); code != 0 || !strings.Contains(strings.ToLower(stdout.String()), "usage: veil "+name) || stderr.Len() > 0 {
			t.Errorf("%s -h: exit %d, stdout %q, stderr %q", name, code, stdout.String(), stderr.String())
		}
		stdout.Reset()
		stderr.Reset()
		if code := Run([]string{name, "x.jpg", "--no-such-flag"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "no-such-flag") || stdout.Len() > 0 {
			t.Errorf("%s with an unknown flag: exit %d, stderr %q", name, code, stderr.String())
		}
	}
}

// TestProgramName: the command line alone (veil-cli) names itself in every
// usage text and offers no desktop app.
func TestProgramName(t *testing.T) {
	defer func(p string) { Program = p }(Program)
	Program = "veil-cli"
	var out, errs bytes.Buffer
	if Run([]string{"help"}, &out, &errs) != 0 || !strings.Contains(out.String(), "veil-cli COMMAND") ||
		strings.Contains(out.String(), "desktop app") || !strings.Contains(out.String(), `"veil-cli COMMAND -h"`) {
		t.Errorf("help:\n%s", out.String())
	}
	out.Reset()
	Run([]string{"hash", "-h"}, &out, &errs)
	if !strings.HasPrefix(out.String(), "Usage: veil-cli hash ") {
		t.Errorf("hash -h:\n%s", out.String())
	}
}
