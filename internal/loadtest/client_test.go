package loadtest_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/loadtest"
)

// The client's own HTTP/1.1: keep-alive, chunked and sized answers, status
// errors with the body, and a request sent again when the server closed the
// idle connection it went out on.
func TestClientSpeaksHTTP(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/sized":
			w.Header().Set("Content-Length", "13")
			w.Write([]byte(`{"token":"a"}`))
		case "/chunked":
			w.Write([]byte(`{"token":`))
			w.(http.Flusher).Flush()
			w.Write([]byte(`"b"}`))
		default:
			http.Error(w, `{"errors":["nope"]}`, http.StatusTeapot)
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := loadtest.NewClient(srv.URL, 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	var out struct{ Token string }
	if err := c.Call(ctx, "GET", "/chunked", nil, &out, 200); err != nil || out.Token != "b" {
		t.Fatalf("chunked: %+v, %v", out, err)
	}
	if err := c.Call(ctx, "POST", "/sized", map[string]string{"a": "b"}, &out, 200); err != nil || out.Token != "a" {
		t.Fatalf("sized: %v", err)
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections for two calls, want one kept alive", n)
	}
	err = c.Call(ctx, "GET", "/other", nil, nil, 200)
	if !loadtest.IsStatus(err, http.StatusTeapot) {
		t.Fatalf("other: %v, want a 418 StatusError", err)
	}
	srv.CloseClientConnections() // the idle connection the client keeps
	if err := c.Call(ctx, "GET", "/chunked", nil, &out, 200); err != nil {
		t.Fatalf("after the server closed the idle connection: %v", err)
	}
}
