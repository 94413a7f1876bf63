package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/config"
	"github.com/probity/probity/internal/web"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("serve", stderr)
	f := config.Register(fs, getenv)
	f.RegisterServe(fs, "127.0.0.1:8080")
	c, err := configFrom(fs, f, args)
	if err != nil {
		return err
	}
	log := newLogger(stderr, c.LogLevel, c.LogFormat)
	db, err := openAudited(ctx, c, log, true)
	if err != nil {
		return err
	}
	defer db.Close()
	deps := web.Deps{DB: db, Logger: log, Clock: time.Now,
		Sessions: access.SessionPolicy{Idle: c.IdleTimeout, Absolute: c.AbsoluteTimeout}, RequireMFA: true,
		ComplaintsPerMinute: c.Tuning.ComplaintRate, SecureCookies: c.SecureCookies, TrustedProxies: c.TrustedProxies}
	if c.OIDC() {
		// Discovery at start: a wrong issuer stops serve here, naming the
		// setting, rather than failing every single sign-on later.
		if deps.OIDC, err = web.NewOIDC(ctx, c.OIDCIssuer, c.OIDCClientID, c.OIDCClientSecret, c.OIDCRedirectURL); err != nil {
			return usageErr("--oidc-issuer: %v", err)
		}
	}
	return serve(ctx, c.Addr, deps, func(url string) {
		fmt.Fprintf(stdout, "Probity is running at %s\n", url)
	})
}

// serve listens on addr and serves until ctx ends, then drains requests.
func serve(ctx context.Context, addr string, deps web.Deps, announce func(url string)) error {
	log := deps.Logger
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return usageErr("--addr: %v", err)
	}
	handler := web.New(deps)
	// Anonymous speak-up reporters' audit entries join the log in daily
	// batches (internal/store/speakup.go); ten minutes is often enough
	// that a day's batch lands early in the next day.
	go handler.RunSpeakUpBatches(ctx, 10*time.Minute)
	// The portal's figures are kept for the day; an hourly look finds the
	// day turned soon after midnight.
	go handler.RunPublicFigures(ctx, time.Hour)
	// How far each read replica has replayed decides which reads it may
	// serve; a quarter of a second keeps a writer's reads off the replicas
	// only briefly.
	go deps.DB.MonitorReplicas(ctx, 250*time.Millisecond)
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	announce("http://" + ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
