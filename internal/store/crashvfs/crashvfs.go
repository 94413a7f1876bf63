// Package crashvfs is a SQLite VFS for tests that loses power on demand.
//
// It is a shim over the driver's own unix VFS: every call goes through to
// the real file, so SQLite runs exactly as it does in production, while the
// shim keeps, for the main database file and its WAL, an image in memory of
// what is durable (the content as of the file's last xSync) and the list of
// writes and truncations made since. At a chosen write or sync it "loses
// power": it builds what the disk could hold after the cut, which is the
// durable image with each unsynced write kept, dropped or torn sector by
// sector (a torn sector holds the new bytes, the old ones or garbage), as
// SQLite's own crash tests do, and from then on every write, sync and
// truncation fails, as nothing more can reach a disk without power. The
// test writes that image to a directory and opens it as a database.
//
// xSync is recorded, not passed to the disk: durability is what the shim's
// image says, not what the host's disk does, and skipping the real fsync
// lets a thousand crashes run in minutes.
//
// The VFS is registered once per process; tests that use it run one at a
// time (Reset starts a new run).
package crashvfs

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Name is the name the VFS is registered under: open a database with the
// DSN parameter vfs=Name.
const Name = "probity-crash"

// header is the shim's part of each open file, in front of the real
// file's: the io-methods pointer SQLite calls and the shim's handle.
const header = 16

const sector = 512

type change struct {
	off      int64
	data     []byte
	truncate bool // data is nil; off is the new size
}

type fileState struct {
	durable []byte
	pending []change
	syncs   int
}

type openFile struct {
	path  string
	state *fileState // nil when the file is not tracked
}

// VFS is the process's one crash-simulating VFS.
type VFS struct {
	mu      sync.Mutex
	files   map[string]*fileState
	handles map[uintptr]*openFile
	next    uintptr
	ops     int
	crashAt int // 0: never
	dead    bool
	image   map[string][]byte
	rng     *rand.Rand
	torn    bool
	// Kept and Dropped count the unsynced writes the last cut kept (in
	// whole or in part) and dropped.
	Kept, Dropped int
}

var (
	the      = &VFS{files: map[string]*fileState{}, handles: map[uintptr]*openFile{}}
	register sync.Once
	regErr   error
	realVFS  *sqlite3.Tsqlite3_vfs
	realPtr  uintptr
	methods  sqlite3.Tsqlite3_io_methods
)

// Register registers the VFS (once) and returns it.
func Register() (*VFS, error) {
	register.Do(func() { regErr = doRegister() })
	return the, regErr
}

