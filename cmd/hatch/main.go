// Command hatch is a self-hosted identity server that speaks the Frontegg
// Identity API. Run "hatch --help" for the subcommands and settings.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/hatchid/hatch/internal/app"
	"github.com/hatchid/hatch/internal/config"
	"github.com/hatchid/hatch/internal/loadtest"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "hatch:", err)
		}
		os.Exit(1)
	}
}

const usage = `hatch — an identity server that speaks the Frontegg Identity API

Usage:
  hatch serve [flags]     run the server
  hatch migrate [flags]   apply database migrations and exit
  hatch import FILE [flags]
                          migrate the users of a JSON-lines or CSV file (.csv), in
                          the row format of the bulk migration API
  hatch routes            print every route, one "METHOD /path" a line
  hatch loadtest [flags]  drive a running Hatch and report its speed (hatch loadtest --help)
  hatch version           print the version

Flags (each also read from the environment variable shown):
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		for _, s := range config.Settings {
			def := s.Default
			if def == "" {
				def = "unset"
			}
			fmt.Fprintf(stdout, "  --%-18s %-24s %s (default %s)\n", s.Flag, s.Env, s.Usage, def)
		}
		if len(args) == 0 {
			return flag.ErrHelp
		}
		return nil
	}
	switch args[0] {
	case "version":
		fmt.Fprintln(stdout, "hatch", version)
		return nil
	case "routes":
		for _, r := range app.Routes() {
			fmt.Fprintln(stdout, r)
		}
		return nil
	case "loadtest":
		return loadtest.Main(ctx, args[1:], getenv, stdout, stderr)
	case "serve", "migrate":
	case "import":
		if len(args) < 2 || strings.HasPrefix(args[1], "-") {
			return errors.New("usage: hatch import FILE [flags]")
		}
	default:
		return fmt.Errorf("unknown command %q (try hatch --help)", args[0])
	}
	flags := args[1:]
	if args[0] == "import" {
		flags = args[2:]
	}
	cfg, err := config.Load(flags, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	a, err := app.New(ctx, cfg, app.Options{Log: log, Stdout: stdout})
	if err != nil {
		return err
	}
	defer a.Close()
	switch args[0] {
	case "migrate":
		log.Info("migrations applied")
		return nil
	case "import":
		return a.Import(ctx, args[1], stdout)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if cfg.DebugAddr != "" {
		dln, err := net.Listen("tcp", cfg.DebugAddr)
		if err != nil {
			return fmt.Errorf("--debug-addr: %w", err)
		}
		defer dln.Close()
		log.Info("serving profiles", "addr", dln.Addr().String(), "path", "/debug/pprof/")
		go func() { _ = http.Serve(dln, debugHandler()) }() // ends when dln closes
	}
	log.Info("serving", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "database", redact(cfg.DatabaseURL), "client_id", a.ClientID)
	return a.Serve(ctx, ln)
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// redact hides a password in a database URL.
func redact(u string) string {
	at := strings.LastIndex(u, "@")
	scheme := strings.Index(u, "://")
	if at < 0 || scheme < 0 {
		return u
	}
	userinfo := u[scheme+3 : at]
	if name, _, ok := strings.Cut(userinfo, ":"); ok {
		return u[:scheme+3] + name + ":***" + u[at:]
	}
	return u
}

// debugHandler serves Go's runtime profiles, for the --debug-addr listener
// only: profiles reveal memory contents' shapes and timings, so they never
// share the public listener.
func debugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
