// Package cli is Veil's command-line front end: one file per command, each
// registering itself in the command table.
package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Version is Veil's version, shown by "veil version".
const Version = "0.1.0"

// Program is the command's name in usage texts: "veil", which also opens
// the desktop app, or "veil-cli", the command line alone (cmd/veil-cli:
// Windows' console program beside the windowed veil.exe).
var Program = "veil"

// command is one subcommand of veil.
type command struct {
	name    string
	summary string
	// run executes the command with its arguments (without the command name)
	// and returns the process exit status.
	run func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

// register adds a command to the table; each command file calls it from init.
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("cli: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

func init() {
	register(command{name: "help", summary: "show this help", run: func(_ []string, stdout, _ io.Writer) int {
		usage(stdout)
		return 0
	}})
	register(command{name: "version", summary: "print Veil's version", run: func(_ []string, stdout, _ io.Writer) int {
		fmt.Fprintln(stdout, "veil", Version)
		return 0
	}})
}

// IsCommand reports whether name is a veil subcommand (or a help flag), so that
// main can tell a command line from files to open in the app.
func IsCommand(name string) bool {
	switch name {
	case "-h", "-help", "--help":
		return true
	}
	_, ok := commands[name]
	return ok
}

// Run runs the command line args (args[0] is the subcommand) and returns the exit status.
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "veil: unknown command %q (try \"veil help\")\n", args[0])
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("Veil makes photos safe to share or to report, entirely on this computer.\n\n")
	if Program == "veil" {
		b.WriteString("Usage:\n  veil [FILE...]            open the desktop app\n  veil COMMAND [options]    run a command\n\nCommands:\n")
	} else {
		fmt.Fprintf(&b, "Usage:\n  %s COMMAND [options]\n\nCommands:\n", Program)
	}
	for _, n := range names {
		fmt.Fprintf(&b, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(&b, "\nRun \"%s COMMAND -h\" for a command's options.\n", Program)
	io.WriteString(w, b.String())
}
