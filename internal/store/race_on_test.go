//go:build race

package store_test

// raceBuild: the race detector slows the pure-Go SQLite driver about
// tenfold, so the longest tests run at a smaller size under it.
const raceBuild = true
