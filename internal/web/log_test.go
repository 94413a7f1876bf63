package web_test

import (
	"io"
	"log/slog"
)

// newTestLogger writes every level as JSON, so that tests can search all
// the log lines the server produced.
func newTestLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