func ptr(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

func doRegister() error {
	tls := libc.NewTLS()
	defer tls.Close()
	if rc := sqlite3.Xsqlite3_initialize(tls); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("sqlite3_initialize: %d", rc)
	}
	realPtr = sqlite3.Xsqlite3_vfs_find(tls, 0)
	if realPtr == 0 {
		return fmt.Errorf("no default VFS")
	}
	realVFS = (*sqlite3.Tsqlite3_vfs)(ptr(realPtr))
	size := unsafe.Sizeof(sqlite3.Tsqlite3_vfs{})
	mem := libc.Xmalloc(tls, libc.Tsize_t(size))
	if mem == 0 {
		return fmt.Errorf("out of memory")
	}
	v := (*sqlite3.Tsqlite3_vfs)(ptr(mem))
	*v = *realVFS
	v.FpNext = 0
	name, err := libc.CString(Name)
	if err != nil {
		return err
	}
	v.FzName = name
	v.FszOsFile = realVFS.FszOsFile + header
	*(*func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32)(unsafe.Pointer(&v.FxOpen)) = xOpen

	methods.FiVersion = 3
	*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&methods.FxClose)) = xClose
	*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&methods.FxRead)) = xRead
	*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&methods.FxWrite)) = xWrite
	*(*func(*libc.TLS, uintptr, int64) int32)(unsafe.Pointer(&methods.FxTruncate)) = xTruncate
	*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&methods.FxSync)) = xSync
	*(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&methods.FxFileSize)) = xFileSize
	*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&methods.FxLock)) = xLock
	*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&methods.FxUnlock)) = xUnlock
	*(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&methods.FxCheckReservedLock)) = xCheckReservedLock
	*(*func(*libc.TLS, uintptr, int32, uintptr) int32)(unsafe.Pointer(&methods.FxFileControl)) = xFileControl
	*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&methods.FxSectorSize)) = xSectorSize
	*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&methods.FxDeviceCharacteristics)) = xDeviceCharacteristics
	*(*func(*libc.TLS, uintptr, int32, int32, int32, uintptr) int32)(unsafe.Pointer(&methods.FxShmMap)) = xShmMap
	*(*func(*libc.TLS, uintptr, int32, int32, int32) int32)(unsafe.Pointer(&methods.FxShmLock)) = xShmLock
	*(*func(*libc.TLS, uintptr))(unsafe.Pointer(&methods.FxShmBarrier)) = xShmBarrier
	*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&methods.FxShmUnmap)) = xShmUnmap
	*(*func(*libc.TLS, uintptr, int64, int32, uintptr) int32)(unsafe.Pointer(&methods.FxFetch)) = xFetch
	*(*func(*libc.TLS, uintptr, int64, uintptr) int32)(unsafe.Pointer(&methods.FxUnfetch)) = xUnfetch

	if rc := sqlite3.Xsqlite3_vfs_register(tls, mem, 0); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("registering the crash VFS: %d", rc)
	}
	return nil
}

// Reset starts a new run: no file is tracked, nothing has been written,
// and the power stays on until Arm. torn chooses how unsynced writes
// survive the cut: whole writes kept or dropped, or each sector kept,
// dropped or left as garbage.
func (v *VFS) Reset(seed uint64, torn bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.files = map[string]*fileState{}
	v.ops, v.crashAt, v.dead, v.image = 0, 0, false, nil
	v.rng = rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	v.torn = torn
	v.Kept, v.Dropped = 0, 0
}

// Arm cuts the power at the n-th write, truncation or sync of a tracked
// file from now on (n >= 1).
func (v *VFS) Arm(n int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.crashAt = v.ops + n
}

// Ops is the number of writes, truncations and syncs of tracked files so
// far in this run.
func (v *VFS) Ops() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.ops
}

// Dead reports whether the power has been cut.
func (v *VFS) Dead() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.dead
}

// CutNow cuts the power at once, if it is still on.
func (v *VFS) CutNow() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.dead {
		v.cut()
	}
}

// WriteImage writes what the disk held when the power went, each tracked
// file under its own base name in dir.
func (v *VFS) WriteImage(dir string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.dead {
		return fmt.Errorf("the power is still on")
	}
	for path, b := range v.image {
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(path)), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// cut builds the image; v.mu is held.
func (v *VFS) cut() {
	v.dead = true
	v.image = map[string][]byte{}
	for path, st := range v.files {
		img := append([]byte(nil), st.durable...)
		for _, c := range st.pending {
			if c.truncate {
				if v.rng.IntN(2) == 0 {
					v.Dropped++
					continue
				}
				v.Kept++
				img = resize(img, c.off)
				continue
			}
			if !v.torn {
				if v.rng.IntN(2) == 0 {
					v.Dropped++
					continue
				}
				v.Kept++
				img = put(img, c.off, c.data)
				continue
			}
			kept := false
			for s := 0; s < len(c.data); s += sector {
				part := c.data[s:min(s+sector, len(c.data))]
				switch r := v.rng.IntN(10); {
				case r < 5: // the new bytes reached the platter
					img = put(img, c.off+int64(s), part)
					kept = true
				case r < 9: // they did not
				default: // the sector was being written: garbage
					junk := make([]byte, len(part))
					for i := range junk {
						junk[i] = byte(v.rng.Uint32())
					}
					img = put(img, c.off+int64(s), junk)
					kept = true
				}
			}
			if kept {
				v.Kept++
			} else {
				v.Dropped++
			}
		}
		v.image[path] = img
	}
}

func resize(b []byte, n int64) []byte {
	if int64(len(b)) >= n {
		return b[:n]
	}
	return append(b, make([]byte, n-int64(len(b)))...)
}

func put(b []byte, off int64, data []byte) []byte {
	if end := off + int64(len(data)); int64(len(b)) < end {
		b = resize(b, end)
	}
	copy(b[off:], data)
	return b
}

// record notes a write or truncation of a tracked file; it reports false
// when the power is off (or goes off now) and the call must fail.
func (v *VFS) record(st *fileState, c change) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.dead {
		return false
	}
	v.ops++
	st.pending = append(st.pending, c)
	if v.ops == v.crashAt {
		v.cut()
		return false
	}
	return true
}

