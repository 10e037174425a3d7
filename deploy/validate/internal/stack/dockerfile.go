package stack

import (
	"bufio"
	"os"
	"strings"
)

// instruction is one Dockerfile instruction with its continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, ARG, RUN...
	args string
}

func readDockerfile(path string) ([]instruction, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ins []instruction
	var line strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(text, "#") || (text == "" && line.Len() == 0) {
			continue
		}
		if cont, ok := strings.CutSuffix(text, `\`); ok {
			line.WriteString(cont + " ")
			continue
		}
		line.WriteString(text)
		cmd, args, _ := strings.Cut(strings.TrimSpace(line.String()), " ")
		ins = append(ins, instruction{strings.ToUpper(cmd), strings.TrimSpace(args)})
		line.Reset()
	}
	return ins, sc.Err()
}

// dockerfileArgs returns the names the Dockerfile declares with ARG, in any stage.
func dockerfileArgs(path string) (map[string]bool, error) {
	ins, err := readDockerfile(path)
	if err != nil {
		return nil, err
	}
	args := map[string]bool{}
	for _, in := range ins {
		if in.cmd == "ARG" {
			name, _, _ := strings.Cut(in.args, "=")
			args[name] = true
		}
	}
	return args, nil
}

// CheckDockerfile returns the Dockerfile's problems against the image rules: the binary is
// built static (CGO_ENABLED=0), and the final stage is distroless (no shell), sets a non-root
// USER and an exec-form ENTRYPOINT (a shell form would need the shell that is not there).
func CheckDockerfile(path string) ([]string, error) {
	ins, err := readDockerfile(path)
	if err != nil {
		return nil, err
	}
	last := -1
	static := false
	for i, in := range ins {
		switch in.cmd {
		case "FROM":
			last = i
		case "RUN":
			static = static || strings.Contains(in.args, "CGO_ENABLED=0")
		}
	}
	if last < 0 {
		return []string{"no FROM"}, nil
	}
	var ps []string
	if !static {
		ps = append(ps, "no RUN builds with CGO_ENABLED=0, so the binary may need a libc the final image lacks")
	}
	if !strings.HasPrefix(ins[last].args, "gcr.io/distroless/") {
		ps = append(ps, "final stage "+ins[last].args+" is not distroless")
	}
	user, entry := "", ""
	for _, in := range ins[last:] {
		switch in.cmd {
		case "USER":
			user = in.args
		case "ENTRYPOINT":
			entry = in.args
		}
	}
	if u, _, _ := strings.Cut(user, ":"); u == "" || u == "root" || u == "0" {
		ps = append(ps, "final stage does not set a non-root USER")
	}
	if !strings.HasPrefix(entry, "[") {
		ps = append(ps, "final stage has no exec-form ENTRYPOINT")
	}
	return ps, nil
}
