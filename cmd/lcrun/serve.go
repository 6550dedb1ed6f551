package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lcrun/lcrun/internal/serving"
	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/prefixcache"
)

func init() {
	register(command{
		name:    "serve",
		summary: "answer OpenAI- and ollama-compatible HTTP requests (chat, completions) over the model",
		help: commandHelp{
			synopsis: []string{"lcrun serve [-m MODEL] [--host 127.0.0.1] [--port 8080] [--parallel N] [--ctx N]",
				"            [--cache DIR] [--api-key KEY] [flags]"},
			about: `Serves the model over HTTP with the APIs editors, agents and scripts speak:
OpenAI's POST /v1/chat/completions and /v1/completions (plain, or streamed as
server-sent events with "stream": true), GET /v1/models, and ollama's POST
/api/chat and /api/generate (newline-delimited JSON, streamed unless "stream":
false), GET /api/tags and /api/version; GET /health says it is up.

Conversations go through the model's chat template (else the built-in one its
architecture implies). A request whose prompt starts with tokens an earlier
one evaluated resumes from that state: kept in the sessions, in memory up to
--cache-ram, and on disk with --cache, so a long document asked about many
times is evaluated once. --parallel sessions answer at once; up to --queue
more requests wait, and past that get 429.

It listens on 127.0.0.1 unless --host says otherwise; with --api-key every
request but /health needs "Authorization: Bearer KEY". SIGINT or SIGTERM stops
it: no new connections, requests in flight get --grace to finish, then are
cancelled; exit status 0.`,
			groups: []flagGroup{
				{"Server", []string{"m", "host", "port", "api-key", "parallel", "queue", "max-body", "grace", "quiet"}},
				{"Context, memory and cache", []string{"ctx", "cache-ram", "cache", "cache-max"}},
				{"Sampling (where a request gives none)", []string{"temp", "top-k", "top-p", "min-p", "repeat-penalty", "repeat-last-n", "seed"}},
				evalGroup, ropeGroup,
			},
			examples: []string{
				"lcrun serve --port 8080",
				"lcrun serve -m model.gguf --ctx 32K --parallel 2 --cache ~/.cache/lcrun --api-key secret",
				"lcrun serve -m model.gguf --host 0.0.0.0 --port 11434",
			},
		},
		run: runServe,
	})
}

// serveConfig is the serve command's command line.
type serveConfig struct {
	model    string
	host     string
	port     int
	apiKey   string
	parallel int
	queue    int
	ctx      int
	maxBody  int64
	cacheRAM int64
	cacheDir string
	cacheMax int64
	grace    time.Duration
	quiet    bool
	session  sessionFlags
	// sampler is a request's settings where it gives none (seed: -1 =
	// a random one per request).
	sampler model.SamplerOptions
	seed    int64
}

func parseServe(args []string, stderr io.Writer) (*serveConfig, error) {
	c := &serveConfig{}
	fs := newFlagSet("serve", stderr)
	fs.StringVar(&c.model, "m", "", "model file (default: $LCRUN_MODEL, else the embedded model)")
	alias(fs, "m", "model")
	fs.StringVar(&c.host, "host", "127.0.0.1", "address to listen on, a `HOST` name or IP (0.0.0.0 = every interface)")
	fs.IntVar(&c.port, "port", 8080, "TCP `PORT` to listen on (0 = any free one, printed)")
	fs.StringVar(&c.apiKey, "api-key", "", "require \"Authorization: Bearer `KEY`\" on every request but /health")
	c.parallel = 1
	fs.Var(countFlag{&c.parallel}, "parallel", "requests answered at once, a session each")
	alias(fs, "parallel", "np")
	c.queue = serving.DefaultQueue
	fs.Var(countFlag{&c.queue}, "queue", "requests that may wait for a session; more get 429")
	fs.Var(countFlag{&c.ctx}, "ctx", "tokens of prompt plus answer per session, e.g. 4096, 32K (default: the model's, at most 4096)")
	alias(fs, "ctx", "c", "ctx-size")
	c.maxBody = 16 << 20
	fs.Var(byteFlag{&c.maxBody}, "max-body", "largest request body; larger ones get 413")
	c.cacheRAM = 1 << 30
	fs.Var(byteFlag{&c.cacheRAM}, "cache-ram", "memory for states of evaluated prompts (0 = none kept)")
	fs.StringVar(&c.cacheDir, "cache", "", "directory of saved states: prompts evaluated once are resumed, also after a restart")
	c.cacheMax = 8 << 30
	fs.Var(byteFlag{&c.cacheMax}, "cache-max", "bound on the --cache directory's size, least recently used states go first")
	fs.DurationVar(&c.grace, "grace", 10*time.Second, "on SIGINT/SIGTERM, how long requests in flight may take to finish")
	fs.BoolVar(&c.quiet, "quiet", false, "no notes or request log on stderr")
	c.session.register(fs, "f16")
	sampling := registerSampler(fs, &c.sampler, &c.seed)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	notes := stderr
	if c.quiet {
		notes = io.Discard
	}
	if err := c.session.parsed(fs, notes); err != nil {
		return nil, err
	}
	switch {
	case len(pos) > 0:
		return nil, usageError(fs, fmt.Errorf("serve takes no arguments (got %q); the model is -m", strings.Join(pos, " ")))
	case c.port < 0 || c.port > 65535:
		return nil, usageError(fs, fmt.Errorf("--port %d: want 0..65535", c.port))
	case c.parallel <= 0:
		return nil, usageError(fs, fmt.Errorf("--parallel %d: want at least 1", c.parallel))
	case c.maxBody <= 0:
		return nil, usageError(fs, fmt.Errorf("--max-body must be positive"))
	case c.grace < 0:
		return nil, usageError(fs, fmt.Errorf("--grace %s: want a duration of 0 or more", c.grace))
	case c.session.given["ctx"] && c.ctx <= 0:
		return nil, usageError(fs, fmt.Errorf("--ctx %d: want a positive number of tokens (e.g. 4096, 32K)", c.ctx))
	}
	if err := sampling.check(); err != nil {
		return nil, usageError(fs, err)
	}
	return c, nil
}