func (v *VFS) sync(st *fileState) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.dead {
		return false
	}
	v.ops++
	if v.ops == v.crashAt {
		v.cut()
		return false
	}
	for _, c := range st.pending {
		if c.truncate {
			st.durable = resize(st.durable, c.off)
		} else {
			st.durable = put(st.durable, c.off, c.data)
		}
	}
	st.pending = nil
	st.syncs++
	return true
}

// Syncs counts the syncs of each tracked file in this run, by base name
// ("probity.db", "probity.db-wal"): a sync of the database file itself
// means a checkpoint ran.
func (v *VFS) Syncs() map[string]int {
	v.mu.Lock()
	defer v.mu.Unlock()
	m := map[string]int{}
	for path, st := range v.files {
		m[filepath.Base(path)] = st.syncs
	}
	return m
}

func lookup(p uintptr) *openFile {
	h := *(*uintptr)(ptr(p + 8))
	the.mu.Lock()
	defer the.mu.Unlock()
	return the.handles[h]
}

func real(p uintptr) uintptr { return p + header }

func realMethods(p uintptr) *sqlite3.Tsqlite3_io_methods {
	return (*sqlite3.Tsqlite3_io_methods)(ptr(*(*uintptr)(ptr(real(p)))))
}

func xOpen(tls *libc.TLS, pVfs, zName, pFile uintptr, flags int32, pOutFlags uintptr) int32 {
	*(*uintptr)(ptr(pFile)) = 0
	*(*uintptr)(ptr(pFile + 8)) = 0
	*(*uintptr)(ptr(real(pFile))) = 0
	open := *(*func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32)(unsafe.Pointer(&realVFS.FxOpen))
	rc := open(tls, realPtr, zName, real(pFile), flags, pOutFlags)
	if *(*uintptr)(ptr(real(pFile))) == 0 {
		return rc // nothing to close
	}
	of := &openFile{}
	if zName != 0 {
		of.path = libc.GoString(zName)
	}
	the.mu.Lock()
	if rc == sqlite3.SQLITE_OK && of.path != "" && flags&(sqlite3.SQLITE_OPEN_MAIN_DB|sqlite3.SQLITE_OPEN_WAL) != 0 {
		st := the.files[of.path]
		if st == nil {
			// What is on the disk when the run first opens the file is
			// durable: the test made it before the run, or it is new.
			b, _ := os.ReadFile(of.path)
			st = &fileState{durable: b}
			the.files[of.path] = st
		}
		of.state = st
	}
	the.next++
	h := the.next
	the.handles[h] = of
	the.mu.Unlock()
	*(*uintptr)(ptr(pFile + 8)) = h
	*(*uintptr)(ptr(pFile)) = uintptr(unsafe.Pointer(&methods))
	return rc
}

func xClose(tls *libc.TLS, p uintptr) int32 {
	m := realMethods(p)
	rc := (*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&m.FxClose)))(tls, real(p))
	h := *(*uintptr)(ptr(p + 8))
	the.mu.Lock()
	delete(the.handles, h)
	the.mu.Unlock()
	return rc
}

