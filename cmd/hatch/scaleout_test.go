package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/loadtest"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// envNode makes this test binary run "hatch serve" instead of the tests, so
// the scale-out test can start real, separate hatch processes without a build
// step: each node is this binary running the same run() as the hatch command,
// configured through the HATCH_* environment.
const envNode = "HATCH_TEST_RUN_NODE"

// envThroughput=1 runs the scale-out test's throughput part, which needs the
// machine to itself.
const envThroughput = "HATCH_TEST_SCALEOUT_THROUGHPUT"

func TestMain(m *testing.M) {
	if os.Getenv(envNode) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, []string{"serve"}, os.Getenv, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "hatch:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestScaleOut starts three hatch processes on loopback against one
// PostgreSQL schema and shows that they act as one server: a refresh token
// spent on one node is spent on all, failed logins counted on different
// nodes lock the user on all, a session ended on one node is refused by all
// within a second, a deleted API token is refused by all, and three nodes of
// one core each serve more logins than one.
func TestScaleOut(t *testing.T) {
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		t.Skip("scale-out runs several nodes on one PostgreSQL: set " + storetest.EnvPostgres +
			" (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	if testing.Short() {
		t.Skip("scale-out starts three server processes; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dbURL := storetest.PostgresSchema(t, base)
	clientID, apiKey := "scaleout-"+secure.RandomString(8), secure.RandomToken(24)
	env := []string{
		"HATCH_ADDR=127.0.0.1:0",
		"HATCH_DATABASE_URL=" + dbURL,
		"HATCH_MASTER_KEY=" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)),
		"HATCH_CLIENT_ID=" + clientID,
		"HATCH_API_KEY=" + apiKey,
		"HATCH_LOG_LEVEL=info",
		"HATCH_LOG_FORMAT=text",
		// All test traffic comes from 127.0.0.1: the per-address limit would
		// answer the throughput runs with 429. The per-identifier limit stays.
		"HATCH_RATE_LIMIT_ADDRESS=0",
		// One core per node, as a deployment gives each node its own: see
		// "throughput grows with nodes".
		"GOMAXPROCS=1",
	}
	nodes := make([]*node, 3)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() { nodes[i] = startNode(t, i+1, env) })
	}
	wg.Wait()
	for _, n := range nodes {
		if n == nil {
			t.FailNow()
		}
	}
	c := make([]*loadtest.Client, len(nodes))
	for i, n := range nodes {
		var err error
		if c[i], err = loadtest.NewClient(n.url, 8, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		defer c[i].Close()
	}
	vendor, err := c[0].VendorToken(ctx, clientID, apiKey)
	if err != nil {
		t.Fatal(err)
	}
	tenantID := "scaleout"
	if err := c[0].CreateTenant(ctx, vendor, tenantID, "Scale-out"); err != nil {
		t.Fatal(err)
	}
	newUser := func(t *testing.T, name string) (email, password string) {
		t.Helper()
		email, password = name+"@example.com", "pw-"+secure.RandomString(16)
		if _, err := c[0].CreateUser(ctx, vendor, tenantID, email, password); err != nil {
			t.Fatal(err)
		}
		return email, password
	}

	t.Run("refresh token spent on one node is spent on all", func(t *testing.T) {
		email, password := newUser(t, "rotation")
		first, err := c[0].Login(ctx, email, password)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c[0].Refresh(ctx, first.Refresh); err != nil {
			t.Fatalf("rotate on node 1: %v", err)
		}
		for i := 1; i < len(c); i++ {
			if _, err := c[i].Refresh(ctx, first.Refresh); !loadtest.IsStatus(err, http.StatusUnauthorized) {
				t.Errorf("node %d accepted the refresh token spent on node 1: err = %v", i+1, err)
			}
		}
	})

	t.Run("lockout counted across nodes locks on all", func(t *testing.T) {
		if err := c[0].SetLockout(ctx, vendor, 3, 3600); err != nil {
			t.Fatal(err)
		}
		email, password := newUser(t, "lockout")
		for i := range c {
			if _, err := c[i].Login(ctx, email, password); err != nil {
				t.Fatalf("node %d before any failure: %v", i+1, err)
			}
		}
		for i := range c { // one failure on each node: three in all
			if _, err := c[i].Login(ctx, email, "wrong-"+password); !loadtest.IsStatus(err, http.StatusUnauthorized) {
				t.Fatalf("wrong password on node %d: err = %v, want 401", i+1, err)
			}
		}
		for i := range c {
			if _, err := c[i].Login(ctx, email, password); !loadtest.IsStatus(err, http.StatusUnauthorized) {
				t.Errorf("node %d let the locked user log in: err = %v", i+1, err)
			}
		}
	})

	t.Run("session ended on one node is refused by all within a second", func(t *testing.T) {
		email, password := newUser(t, "logout")
		toks, err := c[0].Login(ctx, email, password)
		if err != nil {
			t.Fatal(err)
		}
		for i := range c {
			if err := c[i].Me(ctx, toks.Access); err != nil {
				t.Fatalf("node %d before logout: %v", i+1, err)
			}
		}
		if err := c[0].Logout(ctx, toks.Refresh); err != nil {
			t.Fatal(err)
		}
		ended := time.Now()
		for i := range c {
			took, err := refusedWithin(ctx, time.Second, ended, func() error { return c[i].Me(ctx, toks.Access) })
			if err != nil {
				t.Errorf("node %d: %v", i+1, err)
				continue
			}
			t.Logf("node %d refuses the ended session's access token %s after the logout", i+1, took.Round(time.Millisecond))
		}
	})

	// Needs the API-token routes (issue 5); written against the documented
	// shapes and skipped while the server answers 404.
	t.Run("deleted API token is refused by all", func(t *testing.T) {
		tok, err := c[0].CreateAPIToken(ctx, vendor, tenantID, "scale-out")
		if errors.Is(err, loadtest.ErrUnavailable) {
			t.Skip("this build has no API-token routes: " + err.Error())
		}
		if err != nil {
			t.Fatal(err)
		}
		refresh := make([]string, len(c))
		for i := range c {
			toks, err := c[i].APITokenAuth(ctx, tok)
			if errors.Is(err, loadtest.ErrUnavailable) {
				t.Skip("this build has no API-token authentication: " + err.Error())
			}
			if err != nil {
				t.Fatalf("authenticate on node %d: %v", i+1, err)
			}
			refresh[i] = toks.Refresh
		}
		if err := c[0].DeleteAPIToken(ctx, vendor, tenantID, tok.ClientID); err != nil {
			t.Fatal(err)
		}
		deleted := time.Now()
		for i := range c {
			if _, err := refusedWithin(ctx, time.Second, deleted, func() error { _, err := c[i].APITokenAuth(ctx, tok); return err }); err != nil {
				t.Errorf("node %d, authentication: %v", i+1, err)
			}
			if _, err := refusedWithin(ctx, time.Second, deleted, func() error { _, err := c[i].APITokenRefresh(ctx, refresh[i]); return err }); err != nil {
				t.Errorf("node %d, refresh: %v", i+1, err)
			}
		}
	})

	t.Run("throughput grows with nodes", func(t *testing.T) {
		// Each node has one core (GOMAXPROCS=1, as a deployment gives each
		// node its own), and the load is password logins: argon2id keeps a
		// node's core busy and leaves PostgreSQL and the load generator
		// almost idle. One node can then use one core; three spread the
		// logins over every core of the machine. (Refreshes cannot show it
		// on two cores: one node with PostgreSQL and the load generator
		// already keeps both busy.)
		if os.Getenv(envThroughput) != "1" {
			t.Skip("measured alone (" + envThroughput + "=1, as scripts/test.sh does after the other tests): " +
				"alongside other packages' builds and tests, the cores come and go in bursts")
		}
		cores := runtime.NumCPU()
		if cores < 2 {
			t.Skip("one core: more nodes have no more cores to use")
		}
		all := []string{nodes[0].url, nodes[1].url, nodes[2].url}
		measure := func(urls []string, d time.Duration) float64 {
			rep, err := loadtest.Run(ctx, loadtest.Config{URLs: urls, ClientID: clientID, APIKey: apiKey,
				Scenarios: []string{loadtest.ScenarioLogin}, Concurrency: 6, Duration: d})
			if err != nil {
				t.Fatal(err)
			}
			res := rep.Results[0]
			if res.Status != "ok" {
				t.Fatalf("logins on %d nodes: %s %s %v %s", len(urls), res.Status, res.Note, res.ErrorKinds, res.ErrorSample)
			}
			t.Logf("logins on %d node(s): %.1f/s, p50 %.0f ms, p99 %.0f ms", len(urls), res.RPS, res.P50Ms, res.P99Ms)
			return res.RPS
		}
		measure(all, time.Second) // warm-up: every node's database connections and statements
		// Interleaved, so that other load on the machine (other test
		// packages run alongside) weighs on both alike. Three nodes could
		// reach min(3, cores) times one node; ask for a fifth more, and
		// measure a second time before failing: a burst of other load in
		// one window must not decide.
		var one, three float64
		for attempt := range 2 {
			one, three = 0, 0
			for range 2 {
				one += measure(all[:1], 3*time.Second) / 2
				three += measure(all, 3*time.Second) / 2
			}
			if three >= 1.2*one {
				break
			}
			t.Logf("attempt %d: three nodes %.1f/s, one node %.1f/s", attempt+1, three, one)
		}
		if three < 1.2*one {
			t.Errorf("three nodes served %.1f logins/s, one node %.1f/s: want at least a fifth more on %d cores", three, one, cores)
		}
	})
}

