// Package delegation serves acting for another user: the environment's
// delegation setting and impersonation, which opens a session of the
// impersonated user whose tokens name the actor in their act claim, at login
// and at every refresh. Each impersonation is recorded in the database and
// logged.
package delegation