func runServe(args []string, stdout, stderr io.Writer) error {
	c, err := parseServe(args, stderr)
	if err != nil {
		return err
	}
	notes := stderr
	if c.quiet {
		notes = io.Discard
	}
	m, _, err := loadTokenized(c.model, notes)
	if err != nil {
		return err
	}
	defer m.Close()
	srv, err := newServer(c, m, servedName(c.model), notes)
	if err != nil {
		return err
	}
	defer srv.close()
	ln, err := net.Listen("tcp", net.JoinHostPort(c.host, strconv.Itoa(c.port)))
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(notes, "lcrun serve: %s on http://%s (%d session%s of %d tokens; OpenAI /v1, ollama /api)\n",
		srv.name, ln.Addr(), c.parallel, plural(c.parallel), srv.engine.Ctx())
	return srv.serve(ctx, ln)
}

// servedName is the model's name in the APIs: the file's name without
// .gguf, or the embedded model's.
func servedName(path string) string {
	if path == "" {
		path = os.Getenv("LCRUN_MODEL")
	}
	if path == "" {
		return "stories260K"
	}
	return strings.TrimSuffix(filepath.Base(path), ".gguf")
}

// server is lcrun serve's state: the engine, the chat template and the
// HTTP server over them.
type server struct {
	c      *serveConfig
	m      *model.Model
	name   string
	path   string // the file (for /api/tags' size); "" for the embedded model
	engine *serving.Engine
	chat   *model.ChatTemplate
	log    io.Writer
	start  time.Time

	// base is the context of every request: cancelled when the grace
	// period of a shutdown is over.
	base   context.Context
	cancel context.CancelFunc
	http   *http.Server
}

// Timeouts of the connections (a request's generation itself is bounded
// by the context, and each write it makes by writeTimeout).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
)

func newServer(c *serveConfig, m *model.Model, name string, notes io.Writer) (*server, error) {
	ctx := c.ctx
	if ctx == 0 {
		ctx = model.DefaultCtx
		if n := m.ContextLength(); n > 0 {
			ctx = min(n, ctx)
		}
	}
	so, err := c.session.options(m, ctx, notes)
	if err != nil {
		return nil, err
	}
	o := serving.Options{Parallel: c.parallel, Queue: c.queue, Session: so, MemoryBytes: c.cacheRAM,
		Warn: func(s string) { fmt.Fprintf(notes, "lcrun serve: warning: %s\n", oneLine(s)) }}
	if c.queue == 0 {
		o.Queue = -1
	}
	if c.cacheDir != "" {
		if o.Fingerprint, err = fingerprint(m, &c.session); err != nil {
			return nil, err
		}
		if o.Cache, err = prefixcache.Open(c.cacheDir, c.cacheMax, o.Warn); err != nil {
			return nil, err
		}
	}
	chat, err := serving.ChatTemplate(m)
	if err != nil {
		return nil, err
	}
	e, err := serving.New(m, o)
	if err != nil {
		return nil, err
	}
	s := &server{c: c, m: m, name: name, engine: e, chat: chat, log: notes, start: time.Now()}
	if c.model != "" {
		s.path = c.model
	}
	s.base, s.cancel = context.WithCancel(context.Background())
	s.http = &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return s.base },
	}
	return s, nil
}

// serve answers on ln until ctx is done, then shuts down: no new
// connections, the requests in flight get the grace period, then their
// contexts are cancelled.
func (s *server) serve(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintf(s.log, "lcrun serve: stopping (requests in flight get %s)\n", s.c.grace)
	grace, done := context.WithTimeout(context.Background(), s.c.grace)
	defer done()
	if err := s.http.Shutdown(grace); err != nil {
		// Past the grace period: cancel what still runs, and wait for
		// the handlers to see it.
		s.cancel()
		wait, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		if err := s.http.Shutdown(wait); err != nil {
			s.http.Close()
		}
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// close frees the sessions once no request uses them.
func (s *server) close() {
	s.cancel()
	s.engine.Close()
}