// refusedWithin calls call until it answers 401, and returns how long after
// since that was; it fails when it still succeeds limit after since.
func refusedWithin(ctx context.Context, limit time.Duration, since time.Time, call func() error) (time.Duration, error) {
	for {
		err := call()
		if loadtest.IsStatus(err, http.StatusUnauthorized) {
			return time.Since(since), nil
		}
		if err != nil {
			return 0, fmt.Errorf("want 401, got %v", err)
		}
		if time.Since(since) > limit {
			return 0, fmt.Errorf("still accepted %s after it was ended", time.Since(since).Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// node is a hatch process started by the test.
type node struct {
	url string
	log *lockedBuffer
}

var servingAddr = regexp.MustCompile(`msg=serving addr=(\S+)`)

// startNode runs this test binary as "hatch serve" with env (on top of the
// environment without its HATCH_ variables), waits until it says where it
// listens, and stops it with SIGTERM when the test ends. It returns nil after
// reporting an error when the node does not come up.
func startNode(t *testing.T, n int, env []string) *node {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HATCH_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, append(env, envNode+"=1")...)
	logs := &lockedBuffer{}
	cmd.Stdout = logs
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Error(err)
		return nil
	}
	if err := cmd.Start(); err != nil {
		t.Error(err)
		return nil
	}
	exited := make(chan struct{})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			logs.Write([]byte(line + "\n"))
			if m := servingAddr.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stderr)
		cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("node %d log:\n%s", n, logs.String())
		}
	})
	select {
	case a := <-addr:
		return &node{url: "http://" + a, log: logs}
	case <-exited:
		t.Errorf("node %d exited before serving:\n%s", n, logs.String())
	case <-time.After(30 * time.Second):
		t.Errorf("node %d did not start serving within 30 s:\n%s", n, logs.String())
	}
	return nil
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
