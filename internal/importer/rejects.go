package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// rejectFile writes rows that could not be imported: file, line, reason
// and the row as read. Rows can hold personal data (the Philadelphia
// summaries name complainants' initials, age, race and sex), so the file
// is readable by its owner only, and rows are never printed or logged.
type rejectFile struct {
	path string
	f    *os.File
	w    *csv.Writer
	n    int
}

// openRejects creates the reject file at once, so that an unwritable path
// stops the import before it writes anything. An import with no rejects
// removes it again.
func openRejects(path string) (*rejectFile, error) {
	if path == "" {
		return &rejectFile{}, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("reject file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("reject file: %w", err)
	}
	// An existing file keeps its mode through O_CREATE; make it private.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("reject file: %w", err)
	}
	r := &rejectFile{path: path, f: f, w: csv.NewWriter(f)}
	if err := r.w.Write([]string{"file", "line", "reason", "row"}); err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

func (r *rejectFile) add(rec record, reason string) error {
	r.n++
	if r.w == nil {
		return nil
	}
	var raw string
	if rec.fields != nil {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		_ = w.Write(rec.fields)
		w.Flush()
		raw = strings.TrimRight(b.String(), "\r\n")
	}
	return r.w.Write([]string{rec.part, strconv.Itoa(rec.line), reason, raw})
}

// close finishes the file; it returns the path, or "" when nothing was
// rejected and the file was removed.
func (r *rejectFile) close() (string, error) {
	if r.f == nil {
		return "", nil
	}
	r.w.Flush()
	err := errors.Join(r.w.Error(), r.f.Close())
	if r.n == 0 {
		return "", errors.Join(err, os.Remove(r.path))
	}
	return r.path, err
}
