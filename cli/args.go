package cli

import (
	"errors"
	"flag"
	"io"
	"strings"
)

// flags is one command's flag set and its usage text. Every command parses
// its arguments through it, so they all accept flags before or after the
// files, "--" before file names that start with a dash, -h for help on
// standard output, and say a usage error the same way.
type flags struct {
	*flag.FlagSet
	usage string
	// listFlags appends the flags' own descriptions to usage (commands
	// whose usage text describes its options itself leave it off).
	listFlags bool
}

func newFlags(name, usage string, listFlags bool) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {} // parse prints the usage itself, to the right stream
	return &flags{FlagSet: fs, usage: usage, listFlags: listFlags}
}

// parse parses args and returns the arguments that are not flags: the
// files, of which every command needs at least one. When the command must
// stop (help was asked for, a flag is wrong, no file was named) ok is false
// and status is the exit status: 0 after the usage on stdout, 2 after the
// flag package's one-line error (if any) and the usage on stderr.
func (f *flags) parse(args []string, stdout, stderr io.Writer) (rest []string, status int, ok bool) {
	f.SetOutput(stderr)
	err := f.Parse(f.reorder(args))
	switch {
	case errors.Is(err, flag.ErrHelp):
		f.printUsage(stdout)
		return nil, 0, false
	case err != nil:
		f.printUsage(stderr)
		return nil, 2, false
	case f.NArg() == 0:
		return nil, f.usageError(stderr), false
	}
	return f.Args(), 0, true
}

// usageError prints the usage on stderr and returns the usage-error status,
// for a command line that parsed but lacks something required.
func (f *flags) usageError(stderr io.Writer) int {
	f.printUsage(stderr)
	return 2
}

func (f *flags) printUsage(w io.Writer) {
	io.WriteString(w, strings.Replace(f.usage, "Usage: veil ", "Usage: "+Program+" ", 1))
	if f.listFlags {
		out := f.Output()
		f.SetOutput(w)
		f.PrintDefaults()
		f.SetOutput(out)
	}
}

// reorder moves every flag (with its value, for flags that take one) before
// the other arguments, so "veil clean photo.jpg -o out" parses as users
// expect; after "--" everything is an argument.
func (f *flags) reorder(args []string) []string {
	var fl, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		fl = append(fl, a)
		name, _, inline := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		if !inline && f.takesValue(name) {
			if i+1 == len(args) {
				return fl // its value is missing: the flag must end the list, not take "--"
			}
			i++
			fl = append(fl, args[i])
		}
	}
	return append(append(fl, "--"), rest...)
}

// takesValue reports whether name is a flag that takes a value (any but a
// boolean flag).
func (f *flags) takesValue(name string) bool {
	fl := f.Lookup(name)
	if fl == nil {
		return false
	}
	b, ok := fl.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}
