package iam

import (
	"errors"
	"fmt"
)

// Kind classifies an error so that one place (the api package) can map it to
// an HTTP status. Errors without a Kind are internal: they are logged and the
// caller sees a generic message.
type Kind int

const (
	KindInternal     Kind = iota
	KindInvalid           // 400: bad input; the message names the field
	KindUnauthorized      // 401: no credentials, or credentials that do not check out
	KindForbidden         // 403: authenticated but not allowed
	KindNotFound          // 404
	KindConflict          // 409: the change collides with existing data
	KindTooLarge          // 413
	KindRateLimited       // 429
)

// Error is an error a caller may see. Message is shown as is, so it must be
// deliberate: identical wherever a difference would reveal whether an account exists.
type Error struct {
	Kind    Kind
	Message string
	Code    string // Frontegg errorCode (ER-…), optional
	Err     error  // the cause, logged, never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error of the given kind with a formatted message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Invalid reports bad input.
func Invalid(format string, args ...any) *Error { return Errorf(KindInvalid, format, args...) }

// NotFound reports a missing resource.
func NotFound(format string, args ...any) *Error { return Errorf(KindNotFound, format, args...) }

// Conflict reports a collision with existing data.
func Conflict(format string, args ...any) *Error { return Errorf(KindConflict, format, args...) }

// Forbidden reports a caller that may not do this.
func Forbidden(format string, args ...any) *Error { return Errorf(KindForbidden, format, args...) }

// Unauthorized reports missing or bad credentials.
func Unauthorized(format string, args ...any) *Error {
	return Errorf(KindUnauthorized, format, args...)
}

// ErrNotFound is returned by store lookups that find nothing. Handlers turn it
// into a NotFound *Error with a message fit for their resource.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned by store writes that violate a uniqueness rule.
var ErrConflict = errors.New("conflict")

// KindOf returns the Kind of err, KindNotFound for ErrNotFound, KindConflict
// for ErrConflict and KindInternal for anything else.
func KindOf(err error) Kind {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Kind
	case errors.Is(err, ErrNotFound):
		return KindNotFound
	case errors.Is(err, ErrConflict):
		return KindConflict
	}
	return KindInternal
}
