// Package command is the tansiq operator CLI: its subcommands, global flags and exit
// codes. cmd/tansiq only hands it the process's arguments and streams.
package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/tansiq/tansiq/cli/internal/problem"
)

// env is what a command runs with.
type env struct {
	ctx            context.Context
	g              *globals
	stdout, stderr io.Writer
}

// leaf is a runnable command: its flags are declared on fs, then run gets the remaining
// arguments.
type leaf struct {
	usage   string // "incidents list [--filter F]"
	summary string // one line, for `tansiq help`
	details string // more, for `tansiq COMMAND -h`
	flags   func(fs *flag.FlagSet) func(e *env, args []string) error
}

// commands by their path, "incidents list".
var commands = map[string]leaf{}

func register(path string, l leaf) { commands[path] = l }

// Main runs the CLI with args (without the program name) and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := Run(ctx, args, stdout, stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) && !errors.Is(err, errReported) {
		fmt.Fprintln(stderr, "tansiq: "+problem.Describe(err))
		var u *problem.UsageError
		if errors.As(err, &u) {
			fmt.Fprintln(stderr, "run 'tansiq help' for the commands")
		}
	}
	var partial *partialError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return problem.ExitOK
	case errors.As(err, &partial):
		return problem.ExitPartial
	}
	return problem.ExitCode(err)
}

// errReported is an error already shown to the person.
var errReported = errors.New("reported")

// partialError is an import that finished with failed rows, already reported.
type partialError struct{ failed int }

func (e *partialError) Error() string { return fmt.Sprintf("%d rows failed", e.failed) }
func (e *partialError) Unwrap() error { return errReported }

// Run runs the CLI and returns its error; Main maps it to an exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	g := newGlobals()
	top := flag.NewFlagSet("tansiq", flag.ContinueOnError)
	// The flag package's own messages are discarded: Main prints the error once, and the
	// Usage functions write to stderr themselves.
	top.SetOutput(io.Discard)
	g.register(top)
	top.Usage = func() { usage(stderr, top) }
	if err := top.Parse(args); err != nil {
		return usageErr(err)
	}
	args = top.Args()
	if len(args) == 0 || args[0] == "help" {
		usage(stdout, top)
		if len(args) == 0 {
			return problem.Usagef("no command given")
		}
		return nil
	}
	// The command path is the longest run of words that names a command.
	path := ""
	for i := 0; i < len(args) && i < 2; i++ {
		p := strings.TrimSpace(path + " " + args[i])
		if _, ok := commands[p]; ok || hasPrefix(p) {
			path = p
			continue
		}
		break
	}
	l, ok := commands[path]
	if !ok {
		if path != "" {
			return problem.Usagef("%q needs a subcommand: %s", path, strings.Join(subcommands(path), ", "))
		}
		return problem.Usagef("unknown command %q", args[0])
	}
	rest := args[len(strings.Fields(path)):]
	fs := flag.NewFlagSet("tansiq "+path, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	run := l.flags(fs)
	g.register(fs) // global flags may also follow the command
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: tansiq %s\n\n%s\n", l.usage, l.summary)
		if l.details != "" {
			fmt.Fprintf(stderr, "\n%s\n", l.details)
		}
		fmt.Fprint(stderr, "\nflags:\n")
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	if err := fs.Parse(interleave(fs, rest)); err != nil {
		return usageErr(err)
	}
	return run(&env{ctx: ctx, g: g, stdout: stdout, stderr: stderr}, fs.Args())
}

// interleave moves flags after positional arguments to the front, so that
// "deployments ack NAME --note x" parses like "deployments ack --note x NAME", as people
// type it.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && !isBool(f) && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(flags, append([]string{"--"}, positional...)...)
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func usageErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return problem.Usagef("%v", err)
}

func hasPrefix(p string) bool {
	for c := range commands {
		if strings.HasPrefix(c, p+" ") {
			return true
		}
	}
	return false
}

func subcommands(p string) []string {
	var out []string
	for c := range commands {
		if strings.HasPrefix(c, p+" ") {
			out = append(out, strings.TrimPrefix(c, p+" "))
		}
	}
	return sorted(out)
}
