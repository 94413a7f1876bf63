package store

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckSQLiteFileTrustsItsLog: a database file whose first page a
// power cut left unwritten is opened when a write-ahead log lies beside
// it (SQLite restores the page from the log), and refused when none does
// or the file beside it is no log: a wrong file stays untouched.
func TestCheckSQLiteFileTrustsItsLog(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header []byte
		wal    []byte // nil: no file beside
		ok     bool
	}{
		{"a database", []byte(sqliteHeader), nil, true},
		{"first page unwritten, no log", make([]byte, 16), nil, false},
		{"first page unwritten, a log beside", make([]byte, 16), walMagic(0x377f0682), true},
		{"first page unwritten, the other byte order", make([]byte, 16), walMagic(0x377f0683), true},
		{"not a database, junk beside", []byte("hello, world....."), []byte("junk"), false},
		{"not a database, an empty file beside", []byte("hello, world....."), []byte{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "probity.db")
			if err := os.WriteFile(path, append(tc.header, make([]byte, 4096)...), 0o600); err != nil {
				t.Fatal(err)
			}
			if tc.wal != nil {
				if err := os.WriteFile(path+"-wal", tc.wal, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := checkSQLiteFile(path)
			if tc.ok && err != nil {
				t.Errorf("refused: %v", err)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), "not a SQLite database")) {
				t.Errorf("accepted, or refused with the wrong words: %v", err)
			}
		})
	}
}

func walMagic(m uint32) []byte {
	b := make([]byte, 32)
	binary.BigEndian.PutUint32(b, m)
	return b
}
