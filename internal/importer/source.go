package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"unicode/utf8"
)

// part is one physical file of a table: a file on disk or a zip member.
type part struct {
	name string // what rejects and errors call it
	open func() (io.ReadCloser, error)
}

// table is one FileSpec opened: its parts and its columns.
type table struct {
	spec  FileSpec
	parts []part
	cols  map[string]int
	width int // fields every row must have
}

// inputs holds the opened tables and what must be closed afterwards.
type inputs struct {
	tables map[string]*table
	closer io.Closer
}

func (in *inputs) Close() error {
	if in.closer != nil {
		return in.closer.Close()
	}
	return nil
}

// InputError is a problem with the files given: a missing file, a zip
// without the expected members, a header without a column the mapping
// names, a truncated archive. Nothing has been written when it is returned.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErr(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// openInputs matches the command line's files to the mapping's: one zip
// when the mapping names members, else one path per file, in order.
func openInputs(m *Mapping, paths []string) (*inputs, error) {
	in := &inputs{tables: map[string]*table{}}
	zipped := len(m.Files) > 0 && m.Files[0].Member != ""
	if zipped {
		if len(paths) != 1 {
			return nil, inputErr("this mapping reads one zip archive; %d files were given", len(paths))
		}
		zr, err := zip.OpenReader(paths[0])
		if err != nil {
			return nil, inputErr("%s: not a readable zip archive: %v", paths[0], err)
		}
		in.closer = zr
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		sort.Strings(names)
		for _, spec := range m.Files {
			t := &table{spec: spec}
			for _, name := range names {
				if ok, _ := matchMember(spec.Member, name); !ok {
					continue
				}
				member := name
				t.parts = append(t.parts, part{name: path.Base(paths[0]) + ":" + member, open: func() (io.ReadCloser, error) {
					return zr.Open(member)
				}})
			}
			if len(t.parts) == 0 {
				zr.Close()
				return nil, inputErr("%s has no member matching %q (file %s); it holds: %s",
					paths[0], spec.Member, spec.Name, strings.Join(names, ", "))
			}
			in.tables[spec.Name] = t
		}
	} else {
		if len(paths) != len(m.Files) {
			var want []string
			for _, f := range m.Files {
				want = append(want, strings.ToUpper(f.Name))
			}
			return nil, inputErr("this mapping reads %d files (%s); %d were given", len(m.Files), strings.Join(want, " "), len(paths))
		}
		for i, spec := range m.Files {
			p := paths[i]
			st, err := os.Stat(p)
			if err != nil {
				return nil, inputErr("%s (file %s): %v", p, spec.Name, errors.Unwrap(err))
			}
			if st.IsDir() {
				return nil, inputErr("%s (file %s) is a directory", p, spec.Name)
			}
			in.tables[spec.Name] = &table{spec: spec, parts: []part{{name: p, open: func() (io.ReadCloser, error) { return os.Open(p) }}}}
		}
	}
	for _, spec := range m.Files {
		if err := in.tables[spec.Name].readColumns(); err != nil {
			in.Close()
			return nil, err
		}
	}
	return in, nil
}

// matchMember matches a glob against a member's base name, so that
// "*_complaint.csv" finds it in any folder of the archive.
func matchMember(glob, name string) (bool, error) {
	return path.Match(glob, path.Base(name))
}

// readColumns learns the table's columns: from the mapping for a file
// without a header, else from each part's header row, which must agree and
// hold every column the mapping lists.
func (t *table) readColumns() error {
	if !t.spec.Header {
		t.setColumns(t.spec.Columns)
		return nil
	}
	var first []string
	for _, p := range t.parts {
		rc, r, err := t.reader(p)
		if err != nil {
			return err
		}
		head, err := r.Read()
		rc.Close()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return inputErr("%s: empty; expected a header row", p.name)
			}
			return inputErr("%s: reading the header: %v", p.name, err)
		}
		for i := range head {
			head[i] = strings.TrimSpace(strings.TrimPrefix(head[i], "\uFEFF"))
		}
		if first == nil {
			first = head
		} else if !slicesEqual(first, head) {
			return inputErr("%s: header differs from %s's", p.name, t.parts[0].name)
		}
	}
	t.setColumns(first)
	for _, c := range t.spec.Columns {
		if _, ok := t.cols[c]; !ok {
			return inputErr("%s: no column %q in its header (file %s); it has: %s", t.parts[0].name, c, t.spec.Name, strings.Join(first, ", "))
		}
	}
	return nil
}

