package storetest

import (
	"bytes"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"
)

// MountTmpfs mounts a tmpfs of the given size ("48m") on a new directory
// directly under the system's temporary directory, so that a PostgreSQL
// server running as its own user can reach it, and unmounts it when the
// test ends. Mounting needs root (CAP_SYS_ADMIN); without it the test is
// skipped, saying why: a full disk is tested on a real file system, not
// a simulated one.
func MountTmpfs(t testing.TB, size string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "probity-tmpfs-")
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		_ = os.Remove(dir)
		t.Skipf("a disk-full test needs a small tmpfs, and mounting one failed (run as root): %v", err)
	}
	t.Cleanup(func() {
		defer os.Remove(dir)
		for range 50 {
			if err := syscall.Unmount(dir, 0); err == nil || errors.Is(err, syscall.EINVAL) {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		_ = syscall.Unmount(dir, syscall.MNT_DETACH)
	})
	return dir
}

// Fill writes a file at path until its file system has no space left.
// Removing the file gives the space back.
func Fill(t testing.TB, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := bytes.Repeat([]byte{0xAA}, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	// Fill the last partial chunk's worth too.
	for _, n := range []int{4096, 512, 1} {
		for {
			if _, err := f.Write(chunk[:n]); err != nil {
				break
			}
		}
	}
}
