// Package api is Hatch's HTTP toolkit: the Router that registers every route
// with the kind of caller it admits (so one middleware enforces it), handlers
// that return errors, the one place that writes Frontegg-shaped error bodies,
// JSON decoding with size limits, paging parameters, CORS, trace ids and
// request metrics. Domain packages build on it; it knows no domain.
package api
