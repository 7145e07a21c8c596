// Package applications serves the vendor's applications (the applications
// service: create, list, update, delete, assign to accounts), their
// credentials and application clients, the assignment of users to
// applications per account, each user's active account per application,
// and the access rule they imply: a user may use an application in an
// account the application is assigned to (when it is assigned at all), and,
// when access there is managed, only if assigned to it. Logins that name an
// application (frontegg-requested-application-id) are checked against it.
//
// The applications are also the hosted login's registered OAuth clients:
// the package gives package oauth each one's client id, secret and exact
// redirect and logout URIs, and the access rule (oauth_clients.go).
package applications
