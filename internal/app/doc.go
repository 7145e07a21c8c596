// Package app is Hatch's composition root: it opens the store, prepares the
// environment's credentials and keys, builds every domain handler with its
// dependencies, mounts them on one router, and runs the server with graceful
// shutdown. It is the only package that wires.
package app