func xRead(tls *libc.TLS, p, buf uintptr, n int32, off int64) int32 {
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&m.FxRead)))(tls, real(p), buf, n, off)
}

func xWrite(tls *libc.TLS, p, buf uintptr, n int32, off int64) int32 {
	if of := lookup(p); of != nil && of.state != nil {
		data := append([]byte(nil), unsafe.Slice((*byte)(ptr(buf)), n)...)
		if !the.record(of.state, change{off: off, data: data}) {
			return sqlite3.SQLITE_IOERR_WRITE
		}
	}
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&m.FxWrite)))(tls, real(p), buf, n, off)
}

func xTruncate(tls *libc.TLS, p uintptr, size int64) int32 {
	if of := lookup(p); of != nil && of.state != nil {
		if !the.record(of.state, change{off: size, truncate: true}) {
			return sqlite3.SQLITE_IOERR_TRUNCATE
		}
	}
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr, int64) int32)(unsafe.Pointer(&m.FxTruncate)))(tls, real(p), size)
}

func xSync(tls *libc.TLS, p uintptr, flags int32) int32 {
	if of := lookup(p); of != nil && of.state != nil {
		if !the.sync(of.state) {
			return sqlite3.SQLITE_IOERR_FSYNC
		}
		return sqlite3.SQLITE_OK
	}
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&m.FxSync)))(tls, real(p), flags)
}

func xFileSize(tls *libc.TLS, p, out uintptr) int32 {
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&m.FxFileSize)))(tls, real(p), out)
}

func xLock(tls *libc.TLS, p uintptr, l int32) int32 {
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&m.FxLock)))(tls, real(p), l)
}

func xUnlock(tls *libc.TLS, p uintptr, l int32) int32 {
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&m.FxUnlock)))(tls, real(p), l)
}

func xCheckReservedLock(tls *libc.TLS, p, out uintptr) int32 {
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&m.FxCheckReservedLock)))(tls, real(p), out)
}

func xFileControl(tls *libc.TLS, p uintptr, op int32, arg uintptr) int32 {
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr, int32, uintptr) int32)(unsafe.Pointer(&m.FxFileControl)))(tls, real(p), op, arg)
}

func xSectorSize(tls *libc.TLS, p uintptr) int32 {
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&m.FxSectorSize)))(tls, real(p))
}

func xDeviceCharacteristics(tls *libc.TLS, p uintptr) int32 {
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&m.FxDeviceCharacteristics)))(tls, real(p))
}

func xShmMap(tls *libc.TLS, p uintptr, pg, size, extend int32, pp uintptr) int32 {
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr, int32, int32, int32, uintptr) int32)(unsafe.Pointer(&m.FxShmMap)))(tls, real(p), pg, size, extend, pp)
}

func xShmLock(tls *libc.TLS, p uintptr, off, n, flags int32) int32 {
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr, int32, int32, int32) int32)(unsafe.Pointer(&m.FxShmLock)))(tls, real(p), off, n, flags)
}

func xShmBarrier(tls *libc.TLS, p uintptr) {
	m := realMethods(p)
	(*(*func(*libc.TLS, uintptr))(unsafe.Pointer(&m.FxShmBarrier)))(tls, real(p))
}

func xShmUnmap(tls *libc.TLS, p uintptr, del int32) int32 {
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&m.FxShmUnmap)))(tls, real(p), del)
}

func xFetch(tls *libc.TLS, p uintptr, off int64, n int32, pp uintptr) int32 {
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr, int64, int32, uintptr) int32)(unsafe.Pointer(&m.FxFetch)))(tls, real(p), off, n, pp)
}

func xUnfetch(tls *libc.TLS, p uintptr, off int64, q uintptr) int32 {
	m := realMethods(p)
	return (*(*func(*libc.TLS, uintptr, int64, uintptr) int32)(unsafe.Pointer(&m.FxUnfetch)))(tls, real(p), off, q)
}
