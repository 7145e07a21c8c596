package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// ErrorBody is the Frontegg error shape: clients read errors (joined with ", "),
// errorCode and message.
type ErrorBody struct {
	StatusCode int      `json:"statusCode"`
	Errors     []string `json:"errors"`
	ErrorCode  string   `json:"errorCode,omitempty"`
	Message    string   `json:"message"`
}

var statusOf = map[iam.Kind]int{
	iam.KindInvalid:      http.StatusBadRequest,
	iam.KindUnauthorized: http.StatusUnauthorized,
	iam.KindForbidden:    http.StatusForbidden,
	iam.KindNotFound:     http.StatusNotFound,
	iam.KindConflict:     http.StatusConflict,
	iam.KindTooLarge:     http.StatusRequestEntityTooLarge,
	iam.KindRateLimited:  http.StatusTooManyRequests,
}

// RetryAfter may be wrapped around a rate-limit error to set the Retry-After
// header and, when Reset is set, X-Rate-Limit-Reset (RFC 3339), which
// Frontegg's Terraform provider reads to back off.
type RetryAfter struct {
	Seconds int
	Reset   time.Time
	Err     error
}

func (e *RetryAfter) Error() string { return e.Err.Error() }
func (e *RetryAfter) Unwrap() error { return e.Err }

// WriteError writes err as a Frontegg error body. Errors of kind Internal are
// logged with their cause and answered with a generic 500.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	kind := iam.KindOf(err)
	status, ok := statusOf[kind]
	msg := "Internal server error"
	code := ""
	var e *iam.Error
	switch {
	case !ok:
		status = http.StatusInternalServerError
		log.ErrorContext(r.Context(), "request failed", "trace_id", TraceID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
	case errors.As(err, &e):
		msg, code = e.Message, e.Code
		if e.Err != nil {
			log.DebugContext(r.Context(), "request refused", "trace_id", TraceID(r.Context()), "status", status, "err", err)
		}
	default: // a store sentinel that reached the handler's caller unwrapped
		msg = http.StatusText(status)
	}
	retryHeaders(w, err)
	JSON(w, status, ErrorBody{StatusCode: status, Errors: []string{msg}, ErrorCode: code, Message: msg})
}

// retryHeaders sets Retry-After and X-Rate-Limit-Reset from a *RetryAfter in err.
func retryHeaders(w http.ResponseWriter, err error) {
	var ra *RetryAfter
	if errors.As(err, &ra) && ra.Seconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(ra.Seconds))
	}
	if ra != nil && !ra.Reset.IsZero() {
		w.Header().Set("X-Rate-Limit-Reset", ra.Reset.UTC().Format(time.RFC3339))
	}
}
