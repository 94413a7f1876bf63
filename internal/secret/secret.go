// Package secret reads a secret given either inline (NAME) or in a file
// (NAME_FILE). Exactly one must be set: with both, an operator rotating
// one would not notice that the other is the one in use.
package secret

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrMissing means neither the value nor the file was given.
var ErrMissing = errors.New("not set")

// Read returns the secret named name (e.g. PROBITY_DATA_KEY) from value or
// from the file at path. Errors name the variable, never the secret.
func Read(name, value, path string) (string, error) {
	switch {
	case value == "" && path == "":
		return "", fmt.Errorf("%s or %s_FILE: %w", name, name, ErrMissing)
	case value != "" && path != "":
		return "", fmt.Errorf("both %s and %s_FILE are set; use only one", name, name)
	case value != "":
		return value, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", name, err)
	}
	defer clear(data)
	// A trailing newline is how editors and `echo` leave files; it is
	// never part of the secret.
	return strings.TrimRight(string(data), "\r\n"), nil
}

// Source names where a secret came from, for error messages: the variable,
// or the file its _FILE form named.
func Source(name, file string) string {
	if file != "" {
		return name + "_FILE " + file
	}
	return name
}
