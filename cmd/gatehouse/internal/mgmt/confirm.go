package mgmt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNoTerminal is returned by [Confirm] when there is nobody to ask: stdin is not a
// terminal and -y was not given.
var ErrNoTerminal = errors.New("mgmt: confirmation needed, but stdin is not a terminal")

// Confirm asks question on out, followed by " [y/N] ", and reports whether the answer
// read from in is y or yes (in any case). Anything else, or end of input, is no. When
// interactive is false it asks nothing and returns [ErrNoTerminal], so that a script
// never deletes by accident: it must say -y.
func Confirm(in io.Reader, out io.Writer, interactive bool, question string) (bool, error) {
	if !interactive {
		return false, ErrNoTerminal
	}
	fmt.Fprint(out, question+" [y/N] ")
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("mgmt: read the answer: %w", err)
	}
	if errors.Is(err, io.EOF) {
		fmt.Fprintln(out)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}