func (t *table) setColumns(cols []string) {
	t.cols = map[string]int{}
	for i, c := range cols {
		if _, dup := t.cols[c]; !dup {
			t.cols[c] = i
		}
	}
	t.width = len(cols)
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// reader opens a part, unwrapping gzip when its first bytes say so.
func (t *table) reader(p part) (io.Closer, *csv.Reader, error) {
	f, err := p.open()
	if err != nil {
		return nil, nil, inputErr("%s: %v", p.name, err)
	}
	br := bufio.NewReaderSize(f, 256<<10)
	var r io.Reader = br
	closer := io.Closer(f)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, inputErr("%s: not a readable gzip file: %v", p.name, err)
		}
		r = bufio.NewReaderSize(gz, 256<<10)
		closer = multiCloser{gz, f}
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked here, so a short row is rejected rather than fatal
	cr.ReuseRecord = false
	if t.spec.Comma != "" {
		cr.Comma, _ = utf8.DecodeRuneInString(t.spec.Comma)
	}
	return closer, cr, nil
}

type multiCloser []io.Closer

func (m multiCloser) Close() error {
	var errs []error
	for _, c := range m {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// record is one row as read, or the reason it could not be.
type record struct {
	part   string
	line   int
	fields []string
	bad    string // why the row cannot be used; "" when it can
}

// scan calls fn for every data row of every part. A row with the wrong
// number of fields, or that is not valid CSV, comes with bad set; a file
// that cannot be read to its end (a truncated gzip, a corrupt zip member)
// is an InputError. When strictFirst is set, a first row of the wrong
// width is an InputError too: the whole file is then not what the mapping
// describes, and rejecting every row one by one would hide that.
func (t *table) scan(ctx context.Context, strictFirst bool, fn func(record) error) error {
	for _, p := range t.parts {
		if err := t.scanPart(ctx, p, strictFirst, fn); err != nil {
			return err
		}
	}
	return nil
}

func (t *table) scanPart(ctx context.Context, p part, strictFirst bool, fn func(record) error) error {
	rc, r, err := t.reader(p)
	if err != nil {
		return err
	}
	defer rc.Close()
	first := true
	line := 0
	if t.spec.Header {
		if _, err := r.Read(); err != nil {
			return inputErr("%s: reading the header: %v", p.name, err)
		}
		line, _ = r.FieldPos(0)
	}
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		fields, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		rec := record{part: p.name, fields: fields}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			line = pe.StartLine
			rec.bad = "not valid CSV: " + pe.Err.Error()
		case err != nil:
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
				return inputErr("%s: truncated or corrupt after line %d: %v", p.name, line, err)
			}
			return inputErr("%s: reading after line %d: %v", p.name, line, err)
		default:
			// FieldPos is only safe to ask of a record read without error.
			line, _ = r.FieldPos(0)
			if len(fields) != t.width {
				rec.bad = fmt.Sprintf("has %d fields, expected %d", len(fields), t.width)
			}
		}
		rec.line = line
		if first && strictFirst && rec.bad != "" {
			what := "the mapping's columns"
			if t.spec.Header {
				what = "the header"
			}
			return inputErr("%s line %d: %s (from %s): this is not the file the mapping describes as %s",
				p.name, rec.line, rec.bad, what, t.spec.Name)
		}
		first = false
		if err := fn(rec); err != nil {
			return err
		}
	}
}
