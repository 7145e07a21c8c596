package migration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// statusError is an answer outside 2xx from a remote system.
type statusError struct {
	URL    string
	Status int
	Body   string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s answered %d: %s", e.URL, e.Status, e.Body)
}

// maxRemoteBody caps what Hatch reads from a remote system's answer.
const maxRemoteBody = 8 << 20

// postJSON posts body as JSON (or, for url.Values, as a form) with headers and
// decodes a 2xx answer into out (which may be nil).
func postJSON(ctx context.Context, c *http.Client, target string, headers map[string]string, body, out any) error {
	var rd io.Reader
	contentType := "application/json"
	if form, ok := body.(url.Values); ok {
		rd, contentType = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	} else {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return do(c, req, out)
}

// getJSON gets target with a bearer token (when not empty) and decodes a 2xx answer into out.
func getJSON(ctx context.Context, c *http.Client, target, bearer string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return do(c, req, out)
}

func do(c *http.Client, req *http.Request, out any) error {
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxRemoteBody))
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &statusError{URL: req.URL.Redacted(), Status: resp.StatusCode, Body: truncate(string(raw), 200)}
	}
	if out == nil || len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s: answer is not the JSON expected: %w", req.URL.Redacted(), err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
