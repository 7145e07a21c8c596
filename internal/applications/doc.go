// Package applications serves the vendor's applications (the applications
// service: create, list, update, delete, assign to accounts), the
// assignment of users to applications per account, each user's active
// account per application, and the login rule they imply: a login that
// names an application (frontegg-requested-application-id) must be one the
// user may use — in an account the application is assigned to (when it is
// assigned at all), and, when access there is managed, by a user assigned
// to it.
package applications
